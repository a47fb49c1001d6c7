"""The reader's memory of this corpus (civicreader.memory) behind the screen: opened, read marks and bookmarks
saved off the UI thread, and the unread posts counted per archive branch.

It posts up MemoryOpened, MemoryFailed and UnreadCounted; the screen shows them (the newest count only, see
`take_count`) and decides when a post counts as read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.worker import get_current_worker

from civicreader.textsafe import one_line
from civicreader.ui.backstage import Backstage
from civicreader.ui.library_access import IndexNotReady, LibraryAccess
from civicreader.ui.messages import MemoryFailed, MemoryOpened, UnreadCounted

if TYPE_CHECKING:
    from civicreader.index import Library
    from civicreader.memory import Memory


class ReaderMemory(Backstage):
    def __init__(self, corpus: Path, access: LibraryAccess, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.corpus = corpus
        self.access = access
        self.memory: Memory | None = None
        """None until open (and for the session, when it cannot be)."""
        self.read_ids: set[str] = set()
        self.archive_order: tuple[str, ...] = ()
        """Every post id in the archive tree's order: where `u` looks for the next unread post."""
        self.unread_generation = 0
        """Bumped for each count of unread posts asked for: an older count arriving late is dropped."""
        self.unread_counted_for: frozenset[str] | None = None
        """The read marks the newest count was asked for, while the index stays the same: the same count is not
        asked for twice (the archive and the memory open in either order, and each asks)."""
        self.marks_at_start: frozenset[str] | None = None
        """The read marks as the memory opened with them, set by its worker: the index's worker, opening the
        archive, counts unread posts with them when they are there (`first_unread_count`)."""

    def on_unmount(self) -> None:
        if self.memory is not None:
            self.memory.close()

    @work(thread=True, group="memory", exit_on_error=False, description="open the reader's memory")
    def open(self) -> None:
        from civicreader.memory import MemoryStoreError, open_memory
        from civicreader.paths import memory_path_for

        try:
            memory = open_memory(memory_path_for(self.corpus))
        except (MemoryStoreError, OSError) as error:
            self.post_message(MemoryFailed(one_line(str(error))))
            return
        read = frozenset(memory.read_ids())
        self.marks_at_start = read  # before the message: the index's worker may count with them (see below)
        self.post_message(MemoryOpened(memory, read, tuple(memory.bookmarks()), tuple(memory.notes())))

    @on(MemoryOpened)
    def _opened(self, message: MemoryOpened) -> None:
        self.memory = message.memory
        self.read_ids = set(message.read_ids)

    def first_unread_count(self, library: Library) -> UnreadCounted | None:
        """With the top level, when the memory is open by then: the first screen then shows the blogs and their
        unread counts at once, for a twentieth of a second more, not the counts a tenth of a second later.

        Called in the index's worker, holding the library."""
        from civicreader.ui.unread import unread_counts

        read = self.marks_at_start
        if read is None:
            return None
        places = library.post_places()
        return UnreadCounted(unread_counts(places, read), places.ids, 0)

    def counts_at_opening(self, unread: UnreadCounted | None) -> UnreadCounted | None:
        """The archive is open: the counts read with it (`first_unread_count`) while they still hold; else None,
        and they are counted again (and posted up)."""
        marks, self.marks_at_start = self.marks_at_start, None  # the first opening's only
        if unread is not None and self.memory is not None and marks == frozenset(self.read_ids):
            self.unread_generation += 1
            self.unread_counted_for = marks
            self.archive_order = unread.order
            return unread
        self.count_unread(index_changed=True)
        return None

    def count_unread(self, index_changed: bool = False) -> None:
        """Count unread posts per branch again (unless the same count is on its way); only the newest count is
        posted up. Before the memory is open, read where the posts sit, so the count then waits for nothing else."""
        if self.memory is None:
            self._read_post_places()
            return
        read = frozenset(self.read_ids)
        if read == self.unread_counted_for and not index_changed:
            return
        self.unread_counted_for = read
        # Not an exclusive worker: one cancelled as the next starts would fail whoever waits for it.
        self.unread_generation += 1
        self._count_unread(read, self.unread_generation)

    @work(thread=True, group="unread", exit_on_error=False, description="read where posts sit")
    def _read_post_places(self) -> None:
        try:
            with self.access as library:
                library.post_places()  # kept by the library for the count
        except IndexNotReady:
            return

    @work(thread=True, group="unread", exit_on_error=False, description="count unread posts")
    def _count_unread(self, read: frozenset[str], generation: int) -> None:
        from civicreader.ui.unread import unread_counts

        try:
            with self.access as library:
                places = library.post_places()
        except IndexNotReady:
            return
        if not get_current_worker().is_cancelled:
            self.post_message(UnreadCounted(unread_counts(places, read), places.ids, generation))

    def take_count(self, counted: UnreadCounted) -> bool:
        """True for the newest count asked for (its order is then where `u` looks); False for an older one."""
        if counted.generation != self.unread_generation:
            return False
        self.archive_order = counted.order
        return True

    def set_read(self, post_ids: list[str], read: bool) -> bool:
        """Mark posts read or unread: in `read_ids` at once, in the memory by a worker. False with no memory."""
        if self.memory is None:
            return False
        if read:
            self.read_ids.update(post_ids)
        else:
            self.read_ids.difference_update(post_ids)
        self._save_read_marks(post_ids, read)
        self.count_unread()
        return True

    @work(thread=True, group="memory-write", exit_on_error=False, description="save read marks")
    def _save_read_marks(self, post_ids: list[str], read: bool) -> None:
        from civicreader.memory import MemoryStoreError

        try:
            self.memory.mark_read(post_ids, read)
        except MemoryStoreError as error:
            self.post_message(MemoryFailed(one_line(str(error))))

    @work(thread=True, group="memory-write", exit_on_error=False, description="save a bookmark")
    def save_bookmark(self, post_id: str, bookmarked: bool) -> None:
        from civicreader.memory import MemoryStoreError

        try:
            self.memory.set_bookmark(post_id, bookmarked)
        except MemoryStoreError as error:
            self.post_message(MemoryFailed(one_line(str(error))))
