"""The one screen: search bar on top, the archive or the results on the left, the post on the right.

It routes what the widgets report (messages up) and sets what they show (attributes down);
every call into the index runs in a thread worker here, never on the UI thread.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer
from textual.worker import Worker, WorkerState, get_current_worker

from civicreader.model import Post
from civicreader.textsafe import one_line
from civicreader.ui import heap
from civicreader.ui.archive_tree import ArchiveTree
from civicreader.ui.concordance_view import CONTEXT_WIDTH, ConcordanceView
from civicreader.ui.export_folder_screen import ExportFolderScreen
from civicreader.ui.facet_bar import FacetBar
from civicreader.ui.index_status import IndexStatus
from civicreader.ui.keys import bindings_for
from civicreader.ui.library_access import IndexNotReady, LibraryAccess
from civicreader.ui.matches import commenter_spans, match_spans
from civicreader.ui.messages import (
    Exported,
    ExportFailed,
    ExportFolderWanted,
    IndexDamagedFound,
    IndexingFailed,
    IndexingFinished,
    IndexingProgress,
    IndexingStarted,
    LibraryOpened,
    LinesFound,
    MemoryFailed,
    MemoryOpened,
    NotesChanged,
    PostLoaded,
    PostMissing,
    SearchFailed,
    SearchFinished,
    SearchRequest,
    SettingsLoaded,
    TimelineCounted,
    UnreadCounted,
)
from civicreader.ui.reading_pane import OpenedPost, ReadingPane
from civicreader.ui.results_list import ResultsList
from civicreader.ui.search_bar import SearchBar
from civicreader.ui.timeline_strip import TimelineStrip

if TYPE_CHECKING:
    from civicreader.memory import Memory

SEARCH_DEBOUNCE_SECONDS = 0.02
"""Long enough to skip the searches a fast typist or a paste would waste, short enough not to notice."""
RESULTS_PER_PAGE = 10
"""Two screens of hits: each keystroke makes and lays out this many; the next page comes as the cursor nears the end."""
PROGRESS_INTERVAL_SECONDS = 0.1
CONCORDANCE_LINES = 5_000
"""Lines the app lists at most (`civicreader concordance` gives them all)."""
HISTORY_LENGTH = 200
"""Posts kept to go back to (each held as shown: the post and its marked matches)."""
READ_AFTER_SECONDS = 1.5
"""A post open this long counts as read: long enough that passing through on the way elsewhere does not."""
MEMORY_WAIT_SECONDS = 0.5
"""How long readying the search waits for the unread counts, at most."""


class MainScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("screen")

    def __init__(self, corpus: Path, index_dir: Path | None = None) -> None:
        super().__init__()
        self.corpus = corpus
        self.index_dir = index_dir
        self.access = LibraryAccess()
        self.request: SearchRequest | None = None
        """The search whose results are (or are about to be) shown; None shows the archive."""
        self.terms: dict[str, tuple[str, ...]] = {}
        """The words of the shown search, per text field (see ui/matches.py)."""
        self.open_top_hit_when_ready = False
        self.shown_request: SearchRequest | None = None
        """The search whose results are on screen (the bench and tests wait for it)."""
        self.collect_timer: Timer | None = None
        """Runs a garbage collection once typing rests (see ui/heap.py)."""
        self.repairing = False
        """A damaged index is being rebuilt: said once, started once."""
        self.period: str | None = None
        """The year or month the timeline strip narrows the results to."""
        self.concordance = False
        """The results are shown as concordance lines."""
        self.memory: Memory | None = None
        """The reader's own data (civicreader.memory): read marks, bookmarks, notes. None until open."""
        self.warm_up_due = False
        self.next_unread_asked = False
        """`u` was pressed before the unread posts were counted: it goes on once they are."""
        self.read_ids: set[str] = set()
        self.archive_order: tuple[str, ...] = ()
        """Every post id in the archive tree's order: where `u` looks for the next unread post."""
        self.read_timer: Timer | None = None
        self.unread_generation = 0
        """Bumped for each count of unread posts asked for: an older count arriving late is dropped."""
        self.unread_counted_for: frozenset[str] | None = None
        """The read marks the newest count was asked for, while the index stays the same: the same count is not
        asked for twice (the archive and the memory open in either order, and each asks)."""
        self.archive_shown = False
        self.marks_at_start: frozenset[str] | None = None
        """The read marks as the memory opened with them, set by its worker: the index's worker, opening the
        archive, counts unread posts with them when they are there (`_first_unread_count`)."""
        self.back_history: list[tuple[OpenedPost, float]] = []
        """(post as shown, scroll position) of the posts opened before, the latest last."""
        self.forward_history: list[tuple[OpenedPost, float]] = []

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search-bar")
        yield TimelineStrip(id="timeline")
        with Horizontal(id="panes"):
            with ContentSwitcher(initial="archive", id="sidebar"):
                yield ArchiveTree(id="archive")
                with Vertical(id="results-panel"):
                    yield FacetBar(id="facets")
                    yield ResultsList(id="results")
                yield ConcordanceView(id="concordance")
            yield ReadingPane(id="reader")
        yield IndexStatus(id="index-status")
        yield Footer()

    def on_mount(self) -> None:
        tree = self.query_one(ArchiveTree)
        tree.access = self.access
        self.access.on_damaged = lambda reason: self.post_message(IndexDamagedFound(reason))
        tree.show_message("Opening the index…")
        self.query_one(IndexStatus).show_idle(Content.assemble("corpus ", (one_line(self.corpus.name), "bold")))
        self.set_focus(tree)
        # The first frame goes out before any work on the index (which competes for the GIL).
        self.call_after_refresh(self.prepare_library)
        self.call_after_refresh(self.load_settings)
        self.call_after_refresh(self.open_memory)

    def on_unmount(self) -> None:
        self.workers.cancel_all()
        heap.release()
        if self.memory is not None:
            self.memory.close()

    @work(thread=True, group="settings", exit_on_error=False, description="read the settings")
    def load_settings(self) -> None:
        from civicreader.config import load_config

        warnings: list[str] = []
        self.post_message(SettingsLoaded(load_config(warn=warnings.append), warnings))

    @on(SettingsLoaded)
    def _settings_loaded(self, message: SettingsLoaded) -> None:
        self.query_one(ReadingPane).citation_format = message.config.citation_format
        for warning in message.warnings:
            self.notify(one_line(warning), severity="warning", markup=False)

    # ---- the index: open it, and build or update it when the corpus changed ----

    @work(thread=True, exclusive=True, group="index", exit_on_error=False, description="index")
    def prepare_library(self, rebuild: bool = False) -> None:
        from civicreader.index import EngineUnavailable, IndexBusy, IndexWriteFailed, Library, UpdateCancelled

        worker = get_current_worker()
        reader = Library(self.corpus, self.index_dir)
        usable = not rebuild and reader.exists()
        if usable:
            try:
                reader.require_engine()
            except EngineUnavailable as error:  # kept as it is, for when the engine is installed
                self.post_message(IndexingFailed(one_line(str(error)), error, "The index cannot be opened"))
                return
            self.access.replace(reader)
            try:
                with self.access as library:
                    # Read here rather than in a worker of the tree's: one trip, and before the stale check.
                    top_level = list(ArchiveTree.children_of(library, None))
                    posts = sum(library.blogs().values())
                    unread = self._first_unread_count(library)
            except IndexNotReady:
                return  # damaged: the screen was told, and rebuilds it
            self.post_message(LibraryOpened(posts, top_level, unread))
            if not reader_is_stale(self.access):
                return
        self.post_message(IndexingStarted(first_time=not usable))
        last_report = 0.0

        def progress(done: int, total: int, current: str) -> None:
            nonlocal last_report
            now = time.monotonic()
            if now - last_report >= PROGRESS_INTERVAL_SECONDS or done == total:
                last_report = now
                self.post_message(IndexingProgress(done, total, self._display_path(current)))

        writer = Library(self.corpus, self.index_dir)
        if rebuild or not usable:
            from civicreader.config import load_config

            writer.fresh_engine = load_config(warn=lambda _: None).engine  # its warnings are shown by load_settings
        try:
            report = writer.update(progress=progress, cancel=worker.cancelled_event, rebuild=rebuild)
        except IndexBusy as error:
            self.post_message(IndexingFailed(one_line(str(error))))
            return
        except IndexWriteFailed as error:
            usable = usable or writer.exists()
            if usable and not self.access.ready:
                self.access.replace(Library(self.corpus, self.index_dir))
            read_only = "; using the index as it was (read-only)" if usable else ""
            self.post_message(IndexingFailed(one_line(f"{error}{read_only}"), error))
            return
        except UpdateCancelled:
            return
        finally:
            writer.close()
        if worker.is_cancelled:
            return
        self.access.replace(Library(self.corpus, self.index_dir))
        self.post_message(IndexingFinished(report))

    @on(IndexDamagedFound)
    def _index_damaged(self, message: IndexDamagedFound) -> None:
        if self.repairing:
            return
        self.repairing = True
        self.notify(f"{message.reason}: rebuilding it from the corpus.", severity="warning", timeout=10,
                    markup=False)
        self.query_one(ArchiveTree).show_message("Rebuilding the index…")
        self.prepare_library(rebuild=True)

    def _display_path(self, path: str) -> str:
        try:
            return str(Path(path).relative_to(self.corpus))
        except ValueError:
            return path

    def _first_unread_count(self, library) -> UnreadCounted | None:
        """With the top level, when the memory is open by then: the first screen then shows the blogs and their
        unread counts at once, for a twentieth of a second more, not the counts a tenth of a second later."""
        from civicreader.ui.unread import unread_counts

        read = self.marks_at_start
        if read is None:
            return None
        places = library.post_places()
        return UnreadCounted(unread_counts(places, read), places.ids, 0)

    @on(LibraryOpened)
    def _library_opened(self, message: LibraryOpened) -> None:
        self.query_one(ArchiveTree).show_top_level(message.top_level)
        self._show_post_count(message.posts)
        self.archive_shown = True
        self.warm_up_due = True
        # Once the unread counts are shown; this in case the memory is slow to open or cannot be read.
        self.set_timer(MEMORY_WAIT_SECONDS, self._warm_up)
        marks, self.marks_at_start = self.marks_at_start, None  # the first opening's only
        if message.unread is not None and self.memory is not None and marks == frozenset(self.read_ids):
            self.unread_generation += 1
            self.unread_counted_for = marks
            self._show_unread(message.unread)
        else:
            self.count_unread(index_changed=True)

    def _warm_up(self) -> None:
        """Ready the facets and the searcher once the first screen's unread counts are shown.

        Both hold the index for longer (0.15 s at 20,000 posts): started first, they delayed the counts by as much.
        """
        if self.warm_up_due:
            self.warm_up_due = False
            self.query_one(FacetBar).prepare()
            self.open_for_searching()

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

    @on(IndexingStarted)
    def _indexing_started(self, message: IndexingStarted) -> None:
        if message.first_time:
            self.query_one(ArchiveTree).show_message("Building the index…")
            self.query_one(IndexStatus).start("Building the index for this corpus…")
        else:
            self.query_one(IndexStatus).start("The corpus changed: updating the index…")

    @on(IndexingProgress)
    def _indexing_progress(self, message: IndexingProgress) -> None:
        self.query_one(IndexStatus).progress(message.done, message.total, message.current)

    @on(IndexingFinished)
    def _indexing_finished(self, message: IndexingFinished) -> None:
        report = message.report
        self.repairing = False
        if report.rebuilt_because:
            self.notify(f"{report.rebuilt_because}: rebuilt it from the corpus.", severity="warning", timeout=10,
                        markup=False)
        self.query_one(ArchiveTree).reload()
        self.open_for_searching()
        self.archive_shown = True  # a first build shows the archive here, not on LibraryOpened
        self.count_unread(index_changed=True)
        self.query_one(IndexStatus).finish()
        self._show_post_count(report.posts)
        changes = report.added + report.changed + report.removed
        posts, files = counted(report.posts, "post"), counted(changes, "file")
        self.notify(f"Index ready: {posts} ({files} read) in {report.seconds:.1f} s.", markup=False)
        if report.problems:
            listed = "\n".join(one_line(str(problem)) for problem in report.problems[:3])
            more = f"\n…and {len(report.problems) - 3:,} more" if len(report.problems) > 3 else ""
            self.notify(
                f"{counted(len(report.problems), 'file')} could not be read:\n{listed}{more}",
                severity="warning",
                timeout=10,
                markup=False,
            )
        if self.request is not None:
            self.run_search(self.request)

    @on(IndexingFailed)
    def _indexing_failed(self, message: IndexingFailed) -> None:
        self.repairing = False
        self._index_failed(message.reason, message.error, message.headline)

    def _index_failed(self, reason: str, error: BaseException | None = None, headline: str | None = None) -> None:
        """Say why the index could not be built, updated or opened where it stays in view, and log it."""
        from civicreader.problem_log import log_path

        self.open_top_hit_when_ready = False
        if headline is None:
            headline = "The index could not be updated" if self.access.ready else "The index could not be built"
        log = log_path()
        self.query_one(IndexStatus).show_problem(
            Content.assemble((f"{headline}: ", "bold"), one_line(reason)).stylize("$text-error")
        )
        if not self.access.ready:
            self.query_one(ArchiveTree).show_message("No index (see the right).")
            self.query_one(ReadingPane).show_notice(
                Content.assemble(
                    (f"{headline}.", "bold $text-error"), "\n\n", one_line(reason), "\n\n", ("Logged in ", "dim"),
                    (one_line(str(log)), "dim"),
                )
            )
        self.notify(f"{headline}: {reason}", severity="error", timeout=10, markup=False)
        self.log_problem(f"{headline} for {self.corpus}: {reason}", error)

    @work(thread=True, group="log", exit_on_error=False, description="write the log")
    def log_problem(self, message: str, error: BaseException | None = None) -> None:
        from civicreader.problem_log import record_problem

        record_problem(message, error)

    def _show_post_count(self, posts: int) -> None:
        label = Content.assemble((counted(posts, "post"), "bold"), " in ", one_line(self.corpus.name))
        self.query_one(IndexStatus).show_idle(label)

    # ---- search as you type ----

    @on(SearchBar.QueryChanged)
    def _query_changed(self, message: SearchBar.QueryChanged) -> None:
        self._search(message.query, self.query_one(FacetBar).filters)
        # Typing makes garbage; it is collected once the keys rest, not between two of them.
        if self.collect_timer is not None:
            self.collect_timer.stop()
        self.collect_timer = self.set_timer(heap.PAUSE_SECONDS, heap.collect)

    @on(FacetBar.FiltersChanged)
    def _filters_changed(self, message: FacetBar.FiltersChanged) -> None:
        self._search(self.query_one(SearchBar).query_text, message.filters)

    def _search(self, query: str, filters: dict[str, str]) -> None:
        query = query.strip()
        if not query:
            self.request = None
            self.open_top_hit_when_ready = False
            self.workers.cancel_group(self, "search")
            self.query_one(SearchBar).show_status(Content(""))
            self.query_one(FacetBar).clear()
            self.query_one(ResultsList).show([], 0)
            self.query_one(ContentSwitcher).current = "archive"
            self.workers.cancel_group(self, "timeline")
            self.workers.cancel_group(self, "concordance")
            self.query_one(TimelineStrip).clear("type a search to see when it was written about")
            self.remove_class("-concordance")
            return
        self.query_one(ContentSwitcher).current = "concordance" if self.concordance else "results-panel"
        self.set_class(self.concordance, "-concordance")
        self.request = SearchRequest(query, tuple(sorted(filters.items())), period=self.period)
        # Wait for more keys only while a search is under way: a lone keystroke searches at once.
        self.run_search(self.request, debounce=self.workers_running("search"))
        if self.concordance:
            self.find_lines(self.request)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="search")
    def run_search(self, request: SearchRequest, debounce: bool = False) -> None:
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
                    self.memory,
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

    def _is_current(self, request: SearchRequest) -> bool:
        return self.request is not None and (request.query, request.filters, request.period) == (
            self.request.query,
            self.request.filters,
            self.request.period,
        )

    @on(SearchFinished)
    def _search_finished(self, message: SearchFinished) -> None:
        if not self._is_current(message.request):
            return
        results = message.results
        appending = message.request.offset > 0
        self.terms = dict(results.terms_by_field)
        self.query_one(ResultsList).show(results.hits, results.total, append=appending)
        if not appending:
            self.query_one(FacetBar).show(results.facets)
            if self.query_one(TimelineStrip).display:
                self.count_timeline(message.request.query, message.request.filters)
        self.shown_request = message.request
        plural = "post matches" if results.total == 1 else "posts match"
        status = Content(f"{results.total:,} {plural}").stylize("bold")
        notes = [note for note in (results.unmatched_note(), *results.notes) if note]
        if notes:
            status = Content.assemble(status, ("   " + "; ".join(notes), "italic $text-warning"))
        self.query_one(SearchBar).show_status(status, results.suggestion)
        if self.open_top_hit_when_ready:
            self.open_top_hit_when_ready = False
            self._open_top_hit()

    @on(SearchFailed)
    def _search_failed(self, message: SearchFailed) -> None:
        if not self._is_current(message.request):
            return
        if not message.index_not_ready:
            self.open_top_hit_when_ready = False  # the search runs again once the index is built
        self.query_one(SearchBar).show_status(Content(message.reason).stylize("$text-error"))

    @on(SearchBar.Submitted)
    def _submitted(self, message: SearchBar.Submitted) -> None:
        if not message.query.strip():
            return
        if not self.access.ready:
            self.open_top_hit_when_ready = True
            self.notify("The index is still being built: the top hit opens once it is ready.")
        elif self.workers_running("search"):
            self.open_top_hit_when_ready = True
        else:
            self._open_top_hit()

    def workers_running(self, group: str) -> bool:
        return any(
            worker.group == group and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for worker in self.workers
        )

    def _open_top_hit(self) -> None:
        top = self.query_one(ResultsList).top_hit()
        if top:
            self.open_post(top.id, self.terms, top.commenter)
        else:
            self.notify("Nothing matches this search.", severity="warning")

    @on(ResultsList.MoreWanted)
    def _more_wanted(self, message: ResultsList.MoreWanted) -> None:
        if self.request is not None:
            self.run_search(
                SearchRequest(self.request.query, self.request.filters, message.offset, self.request.period)
            )

    # ---- opening a post ----

    @on(ResultsList.HitChosen)
    def _hit_chosen(self, message: ResultsList.HitChosen) -> None:
        self.open_post(message.post_id, self.terms, message.commenter)

    @on(ArchiveTree.PostChosen)
    def _post_chosen(self, message: ArchiveTree.PostChosen) -> None:
        self.open_post(message.post_id, {}, at_comment=message.comment, at_paragraph=message.paragraph)

    @work(thread=True, exclusive=True, group="post", exit_on_error=False, description="open post")
    def open_post(
        self,
        post_id: str,
        terms: Mapping[str, Sequence[str]],
        commenter: str | None = None,
        at_comment: int = 0,
        occurrence: tuple | None = None,
        at_paragraph: int = 0,
    ) -> None:
        """Open a post; the words each field was searched for (`terms`, see ui/matches.py) are marked for
        n / N, and so are the comments of `commenter` (the one a hit matched in) when none holds a word.
        With `at_comment` (from 1, in thread order) or `at_paragraph` (from 1) that comment or paragraph is marked
        instead, and the post opens at it;
        an `occurrence` (block key, (start, end)) from a concordance line is the one place marked."""
        from civicreader.notes import note_texts

        worker = get_current_worker()
        try:
            with self.access as library:
                post = library.get(post_id)
                if post is None:
                    self.post_message(PostMissing(post_id))
                    return
                if occurrence is not None:
                    key, span = occurrence
                    matches = {key: [span]}
                else:
                    matches = match_spans(post, terms, library.highlight_spans)
        except IndexNotReady:
            return
        if commenter:
            matches.update(commenter_spans(post, commenter, matches))
        if at_comment:
            chosen = [comment for _depth, comment in post.walk_comments()][at_comment - 1 : at_comment]
            if chosen:
                matches[("comment", at_comment - 1)] = [(0, len(chosen[0].body[0]) if chosen[0].body else 0)]
        if 0 < at_paragraph <= len(post.body):
            matches[("body", at_paragraph - 1)] = [(0, len(post.body[at_paragraph - 1]))]
        sources = tuple(self._display_path(source) for source in post.sources)
        notes = note_texts(self.memory, post_id) if self.memory is not None else {}
        if not worker.is_cancelled:
            self.post_message(PostLoaded(OpenedPost(post, matches, sources, notes)))

    @on(PostLoaded)
    async def _post_loaded(self, message: PostLoaded) -> None:
        reader = self.query_one(ReadingPane)
        if message.scroll_y is None:  # a post opened anew, not by going back or forward
            self._remember_leaving()
            self.forward_history.clear()
        await reader.show(message.opened, message.scroll_y)
        if message.focus:
            self.set_focus(reader)
        if self.read_timer is not None:
            self.read_timer.stop()
        post_id = message.opened.post.id
        self.read_timer = self.set_timer(READ_AFTER_SECONDS, lambda: self._read_for_long_enough(post_id))

    @on(PostMissing)
    def _post_missing(self) -> None:
        self.notify("That post is no longer in the index (the corpus changed).", severity="warning")

    # ---- the reader's memory: read marks ----

    @work(thread=True, group="memory", exit_on_error=False, description="open the reader's memory")
    def open_memory(self) -> None:
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
    def _memory_opened(self, message: MemoryOpened) -> None:
        self.memory = message.memory
        self.read_ids = set(message.read_ids)
        if self.memory.moved_aside:
            self.notify(one_line(self.memory.moved_aside), severity="warning", timeout=15, markup=False)
        self.query_one(ResultsList).show_marks(self.read_ids)
        self.query_one(ArchiveTree).show_bookmarks(message.bookmarks)
        self.query_one(ArchiveTree).show_notes(message.notes)
        if self.archive_shown:
            self.count_unread()

    @on(MemoryFailed)
    def _memory_failed(self, message: MemoryFailed) -> None:
        self._warm_up()
        self.notify(f"Read marks, bookmarks and notes are off: {message.reason}", severity="error", markup=False)

    def count_unread(self, index_changed: bool = False) -> None:
        """Count unread posts per branch again (unless the same count is on its way); only the newest count is
        shown. Before the memory is open, read where the posts sit, so the count then waits for nothing else."""
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

    @on(UnreadCounted)
    def _unread_counted(self, message: UnreadCounted) -> None:
        if message.generation == self.unread_generation:
            self._show_unread(message)

    def _show_unread(self, message: UnreadCounted) -> None:
        self.archive_order = message.order
        self.query_one(ArchiveTree).show_marks(self.read_ids, message.unread)
        self.call_after_refresh(self._warm_up)
        if self.next_unread_asked:
            self.next_unread_asked = False
            self.action_next_unread()

    def open_post_now(self) -> Post | None:
        opened = self.query_one(ReadingPane).opened
        return opened.post if opened is not None else None

    def _read_for_long_enough(self, post_id: str) -> None:
        post = self.open_post_now()
        if post is not None and post.id == post_id and post_id not in self.read_ids:
            self.set_read([post_id], True)

    def set_read(self, post_ids: list[str], read: bool) -> None:
        """Mark posts read or unread: on screen at once, in the memory by a worker."""
        if self.memory is None:
            return
        if read:
            self.read_ids.update(post_ids)
        else:
            self.read_ids.difference_update(post_ids)
        self.save_read_marks(post_ids, read)
        self.query_one(ResultsList).show_marks(self.read_ids)
        self.count_unread()

    @work(thread=True, group="memory-write", exit_on_error=False, description="save read marks")
    def save_read_marks(self, post_ids: list[str], read: bool) -> None:
        from civicreader.memory import MemoryStoreError

        try:
            self.memory.mark_read(post_ids, read)
        except MemoryStoreError as error:
            self.post_message(MemoryFailed(one_line(str(error))))

    def action_toggle_read(self) -> None:
        post = self.open_post_now()
        if post is None or self.memory is None:
            raise SkipAction()
        if self.read_timer is not None:
            self.read_timer.stop()  # marked unread on purpose: not marked read again behind the reader's back
        read = post.id not in self.read_ids
        self.set_read([post.id], read)
        self.notify("Marked read." if read else "Marked unread.", timeout=2)

    def action_next_unread(self) -> None:
        if self.memory is None:
            raise SkipAction()
        order = self.archive_order
        if not order:
            self.next_unread_asked = True
            return
        post = self.open_post_now()
        start = order.index(post.id) + 1 if post is not None and post.id in order else 0
        following = (post_id for post_id in (*order[start:], *order[:start]) if post_id not in self.read_ids)
        next_id = next(following, None)
        if next_id is None:
            self.notify("Every post is read.")
            return
        self.open_post(next_id, {})

    def action_toggle_bookmark(self) -> None:
        post = self.open_post_now()
        if post is None or self.memory is None:
            raise SkipAction()
        tree = self.query_one(ArchiveTree)
        bookmarked = post.id not in tree.bookmarks
        if bookmarked:
            tree.show_bookmarks((post.id, *tree.bookmarks))
        else:
            tree.show_bookmarks(tuple(post_id for post_id in tree.bookmarks if post_id != post.id))
        self.save_bookmark(post.id, bookmarked)
        self.notify("Bookmarked." if bookmarked else "Bookmark removed.", timeout=2)

    @work(thread=True, group="memory-write", exit_on_error=False, description="save a bookmark")
    def save_bookmark(self, post_id: str, bookmarked: bool) -> None:
        from civicreader.memory import MemoryStoreError

        try:
            self.memory.set_bookmark(post_id, bookmarked)
        except MemoryStoreError as error:
            self.post_message(MemoryFailed(one_line(str(error))))

    # ---- notes on passages (ui/noting.py) ----

    def action_edit_note(self) -> None:
        from civicreader.ui.noting import edit_note

        edit_note(self, self.query_one(ReadingPane), self.memory)

    @on(NotesChanged)
    def _notes_changed(self, message: NotesChanged) -> None:
        self.query_one(ArchiveTree).show_notes(message.notes)

    # ---- history: back and forward between opened posts ----

    def _remember_leaving(self) -> None:
        """Before another post opens: the open one (and where the view is in it) goes on the back list."""
        reader = self.query_one(ReadingPane)
        if reader.opened is not None:
            self.back_history.append((reader.opened, reader.scroll_y))
            del self.back_history[:-HISTORY_LENGTH]

    def action_history_back(self) -> None:
        self._step_history(self.back_history, self.forward_history)

    def action_history_forward(self) -> None:
        self._step_history(self.forward_history, self.back_history)

    def _step_history(self, source: list[tuple[OpenedPost, float]], other: list[tuple[OpenedPost, float]]) -> None:
        if not source:
            self.notify("No earlier post." if source is self.back_history else "No later post.", timeout=2)
            return
        reader = self.query_one(ReadingPane)
        if reader.opened is not None:
            other.append((reader.opened, reader.scroll_y))
        # Shown again as it was (its marked matches too), without asking the index; its notes as they are now.
        opened, scroll_y = source.pop()
        self.show_again(opened, scroll_y)

    @work(thread=True, exclusive=True, group="post", exit_on_error=False, description="open post")
    def show_again(self, opened: OpenedPost, scroll_y: float) -> None:
        from dataclasses import replace

        from civicreader.notes import note_texts

        if self.memory is not None:
            opened = replace(opened, notes=note_texts(self.memory, opened.post.id))
        if not get_current_worker().is_cancelled:
            self.post_message(PostLoaded(opened, scroll_y=scroll_y))

    # ---- the timeline strip ----

    def action_toggle_timeline(self) -> None:
        strip = self.query_one(TimelineStrip)
        strip.display = not strip.display
        if not strip.display:
            self.workers.cancel_group(self, "timeline")
            if strip.chosen is not None:
                strip.widen()
            if self.focused is None or self.focused is strip:
                self._search_left_down()
            return
        if self.request is None:
            strip.clear("type a search to see when it was written about")
        else:
            strip.clear("counting…")
            self.count_timeline(self.request.query, self.request.filters)
        self.set_focus(strip)

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False, description="timeline")
    def count_timeline(self, query: str, filters: tuple[tuple[str, str], ...]) -> None:
        """Count the query's posts and comments per month: after its results are on screen, so never before them."""
        from civicreader.index import QueryError
        from civicreader.timeline import count, span_of

        worker = get_current_worker()
        try:
            with self.access as library:
                if worker.is_cancelled:
                    return
                counting = count(library, query, "month", filters=dict(filters))
        except (QueryError, IndexNotReady):
            self.post_message(TimelineCounted(query, ()))
            return
        (series,) = counting.series(span_of([counting], counting.matches.span, "month"))
        if not worker.is_cancelled:
            self.post_message(TimelineCounted(query, series.periods))

    @on(TimelineCounted)
    def _timeline_counted(self, message: TimelineCounted) -> None:
        if self.request is not None and message.query == self.request.query:
            self.query_one(TimelineStrip).show(message.periods)

    @on(TimelineStrip.PeriodChosen)
    def _period_chosen(self, message: TimelineStrip.PeriodChosen) -> None:
        self.period = message.period
        self._search(self.query_one(SearchBar).query_text, self.query_one(FacetBar).filters)

    # ---- concordance lines ----

    def action_toggle_concordance(self) -> None:
        self.concordance = not self.concordance
        self.set_class(self.concordance and self.request is not None, "-concordance")
        if self.request is None:
            if self.concordance:
                self.notify("Search first: the lines show every place the query's words are used.")
            return
        switcher = self.query_one(ContentSwitcher)
        if self.concordance:
            switcher.current = "concordance"
            self.find_lines(self.request)
            self.set_focus(self.query_one(ConcordanceView))
        else:
            self.workers.cancel_group(self, "concordance")
            switcher.current = "results-panel"
            self.set_focus(self.query_one(ResultsList))

    @work(thread=True, exclusive=True, group="concordance", exit_on_error=False, description="concordance")
    def find_lines(self, request: SearchRequest) -> None:
        """The lines of the query a few posts at a time, so the first screen comes at once and a search
        in between waits for one batch at most."""
        from civicreader.concordance import batches, lines_in_batch, why_no_lines
        from civicreader.index import QueryError

        worker = get_current_worker()
        time.sleep(SEARCH_DEBOUNCE_SECONDS)
        found = 0
        try:
            with self.access as library:
                if worker.is_cancelled:
                    return
                matches = library.matches(request.narrowed_query, filters=dict(request.filters))
            pending = list(batches(matches))
            for number, batch in enumerate(pending):
                if worker.is_cancelled:
                    return
                with self.access as library:
                    lines = lines_in_batch(library, batch, matches.patterns, CONTEXT_WIDTH)
                lines = lines[: CONCORDANCE_LINES - found]
                found += len(lines)
                done = number == len(pending) - 1 or found >= CONCORDANCE_LINES
                if lines or number == 0 or done:
                    why_none = why_no_lines(matches) if done and not found else ""
                    self.post_message(LinesFound(request, lines, number == 0, done, found, why_none))
                if done:
                    return
            if not pending:
                self.post_message(LinesFound(request, [], True, True, 0, why_no_lines(matches)))
        except (QueryError, IndexNotReady):
            return

    @on(LinesFound)
    def _lines_found(self, message: LinesFound) -> None:
        if not self._is_current(message.request):
            return
        view = self.query_one(ConcordanceView)
        view.show(message.lines, append=not message.first)
        total = f"{message.total:,} line" + ("" if message.total == 1 else "s")
        if message.done and message.total >= CONCORDANCE_LINES:
            total = f"the first {total}: civicreader concordance gives them all"
        elif message.done and message.why_none:
            total = f"{total}: {message.why_none}"
        view.border_title = total if message.done else f"{total}…"

    @on(ConcordanceView.LineChosen)
    def _line_chosen(self, message: ConcordanceView.LineChosen) -> None:
        line = message.line
        key = ("body", line.paragraph - 1) if line.where == "body" else ("comment", line.comment - 1)
        self.open_post(line.post_id, {}, occurrence=(key, (line.start, line.end)))

    # ---- export ----

    def action_export(self, overwrite: bool = False) -> None:
        opened = self.query_one(ReadingPane).opened
        if opened is None:
            self.notify("Open a post first, then press e to export it.", severity="warning")
            return
        self.export_post(opened.post, overwrite)

    @work(thread=True, group="export", exit_on_error=False, description="export")
    def export_post(self, post: Post, overwrite: bool, remember: Path | None = None) -> None:
        """Write the post into the export folder; with none chosen yet, ask for one (`remember` is the answer)."""
        from dataclasses import replace

        from civicreader.config import config_path, load_config, save_config, suggested_export_dir

        warnings: list[str] = []
        config = load_config(warn=warnings.append)
        for warning in warnings:
            self.post_message(ExportFailed(one_line(warning)))
        folder = remember or config.export_dir
        if folder is None:
            self.post_message(ExportFolderWanted(post, overwrite, suggested_export_dir(), config_path()))
            return
        if remember is not None:
            try:
                save_config(replace(config, export_dir=remember))
            except OSError as error:
                self.post_message(ExportFailed(f"cannot keep the folder in {config_path()}: {error.strerror or error}"))
        self._write_export(post, folder, overwrite)

    def _write_export(self, post: Post, folder: Path, overwrite: bool) -> None:
        from civicreader.export import ExportError, export_filename, export_post

        target = folder.expanduser() / export_filename(post)
        if not overwrite and target.exists():
            # export_post would refuse too, but its message names the CLI's --force.
            self.post_message(ExportFailed(f"{target.name} is already in {target.parent}: press E to overwrite it"))
            return
        notes = self.memory.notes(post.id) if self.memory is not None else ()
        try:
            path = export_post(post, folder, force=overwrite, notes=notes)
        except ExportError as error:
            self.post_message(ExportFailed(one_line(str(error))))
            return
        self.post_message(Exported(path))

    @on(ExportFolderWanted)
    def _export_folder_wanted(self, message: ExportFolderWanted) -> None:
        def chosen(folder: Path | None) -> None:
            if folder is not None:
                self.export_post(message.post, message.overwrite, remember=folder)

        self.app.push_screen(ExportFolderScreen(message.suggested, message.settings), chosen)

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        # The file's name on a line of its own: a toast wraps a long path wherever it runs out of room.
        self.notify(f"Exported {message.path.name}\nto {message.path.parent}", title="Export", markup=False)

    @on(ExportFailed)
    def _export_failed(self, message: ExportFailed) -> None:
        self.notify(message.reason, title="Export", severity="error", markup=False)

    # ---- moving around ----

    def focus_search(self) -> None:
        self.set_focus(self.query_one(SearchBar).input)

    def action_focus_search(self) -> None:
        if self.focused is self.query_one(SearchBar).input:
            raise SkipAction()  # a / typed in the query is part of it
        self.focus_search()

    def action_back(self) -> None:
        focused = self.focused
        reader = self.query_one(ReadingPane)
        switcher = self.query_one(ContentSwitcher)
        if focused is reader or (focused is not None and reader in focused.ancestors):
            if switcher.current == "results-panel":
                self.set_focus(self.query_one(ResultsList))
            elif switcher.current == "concordance":
                self.set_focus(self.query_one(ConcordanceView))
            else:
                self.set_focus(self.query_one(ArchiveTree))
        elif self.period is not None:
            self.query_one(TimelineStrip).widen()
        elif switcher.current in ("results-panel", "concordance"):
            self.set_focus(self.query_one(SearchBar).input)

    @on(SearchBar.Dismissed)
    def _search_dismissed(self, message: SearchBar.Dismissed) -> None:
        if message.had_query:
            self.query_one(SearchBar).set_query("")
        self.set_focus(self.query_one(ArchiveTree))

    @on(SearchBar.LeftDown)
    def _search_left_down(self) -> None:
        current = self.query_one(ContentSwitcher).current
        if current == "results-panel":
            self.set_focus(self.query_one(ResultsList))
        elif current == "concordance":
            self.set_focus(self.query_one(ConcordanceView))
        else:
            self.set_focus(self.query_one(ArchiveTree))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.group == "log":
            return
        error = event.worker.error
        reason = one_line(str(error)) or type(error).__name__
        if event.worker.group == "index":
            self._index_failed(reason, error)
            return
        what = event.worker.description or "a background task"
        self.notify(f"{what} failed: {reason}", severity="error", timeout=10, markup=False)
        self.log_problem(f"{what} failed: {reason}", error)


def counted(number: int, noun: str) -> str:
    """'1 file', '2 files', '1,204 posts'."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def reader_is_stale(access: LibraryAccess) -> bool:
    with access as library:
        return library.is_stale()
