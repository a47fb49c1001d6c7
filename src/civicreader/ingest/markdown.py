"""Markdown (and HTML) posts with front matter: Jekyll, Hugo, Pelican, and our own export.

Front matter is YAML between `---` lines or TOML between `+++` lines (Pelican's `Title:` header
lines too). The body, Markdown or HTML, becomes plain paragraphs; Liquid tags are dropped.

Comments are read where static sites keep them beside their posts:
- Jekyll/Staticman: `_data/comments/<slug>/*.yml`, threaded by `replying_to`, the 1-based
  position of the parent among the post's top-level comments in date order (what the site's
  templates count);
- comment Markdown files next to the post with a `target` (and `reply_to` for threads), as
  webmention archives keep them;
- a WordPress comment section kept as Markdown ("N Responses to “Title”", then numbered
  "Name on January 27th, 2009 12:53 am" items), linked from the post's "[N Comments](...)" line.
Those comment files are not posts: read on their own they give an empty page (no note: their
words are counted with their post's). The post's page names them (and the folders where new ones
would appear) in `depends_on`, so the index reads the post again when its comments change.
Pingbacks ("[...] excerpt [...]") and webmentions that only link to the post are left out and
counted in the page's notes, as the WXR and HTML readers do.

Our own export (see `civicreader.export`) is read back exactly, id included.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from civicreader.ingest import DIGEST_CHARS, FILE, FOLDER, HEAD_BYTES, Dependency, IngestError, Page, Source
from civicreader.ingest.htmltext import html_paragraphs
from civicreader.model import Comment, Post, post_id

FORMAT = "markdown"

MAX_LINE_BYTES = 200_000
"""markdown-it's inline parser is far worse than linear on one enormous line (~20 s a megabyte):
a post's raw-HTML body on one line stays well under this."""

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mkdn"}
HTML_SUFFIXES = {".html", ".htm"}
DATA_SUFFIXES = {".yml", ".yaml"}
SITE_DATA_SUFFIXES = {*DATA_SUFFIXES, ".toml"}
"""Static sites' settings and data (`_config.yml`, `config.toml`, `_data/*.yml`): never posts themselves."""

# The export format, shared with civicreader.export (which writes what this module reads).
EXPORT_FORMAT_KEY = "civicreader_export"
COMMENTS_HEADING = "## Comments"
NO_NAME = "*(no name)*"
AUTHOR_DATE_SEPARATOR = " · "
YEAR_INFERRED = " (year inferred)"
"""After a comment's date whose year the page did not give."""
INDENT = "  "

MAX_LIST_ITEMS = 1000
"""Front-matter lists longer than this (or YAML alias bombs) are cut, not expanded."""
MAX_NEIGHBOUR_FILES = 5000
MAX_NEIGHBOUR_BYTES = 4 * 1024 * 1024

_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: str) -> str:
    """A backslash before ASCII punctuation stands for that character (CommonMark escapes)."""
    return _UNESCAPE.sub(r"\1", text)


# ---------------------------------------------------------------------------------------------
# Sniffing and splitting


_FRONT_MATTER_START = re.compile(rb"\A(?:\xef\xbb\xbf)?(---|\+\+\+)[ \t]*\r?\n")
_PELICAN_START = re.compile(rb"\A(?:\xef\xbb\xbf)?title:[ \t]*\S", re.IGNORECASE)


def sniff(head: bytes, path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in SITE_DATA_SUFFIXES:
        return True
    match = _FRONT_MATTER_START.match(head)
    if suffix in MARKDOWN_SUFFIXES:
        return bool(match or _PELICAN_START.match(head))
    if not match:
        return False
    # Any other name: front matter that closes and names a title or date is a post.
    delimiter = match.group(1)
    rest = head[match.end() :]
    closed = re.search(rb"^" + re.escape(delimiter) + rb"[ \t]*\r?$", rest, re.MULTILINE)
    names_post = re.search(rb"^(title|date)[ \t]*[:=]", rest[: closed.start()] if closed else b"", re.MULTILINE)
    return bool(closed and names_post)


def is_staticman_comment_path(path: Path) -> bool:
    parts = [part.lower() for part in path.parts]
    return len(parts) >= 4 and parts[-4:-2] == ["_data", "comments"]


def split_front_matter(text: str) -> tuple[str, str, str] | None:
    """(kind, front matter, body), kind "yaml", "toml" or "pelican"; None if the text has none."""
    text = text.lstrip("\ufeff")
    first, _, rest = text.partition("\n")
    delimiter = first.rstrip()
    if delimiter in ("---", "+++"):
        lines = rest.split("\n")
        for number, line in enumerate(lines):
            stripped = line.rstrip()
            if stripped == delimiter or (delimiter == "---" and stripped == "..."):
                kind = "yaml" if delimiter == "---" else "toml"
                return kind, "\n".join(lines[:number]), "\n".join(lines[number + 1 :])
        raise IngestError(f"front matter opened with {delimiter} is never closed", line=1)
    if re.match(r"title:[ \t]*\S", first, re.IGNORECASE):
        header, _, body = text.partition("\n\n")
        return "pelican", header, body
    return None


# ---------------------------------------------------------------------------------------------
# Front matter


def parse_front_matter(kind: str, text: str) -> tuple[dict[str, Any], str | None]:
    """The front matter as a dict, and a note when it was broken and read as well as could be."""
    if kind == "pelican":
        return _loose_key_values(text), None
    if kind == "toml":
        import tomllib

        try:
            return tomllib.loads(text), None
        except tomllib.TOMLDecodeError as error:
            return _loose_key_values(text), f"front matter is not valid TOML ({error}); read line by line"
    import yaml

    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        # The usual slip: `comments:true` without the space after the colon.
        repaired = _MISSING_SPACE.sub(r"\1: ", text)
        slip = _MISSING_SPACE.search(text)
        try:
            if slip is None:
                raise yaml.YAMLError(problem)
            data = load_yaml(repaired)
            line = text.count("\n", 0, slip.start()) + 2
            note = f"front matter line {line}: no space after the colon in {slip.group(0)!r}; read as if there were"
        except yaml.YAMLError:
            data = _loose_key_values(text)
            note = f"front matter {where}{problem}; read line by line"
        return (data if isinstance(data, dict) else {}), note
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, "front matter is not a set of keys and values; ignored"
    return data, None


def load_yaml(text: str) -> Any:
    """PyYAML's safe loader, in C (libyaml) when it is there: four times quicker on big sites."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


_MISSING_SPACE = re.compile(r"^([A-Za-z_][\w-]*):(?=[^\s/:])", re.MULTILINE)
_LOOSE_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*[:=][ \t]*(.*)$")


def _loose_key_values(text: str) -> dict[str, Any]:
    """`key: value` / `key = value` lines, and `- item` lines under an empty key, for broken headers."""
    data: dict[str, Any] = {}
    last_key = None
    for line in text.split("\n"):
        item = re.match(r"^\s*-\s+(.*)$", line)
        if item and last_key is not None:
            current = data.get(last_key)
            data[last_key] = [*(current if isinstance(current, list) else []), _unquote(item.group(1))]
            continue
        match = _LOOSE_LINE.match(line)
        if match:
            last_key = match.group(1).lower()
            value = _unquote(match.group(2))
            data[last_key] = value if value else []
    return data


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _text(value: Any) -> str:
    """A scalar as text; anything else (lists, maps, a YAML alias bomb) as nothing, never str() of it."""
    return str(value) if isinstance(value, (str, int, float, date)) and value is not None else ""


def _get(meta: dict[str, Any], *keys: str) -> Any:
    lowered = {key.lower(): value for key, value in meta.items() if isinstance(key, str)}
    for key in keys:
        if key in lowered and lowered[key] not in (None, "", []):
            return lowered[key]
    return None


def _flatten(value: Any, depth: int = 0) -> list[Any]:
    """Lists of lists (`- [internals]`) made flat, bounded against alias bombs."""
    if isinstance(value, (list, tuple)):
        out: list[Any] = []
        for item in value:
            if depth < 4:
                out.extend(_flatten(item, depth + 1))
            if len(out) >= MAX_LIST_ITEMS:
                return out[:MAX_LIST_ITEMS]
        return out
    return [value]


def _names(value: Any) -> tuple[str, ...]:
    """Authors given as a string, a map with a name, or a list of either."""
    names = []
    for item in _flatten(value):
        if isinstance(item, dict):
            item = _get(item, "name", "display_name", "title")
        if _text(item).strip():
            names.append(_clean_line(_text(item)))
    return tuple(dict.fromkeys(name for name in names if name))


def _terms(value: Any, split_spaces: bool) -> tuple[str, ...]:
    """Categories or tags: a list, a comma-separated string, or (Jekyll) a space-separated one."""
    if isinstance(value, str):
        if "," in value:
            value = value.split(",")
        elif split_spaces:
            value = value.split()
        else:
            value = [value]
    terms = [_clean_line(_text(item)) for item in _flatten(value)]
    return tuple(dict.fromkeys(term for term in terms if term))


def _clean_line(text: str) -> str:
    from civicreader.textsafe import one_line

    return one_line(html.unescape(text))


def parse_when(value: Any) -> datetime | date | None:
    """A front-matter or comment date: YAML/TOML dates, ISO strings, or what dateutil can read."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 10**11:
        return datetime.fromtimestamp(value, tz=UTC).replace(tzinfo=None)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    from dateutil import parser as date_parser

    try:
        return date_parser.parse(text)
    except (ValueError, OverflowError):
        return None


def _as_date(when: datetime | date | None) -> date | None:
    if isinstance(when, datetime):
        return when.date()
    return when


def _as_datetime(when: datetime | date | None) -> datetime | None:
    """Comment times as written on the site (its wall clock), without the offset."""
    if isinstance(when, datetime):
        return when.replace(tzinfo=None)
    if isinstance(when, date):
        return datetime(when.year, when.month, when.day)
    return None


def is_draft(meta: dict[str, Any]) -> bool:
    draft = _get(meta, "draft")
    if draft is True or (isinstance(draft, str) and draft.strip().lower() in ("true", "yes")):
        return True
    published = _get(meta, "published")
    if published is False or (isinstance(published, str) and published.strip().lower() in ("false", "no")):
        return True
    status = _get(meta, "status")
    return isinstance(status, str) and status.strip().lower() in ("draft", "hidden", "private")


# ---------------------------------------------------------------------------------------------
# Bodies: Markdown or HTML to plain paragraphs

# Bounded, so text full of unclosed "{%" costs a linear scan, not a quadratic one.
_LIQUID = re.compile(r"\{%[^%]{0,2000}%\}|\{\{[^{}]{0,2000}\}\}")
_FOOTNOTE_BACKREF = re.compile(r'<a href="[^"]*" class="footnote-backref">.*?</a>')


def strip_liquid(text: str) -> str:
    return _LIQUID.sub("", text)


def markdown_to_paragraphs(text: str) -> tuple[str, ...]:
    """Markdown (with any HTML inside it) to plain paragraphs, the way every reader turns HTML into text."""
    rendered = _markdown_renderer().render(strip_liquid(text))
    return html_paragraphs(_FOOTNOTE_BACKREF.sub("", rendered))


@lru_cache(maxsize=1)
def _markdown_renderer():
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    try:
        from mdit_py_plugins.footnote import footnote_plugin
    except ImportError:  # footnotes then stay as written, "[^1]", which loses no text
        return renderer
    return renderer.use(footnote_plugin)


# ---------------------------------------------------------------------------------------------
# Reading a file


def read(source: Source) -> Page:
    from civicreader.ingest.decode import decode

    path = source.path
    if path.suffix.lower() in SITE_DATA_SUFFIXES:
        if is_staticman_comment_path(path):
            return Page(path=source.display, posts=())  # read with its post: nothing to tell
        return Page(path=source.display, posts=(), notes=("site settings or data, not a post",))
    longest = max(map(len, source.data.split(b"\n")))
    if longest > MAX_LINE_BYTES:
        raise IngestError(f"a line of {longest:,} bytes: not a blog post")
    exported = _read_own_export(source)
    if exported is not None:
        return Page(path=source.display, posts=(exported,))
    text = decode(source.data).replace("\r\n", "\n").replace("\r", "\n")
    split = split_front_matter(text)
    if split is None:
        raise IngestError("no front matter (--- or +++) at the start")
    kind, front, body = split
    meta, note = parse_front_matter(kind, front)
    notes = (note,) if note else ()
    if is_comment_file(meta, body):
        return Page(path=source.display, posts=(), notes=notes)  # read with its post
    if is_draft(meta):
        return Page(path=source.display, posts=(), notes=(*notes, "skipped 1 draft"))
    found = read_site_post(meta, body, source, is_html=path.suffix.lower() in HTML_SUFFIXES)
    if found is None:
        return Page(path=source.display, posts=(), notes=(*notes, "no post text (front matter only)"))
    if found.pings:
        notes = (*notes, f"left out {found.pings} pingback{'' if found.pings == 1 else 's'}")
    unreadable = found.unreadable_comments
    if unreadable:
        notes = (*notes, f"left out {unreadable} comment file{'' if unreadable == 1 else 's'}: not valid YAML")
    return Page(path=source.display, posts=(found.post,), notes=notes, depends_on=found.depends_on)


def _read_own_export(source: Source) -> Post | None:
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


_RESPONSES_HEADER = re.compile(
    r"^\*\*\s*(?P<count>\d+|one|no)\s+(?:responses?|comments?|thoughts?|replies)\s+(?:to|on)\s+"
    r"[“\"](?P<title>.+?)[”\"]\s*\*\*\s*$",
    re.IGNORECASE,
)


def is_comment_file(meta: dict[str, Any], body: str) -> bool:
    if _get(meta, "target", "reply_to", "in-reply-to", "in_reply_to") and not _get(meta, "title"):
        return True
    return bool(_RESPONSES_HEADER.match(_first_line(body)))


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""


_FILENAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.*)$")
_COMMENTS_LINK = re.compile(r"^\s*\[\d+ Comments?\]\((?P<link>[^)\s]+)\)\s*$", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True)
class SitePost:
    post: Post
    pings: int
    """Pingbacks and mentions left out of the comments (as the WXR and HTML readers leave them out)."""
    depends_on: tuple[Dependency, ...]
    """The files and folders the comments were looked for in."""
    unreadable_comments: int = 0


def read_site_post(meta: dict[str, Any], body: str, source: Source, is_html: bool) -> SitePost | None:
    """A post from a static site's file, with the comments the site keeps beside it."""
    from civicreader.textsafe import one_line

    path = source.path
    stem_match = _FILENAME_DATE.match(path.stem)
    title = _clean_line(_text(_get(meta, "title")))
    when = parse_when(_get(meta, "date", "published", "pubdate", "created"))
    if when is None and stem_match:
        try:
            when = date(int(stem_match.group(1)), int(stem_match.group(2)), int(stem_match.group(3)))
        except ValueError:
            when = None
    comments_link = _COMMENTS_LINK.search(body)
    if comments_link:
        body = body[: comments_link.start()] + body[comments_link.end() :]
    paragraphs = html_paragraphs(strip_liquid(body)) if is_html else markdown_to_paragraphs(body)
    if not paragraphs:
        return None
    post_date = _as_date(when)
    slugs = _slug_candidates(meta, path, stem_match)
    staticman_comments, staticman_looked_at, unreadable = _staticman_comments(path, slugs)
    sibling_comments, sibling_pings, sibling_looked_at = _sibling_comments(path, slugs)
    section_comments, section_pings, section_looked_at = (
        _comment_section(path, comments_link.group("link")) if comments_link else ((), 0, ())
    )
    comments = staticman_comments + sibling_comments + section_comments
    blog = one_line(source.blog) or "corpus"
    post = Post(
        id=post_id(
            blog, title, post_date.month if post_date else None, post_date.day if post_date else None, paragraphs
        ),
        blog=blog,
        title=title,
        date=post_date,
        body=paragraphs,
        authors=_names(_get(meta, "author", "authors")),
        categories=_terms(_get(meta, "categories", "category"), split_spaces=True),
        tags=_terms(_get(meta, "tags", "tag", "keywords"), split_spaces=False),
        comments=comments,
        sources=(source.display,),
    )
    looked_at = staticman_looked_at + sibling_looked_at + section_looked_at
    return SitePost(post, sibling_pings + section_pings, looked_at, unreadable)


def _slug_candidates(meta: dict[str, Any], path: Path, stem_match: re.Match | None) -> set[str]:
    """Names a comment file may use for this post: its slug, file stem, folder (for index.md), url."""
    candidates = {path.stem}
    if stem_match:
        candidates.add(stem_match.group(4))
    if path.stem.lower() in ("index", "_index"):
        candidates.add(path.parent.name)
    for key in ("slug", "url", "permalink"):
        value = _get(meta, key)
        if isinstance(value, str) and value.strip("/"):
            candidates.add(_last_segment(value))
    return {candidate for candidate in candidates if candidate}


def _last_segment(url: str) -> str:
    from urllib.parse import urlsplit

    segment = urlsplit(url.strip()).path.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"\.(html?|php|aspx?)$", "", segment)


# ---------------------------------------------------------------------------------------------
# Comments kept beside the post


def _read_neighbour(path: Path) -> str | None:
    """A comment file beside a post; links are not followed out of the site."""
    from civicreader.ingest.decode import decode

    if path.is_symlink():
        return None
    try:
        if path.stat().st_size > MAX_NEIGHBOUR_BYTES:
            return None
        return decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, IngestError):
        return None


def _site_root(path: Path) -> Path:
    """The static site's folder: above `_posts` for Jekyll, else the post's own folder."""
    for folder in path.parents:
        if folder.name == "_posts":
            return folder.parent
    return path.parent


def _staticman_comments(path: Path, slugs: set[str]) -> tuple[tuple[Comment, ...], tuple[Dependency, ...], int]:
    """Jekyll/Staticman comment files, `_data/comments/<slug>/*.yml`, threaded by `replying_to`; the
    folders looked in (the one used and those before it, which would win if they appeared); and how
    many comment files were not valid YAML."""
    import yaml

    comments = _site_root(path) / "_data" / "comments"
    looked_at: list[Dependency] = []
    folder = None
    for slug in sorted(slugs):
        looked_at.append(Dependency(str(comments / slug), FOLDER, tuple(sorted(DATA_SUFFIXES))))
        if (comments / slug).is_dir():
            folder = comments / slug
            break
    if folder is None:
        return (), tuple(looked_at), 0
    entries = []
    unreadable = 0
    for number, file in enumerate(sorted(folder.iterdir())[:MAX_NEIGHBOUR_FILES]):
        if file.suffix.lower() not in DATA_SUFFIXES:
            continue
        text = _read_neighbour(file)
        try:
            data = load_yaml(text) if text else None
        except yaml.YAMLError:
            unreadable += 1
            continue
        if not isinstance(data, dict) or _get(data, "hidden") in (True, "true", "yes"):
            continue
        when = _as_datetime(parse_when(_get(data, "date")))
        message = _get(data, "message", "comment", "body")
        comment = Comment(
            author=_clean_line(_text(_get(data, "name", "author"))),
            date=when,
            body=markdown_to_paragraphs(_text(message)),
        )
        parent = _text(_get(data, "replying_to")).strip()
        entries.append((when or datetime.max, number, comment, parent))
    entries.sort(key=lambda entry: entry[:2])
    top_level = [entry for entry in entries if not entry[3]]
    replies: dict[int, list[Comment]] = {}
    orphans = []
    for entry in entries:
        if entry[3]:
            index = int(entry[3]) if entry[3].isdigit() else 0
            if 1 <= index <= len(top_level):
                replies.setdefault(index, []).append(entry[2])
            else:
                orphans.append(entry[2])
    threads = [
        Comment(entry[2].author, entry[2].date, entry[2].body, tuple(replies.get(position, ())))
        for position, entry in enumerate(top_level, start=1)
    ]
    return tuple(threads + orphans), tuple(looked_at), unreadable


SIBLING_COMMENTS = "markdown:comment-files"
"""The kind of `Dependency` on the comment files beside a post (`detail`: the post's slugs)."""


def _sibling_comments(path: Path, slugs: set[str]) -> tuple[tuple[Comment, ...], int, tuple[Dependency, ...]]:
    """Comment files next to the post whose `target` names it, `reply_to` nesting them; how many
    were mentions (webmention types other than reply), left out like pingbacks; and the folder."""
    looked_at = (Dependency(str(path.parent), SIBLING_COMMENTS, tuple(sorted(slugs))),)
    found = _sibling_entries(path.parent, slugs)
    replies = [entry for entry in found if not entry.is_mention]
    threads = _thread_by_key([(entry.key, entry.reply_to, entry.comment) for entry in replies])
    return threads, len(found) - len(replies), looked_at


def _sibling_entries(folder: Path, slugs: Iterable[str]) -> list[_CommentFile]:
    slugs = set(slugs)
    return [entry for entry in _comment_files(folder) if not entry.target or _last_segment(entry.target) in slugs]


def dependency_state(dependency: Dependency) -> str:
    """The comment files beside a post that are its own, as a digest: a new, edited or removed one
    changes it; a new post in the same folder does not."""
    if dependency.kind != SIBLING_COMMENTS:
        raise ValueError(f"not a markdown dependency: {dependency.kind}")
    found = _sibling_entries(Path(dependency.path), dependency.detail)
    return hashlib.sha1(repr(found).encode("utf-8", "surrogatepass")).hexdigest()[:DIGEST_CHARS]


@dataclass(frozen=True)
class _CommentFile:
    key: str
    target: str
    reply_to: str
    comment: Comment
    is_mention: bool
    """A webmention that links to the post (type link, like, repost...) rather than answering it."""
    file_name: str


_COMMENT_FILES_CACHE: OrderedDict[Path, tuple[tuple, tuple[_CommentFile, ...]]] = OrderedDict()
COMMENT_FILES_CACHED_FOLDERS = 32


def _comment_files(folder: Path) -> tuple[_CommentFile, ...]:
    """The comment files of a folder, read once per folder, and again when the folder lists other
    files or one of its comment files changes (edited in place, which leaves the folder's time)."""
    try:
        folder_time = folder.stat().st_mtime_ns
    except OSError:
        return ()
    cached = _COMMENT_FILES_CACHE.get(folder)
    if cached is not None and cached[0] == (folder_time, _stats(folder, cached[1])):
        _COMMENT_FILES_CACHE.move_to_end(folder)
        return cached[1]
    entries = _read_comment_files(folder)
    _COMMENT_FILES_CACHE[folder] = ((folder_time, _stats(folder, entries)), entries)
    while len(_COMMENT_FILES_CACHE) > COMMENT_FILES_CACHED_FOLDERS:
        _COMMENT_FILES_CACHE.popitem(last=False)
    return entries


def _stats(folder: Path, entries: tuple[_CommentFile, ...]) -> tuple:
    stats = []
    for entry in entries:
        try:
            status = (folder / entry.file_name).stat()
        except OSError:
            return ()
        stats.append((status.st_size, status.st_mtime_ns))
    return tuple(stats)


def _read_comment_files(folder: Path) -> tuple[_CommentFile, ...]:
    found = []
    try:
        files = sorted(folder.iterdir())[:MAX_NEIGHBOUR_FILES]
    except OSError:
        return ()
    for file in files:
        if file.suffix.lower() not in MARKDOWN_SUFFIXES or not _names_a_target(file):
            continue
        text = _read_neighbour(file)
        try:
            split = split_front_matter(text) if text else None
        except IngestError:
            continue
        if split is None:
            continue
        meta, _ = parse_front_matter(split[0], split[1])
        target = _get(meta, "target")
        reply_to = _get(meta, "reply_to", "in-reply-to", "in_reply_to")
        if not (target or reply_to) or _get(meta, "title"):
            continue
        when = _as_datetime(parse_when(_get(meta, "date", "published")))
        names = _names(_get(meta, "author"))
        comment = Comment(author=names[0] if names else "", date=when, body=markdown_to_paragraphs(split[2]))
        key = _text(_get(meta, "source", "url")) or file.stem
        kind = (_text(_get(meta, "type")) or "reply").strip().lower()
        entry = _CommentFile(key, _text(target), _text(reply_to), comment, kind not in _REPLY_TYPES, file.name)
        found.append((when or datetime.max, file.name, entry))
    found.sort(key=lambda entry: entry[:2])
    return tuple(entry[2] for entry in found)


_REPLY_TYPES = {"reply", "comment", "in-reply-to"}
_TARGET_KEY = re.compile(rb"^(?:target|reply_to|in-reply-to|in_reply_to)[ \t]*[:=]", re.MULTILINE)


def _names_a_target(file: Path) -> bool:
    """A cheap look at the head, so a folder of thousands of posts is not parsed twice over."""
    try:
        with file.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return False
    return bool(_FRONT_MATTER_START.match(head) and _TARGET_KEY.search(head))


def _thread_by_key(entries: list[tuple[str, str, Comment]]) -> tuple[Comment, ...]:
    """Nest comments whose parent key names another comment; the rest are top-level."""
    keys = {key for key, _, _ in entries}
    children: dict[str, list[tuple[str, str, Comment]]] = {}
    roots = []
    for entry in entries:
        key, parent, _ = entry
        if parent and parent in keys and parent != key:
            children.setdefault(parent, []).append(entry)
        else:
            roots.append(entry)

    def build(entry, seen: frozenset[str]) -> Comment:
        key, _, comment = entry
        below = tuple(build(child, seen | {key}) for child in children.get(key, ()) if child[0] not in seen)
        return Comment(comment.author, comment.date, comment.body, below)

    return tuple(build(entry, frozenset()) for entry in roots)


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")  # fmt: skip
_COMMENT_BYLINE = re.compile(
    r"^(?P<name>.+) on (?P<month>[A-Za-z]+) (?P<day>\d{1,2})(?:st|nd|rd|th)?,? (?P<year>\d{4})"
    r"(?:,? (?:at )?(?P<hour>\d{1,2}):(?P<minute>\d{2}) ?(?P<ampm>[ap]\.?m\.?)?)?\s*$",
    re.IGNORECASE,
)
_NUMBERED_ITEM = re.compile(r"^(?P<number>\d{1,5})\.(?P<gap>[ \t]+)(?P<rest>.*)$")


def _comment_section(path: Path, link: str) -> tuple[tuple[Comment, ...], int, tuple[Dependency, ...]]:
    """A WordPress comment section kept as Markdown, found from the post's "[N Comments](link)"; and
    the files looked at (the one used and those before it, which would win if they appeared)."""
    target = Path(link.split("#")[0].split("?")[0].lstrip("/"))
    if not target.name or ".." in target.parts:
        return (), 0, ()
    root = _site_root(path)
    looked_at: list[Dependency] = []
    for suffix in dict.fromkeys((".markdown", ".md", target.suffix)):
        candidate = root / target.with_suffix(suffix)
        looked_at.append(Dependency(str(candidate), FILE))
        if candidate.is_file() and not candidate.is_symlink():
            text = _read_neighbour(candidate)
            split = split_front_matter(text) if text else None
            if split is not None:
                return (*parse_comment_section(split[2]), tuple(looked_at))
    return (), 0, tuple(looked_at)


def parse_comment_section(body: str) -> tuple[tuple[Comment, ...], int]:
    """Numbered "Name on January 27th, 2009 12:53 am" items with their indented text, flat; and how
    many were pingbacks ("[...] an excerpt [...]"), left out."""
    items: list[list[str]] = []
    indent = 4
    for line in body.split("\n"):
        match = _NUMBERED_ITEM.match(line)
        if match:
            indent = len(match.group("number")) + 1 + len(match.group("gap"))
            items.append([match.group("rest")])
        elif items:
            leading = len(line) - len(line.lstrip(" "))
            items[-1].append(line[min(leading, indent) :])
    comments = []
    pings = 0
    for lines in items:
        text = "\n".join(lines).strip("\n")
        header, _, rest = text.partition("\n\n")
        author, when = _byline(" ".join(header.split()))
        paragraphs = markdown_to_paragraphs(rest)
        if len(paragraphs) == 1 and _PINGBACK.match(paragraphs[0]):
            pings += 1
            continue
        comments.append(Comment(author=author, date=when, body=paragraphs))
    return tuple(comments), pings


_PINGBACK = re.compile(r"^\[(?:\.\.\.|…)\].*\[(?:\.\.\.|…)\]$", re.DOTALL)


def _byline(header: str) -> tuple[str, datetime | None]:
    match = _COMMENT_BYLINE.match(header)
    name = header
    when = None
    if match and match.group("month").lower() in _MONTHS:
        name = match.group("name")
        hour = int(match.group("hour") or 0)
        ampm = (match.group("ampm") or "").replace(".", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        try:
            when = datetime(
                int(match.group("year")),
                _MONTHS.index(match.group("month").lower()) + 1,
                int(match.group("day")),
                hour,
                int(match.group("minute") or 0),
            )
        except ValueError:
            when = None
    author = " ".join(markdown_to_paragraphs(name)) or _clean_line(name)
    return author, when


# ---------------------------------------------------------------------------------------------
# Our own export, read back exactly


_HEADER = re.compile(r"^\*\*(?P<author>(?:\\.|[^\\*])*)\*\*(?:" + re.escape(AUTHOR_DATE_SEPARATOR) + r"(?P<date>.*))?$")
_NO_NAME_HEADER = re.compile(r"^" + re.escape(NO_NAME) + r"(?:" + re.escape(AUTHOR_DATE_SEPARATOR) + r"(?P<date>.*))?$")


def read_export(meta: dict[str, Any], body: str, source: Source) -> Post:
    """A file written by `civicreader export`: every field, paragraph and comment as exported."""

    def strings(key: str) -> tuple[str, ...]:
        value = meta.get(key) or ()
        return tuple(_text(item) for item in _flatten(value) if _text(item) or item == "")

    when = meta.get("date")
    if isinstance(when, str):
        when = _as_date(parse_when(when))
    elif isinstance(when, datetime):
        when = when.date()
    elif not isinstance(when, date):
        when = None
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
        if position >= len(lines) or lines[position] == COMMENTS_HEADING:
            break
        position = _read_paragraph(lines, position, "", paragraphs)
    comments: tuple[Comment, ...] = ()
    if position < len(lines):
        comments, position = _read_comments(lines, position + 1, 0)
        # Anything after the thread (a note the user added) stays as text, not lost.
        while position < len(lines):
            position = _read_paragraph(lines, position, "", paragraphs)
    title = meta.get("title")
    blog = meta.get("blog")
    post_key = meta.get("id")
    body_paragraphs = tuple(paragraphs)
    title = _text(title)
    blog = source.blog if blog is None else _text(blog)
    if not isinstance(post_key, str) or not post_key:
        post_key = post_id(blog, title, when.month if when else None, when.day if when else None, body_paragraphs)
    return Post(
        id=post_key,
        blog=blog,
        title=title,
        date=when,
        body=body_paragraphs,
        date_inferred=meta.get("date_inferred") is True,
        date_note=_text(meta.get("date_note")),
        authors=strings("authors"),
        categories=strings("categories"),
        tags=strings("tags"),
        excerpt=meta.get("excerpt") is True,
        comments=comments,
        sources=strings("sources") if "sources" in meta else (source.display,),
    )


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
        author, when, inferred = _parse_header(lines[position][len(marker) :])
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
        comments.append(
            Comment(author=author, date=when, body=tuple(body), replies=replies, date_inferred=inferred)
        )


def _parse_header(text: str) -> tuple[str, datetime | None, bool]:
    """(author, date, whether the date's year was inferred) from an exported comment's first line."""
    match = _HEADER.match(text) or _NO_NAME_HEADER.match(text)
    if not match:
        return unescape(text), None, False
    author = unescape(match.group("author")) if "author" in match.groupdict() else ""
    stamp = (match.group("date") or "").strip()
    inferred = stamp.endswith(YEAR_INFERRED.strip())
    if inferred:
        stamp = stamp[: -len(YEAR_INFERRED.strip())]
    when = None
    if stamp:
        try:
            when = datetime.fromisoformat(stamp.strip())
        except ValueError:
            when = None
    return author, when, inferred and when is not None
