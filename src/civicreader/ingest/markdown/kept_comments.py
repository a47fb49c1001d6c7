"""Comments static sites keep beside their posts, and what the index watches to read them again.

- Jekyll/Staticman: `_data/comments/<slug>/*.yml`, threaded by `replying_to`, the 1-based
  position of the parent among the post's top-level comments in date order (what the site's
  templates count);
- comment Markdown files next to the post with a `target` (and `reply_to` for threads), as
  webmention archives keep them;
- a WordPress comment section kept as Markdown ("N Responses to “Title”", then numbered
  "Name on January 27th, 2009 12:53 am" items), linked from the post's "[N Comments](...)" line.

Each finder also returns the files and folders it looked at (`Dependency`), so the index reads
the post again when its comments change.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from civicreader.ingest import DIGEST_CHARS, FILE, FOLDER, HEAD_BYTES, Dependency, IngestError
from civicreader.ingest.dates import clock_hour
from civicreader.ingest.markdown.body import markdown_to_paragraphs
from civicreader.ingest.markdown.files import DATA_SUFFIXES, FRONT_MATTER_START, MARKDOWN_SUFFIXES
from civicreader.ingest.markdown.front_matter import (
    as_datetime,
    author_names,
    first_value,
    load_yaml,
    parse_front_matter,
    parse_when,
    scalar_text,
    split_front_matter,
)
from civicreader.ingest.shared import unescape_once
from civicreader.model import Comment

MAX_NEIGHBOUR_FILES = 5000
"""Comment files read from one folder at the most."""
MAX_NEIGHBOUR_BYTES = 4 * 1024 * 1024


def last_segment(url: str) -> str:
    """The slug a URL ends in (`.html` and the like dropped): how comment files name their post."""
    from urllib.parse import urlsplit

    segment = urlsplit(url.strip()).path.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"\.(html?|php|aspx?)$", "", segment)


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


def find_staticman_comments(path: Path, slugs: set[str]) -> tuple[tuple[Comment, ...], tuple[Dependency, ...], int]:
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
        if not isinstance(data, dict) or first_value(data, "hidden") in (True, "true", "yes"):
            continue
        when = as_datetime(parse_when(first_value(data, "date")))
        message = first_value(data, "message", "comment", "body")
        comment = Comment(
            author=unescape_once(scalar_text(first_value(data, "name", "author"))),
            date=when,
            body=markdown_to_paragraphs(scalar_text(message)),
        )
        parent = scalar_text(first_value(data, "replying_to")).strip()
        entries.append((when or datetime.max, number, comment, parent))
    entries.sort(key=lambda entry: entry[:2])
    return _thread_by_position([(comment, parent) for _, _, comment, parent in entries]), tuple(looked_at), unreadable


def _thread_by_position(entries: list[tuple[Comment, str]]) -> tuple[Comment, ...]:
    """Replies under the top-level comment their `replying_to` counts to (1-based, in date order);
    a reply to no such comment stays, after the threads."""
    top_level = [comment for comment, parent in entries if not parent]
    replies: dict[int, list[Comment]] = {}
    orphans = []
    for comment, parent in entries:
        if parent:
            index = int(parent) if parent.isdigit() else 0
            if 1 <= index <= len(top_level):
                replies.setdefault(index, []).append(comment)
            else:
                orphans.append(comment)
    threads = [
        Comment(comment.author, comment.date, comment.body, tuple(replies.get(position, ())))
        for position, comment in enumerate(top_level, start=1)
    ]
    return tuple(threads + orphans)


SIBLING_COMMENTS = "markdown:comment-files"
"""The kind of `Dependency` on the comment files beside a post (`detail`: the post's slugs)."""


def find_sibling_comments(path: Path, slugs: set[str]) -> tuple[tuple[Comment, ...], int, tuple[Dependency, ...]]:
    """Comment files next to the post whose `target` names it, `reply_to` nesting them; how many
    were mentions (webmention types other than reply), left out like pingbacks; and the folder."""
    looked_at = (Dependency(str(path.parent), SIBLING_COMMENTS, tuple(sorted(slugs))),)
    found = _sibling_entries(path.parent, slugs)
    replies = [entry for entry in found if not entry.is_mention]
    threads = _thread_by_key([(entry.key, entry.reply_to, entry.comment) for entry in replies])
    return threads, len(found) - len(replies), looked_at


def _sibling_entries(folder: Path, slugs: Iterable[str]) -> list[_CommentFile]:
    slugs = set(slugs)
    return [entry for entry in _comment_files(folder) if not entry.target or last_segment(entry.target) in slugs]


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
        target = first_value(meta, "target")
        reply_to = first_value(meta, "reply_to", "in-reply-to", "in_reply_to")
        if not (target or reply_to) or first_value(meta, "title"):
            continue
        when = as_datetime(parse_when(first_value(meta, "date", "published")))
        names = author_names(first_value(meta, "author"))
        comment = Comment(author=names[0] if names else "", date=when, body=markdown_to_paragraphs(split[2]))
        key = scalar_text(first_value(meta, "source", "url")) or file.stem
        kind = (scalar_text(first_value(meta, "type")) or "reply").strip().lower()
        is_mention = kind not in _REPLY_TYPES
        entry = _CommentFile(key, scalar_text(target), scalar_text(reply_to), comment, is_mention, file.name)
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
    return bool(FRONT_MATTER_START.match(head) and _TARGET_KEY.search(head))


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


def find_comment_section(path: Path, link: str) -> tuple[tuple[Comment, ...], int, tuple[Dependency, ...]]:
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
        hour = clock_hour(int(match.group("hour") or 0), match.group("ampm"))
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
    author = " ".join(markdown_to_paragraphs(name)) or unescape_once(name)
    return author, when
