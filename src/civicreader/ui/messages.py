"""What the screen's workers report back (posted from worker threads; `post_message` is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message
from textual.worker import Worker

from civicreader.model import Post
from civicreader.timeline import within
from civicreader.ui.reading_pane import OpenedPost


@dataclass(frozen=True)
class SearchRequest:
    query: str
    filters: tuple[tuple[str, str], ...] = ()
    offset: int = 0
    period: str | None = None
    """A year or month the timeline strip narrows the results to."""

    @property
    def narrowed_query(self) -> str:
        """The query as the index runs it: within `period` when one is chosen."""
        return within(self.query, self.period) if self.period else self.query


@dataclass
class LibraryOpened(Message):
    """An index is there and can be read (it may still be brought up to date)."""

    posts: int
    top_level: list
    """The archive tree's top level, as `ArchiveTree.children_of` gives it."""
    unread: UnreadCounted | None = None
    """The unread counts, when the reader's memory was open in time to count them with the top level."""


@dataclass
class IndexDamagedFound(Message):
    """Reading the index failed: it is damaged (`reason`, one line) and must be rebuilt."""

    reason: str


@dataclass
class IndexingStarted(Message):
    first_time: bool


@dataclass
class IndexingProgress(Message):
    done: int
    total: int
    current: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, IndexingProgress)


@dataclass
class IndexingFinished(Message):
    report: object
    """civicreader.index.UpdateReport"""


@dataclass
class IndexFoundCurrent(Message):
    """Looked at again (`R`), the index was up to date with the corpus: as this app or another process left it."""

    posts: int


@dataclass
class IndexingFailed(Message):
    reason: str
    error: BaseException | None = None
    """What went wrong, for the log (its traceback never reaches the screen)."""
    headline: str | None = None
    """Said before the reason; None: the index could not be built, or updated."""


@dataclass
class SearchFinished(Message):
    request: SearchRequest
    results: object
    """civicreader.index.SearchResults"""


@dataclass
class SearchFailed(Message):
    request: SearchRequest
    reason: str
    index_not_ready: bool = False
    """The first build is under way: the search runs again when it ends."""


@dataclass
class PostLoaded(Message):
    opened: OpenedPost
    focus: bool = True
    scroll_y: float | None = None
    """Where to put the view (going back or forward in history); None: where opening puts it."""


@dataclass
class PostMissing(Message):
    post_id: str


@dataclass
class Exported(Message):
    path: Path


@dataclass
class ExportFolderWanted(Message):
    """No export folder is set: ask for one, then export `post` there."""

    post: Post
    overwrite: bool
    suggested: Path
    settings: Path
    """The settings file the answer will be kept in."""
    memory: object = None
    """civicreader.memory.Memory, for the post's notes; None when it is not open."""


@dataclass
class ExportFailed(Message):
    reason: str


@dataclass
class SettingsLoaded(Message):
    config: object
    """civicreader.config.Config"""
    warnings: list[str]


@dataclass
class TimelineCounted(Message):
    query: str
    periods: tuple
    """civicreader.timeline.Period, a month each; empty when the query could not be read."""


@dataclass
class LinesFound(Message):
    request: SearchRequest
    lines: list
    """civicreader.concordance.Line"""
    first: bool
    """The first batch of this request: it replaces the lines shown."""
    done: bool
    total: int
    """Lines found so far."""
    why_none: str = ""
    """With done and no lines: why not (civicreader.concordance.why_no_lines)."""


@dataclass
class MemoryOpened(Message):
    """The reader's memory (civicreader.memory.Memory) is open, with the posts read so far."""

    memory: object
    read_ids: frozenset[str]
    bookmarks: tuple[str, ...]
    notes: tuple = ()


@dataclass
class NotesChanged(Message):
    """A note was written, changed or removed: every note now (civicreader.memory.Note), for the Notes branch."""

    notes: tuple


@dataclass
class MemoryFailed(Message):
    """The memory could not be opened (one line naming the file): the session goes on without marks."""

    reason: str


@dataclass
class UnreadCounted(Message):
    """Unread posts per archive branch, and every post id in the archive's order (for "next unread")."""

    unread: dict
    order: tuple[str, ...]
    generation: int


@dataclass
class WorkFailed(Message):
    """A worker of one of the screen's widgets failed (Worker.StateChanged does not bubble): the screen says so."""

    worker: Worker
