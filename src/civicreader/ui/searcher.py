"""The searches the screen asks for, run one at a time off the UI thread: a newer one cancels the one under way.

Each ends in SearchFinished or SearchFailed, posted up with the request it answers.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import work
from textual.worker import WorkerState, get_current_worker

from civicreader.textsafe import one_line
from civicreader.ui.backstage import Backstage
from civicreader.ui.library_access import IndexNotReady, LibraryAccess
from civicreader.ui.messages import SearchFailed, SearchFinished, SearchRequest

if TYPE_CHECKING:
    from civicreader.memory import Memory

SEARCH_DEBOUNCE_SECONDS = 0.02
"""Long enough to skip the searches a fast typist or a paste would waste, short enough not to notice."""
RESULTS_PER_PAGE = 10
"""Two screens of hits: each keystroke makes and lays out this many; the next page comes as the cursor nears the end."""


class Searcher(Backstage):
    def __init__(self, access: LibraryAccess, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.access = access

    @property
    def busy(self) -> bool:
        """A search is waiting or running."""
        return any(
            worker.group == "search" and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for worker in self.workers
        )

    def stop(self) -> None:
        self.workers.cancel_group(self, "search")

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="search")
    def search(self, request: SearchRequest, memory: Memory | None, debounce: bool = False) -> None:
        """Run `request`, ranking what the reader read or bookmarked (`memory`) as search_remembering does."""
        from civicreader.index import QueryError, SearchCancelled
        from civicreader.memory_search import search_remembering

        worker = get_current_worker()
        if debounce:
            time.sleep(SEARCH_DEBOUNCE_SECONDS)
        if worker.is_cancelled:
            return
        try:
            with self.access as library:
                if worker.is_cancelled:
                    return
                results = search_remembering(
                    library,
                    request.narrowed_query,
                    memory,
                    limit=RESULTS_PER_PAGE,
                    offset=request.offset,
                    filters=dict(request.filters),
                    cancel=worker.cancelled_event,  # set when a newer search replaces this one (exclusive)
                )
        except SearchCancelled:
            return
        except QueryError as error:
            self.post_message(SearchFailed(request, one_line(str(error))))
            return
        except IndexNotReady:
            self.post_message(
                SearchFailed(request, "The index is still being built; results will follow.", index_not_ready=True)
            )
            return
        if not worker.is_cancelled:
            self.post_message(SearchFinished(request, results))
