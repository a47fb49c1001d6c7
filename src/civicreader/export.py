"""Export one post as a Markdown file that a researcher can cite, annotate, and read back.

The file is YAML front matter (every field of the post, written by PyYAML so any title
survives), a heading, the body paragraphs, and a Comments section where each comment is a
list item indented under its parent. Markdown-special characters in the text are
backslash-escaped so a viewer shows the words as written; `ingest.markdown` undoes exactly
this escaping, so `civicreader parse FILE.md` gives back the same post.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime
from pathlib import Path

from civicreader.ingest.markdown import (
    AUTHOR_DATE_SEPARATOR,
    COMMENTS_HEADING,
    EXPORT_FORMAT_KEY,
    INDENT,
    NO_NAME,
    YEAR_INFERRED,
)
from civicreader.model import Comment, Post

EXPORT_FORMAT_VERSION = 1
MAX_SLUG_LENGTH = 80


class ExportError(Exception):
    """The export could not be written; the message is one line for the user."""


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
        return who
    inferred = YEAR_INFERRED if comment.date_inferred else ""
    return f"{who}{AUTHOR_DATE_SEPARATOR}{format_comment_date(comment.date)}{inferred}"


def front_matter(post: Post) -> str:
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
        EXPORT_FORMAT_KEY: EXPORT_FORMAT_VERSION,
    }
    return yaml.dump(fields, Dumper=_front_matter_dumper(), allow_unicode=True, sort_keys=False, width=100)


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


def render_markdown(post: Post) -> str:
    """The whole exported file as text."""
    from civicreader.textsafe import one_line

    lines = ["---", *front_matter(post).rstrip("\n").split("\n"), "---", ""]
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
    return "\n".join(lines) + "\n"


def export_filename(post: Post) -> str:
    """`YYYY-MM-DD-slug.md` or `undated-slug.md`: lower-case ASCII, hyphens, bounded, never a path.

    The date (or "undated") always leads, so no name can be a device name such as CON or NUL.
    """
    from slugify import slugify

    slug = slugify(post.title, max_length=MAX_SLUG_LENGTH, word_boundary=True, save_order=True)
    if not slug:
        slug = "untitled-" + (slugify(post.id, max_length=24) or "post")
    prefix = post.date.isoformat() if post.date else "undated"
    return f"{prefix}-{slug}.md"


def export_post(post: Post, out_dir: Path, force: bool = False, *, name: str | None = None) -> Path:
    """Write the post into `out_dir` atomically and return the file's path.

    Never writes outside `out_dir`, never replaces an existing file unless `force`. `name`
    replaces `export_filename(post)` (a bulk export gives same-named posts distinct names).
    """
    try:
        folder = out_dir.expanduser().resolve()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot use {out_dir} as the export folder: {error.strerror or error}") from None
    if not folder.is_dir():
        raise ExportError(f"{out_dir} is not a folder")
    name = name or export_filename(post)
    target = folder / name
    if target.parent != folder or target.name != name or name in (".", ".."):
        raise ExportError(f"refusing to write {name!r}: not a plain file name inside {folder}")
    if not force and os.path.lexists(target):
        raise ExportError(f"{target} already exists (use --force to overwrite it)")
    data = render_markdown(post).encode("utf-8", errors="replace")
    temporary = _write_temporary(folder, name, data)
    try:
        if force:
            os.replace(temporary, target)
        else:
            _move_without_overwrite(temporary, target)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
    return target


def _write_temporary(folder: Path, name: str, data: bytes) -> Path:
    """A new file beside the target (same file system, so the final rename is atomic)."""
    temporary = folder / f".{name}.{secrets.token_hex(4)}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise ExportError(f"cannot write in {folder}: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        os.unlink(temporary)
        raise ExportError(f"cannot write in {folder}: {error.strerror or error}") from None
    return temporary


def _move_without_overwrite(temporary: Path, target: Path) -> None:
    """Rename that fails if the target appeared meanwhile: a hard link is refused over an existing name."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise ExportError(f"{target} already exists (use --force to overwrite it)") from None
    except OSError:
        # File systems without hard links (FAT, some network shares): check, then rename.
        if os.path.lexists(target):
            raise ExportError(f"{target} already exists (use --force to overwrite it)") from None
        os.replace(temporary, target)
