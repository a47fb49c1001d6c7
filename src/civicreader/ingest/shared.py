"""Small helpers the export readers share: safe XML parsing, names, one-line text, dates, threads.

lxml is imported inside the functions: the CLI loads the ingest package on every start.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from civicreader.ingest import IngestError, Source
from civicreader.model import Comment, Post, post_id
from civicreader.textsafe import one_line

_LEADING_JUNK = re.compile(rb"^(?:\xef\xbb\xbf)?\s*")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_PROLOG_BYTES = 64 * 1024
# One element whose whole value is a CDATA section, up to the first "]]>" that is followed by
# the closing tag: an exporter that nested CDATA wrote the inner "]]>" earlier than that.
_WRAPPED_CDATA = re.compile(rb"(<([\w:.-]+)(?:\s[^>]*)?>\s*<!\[CDATA\[)(.*?)(\]\]>\s*</\2>)", re.DOTALL)


def xml_head(head: bytes) -> bytes:
    """The head with a BOM and the blank lines some WordPress plugins print before `<?xml` removed."""
    return _LEADING_JUNK.sub(b"", head, count=1)


def declares_entities(data: bytes) -> bool:
    """True when the document type declares entities: no blog export does; bombs and XXE do.

    Read from the parsed internal DTD (entities are never expanded doing so), so a post that
    merely quotes a DOCTYPE inside its text does not count.
    """
    from lxml import etree

    try:
        root = etree.fromstring(xml_head(data), _parser(recover=True))
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        return _ENTITY_DECLARATION.search(data[:_PROLOG_BYTES]) is not None
    return _has_entities(root)


def _has_entities(root) -> bool:
    dtd = root.getroottree().docinfo.internalDTD
    return dtd is not None and any(True for _ in dtd.iterentities())


def parse_xml(data: bytes, kind: str):
    """Parse an export with entity expansion and network access off; repair what real exporters break.

    A strict parse first; if that fails, nested CDATA is escaped the correct way and the parse is
    tried again; last, lxml's recovering parser, which copes with undeclared prefixes, stray
    tags and a cut-off end. A text node over lxml's 10 MB guard is allowed only on a retry
    that needs it. A document declaring entities is refused whichever parse read it. Returns
    (root element, note): the note says what was repaired, or is empty. Raises IngestError
    (with the line) when nothing usable comes out.
    """

    data = xml_head(data)
    root, note = _parse_repairing(data, kind)
    if _has_entities(root):
        raise IngestError(f"declares its own XML entities, which no {kind} needs (an entity bomb?); not read")
    return root, note


def _parse_repairing(data: bytes, kind: str):
    from lxml import etree

    huge = False
    try:
        return etree.fromstring(data, _parser(recover=False)), ""
    except etree.XMLSyntaxError as error:
        first_error = error
    if _ENCODING_TROUBLE.search(first_error.msg or ""):
        data = _as_utf8(data)
        try:
            return etree.fromstring(data, _parser(recover=False)), "not in its declared encoding; re-decoded"
        except etree.XMLSyntaxError as error:
            first_error = error
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"))
    if not utf16 and (_CONTROL_BYTES.search(data) or _CONTROL_REFERENCES.search(data)):
        data = _CONTROL_BYTES.sub(b"", _CONTROL_REFERENCES.sub(b"", data))
        try:
            return etree.fromstring(data, _parser(recover=False)), "control characters removed"
        except etree.XMLSyntaxError as error:
            first_error = error
    if _OVER_SIZE_GUARD.search(first_error.msg or ""):
        huge = True
        try:
            return etree.fromstring(data, _parser(recover=False, huge=True)), ""
        except etree.XMLSyntaxError as error:
            first_error = error
    repaired = _escape_nested_cdata(data)
    if repaired != data:
        try:
            return etree.fromstring(repaired, _parser(recover=False, huge=huge)), "nested CDATA repaired"
        except etree.XMLSyntaxError:
            pass
    where = f" at line {first_error.lineno}" if first_error.lineno else ""
    note = f"not well-formed{where} ({_first_line(first_error.msg or str(first_error))}); read what was recoverable"
    try:
        root = etree.fromstring(repaired, _parser(recover=True, huge=huge))
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise IngestError(
            f"not well-formed {kind}, nothing recoverable ({_first_line(str(first_error))})", first_error.lineno
        )
    return root, clean_line(note)


# What libxml2 says when a text node or CDATA section passes its 10 MB guard (the recovering
# parser would otherwise cut the post's text there without a word).
_OVER_SIZE_GUARD = re.compile(r"huge|too big|too long|resource limit", re.IGNORECASE)
# WordPress lets control characters from pasted text into exports; XML 1.0 forbids them.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_REFERENCES = re.compile(
    rb"&#(?:0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01])|x0*(?:[0-8]|[bBcC]|[eEfF]|1[0-9a-fA-F]));"
)
_ENCODING_TROUBLE = re.compile(r"encoding|Invalid bytes|not proper UTF|Unsupported encoding", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""^(<\?xml[^>]*?encoding\s*=\s*["'])([\w.:-]+)(["'])""")


def _as_utf8(data: bytes) -> bytes:
    """The document re-decoded the careful way (decode.py) and declared as the UTF-8 it now is."""
    from civicreader.ingest.decode import decode

    declared = _DECLARED_ENCODING.match(data)
    text = decode(data, declared.group(2).decode("ascii", "replace") if declared else None)
    encoded = text.encode("utf-8", errors="replace")
    return _DECLARED_ENCODING.sub(rb"\g<1>UTF-8\g<3>", encoded, count=1)


def _parser(recover: bool, huge: bool = False):
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge,
        recover=recover,
        remove_blank_text=False,
    )


def _escape_nested_cdata(data: bytes) -> bytes:
    def escape(match: re.Match) -> bytes:
        inner = match.group(3).replace(b"]]>", b"]]]]><![CDATA[>")
        return match.group(1) + inner + match.group(4)

    return _WRAPPED_CDATA.sub(escape, data)


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else text


def local_name(element) -> str:
    """The tag without namespace or prefix (a recovered undeclared prefix stays in the tag)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def namespace_kind(element) -> str:
    """Which vocabulary a tag belongs to, the same for every WXR version and recovered prefixes.

    "wp", "excerpt", "content", "dc", "atom", "thr", "app" or "" (no namespace).
    """
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    if tag.startswith("{"):
        uri = tag[1 : tag.index("}")]
        for marker, kind in _NAMESPACE_MARKERS:
            if marker in uri:
                return kind
        return uri
    if ":" in tag:
        return tag.split(":", 1)[0]
    return ""


_NAMESPACE_MARKERS = (
    ("wordpress.org/export/1.0/excerpt", "excerpt"),
    ("wordpress.org/export/1.1/excerpt", "excerpt"),
    ("wordpress.org/export/1.2/excerpt", "excerpt"),
    ("wordpress.org/export/", "wp"),
    ("purl.org/rss/1.0/modules/content", "content"),
    ("purl.org/dc/elements", "dc"),
    ("www.w3.org/2005/Atom", "atom"),
    ("purl.org/syndication/thread", "thr"),
    ("www.w3.org/2007/app", "app"),
    ("purl.org/atom/app", "app"),
)


def element_text(element) -> str:
    """All text inside an element (unexpanded entity references are left out)."""
    if element is None:
        return ""
    from lxml import etree

    parts: list[str] = []
    if element.text and not isinstance(element, etree._Entity):
        parts.append(element.text)
    for child in element:
        if not isinstance(child, etree._Entity):
            parts.append(element_text(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


def clean_line(text: str | None) -> str:
    """One line of kept text: controls stripped, white space collapsed."""
    return one_line(text or "")


def unescape_once(text: str | None) -> str:
    """Titles some exporters escaped twice ("I&amp;#39;m" in the XML) decoded one more time."""
    return clean_line(html.unescape(text or ""))


def html_line(text: str | None) -> str:
    """A title that may hold markup or entities ("Title <em>With</em> Markup") as one plain line."""
    text = text or ""
    if _TAG.search(text):
        from civicreader.ingest.htmltext import html_paragraphs

        return clean_line(" ".join(html_paragraphs(text)))
    return unescape_once(text)


_TAG = re.compile(r"<(?:[a-zA-Z][\w-]*(?:\s[^<>]*)?|/[a-zA-Z][\w-]*\s*)/?>")


_PERMALINK = re.compile(r"https?://[^\s/?#<>\"]+[^\s<>\"]*", re.IGNORECASE)


def permalink(text: str | None) -> str:
    """A post's web address as a format gave it, or "" when it is not an http(s) address."""
    text = clean_line(text)
    return text if _PERMALINK.fullmatch(text) else ""


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """'1 page', '3 pages'."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def counted_notes(verb: str, counts) -> tuple[str, ...]:
    """One note per kind, alphabetically: counted_notes("skipped", {"page": 2}) -> ("skipped 2 pages",)."""
    return tuple(f"{verb} {counted(count, what)}" for what, count in sorted(counts.items()))


def export_post(
    blog: str,
    title: str,
    written: datetime | None,
    body: tuple[str, ...],
    date_note: str,
    source: Source,
    *,
    author: str,
    categories: Iterable[str],
    **fields,
) -> Post:
    """A post read from an export, dated by the day of `written`; its id from blog, title, day and body.

    `date_note` says where the date came from and is kept only when there is a date; `author` is
    the one author these formats name ("" for none); `categories` are kept once each, in order,
    empty ones dropped; `fields` are the rest of the Post (tags, comments...).
    """
    day = written.date() if written else None
    return Post(
        id=post_id(blog, title, day.month if day else None, day.day if day else None, body),
        blog=blog,
        title=title,
        date=day,
        body=body,
        date_note=date_note if day else "",
        authors=(author,) if author else (),
        categories=unique(categories),
        sources=(source.display,),
        **fields,
    )


def unique(names: Iterable[str]) -> tuple[str, ...]:
    """The non-empty names in order, each once (the first kept)."""
    return tuple(dict.fromkeys(name for name in names if name))


def naive_local(text: str | None) -> datetime | None:
    """A date-time as written (its own local time, offset dropped); None when missing or zero.

    WordPress writes "0000-00-00 00:00:00" for drafts; feeds write RFC 822 or ISO dates.
    """
    text = (text or "").strip()
    if not text or text.startswith("0000"):
        return None
    try:
        when = datetime.fromisoformat(text)  # what WXR and Atom write; dateutil costs a hundred times more
    except ValueError:
        from dateutil import parser

        try:
            when = parser.parse(text, fuzzy=False)
        except (ValueError, OverflowError, TypeError):
            return None
    if not 1900 <= when.year <= 2200:
        return None
    return when.replace(tzinfo=None)


def by_date(comments) -> tuple[Comment, ...]:
    """Siblings in the order they were written; undated ones last, in the order given."""
    return tuple(sorted(comments, key=lambda comment: (comment.date is None, comment.date or 0)))


def reaching_top(parents: Mapping[str, str]) -> set[str]:
    """The keys whose chain of parents ends at a comment with none; the others are caught in a cycle
    of parents, or hang below one (a broken export): they go to the top.

    Each key is walked once: a long reply chain costs its length, not its square.
    """
    reaches: dict[str, bool] = {}
    for start in parents:
        path: list[str] = []
        on_path: set[str] = set()
        current = start
        while current in parents and current not in reaches and current not in on_path:
            path.append(current)
            on_path.add(current)
            current = parents[current]
        answer = current not in on_path and reaches.get(current, True)
        for key in path:
            reaches[key] = answer
    return {key for key, answer in reaches.items() if answer}


MAX_THREAD_DEPTH = 50
"""Replies nested deeper than this hang at this level: no real thread comes near it (WordPress stops
at 10), and a file that does must not make every later walk of the thread overflow the stack."""


def cap_depth(comments: tuple[Comment, ...], limit: int = MAX_THREAD_DEPTH) -> tuple[tuple[Comment, ...], int]:
    """The thread with replies below `limit` levels moved up to that level, in thread order; and how many moved."""
    stack = [(comment, 1) for comment in comments]
    while stack:
        comment, level = stack.pop()
        if level > limit:
            break
        stack.extend((reply, level + 1) for reply in comment.replies)
    else:
        return comments, 0
    moved = 0

    def rebuild(comment: Comment, level: int) -> Comment:
        nonlocal moved
        if level < limit - 1:
            return replace(comment, replies=tuple(rebuild(reply, level + 1) for reply in comment.replies))
        flat: list[Comment] = []
        pending = [(reply, level + 1) for reply in reversed(comment.replies)]
        while pending:
            reply, original = pending.pop()
            flat.append(replace(reply, replies=()))
            moved += original > limit
            pending.extend((inner, original + 1) for inner in reversed(reply.replies))
        return replace(comment, replies=tuple(flat))

    return tuple(rebuild(comment, 1) for comment in comments), moved


def cap_threads(posts) -> tuple[tuple[Post, ...], tuple[str, ...]]:
    """Every post's thread through `cap_depth`; and a note when anything moved."""
    capped: list[Post] = []
    total = 0
    for post in posts:
        comments, moved = cap_depth(post.comments)
        total += moved
        capped.append(replace(post, comments=comments) if moved else post)
    note = f"{counted(total, 'reply', 'replies')} nested deeper than {MAX_THREAD_DEPTH} levels moved up to that level"
    return tuple(capped), (note,) if total else ()
