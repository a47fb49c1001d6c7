"""The index behind the screen: opened, built or brought up to date when the corpus changed, rebuilt when found
damaged, and readied for searching.

Its worker reports to the screen (LibraryOpened, IndexingStarted, IndexingProgress, IndexingFinished,
IndexingFailed), which shows what it says; it swaps each freshly opened index into the `LibraryAccess` that
every widget reads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.worker import get_current_worker

from civicreader.textsafe import one_line
from civicreader.ui import heap
from civicreader.ui.archive_tree import ArchiveTree
from civicreader.ui.backstage import Backstage
from civicreader.ui.library_access import IndexNotReady, LibraryAccess
from civicreader.ui.messages import (
    IndexDamagedFound,
    IndexFoundCurrent,
    IndexingFailed,
    IndexingFinished,
    IndexingProgress,
    IndexingStarted,
    LibraryOpened,
    UnreadCounted,
)
from civicreader.ui.text import corpus_path

if TYPE_CHECKING:
    from civicreader.index import Library

PROGRESS_INTERVAL_SECONDS = 0.1


class IndexKeeper(Backstage):
    def __init__(self, corpus: Path, index_dir: Path | None, access: LibraryAccess, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.corpus = corpus
        self.index_dir = index_dir
        self.access = access
        self.repairing = False
        """A damaged index is being rebuilt: said once, started once."""
        self.first_unread: Callable[[Library], UnreadCounted | None] = lambda library: None
        """Set by the screen: the unread counts, read with the archive's top level when the reader's memory is
        open by then (see ReaderMemory.first_unread_count)."""

    def on_mount(self) -> None:
        self.reports_to = self.screen
        self.access.on_damaged = lambda reason: self.post_message(IndexDamagedFound(reason))

    @property
    def at_work(self) -> bool:
        """The index is being opened, built or updated now."""
        return any(worker.group == "index" and not worker.is_finished for worker in self.workers)

    @work(thread=True, exclusive=True, group="index", exit_on_error=False, description="index")
    def prepare_library(self, rebuild: bool = False, looking_again: bool = False) -> None:
        """Open the index, and build it or bring it up to date when the corpus changed; with `looking_again` (the
        index is open already), only bring it up to date, or say it is (IndexFoundCurrent)."""
        from civicreader.index import EngineUnavailable, IndexBusy, IndexWriteFailed, Library, UpdateCancelled

        worker = get_current_worker()
        reader = Library(self.corpus, self.index_dir)
        usable = not rebuild and reader.exists()
        if usable:
            try:
                reader.require_engine()
            except EngineUnavailable as error:  # kept as it is, for when the engine is installed
                self._report(IndexingFailed(one_line(str(error)), error, "The index cannot be opened"))
                return
            self.access.replace(reader)
            try:
                with self.access as library:
                    # Read here rather than in a worker of the tree's: one trip, and before the stale check.
                    top_level = list(ArchiveTree.children_of(library, None))
                    posts = sum(library.blogs().values())
                    unread = self.first_unread(library)
            except IndexNotReady:
                return  # damaged: the screen was told, and rebuilds it
            if not looking_again:  # the archive shows at once; the corpus is looked at after
                self._report(LibraryOpened(posts, top_level, unread))
            if not reader_is_stale(self.access):
                if looking_again:
                    self._report(IndexFoundCurrent(posts))
                return
        self._report(IndexingStarted(first_time=not usable))
        last_report = 0.0

        def progress(done: int, total: int, current: str) -> None:
            nonlocal last_report
            now = time.monotonic()
            if now - last_report >= PROGRESS_INTERVAL_SECONDS or done == total:
                last_report = now
                self._report(IndexingProgress(done, total, corpus_path(current, self.corpus)))

        writer = Library(self.corpus, self.index_dir)
        if rebuild or not usable:
            from civicreader.config import load_config

            writer.fresh_engine = load_config(warn=lambda _: None).engine  # its warnings are shown by the screen
        try:
            report = writer.update(progress=progress, cancel=worker.cancelled_event, rebuild=rebuild)
        except IndexBusy as error:
            self._report(IndexingFailed(one_line(str(error))))
            return
        except IndexWriteFailed as error:
            usable = usable or writer.exists()
            if usable and not self.access.ready:
                self.access.replace(Library(self.corpus, self.index_dir))
            read_only = "; using the index as it was (read-only)" if usable else ""
            self._report(IndexingFailed(one_line(f"{error}{read_only}"), error))
            return
        except UpdateCancelled:
            return
        finally:
            writer.close()
        if worker.is_cancelled:
            return
        self.access.replace(Library(self.corpus, self.index_dir))
        self._report(IndexingFinished(report))

    def _report(self, message: Message) -> None:
        """Post straight to the screen that shows it. Bubbling through here, an IndexingProgress would be handled
        (and seen by a message hook) here before the screen had handled the IndexingStarted posted before it."""
        if isinstance(message, IndexingFinished | IndexingFailed):
            self.repairing = False
        self.reports_to.post_message(message)

    @on(IndexDamagedFound)
    def _damaged(self, message: IndexDamagedFound) -> None:
        """Rebuild it, once: the screen hears of the first finding only."""
        if self.repairing:
            message.stop()
            return
        self.repairing = True
        self.prepare_library(rebuild=True)

    @work(thread=True, group="warm-up", exit_on_error=False, description="open the index for searching")
    def open_for_searching(self) -> None:
        """Open the index's searcher once the archive is on screen, not on the first keystroke.

        The archive tree is read without it; the first search would pay for importing Whoosh and
        opening the searcher (0.15 s at 20,000 posts, then a few ms a search).
        """
        try:
            with self.access as library:
                library.prepare_search()
        except IndexNotReady:
            return
        heap.freeze_what_lasts()


def reader_is_stale(access: LibraryAccess) -> bool:
    with access as library:
        return library.is_stale()
