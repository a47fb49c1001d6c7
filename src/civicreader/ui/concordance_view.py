"""Concordance lines for the current query: every occurrence in context, aligned on the match.

A DataTable a row per line: the left context (right-aligned), the match, the right context, then
date, blog, who wrote it and where. `<` sorts by the word to the left of the match, `>` by the
word to the right (the same key again goes back to time order); Enter opens the post at that occurrence.
It finds the lines in a worker of its own, reading the index the screen hands it (`access`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable
from textual.worker import Worker, get_current_worker

from civicreader.concordance import Line, sort_key
from civicreader.textsafe import one_line
from civicreader.ui.backstage import pass_failure_up
from civicreader.ui.library_access import IndexNotReady, LibraryAccess
from civicreader.ui.messages import LinesFound, SearchRequest
from civicreader.ui.text import counted

CONTEXT_WIDTH = 28
"""Characters of context either side in the app (the CLI's --width defaults wider)."""
MATCH_WIDTH = 12
"""Room for the match itself before the right context is cut to fit its column."""
LINES_SHOWN = 5_000
"""Lines the app lists at most (`civicreader concordance` gives them all)."""
WAIT_SECONDS = 0.02
"""Before the first batch: the keys typed meanwhile start a newer request instead (as the search waits)."""
COLUMNS = (
    ("left", "", CONTEXT_WIDTH),
    ("match", "match", MATCH_WIDTH + CONTEXT_WIDTH),
    ("date", "date", 11),
    ("blog", "blog", 14),
    ("who", "who", 16),
    ("where", "where", 10),
    ("title", "title", None),
)


def row_of(line: Line) -> tuple[Text, ...]:
    """The left context right-aligned against the match; the right context straight after it."""
    return (
        Text(line.left.rstrip()[-CONTEXT_WIDTH:], justify="right", no_wrap=True),
        Text.assemble((line.match, "bold"), line.right, no_wrap=True, overflow="crop"),
        Text(line.date_label, style="dim"),
        Text(one_line(line.blog), style="dim", no_wrap=True, overflow="ellipsis"),
        Text(one_line(line.who) or "anonymous", no_wrap=True, overflow="ellipsis"),
        Text(line.place, style="dim"),
        Text(one_line(line.title) or "(untitled)", no_wrap=True),
    )


class ConcordanceView(DataTable):
    """Posts `LinesFound` as it finds the lines of a request (for the screen to show, or not, as the request is
    still current), `LineChosen` on Enter or a click on a line."""

    BINDING_GROUP_TITLE = "Concordance"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("less_than_sign", "sort('left')", "Sort by left word"),
        Binding("greater_than_sign", "sort('right')", "Sort by right word"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "First", show=False),
        Binding("G", "scroll_bottom", "Last", show=False),
    ]

    @dataclass
    class LineChosen(Message):
        view: ConcordanceView
        line: Line

        @property
        def control(self) -> ConcordanceView:
            return self.view

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.lines: list[Line] = []
        self.order = "date"
        """"date" (as they came), "left" or "right"."""
        self.access: LibraryAccess | None = None

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def show(self, lines: Sequence[Line], *, append: bool = False) -> None:
        """Lines in time order; appended ones follow (and are sorted in, when sorted by a word)."""
        if not append:
            self.lines = []
            self.clear()
        self.lines.extend(lines)
        if self.order != "date" and append:
            self._fill()
            return
        start = len(self.lines) - len(lines)
        for number, line in enumerate(lines, start):
            self.add_row(*row_of(line), key=str(number))

    @work(thread=True, exclusive=True, group="concordance", exit_on_error=False, description="concordance")
    def find(self, request: SearchRequest) -> None:
        """The lines of the query a few posts at a time, so the first screen comes at once and a search
        in between waits for one batch at most."""
        from civicreader.concordance import batches, lines_in_batch, why_no_lines
        from civicreader.index import QueryError

        worker = get_current_worker()
        time.sleep(WAIT_SECONDS)
        found = 0
        if self.access is None:
            return
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
                lines = lines[: LINES_SHOWN - found]
                found += len(lines)
                done = number == len(pending) - 1 or found >= LINES_SHOWN
                if lines or number == 0 or done:
                    why_none = why_no_lines(matches) if done and not found else ""
                    self.post_message(LinesFound(request, lines, number == 0, done, found, why_none))
                if done:
                    return
            if not pending:
                self.post_message(LinesFound(request, [], True, True, 0, why_no_lines(matches)))
        except (QueryError, IndexNotReady):
            return

    def stop_finding(self) -> None:
        self.workers.cancel_group(self, "concordance")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        pass_failure_up(self, event)

    def show_found(self, found: LinesFound) -> None:
        """A batch of lines of the current request, and how many there are so far in the border."""
        self.show(found.lines, append=not found.first)
        total = counted(found.total, "line")
        if found.done and found.total >= LINES_SHOWN:
            total = f"the first {total}: civicreader concordance gives them all"
        elif found.done and found.why_none:
            total = f"{total}: {found.why_none}"
        self.border_title = total if found.done else f"{total}…"

    def _fill(self) -> None:
        numbered = list(enumerate(self.lines))
        if self.order != "date":
            by_words = sort_key(self.order)
            numbered.sort(key=lambda item: by_words(item[1]))
        self.clear()
        for number, line in numbered:
            self.add_row(*row_of(line), key=str(number))

    def action_sort(self, order: str) -> None:
        self.order = "date" if self.order == order else order
        self._fill()
        self.move_cursor(row=0)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.LineChosen(self, self.lines[int(event.row_key.value)]))
