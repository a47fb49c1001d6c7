"""Ingest: turn the files of a corpus into `Page`s of `Post`s, one reader per format.

Every reader module in this package exposes::

    FORMAT: str                                   # a short name: "text", "wxr", ...
    def sniff(head: bytes, path: Path) -> bool    # does this file look like mine?
    def read(source: Source) -> Page              # raise IngestError for bad input

A reader that looks at other files to make a page (a Markdown post's comment files) names them
in `Page.depends_on`, so the index reads the page again when one of them changes.

`read_file` picks the reader by content (the first bytes), not only by extension, and
turns every failure into a `Problem` naming the file, so one bad file never stops the rest.
Dates without a year are left for `dedupe` to infer across pages (see `DateClue`).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from importlib import import_module
from pathlib import Path

from civicreader.model import Comment, Post

MAX_FILE_BYTES = 256 * 1024 * 1024
"""Nothing larger is read at all: no blog export of a sane archive comes near it."""

HEAD_BYTES = 4096
NOT_A_FILE = "not a regular file (a pipe, socket or device); not read"

# Order matters: the first reader whose sniff() says yes reads the file; "text" is last
# because it accepts any readable text.
READER_MODULES = ("wxr", "blogger", "feeds", "html", "markdown", "textpage")

SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "SOURCES.md", "README.md", "LICENSE"}
CACHE_TAG = "CACHEDIR.TAG"
CACHE_TAG_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
"""The Cache Directory Tagging Specification's mark (backup tools skip what carries it): a folder
tagged as a cache is never read as corpus."""


class IngestError(Exception):
    """Bad input: the reason is one line, for the user; `line` where one is known."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class Source:
    path: Path
    data: bytes
    blog: str
    """The blog name to use when the format itself has none (corpus sub-folder or corpus name)."""

    @property
    def display(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class DateClue:
    """What a page says about a post's date when it gives no year.

    `hints` are (year, reason) pairs from the page itself, strongest first: the archive
    header, a year in its comments' dates, a year the body mentions.
    `newest_comment_year`/`oldest...` bound the post: a comment is never older than its post.
    """

    month: int
    day: int
    hints: tuple[tuple[int, str], ...] = ()
    comment_dates: tuple[tuple[int, int, int], ...] = ()
    """(year, month, day) of every dated comment."""
    body_years: tuple[int, ...] = ()
    yearless_comments: tuple[YearlessDay, ...] = ()
    """Comments dated without a year: they get one once the post's year is known (see `date_comments`)."""


@dataclass(frozen=True)
class YearlessDay:
    """A comment's date shown without a year; `position` is the comment's place in `Post.walk_comments()`."""

    position: int
    month: int
    day: int
    hour: int | None = None
    minute: int | None = None


def date_comments(
    comments: tuple[Comment, ...], yearless: Iterable[YearlessDay], post_day: date
) -> tuple[Comment, ...]:
    """The comments with a year given to each year-less date, marked `date_inferred`.

    A comment is never older than its post: the post's year, or the next one when the comment's
    day comes earlier in the calendar than the post's.
    """
    by_position = {found.position: found for found in yearless}
    if not by_position:
        return comments
    position = 0

    def dated(comment: Comment) -> Comment:
        nonlocal position
        found = by_position.get(position)
        position += 1
        replies = tuple(dated(reply) for reply in comment.replies)
        if found is None or comment.date is not None:
            return replace(comment, replies=replies)
        year = post_day.year + (1 if (found.month, found.day) < (post_day.month, post_day.day) else 0)
        try:
            when = datetime(year, found.month, found.day, found.hour or 0, found.minute or 0)
        except ValueError:  # 29 February in a year without one: no date rather than a wrong one
            return replace(comment, replies=replies)
        return replace(comment, date=when, date_inferred=True, replies=replies)

    return tuple(dated(comment) for comment in comments)


FILE = "file"
FOLDER = "folder"


@dataclass(frozen=True)
class Dependency:
    """A file or folder, besides its own file, that a reader looked at to make a page.

    The index reads the page again when its `dependency_state` changes (it appeared, went or
    changed). `kind` says what counts: FILE, the file's bytes; FOLDER, the names and bytes of the
    files in it (only names ending in one of `detail`, when given), so a new comment file counts;
    "<reader>:<what>", the reader module's own `dependency_state(dependency)` says (`detail` is its).
    """

    path: str
    kind: str = FILE
    detail: tuple[str, ...] = ()


ABSENT = ""
"""The stamp and state of a dependency that is not there."""
DIGEST_CHARS = 16
"""Of a SHA-1 in hex: 64 bits tell a change apart, and the manifest holds one or more for every post."""


def dependency_stamp(dependency: Dependency) -> str:
    """A cheap look (stat only): while it stays the same, so does the dependency's state.

    A folder's stamp covers every file in it, so an edit inside it counts, not only a new name.
    """
    path = dependency.path
    try:
        if dependency.kind == FILE:
            status = os.stat(path)
            return f"{status.st_size}:{status.st_mtime_ns}" if stat.S_ISREG(status.st_mode) else ABSENT
        digest = hashlib.sha1()
        for name, size, mtime in _folder_files(path):
            digest.update(f"{name}\0{size}\0{mtime}\0".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()[:DIGEST_CHARS]
    except OSError:
        return ABSENT


def dependency_state(dependency: Dependency) -> str:
    """What a reader saw of the dependency, as a digest; ABSENT when it is not there."""
    path = dependency.path
    try:
        if dependency.kind == FILE:
            return _file_digest(path) if os.path.isfile(path) else ABSENT
        if dependency.kind == FOLDER:
            suffixes = tuple(suffix.lower() for suffix in dependency.detail)
            digest = hashlib.sha1(b"folder")
            for name, _, _ in _folder_files(path):
                if not suffixes or name.lower().endswith(suffixes):
                    content = _file_digest(os.path.join(path, name))
                    digest.update(f"{name}\0{content}\0".encode("utf-8", "surrogateescape"))
            return digest.hexdigest()[:DIGEST_CHARS]
    except OSError:
        return ABSENT
    reader, _, _ = dependency.kind.partition(":")
    return import_module(f"civicreader.ingest.{reader}").dependency_state(dependency)


def _folder_files(path: str) -> list[tuple[str, int, int]]:
    """(name, size, mtime_ns) of the regular files in a folder, by name; links are not followed."""
    found = []
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                status = entry.stat(follow_symlinks=False)
                found.append((entry.name, status.st_size, status.st_mtime_ns))
    return sorted(found)


def _file_digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha1").hexdigest()[:DIGEST_CHARS]


@dataclass(frozen=True)
class Page:
    path: str
    posts: tuple[Post, ...]
    clues: tuple[DateClue | None, ...] = ()
    """Aligned with `posts`; None where the post's date is complete or absent."""
    ordered: bool = False
    """True for archive pages, where posts run newest first (so neighbours bound each other's year)."""
    archive_year: int | None = None
    notes: tuple[str, ...] = field(default=())
    """Counts worth telling the user (e.g. "skipped 3 drafts")."""
    depends_on: tuple[Dependency, ...] = ()
    """Other files and folders the reader looked at (a post's comment files): see `Dependency`."""
    title_line: str = ""
    """A scraped page of one post: its first line, which may name the site ("Post title | Site name"); see
    `blog_names.agreed_site_names`."""
    masthead: tuple[str, ...] = ()
    """A scraped page: its short lines near the top, where the site's name stands on a line of its own (a name
    another file of its folder gives is taken when these show it: see `blog_names.agreed_site_names`)."""
    folder: str = ""
    """The blog the file's folders name (`blog_names.folder_blog`), kept so pages of one folder can agree."""


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        """One line naming the file, its control characters shown as escapes (see `visible`)."""
        from civicreader.textsafe import visible

        path = visible(self.path)
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.reason}"


@lru_cache(maxsize=1)
def _readers():
    # Imported on first use: a command that reads no file (search, show) never loads lxml or feedparser.
    return [import_module(f"civicreader.ingest.{name}") for name in READER_MODULES]


def read_file(path: Path, root: Path) -> Page | Problem:
    """Read one file into a Page, or say in one line why it cannot be read."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            return Problem(str(path), NOT_A_FILE)
        size = status.st_size
        if size == 0:
            return _empty_file(path)
        if size > MAX_FILE_BYTES:
            return Problem(str(path), f"too large ({size // (1024 * 1024)} MB)")
        with path.open("rb") as handle:
            data = handle.read()
    except OSError as error:
        return Problem(str(path), f"cannot read: {error.strerror or error}")
    from civicreader.ingest.blog_names import folder_blog

    source = Source(path=path, data=data, blog=folder_blog(path, root))
    head = data[:HEAD_BYTES]
    for reader in _readers():
        try:
            if not reader.sniff(head, path):
                continue
            page = reader.read(source)
            return replace(page, folder=source.blog) if isinstance(page, Page) else page
        except IngestError as error:
            return Problem(str(path), error.reason, error.line)
        except RecursionError:
            return Problem(str(path), f"nested too deeply to read as {reader.FORMAT}")
        except MemoryError:
            return Problem(str(path), f"too large to read as {reader.FORMAT}")
        except Exception as error:  # a reader bug must cost one file, never the run
            return Problem(str(path), f"could not be read as {reader.FORMAT} ({type(error).__name__}: {error})")
    from civicreader.ingest.decode import looks_binary

    if looks_binary(head):
        return Problem(str(path), "binary data, not a blog page or export")
    return Problem(str(path), "not a blog page or export this reader knows")


def _empty_file(path: Path) -> Page | Problem:
    """An empty file is a bad file, except a Staticman comment: an empty comment is no comment."""
    from civicreader.ingest.markdown.files import is_staticman_comment_path

    if is_staticman_comment_path(path) and path.suffix.lower() in (".yml", ".yaml"):
        return Page(path=str(path), posts=())
    return Problem(str(path), "empty file")


def discover(paths: Iterable[Path], passed_over: list[Problem] | None = None) -> Iterator[tuple[Path, Path]]:
    """Yield (file, corpus root) for every file under the given files and folders, sorted, once each.

    Inside folders, only regular files are yielded: opening a named pipe would block for ever, and
    a symlink loop or a dangling link has nothing to read. Those go into `passed_over`, if given.
    Hidden folders and folders tagged as caches (an index kept inside the corpus) are not entered.
    """
    for file, root, _ in discover_with_stats(paths, passed_over):
        yield file, root


def discover_with_stats(
    paths: Iterable[Path], passed_over: list[Problem] | None = None, skip: Iterable[Path] = ()
) -> Iterator[tuple[Path, Path, os.stat_result | None]]:
    """As `discover`, with each file's `os.stat` (None for a named file that cannot be looked at);
    the folders in `skip` (an index kept inside its corpus) are not entered."""
    for file, root, info in walk_with_stats(paths, passed_over, skip):
        yield Path(file), root, info


def walk_with_stats(
    paths: Iterable[Path], passed_over: list[Problem] | None = None, skip: Iterable[Path] = ()
) -> Iterator[tuple[str, Path, os.stat_result | None]]:
    """As `discover_with_stats`, each file's path as a string.

    One stat a file, on plain strings: a walk over 20,000 files was mostly pathlib and stat calls (making a
    `Path` of each file took as long as the stat calls). Every file is looked at, every time: a file edited in
    place changes its own size and mtime, not its folder's, so no folder can be passed over as unchanged.
    """
    skipped = {os.path.realpath(folder) for folder in skip}
    skipped_names = {os.path.basename(folder) for folder in skipped}

    def entered(folder: str, name: str) -> bool:
        if name.startswith(".") or is_cache(folder, name):
            return False
        return name not in skipped_names or os.path.realpath(os.path.join(folder, name)) not in skipped

    seen: set[str] = set()
    for given in paths:
        if given.is_dir():
            root = given
            for folder, dirnames, filenames in os.walk(given, followlinks=False):
                dirnames[:] = sorted(name for name in dirnames if entered(folder, name))
                prefix = os.path.join(folder, "")
                for name in sorted(filenames):
                    if name.startswith(".") or name in SKIPPED_NAMES:
                        continue
                    path = prefix + name
                    if path in seen:
                        continue
                    seen.add(path)
                    try:
                        info = os.stat(path)
                    except OSError as error:
                        reason = f"a link that leads nowhere ({error.strerror or error}); not followed"
                        info = None
                    else:
                        reason = None if stat.S_ISREG(info.st_mode) else NOT_A_FILE
                    if reason:
                        if passed_over is not None:
                            passed_over.append(Problem(path, reason))
                        continue
                    yield path, root, info
        elif str(given) not in seen:
            seen.add(str(given))
            try:
                info = given.stat()
            except OSError:
                info = None
            yield str(given), given.parent, info


def is_cache(parent: str, name: str) -> bool:
    """True for a folder tagged as a cache (see `CACHE_TAG`): never corpus."""
    try:
        # Non-blocking: a named pipe called CACHEDIR.TAG must not stop the walk.
        tag = os.open(os.path.join(parent, name, CACHE_TAG), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        return os.read(tag, len(CACHE_TAG_SIGNATURE)) == CACHE_TAG_SIGNATURE
    except OSError:
        return False
    finally:
        os.close(tag)


def read_paths(paths: Iterable[Path]) -> tuple[list[Page], list[Problem]]:
    """Read every file under `paths`; bad files become Problems, never exceptions."""
    pages: list[Page] = []
    problems: list[Problem] = []
    for file, root in discover(paths, passed_over=problems):
        if not file.exists():
            problems.append(Problem(str(file), "no such file or folder"))
            continue
        result = read_file(file, root)
        (problems if isinstance(result, Problem) else pages).append(result)
    return pages, problems
