"""The one screen: search bar on top, the archive or the results on the left, the post on the right.

It holds the screen-wide keys, routes what its widgets report (messages up) and sets what they show
(attributes down). The work behind it is done by widgets with nothing to show (ui/backstage.py): the
index (IndexKeeper), the reader's memory (ReaderMemory), the searches (Searcher) and export (Exporter);
the timeline strip and the concordance read the index for themselves. None of it runs on the UI thread.
"""

from __future__ import annotations

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
from civicreader.ui.concordance_view import ConcordanceView
from civicreader.ui.exporter import Exporter
from civicreader.ui.facet_bar import FacetBar
from civicreader.ui.history import History
from civicreader.ui.index_keeper import IndexKeeper
from civicreader.ui.index_status import IndexStatus
from civicreader.ui.keys import bindings_for
from civicreader.ui.library_access import IndexNotReady, LibraryAccess
from civicreader.ui.matches import commenter_spans, match_spans, place_spans
from civicreader.ui.messages import (
    IndexDamagedFound,
    IndexFoundCurrent,
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
    WorkFailed,
)
from civicreader.ui.reader_memory import ReaderMemory
from civicreader.ui.reading_pane import OpenedPost, ReadingPane
from civicreader.ui.results_list import ResultsList
from civicreader.ui.search_bar import SearchBar
from civicreader.ui.searcher import Searcher
from civicreader.ui.text import corpus_path, counted
from civicreader.ui.timeline_strip import TimelineStrip
from civicreader.ui.unread import next_unread

if TYPE_CHECKING:
    from civicreader.memory import Memory

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
        self.period: str | None = None
        """The year or month the timeline strip narrows the results to."""
        self.concordance = False
        """The results are shown as concordance lines."""
        self.warm_up_due = False
        self.next_unread_asked = False
        """`u` was pressed before the unread posts were counted: it goes on once they are."""
        self.read_timer: Timer | None = None
        self.archive_shown = False
        self.history = History()
        self.keeper = IndexKeeper(corpus, index_dir, self.access)
        self.reader_memory = ReaderMemory(corpus, self.access)
        """Read from worker threads too (its memory): an attribute, not a query of the DOM."""
        self.searcher = Searcher(self.access)
        self.exporter = Exporter()

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
        yield self.keeper
        yield self.reader_memory
        yield self.searcher
        yield self.exporter

    @property
    def memory(self) -> Memory | None:
        """The reader's own data (civicreader.memory): read marks, bookmarks, notes. None until open."""
        return self.reader_memory.memory

    def on_mount(self) -> None:
        tree = self.query_one(ArchiveTree)
        for reader in (tree, self.query_one(TimelineStrip), self.query_one(ConcordanceView)):
            reader.access = self.access
        self.keeper.first_unread = self.reader_memory.first_unread_count
        tree.show_message("Opening the index…")
        self.query_one(IndexStatus).show_idle(Content.assemble("corpus ", (one_line(self.corpus.name), "bold")))
        self.set_focus(tree)
        # The first frame goes out before any work on the index (which competes for the GIL).
        self.call_after_refresh(self.keeper.prepare_library)
        self.call_after_refresh(self.load_settings)
        self.call_after_refresh(self.reader_memory.open)

    def on_unmount(self) -> None:
        self.workers.cancel_all()
        heap.release()

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

    # ---- the index (ui/index_keeper.py): what its opening, building and updating show ----

    @on(IndexDamagedFound)
    def _index_damaged(self, message: IndexDamagedFound) -> None:
        self.notify(f"{message.reason}: rebuilding it from the corpus.", severity="warning", timeout=10,
                    markup=False)
        self.query_one(ArchiveTree).show_message("Rebuilding the index…")

    @on(LibraryOpened)
    def _library_opened(self, message: LibraryOpened) -> None:
        self.query_one(ArchiveTree).show_top_level(message.top_level)
        self._show_post_count(message.posts)
        self.archive_shown = True
        self.warm_up_due = True
        # Once the unread counts are shown; this in case the memory is slow to open or cannot be read.
        self.set_timer(MEMORY_WAIT_SECONDS, self._warm_up)
        counts = self.reader_memory.counts_at_opening(message.unread)
        if counts is not None:
            self._show_unread(counts)

    def _warm_up(self) -> None:
        """Ready the facets and the searcher once the first screen's unread counts are shown.

        Both hold the index for longer (0.15 s at 20,000 posts): started first, they delayed the counts by as much.
        """
        if self.warm_up_due:
            self.warm_up_due = False
            self.query_one(FacetBar).prepare()
            self.keeper.open_for_searching()

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
        if report.rebuilt_because:
            self.notify(f"{report.rebuilt_because}: rebuilt it from the corpus.", severity="warning", timeout=10,
                        markup=False)
        self.query_one(ArchiveTree).reload()
        self.keeper.open_for_searching()
        self.archive_shown = True  # a first build shows the archive here, not on LibraryOpened
        self.reader_memory.count_unread(index_changed=True)
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
            self.searcher.search(self.request, self.memory)

    def action_look_again(self) -> None:
        """Index what changed in the corpus since it was opened, or show what another process's update wrote."""
        if self.keeper.at_work:
            self.notify("The index is being updated already.", markup=False)
            return
        if not self.access.ready:
            self.keeper.prepare_library()  # it could not be opened, or built: try again
            return
        self.keeper.prepare_library(looking_again=True)

    @on(IndexFoundCurrent)
    def _index_found_current(self, message: IndexFoundCurrent) -> None:
        """The corpus had not changed; another process may have updated the index: the archive shows it as it is."""
        self.query_one(ArchiveTree).reload()
        self.keeper.open_for_searching()
        self.reader_memory.count_unread(index_changed=True)
        self._show_post_count(message.posts)
        self.notify(f"The index is up to date with the corpus: {counted(message.posts, 'post')}.", markup=False)
        if self.request is not None:
            self.searcher.search(self.request, self.memory)

    @on(IndexingFailed)
    def _indexing_failed(self, message: IndexingFailed) -> None:
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
            self.searcher.stop()
            self.query_one(SearchBar).show_status(Content(""))
            self.query_one(FacetBar).clear()
            self.query_one(ResultsList).show([], 0)
            self.query_one(ContentSwitcher).current = "archive"
            self.query_one(TimelineStrip).stop_counting()
            self.query_one(ConcordanceView).stop_finding()
            self.query_one(TimelineStrip).clear("type a search to see when it was written about")
            self.remove_class("-concordance")
            return
        self.query_one(ContentSwitcher).current = "concordance" if self.concordance else "results-panel"
        self.set_class(self.concordance, "-concordance")
        self.request = SearchRequest(query, tuple(sorted(filters.items())), period=self.period)
        # Wait for more keys only while a search is under way: a lone keystroke searches at once.
        self.searcher.search(self.request, self.memory, debounce=self.searcher.busy)
        if self.concordance:
            self.query_one(ConcordanceView).find(self.request)

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
            strip = self.query_one(TimelineStrip)
            if strip.display:
                strip.count(message.request.query, message.request.filters)
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
        elif self.searcher.busy:
            self.open_top_hit_when_ready = True
        else:
            self._open_top_hit()

    def _open_top_hit(self) -> None:
        top = self.query_one(ResultsList).top_hit()
        if top:
            self.open_post(top.id, self.terms, top.commenter)
        else:
            self.notify("Nothing matches this search.", severity="warning")

    @on(ResultsList.MoreWanted)
    def _more_wanted(self, message: ResultsList.MoreWanted) -> None:
        if self.request is not None:
            self.searcher.search(
                SearchRequest(self.request.query, self.request.filters, message.offset, self.request.period),
                self.memory,
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
        matches.update(place_spans(post, at_comment, at_paragraph))
        sources = tuple(corpus_path(source, self.corpus) for source in post.sources)
        memory = self.memory
        notes = note_texts(memory, post_id) if memory is not None else {}
        if not worker.is_cancelled:
            self.post_message(PostLoaded(OpenedPost(post, matches, sources, notes)))

    @on(PostLoaded)
    async def _post_loaded(self, message: PostLoaded) -> None:
        reader = self.query_one(ReadingPane)
        if message.scroll_y is None:  # a post opened anew, not by going back or forward
            self.history.leave(self._visit_now())
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

    def open_post_now(self) -> Post | None:
        opened = self.query_one(ReadingPane).opened
        return opened.post if opened is not None else None

    # ---- history: back and forward between opened posts (ui/history.py) ----

    def _visit_now(self) -> tuple[OpenedPost, float] | None:
        """The open post as shown, and where the view is in it."""
        reader = self.query_one(ReadingPane)
        return (reader.opened, reader.scroll_y) if reader.opened is not None else None

    def action_history_back(self) -> None:
        self._step_history(backward=True)

    def action_history_forward(self) -> None:
        self._step_history(backward=False)

    def _step_history(self, backward: bool) -> None:
        visit = self.history.step(backward, self._visit_now())
        if visit is None:
            self.notify("No earlier post." if backward else "No later post.", timeout=2)
            return
        # Shown again as it was (its marked matches too), without asking the index; its notes as they are now.
        self.show_again(*visit)

    @work(thread=True, exclusive=True, group="post", exit_on_error=False, description="open post")
    def show_again(self, opened: OpenedPost, scroll_y: float) -> None:
        from dataclasses import replace

        from civicreader.notes import note_texts

        memory = self.memory
        if memory is not None:
            opened = replace(opened, notes=note_texts(memory, opened.post.id))
        if not get_current_worker().is_cancelled:
            self.post_message(PostLoaded(opened, scroll_y=scroll_y))

    # ---- the reader's memory (ui/reader_memory.py): read marks, unread counts, bookmarks, notes ----

    @on(MemoryOpened)
    def _memory_opened(self, message: MemoryOpened) -> None:
        if message.memory.moved_aside:
            self.notify(one_line(message.memory.moved_aside), severity="warning", timeout=15, markup=False)
        self.query_one(ResultsList).show_marks(self.reader_memory.read_ids)
        self.query_one(ArchiveTree).show_bookmarks(message.bookmarks)
        self.query_one(ArchiveTree).show_notes(message.notes)
        if self.archive_shown:
            self.reader_memory.count_unread()

    @on(MemoryFailed)
    def _memory_failed(self, message: MemoryFailed) -> None:
        self._warm_up()
        self.notify(f"Read marks, bookmarks and notes are off: {message.reason}", severity="error", markup=False)

    @on(UnreadCounted)
    def _unread_counted(self, message: UnreadCounted) -> None:
        if self.reader_memory.take_count(message):
            self._show_unread(message)

    def _show_unread(self, message: UnreadCounted) -> None:
        self.query_one(ArchiveTree).show_marks(self.reader_memory.read_ids, message.unread)
        self.call_after_refresh(self._warm_up)
        if self.next_unread_asked:
            self.next_unread_asked = False
            self.action_next_unread()

    def _read_for_long_enough(self, post_id: str) -> None:
        post = self.open_post_now()
        if post is not None and post.id == post_id and post_id not in self.reader_memory.read_ids:
            self.set_read([post_id], True)

    def set_read(self, post_ids: list[str], read: bool) -> None:
        """Mark posts read or unread: on screen at once, in the memory by a worker."""
        if self.reader_memory.set_read(post_ids, read):
            self.query_one(ResultsList).show_marks(self.reader_memory.read_ids)

    def action_toggle_read(self) -> None:
        post = self.open_post_now()
        if post is None or self.memory is None:
            raise SkipAction()
        if self.read_timer is not None:
            self.read_timer.stop()  # marked unread on purpose: not marked read again behind the reader's back
        read = post.id not in self.reader_memory.read_ids
        self.set_read([post.id], read)
        self.notify("Marked read." if read else "Marked unread.", timeout=2)

    def action_next_unread(self) -> None:
        order, read_ids = self.reader_memory.archive_order, self.reader_memory.read_ids
        if self.memory is None:
            raise SkipAction()
        if not order:
            self.next_unread_asked = True
            return
        post = self.open_post_now()
        next_id = next_unread(order, read_ids, after=post.id if post is not None else None)
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
        self.reader_memory.save_bookmark(post.id, bookmarked)
        self.notify("Bookmarked." if bookmarked else "Bookmark removed.", timeout=2)

    def action_edit_note(self) -> None:
        from civicreader.ui.noting import edit_note

        edit_note(self, self.query_one(ReadingPane), self.memory)

    @on(NotesChanged)
    def _notes_changed(self, message: NotesChanged) -> None:
        self.query_one(ArchiveTree).show_notes(message.notes)

    # ---- the timeline strip ----

    def action_toggle_timeline(self) -> None:
        strip = self.query_one(TimelineStrip)
        strip.display = not strip.display
        if not strip.display:
            strip.stop_counting()
            if strip.chosen is not None:
                strip.widen()
            if self.focused is None or self.focused is strip:
                self._search_left_down()
            return
        if self.request is None:
            strip.clear("type a search to see when it was written about")
        else:
            strip.clear("counting…")
            strip.count(self.request.query, self.request.filters)
        self.set_focus(strip)

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
        view = self.query_one(ConcordanceView)
        if self.concordance:
            switcher.current = "concordance"
            view.find(self.request)
            self.set_focus(view)
        else:
            view.stop_finding()
            switcher.current = "results-panel"
            self.set_focus(self.query_one(ResultsList))

    @on(LinesFound)
    def _lines_found(self, message: LinesFound) -> None:
        if self._is_current(message.request):
            self.query_one(ConcordanceView).show_found(message)

    @on(ConcordanceView.LineChosen)
    def _line_chosen(self, message: ConcordanceView.LineChosen) -> None:
        line = message.line
        key = ("body", line.paragraph - 1) if line.where == "body" else ("comment", line.comment - 1)
        self.open_post(line.post_id, {}, occurrence=(key, (line.start, line.end)))

    # ---- export (ui/exporter.py) ----

    def action_export(self, overwrite: bool = False) -> None:
        opened = self.query_one(ReadingPane).opened
        if opened is None:
            self.notify("Open a post first, then press e to export it.", severity="warning")
            return
        self.exporter.export(opened.post, overwrite, self.memory)

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

    # ---- work that failed ----

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self._work_failed(event.worker)

    @on(WorkFailed)
    def _widget_work_failed(self, message: WorkFailed) -> None:
        self._work_failed(message.worker)

    def _work_failed(self, worker: Worker) -> None:
        if worker.group == "log":
            return
        error = worker.error
        reason = one_line(str(error)) or type(error).__name__
        if worker.group == "index":
            self._index_failed(reason, error)
            return
        what = worker.description or "a background task"
        self.notify(f"{what} failed: {reason}", severity="error", timeout=10, markup=False)
        self.log_problem(f"{what} failed: {reason}", error)
