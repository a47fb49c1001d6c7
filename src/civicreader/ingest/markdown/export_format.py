"""Our Markdown export format, both directions: a post written as a file, and that file read back.

The file is YAML front matter (every field of the post, written by PyYAML so any title
survives), a heading, the body paragraphs, a Comments section where each comment is a
list item indented under its parent, and the reader's notes, if any: as data in the front matter
(`notes:`, what a read-back restores) and as a Notes section at the end for people (each note under a
quotation of its passage), which a read-back skips, so a note never becomes part of the post.
Markdown-special characters in the text are backslash-escaped so a viewer shows the words as
written; `unescape` undoes exactly this escaping, so `civicreader parse FILE.md` gives back the same post, id included.

It lives in ingest because reading it needs ingest's front matter and `Source`; `export` (after
the index in the data flow) may import ingest, while ingest may import nothing after it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from civicreader.ingest import Source
from civicreader.ingest.markdown.front_matter import (
    as_date,
    flatten,
    parse_front_matter,
    parse_when,
    scalar_text,
    split_front_matter,
)
from civicreader.ingest.shared import permalink
from civicreader.model import Comment, Post, post_id

EXPORT_FORMAT_KEY = "civicreader_export"
EXPORT_FORMAT_VERSION = 1
COMMENTS_HEADING = "## Comments"
NOTES_HEADING = "## Notes"
"""Always the last section; a body paragraph that reads "## Notes" is written escaped, so it cannot be this."""
NOTES_KEY = "notes"
NO_NAME = "*(no name)*"
AUTHOR_DATE_SEPARATOR = " · "
YEAR_INFERRED = " (year inferred)"
"""After a comment's date whose year the page did not give."""
AS_WRITTEN = " (as the page said)"
"""After a comment's time the page gave only in words no day can be read from ("3 weeks ago")."""
INDENT = "  "


_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: str) -> str:
    """A backslash before ASCII punctuation stands for that character (CommonMark escapes)."""
    return _UNESCAPE.sub(r"\1", text)


class NoteLike(Protocol):
    """A note as the export needs it (civicreader.memory.Note is one): where, what, and when it was written."""

    paragraph: int | None
    comment: int | None
    text: str
    created: float


@dataclass(frozen=True)
class ExportedNote:
    """A note read back from an export's front matter: on paragraph or comment N (from 1, as `show` numbers them)."""

    paragraph: int | None
    comment: int | None
    text: str
    created: float
    """Seconds since the epoch, as the memory keeps it."""


# ---------------------------------------------------------------------------------------------
# Writing


# Characters that start Markdown syntax wherever they stand. `\` itself is handled apart.
_ALWAYS_SPECIAL = set("`*[]|~")
_ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY_AFTER_AMPERSAND = re.compile(r"#?[A-Za-z0-9]+;")
_TAG_AFTER_LT = re.compile(r"[A-Za-z/!?]")
# What makes a line a heading, quote, list item, thematic break or setext underline.
_BLOCK_START = re.compile(r"[ \t]*(?:(?P<mark>[#>=]|[+-](?=[ \t]|$)|-(?=-))|[0-9]{1,9}(?P<dot>[.)])(?=[ \t]|$))")


def escape_inline(text: str) -> str:
    """Backslash-escape what Markdown would act on inside a line, and nothing more.

    Escapes are added only before ASCII punctuation, so `unescape` (a backslash before ASCII
    punctuation stands for that character) reverses it exactly.
    """
    out: list[str] = []
    length = len(text)
    for position, char in enumerate(text):
        following = text[position + 1] if position + 1 < length else ""
        if char == "\\":
            # A backslash before punctuation or at the end of a line would act; elsewhere it is literal.
            needs = following in _ASCII_PUNCTUATION or following in ("", "\n")
        elif char in _ALWAYS_SPECIAL:
            needs = True
        elif char == "_":
            previous = text[position - 1] if position else ""
            needs = not (previous.isalnum() and following.isalnum())
        elif char == "&":
            needs = bool(_ENTITY_AFTER_AMPERSAND.match(text, position + 1))
        elif char == "<":
            needs = bool(_TAG_AFTER_LT.match(text, position + 1))
        else:
            needs = False
        out.append("\\" + char if needs else char)
    return "".join(out)


def escape_line_start(line: str) -> str:
    """Escape what would turn an (already inline-escaped) line into a block: `#`, `>`, `-`, `1.`..."""
    match = _BLOCK_START.match(line)
    if not match:
        return line
    at = match.start("mark") if match.group("mark") else match.start("dot")
    return line[:at] + "\\" + line[at:]


def escape_paragraph(paragraph: str) -> list[str]:
    """A paragraph as escaped Markdown lines (a line break inside it stays a line break)."""
    return [escape_line_start(line) for line in escape_inline(paragraph).split("\n")]


def format_comment_date(when: datetime) -> str:
    """Minutes when that is all there is (the usual case), seconds and offset only when present."""
    timespec = "minutes" if not when.second and not when.microsecond else "auto"
    return when.isoformat(sep=" ", timespec=timespec)


def comment_header(comment: Comment) -> str:
    author = " ".join(comment.author.split("\n"))
    who = f"**{escape_inline(author)}**" if author else NO_NAME
    if comment.date is None:
        words = " ".join(comment.date_text.split())
        return f"{who}{AUTHOR_DATE_SEPARATOR}{escape_inline(words)}{AS_WRITTEN}" if words else who
    inferred = YEAR_INFERRED if comment.date_inferred else ""
    return f"{who}{AUTHOR_DATE_SEPARATOR}{format_comment_date(comment.date)}{inferred}"


def front_matter(post: Post, notes: Sequence[NoteLike] = ()) -> str:
    import yaml

    fields = {
        "title": post.title,
        "date": post.date,
        "date_inferred": post.date_inferred,
        "date_note": post.date_note,
        "authors": list(post.authors),
        "blog": post.blog,
        "categories": list(post.categories),
        "tags": list(post.tags),
        "sources": list(post.sources),
        "excerpt": post.excerpt,
        "id": post.id,
        **({"url": post.url} if post.url else {}),
        **({NOTES_KEY: [_note_fields(note) for note in notes]} if notes else {}),
        EXPORT_FORMAT_KEY: EXPORT_FORMAT_VERSION,
    }
    return yaml.dump(fields, Dumper=_front_matter_dumper(), allow_unicode=True, sort_keys=False, width=100)


def _note_fields(note: NoteLike) -> dict[str, Any]:
    place = {"paragraph": note.paragraph} if note.paragraph is not None else {"comment": note.comment}
    created = datetime.fromtimestamp(note.created, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return {**place, "text": note.text, "created": created}


_LINE_BREAKS_YAML_FOLDS = ("\x85", "\u2028", "\u2029")


def _front_matter_dumper():
    """PyYAML's safe dumper, but strings holding NEL/LS/PS go double-quoted (escaped), or YAML folds them."""
    import yaml

    class FrontMatterDumper(yaml.SafeDumper):
        pass

    def represent_text(dumper, text: str):
        style = '"' if any(mark in text for mark in _LINE_BREAKS_YAML_FOLDS) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)

    FrontMatterDumper.add_representer(str, represent_text)
    return FrontMatterDumper


def render_markdown(post: Post, notes: Sequence[NoteLike] = ()) -> str:
    """The whole exported file as text, with the reader's `notes` on the post, if any."""
    from civicreader.textsafe import one_line

    lines = ["---", *front_matter(post, notes).rstrip("\n").split("\n"), "---", ""]
    lines.append("# " + (escape_line_start(escape_inline(one_line(post.title))) or "(untitled)"))
    for paragraph in post.body:
        lines.append("")
        lines.extend(escape_paragraph(paragraph))
    if post.comments:
        lines.extend(["", COMMENTS_HEADING])
        for depth, comment in post.walk_comments():
            marker_indent = INDENT * depth
            text_indent = INDENT * (depth + 1)
            lines.extend(["", f"{marker_indent}- {comment_header(comment)}"])
            for paragraph in comment.body:
                lines.append("")
                lines.extend(text_indent + line for line in escape_paragraph(paragraph))
    if notes:
        lines.extend(["", NOTES_HEADING])
        for note in notes:
            lines.extend(_note_section(post, note))
    return "\n".join(lines) + "\n"


def _note_section(post: Post, note: NoteLike) -> list[str]:
    """One note for people: where it is, a quotation of its passage, then the note (controls gone, escaped)."""
    from civicreader.textsafe import strip_controls

    if note.paragraph is not None:
        where = f"On paragraph {note.paragraph}"
        passage: tuple[str, ...] = post.body[note.paragraph - 1 : note.paragraph] if note.paragraph > 0 else ()
    else:
        comments = [comment for _depth, comment in post.walk_comments()]
        found = comments[note.comment - 1] if 0 < note.comment <= len(comments) else None
        author = " ".join((found.author if found else "").split())
        where = f"On comment {note.comment}" + (f", by {escape_inline(author)}" if author else "")
        passage = found.body if found else ()
    lines = ["", f"### {where}", ""]
    for number, paragraph in enumerate(passage):
        if number:
            lines.append(">")
        lines.extend("> " + line if line else ">" for line in escape_paragraph(strip_controls(paragraph)))
    for paragraph in strip_controls(note.text).strip().split("\n\n"):
        lines.append("")
        lines.extend(escape_paragraph(paragraph.strip("\n")))
    return lines


# ---------------------------------------------------------------------------------------------
# Reading back


def read_own_export(source: Source) -> Post | None:
    """Our export, taken as the UTF-8 we wrote: no encoding guesses or repairs that could change a word."""
    try:
        text = source.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if f"\n{EXPORT_FORMAT_KEY}: " not in text:
        return None
    split = split_front_matter(text.replace("\r\n", "\n"))
    if split is None or split[0] != "yaml":
        return None
    meta, _ = parse_front_matter("yaml", split[1])
    if EXPORT_FORMAT_KEY not in meta:
        return None
    return read_export(meta, split[2], source)


def exported_notes(source: Source) -> tuple[ExportedNote, ...]:
    """The reader's notes an export of ours carries in its front matter (none for any other file).

    Read apart from the post: the index never holds notes, and ingest never writes the reader's memory; the
    step that restores them (`civicreader notes --restore`) puts them back into the memory.
    """
    try:
        text = source.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ()
    if f"\n{EXPORT_FORMAT_KEY}: " not in text or f"\n{NOTES_KEY}:" not in text:
        return ()
    split = split_front_matter(text.replace("\r\n", "\n"))
    if split is None or split[0] != "yaml":
        return ()
    meta, _ = parse_front_matter("yaml", split[1])
    if EXPORT_FORMAT_KEY not in meta or not isinstance(meta.get(NOTES_KEY), list):
        return ()
    return tuple(note for item in meta[NOTES_KEY] if (note := _exported_note(item)) is not None)


def _exported_note(item: object) -> ExportedNote | None:
    """One `notes:` entry, or None when it is not one (edited by hand into something else)."""
    if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
        return None
    paragraph, comment = item.get("paragraph"), item.get("comment")
    valid = [isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in (paragraph, comment)]
    if valid.count(True) != 1 or (paragraph is not None and comment is not None):
        return None
    created = item.get("created")
    if isinstance(created, str):
        try:
            created = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            created = None
    if isinstance(created, datetime):
        stamp = (created if created.tzinfo else created.replace(tzinfo=UTC)).timestamp()
    else:
        stamp = 0.0
    return ExportedNote(paragraph, comment, item["text"], stamp)


_HEADER = re.compile(r"^\*\*(?P<author>(?:\\.|[^\\*])*)\*\*(?:" + re.escape(AUTHOR_DATE_SEPARATOR) + r"(?P<date>.*))?$")
_NO_NAME_HEADER = re.compile(r"^" + re.escape(NO_NAME) + r"(?:" + re.escape(AUTHOR_DATE_SEPARATOR) + r"(?P<date>.*))?$")


def read_export(meta: dict[str, Any], body: str, source: Source) -> Post:
    """A file written by `civicreader export`: every field, paragraph and comment as exported."""

    def strings(key: str) -> tuple[str, ...]:
        value = meta.get(key) or ()
        return tuple(scalar_text(item) for item in flatten(value) if scalar_text(item) or item == "")

    when = meta.get("date")
    if isinstance(when, str):
        when = as_date(parse_when(when))
    elif isinstance(when, datetime):
        when = when.date()
    elif not isinstance(when, date):
        when = None
    paragraphs, comments = _read_body(body)
    title = scalar_text(meta.get("title"))
    blog = meta.get("blog")
    blog = source.blog if blog is None else scalar_text(blog)
    post_key = meta.get("id")
    if not isinstance(post_key, str) or not post_key:
        post_key = post_id(blog, title, when.month if when else None, when.day if when else None, paragraphs)
    return Post(
        id=post_key,
        blog=blog,
        title=title,
        date=when,
        body=paragraphs,
        date_inferred=meta.get("date_inferred") is True,
        date_note=scalar_text(meta.get("date_note")),
        authors=strings("authors"),
        categories=strings("categories"),
        tags=strings("tags"),
        excerpt=meta.get("excerpt") is True,
        comments=comments,
        sources=strings("sources") if "sources" in meta else (source.display,),
        url=permalink(scalar_text(meta.get("url"))),
    )


def _read_body(body: str) -> tuple[tuple[str, ...], tuple[Comment, ...]]:
    """The paragraphs and the comment thread below the front matter."""
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    position = 0
    while position < len(lines) and lines[position] == "":
        position += 1
    if position < len(lines) and lines[position].startswith("# "):
        position += 1  # the heading repeats the title, which the front matter holds exactly
    paragraphs: list[str] = []
    while True:
        while position < len(lines) and lines[position] == "":
            position += 1
        if position >= len(lines) or lines[position] in (COMMENTS_HEADING, NOTES_HEADING):
            break
        position = _read_paragraph(lines, position, "", paragraphs)
    comments: tuple[Comment, ...] = ()
    if position < len(lines) and lines[position] == COMMENTS_HEADING:
        comments, position = _read_comments(lines, position + 1, 0)
        # Anything after the thread (a note the user added) stays as text, not lost.
        while position < len(lines):
            while position < len(lines) and lines[position] == "":
                position += 1
            if position >= len(lines) or lines[position] == NOTES_HEADING:
                break
            position = _read_paragraph(lines, position, "", paragraphs)
    # The Notes section repeats the front matter's notes for people: it is not the post's text.
    return tuple(paragraphs), comments


def _read_paragraph(lines: list[str], position: int, indent: str, out: list[str]) -> int:
    """Skip blank lines, then take one paragraph's lines at `indent`; return where it stopped."""
    while position < len(lines) and lines[position] == "":
        position += 1
    collected = []
    while position < len(lines) and lines[position] != "" and lines[position].startswith(indent):
        collected.append(lines[position][len(indent) :])
        position += 1
    if collected:
        out.append(unescape("\n".join(collected)))
    elif position < len(lines) and lines[position] != "":
        # A line that does not belong here (edited by hand): keep its words rather than loop.
        out.append(unescape(lines[position].strip()))
        position += 1
    return position


def _read_comments(lines: list[str], position: int, depth: int) -> tuple[tuple[Comment, ...], int]:
    """The list items at `depth` from `position`, each with its paragraphs and nested replies."""
    marker = INDENT * depth + "- "
    text_indent = INDENT * (depth + 1)
    comments = []
    while True:
        start = position
        while position < len(lines) and lines[position] == "":
            position += 1
        if position >= len(lines) or not lines[position].startswith(marker):
            return tuple(comments), start
        author, when, inferred, words = _parse_header(lines[position][len(marker) :])
        position += 1
        body: list[str] = []
        while True:
            probe = position
            while probe < len(lines) and lines[probe] == "":
                probe += 1
            if probe >= len(lines) or not lines[probe].startswith(text_indent):
                break
            if lines[probe].startswith(text_indent + "- "):
                break
            position = _read_paragraph(lines, probe, text_indent, body)
        replies, position = _read_comments(lines, position, depth + 1)
        comments.append(Comment(author=author, date=when, body=tuple(body), replies=replies, date_inferred=inferred,
                                date_text=words))


def _parse_header(text: str) -> tuple[str, datetime | None, bool, str]:
    """(author, date, whether the date's year was inferred, the page's words for an undated time) from
    an exported comment's first line."""
    match = _HEADER.match(text) or _NO_NAME_HEADER.match(text)
    if not match:
        return unescape(text), None, False, ""
    author = unescape(match.group("author")) if "author" in match.groupdict() else ""
    stamp = (match.group("date") or "").strip()
    if stamp.endswith(AS_WRITTEN.strip()):
        return author, None, False, unescape(stamp[: -len(AS_WRITTEN.strip())].strip())
    inferred = stamp.endswith(YEAR_INFERRED.strip())
    if inferred:
        stamp = stamp[: -len(YEAR_INFERRED.strip())]
    when = None
    if stamp:
        try:
            when = datetime.fromisoformat(stamp.strip())
        except ValueError:
            when = None
    return author, when, inferred and when is not None, ""
