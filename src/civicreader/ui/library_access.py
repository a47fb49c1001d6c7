"""One `Library` shared by the UI's worker threads, one call at a time.

The index allows a single thread per `Library` at once; the archive tree, the search
and the reading pane all run their own workers, so they take turns through this lock.
Only worker threads enter it: the UI thread never waits on the index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from civicreader.index import Library


class IndexNotReady(Exception):
    """The index is still being built for the first time."""


class LibraryAccess:
    def __init__(self) -> None:
        self._library: Library | None = None
        self._lock = threading.Lock()
        self.on_damaged: Callable[[str], None] = lambda reason: None
        """Called (from the worker's thread) when reading finds the index damaged: it is then not ready
        (IndexNotReady) until a rebuilt Library replaces it."""

    @property
    def ready(self) -> bool:
        return self._library is not None

    def __enter__(self) -> Library:
        self._lock.acquire()
        if self._library is None:
            self._lock.release()
            raise IndexNotReady("the index is still being built")
        return self._library

    def __exit__(self, kind, error, traceback) -> None:
        from civicreader.index.results import IndexDamaged

        if isinstance(error, IndexDamaged):
            damaged, self._library = self._library, None
            self._lock.release()
            if damaged is not None:  # the first worker to find it says so; the others see it not ready
                damaged.close()
                self.on_damaged(str(error))
            raise IndexNotReady(str(error)) from None
        self._lock.release()

    def replace(self, library: Library) -> None:
        """Swap in a freshly opened Library (after an update) and close the old one."""
        with self._lock:
            old, self._library = self._library, library
        if old is not None:
            old.close()

    def close(self) -> None:
        with self._lock:
            old, self._library = self._library, None
        if old is not None:
            old.close()
