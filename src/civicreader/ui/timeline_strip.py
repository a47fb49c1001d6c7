"""The timeline strip under the search bar: how many posts the current query matches, period by period.

The bars are Textual's Sparkline, one per month (one per year when the months do not fit the width).
The row under them marks the period under the cursor and names it with its counts. Left and right
move the cursor, Enter narrows the results to that period, Escape widens them again; a click on a
bar does both at once. It counts in a worker of its own, reading the index the screen hands it (`access`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Sparkline, Static
from textual.worker import Worker, get_current_worker

from civicreader.timeline import Period, by_year
from civicreader.ui.backstage import pass_failure_up
from civicreader.ui.library_access import IndexNotReady, LibraryAccess
from civicreader.ui.messages import TimelineCounted

CARET = "▲"


def caret_row(periods: Sequence[Period], cursor: int, width: int, note: str) -> Content:
    """A row as wide as the bars: the caret under the cursor's bar, its period and counts beside it."""
    if not periods or width <= 0:
        return Content(note)
    at = min(width - 1, int((cursor + 0.5) * width / len(periods)))
    period = periods[cursor]
    posts = f"{period.posts:,} post" + ("" if period.posts == 1 else "s")
    comments = f"{period.comments:,} comment" + ("" if period.comments == 1 else "s")
    label = f"{period.period}{'*' if period.inferred else ''}: {posts}, {comments}"
    if note:
        label += f"  {note}"
    if at + 2 + len(label) <= width:
        return Content.assemble(" " * at, (CARET, "bold"), " ", label)
    label = label[: max(0, at - 1)]
    return Content.assemble(" " * max(0, at - 1 - len(label)), label, " ", (CARET, "bold"))


class TimelineStrip(Vertical, can_focus=True):
    """Shown and hidden by the screen; posts `TimelineCounted` when it has counted a query (for the screen to
    show, or not, as the query is still current), `PeriodChosen` when a period is chosen or let go."""

    BINDING_GROUP_TITLE = "Timeline"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "move(-1)", "Earlier", show=False),
        Binding("right,l", "move(1)", "Later", show=False),
        Binding("home,g", "move_to(0)", "First", show=False),
        Binding("end,G", "move_to(-1)", "Last", show=False),
        Binding("enter", "choose", "Narrow to period"),
        Binding("escape", "widen", "Widen", show=False),
    ]

    @dataclass
    class PeriodChosen(Message):
        strip: TimelineStrip
        period: str | None
        """"2011" or "2011-03"; None when the results are widened again."""

        @property
        def control(self) -> TimelineStrip:
            return self.strip

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.months: list[Period] = []
        self.periods: list[Period] = []
        """What the bars show: `months`, or years when the months do not fit."""
        self.cursor = 0
        self.moved = False
        """The reader put the cursor on a period: a new query's counts keep it there, else it goes to the busiest."""
        self.chosen: str | None = None
        self.note = ""
        self.access: LibraryAccess | None = None

    def compose(self) -> ComposeResult:
        yield Sparkline([], id="timeline-bars")
        yield Static("", id="timeline-caret")

    def show(self, months: Sequence[Period], note: str = "") -> None:
        """The current query's counts, month by month, from the archive's first month to its last."""
        current = self.periods[self.cursor].period if self.periods and self.moved else None
        self.months = list(months)
        self.note = note
        self._lay_out(keep=current)

    def clear(self, note: str = "") -> None:
        self.show([], note)

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False, description="timeline")
    def count(self, query: str, filters: tuple[tuple[str, str], ...]) -> None:
        """Count the query's posts and comments per month: after its results are on screen, so never before them."""
        from civicreader.index import QueryError
        from civicreader.timeline import count, span_of

        worker = get_current_worker()
        if self.access is None:
            return
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

    def stop_counting(self) -> None:
        self.workers.cancel_group(self, "timeline")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        pass_failure_up(self, event)

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out(keep=self.periods[self.cursor].period if self.periods else None)

    def _lay_out(self, keep: str | None) -> None:
        width = self.content_size.width
        self.periods = self.months if len(self.months) <= max(1, width) else by_year(self.months)
        labels = [period.period for period in self.periods]
        wanted = self.chosen or keep
        if wanted is not None and wanted[:4] in {label[:4] for label in labels}:
            self.cursor = next(i for i, label in enumerate(labels) if label.startswith(wanted[: len(label)]))
        else:
            busiest = max(range(len(labels)), key=lambda i: self.periods[i].posts, default=0)
            self.cursor = busiest
        self.query_one(Sparkline).data = [period.posts for period in self.periods]
        self._show_caret()

    def _show_caret(self) -> None:
        note = self.note
        if self.chosen:
            note = f"results narrowed to {self.chosen}: escape widens them"
        row = caret_row(self.periods, self.cursor, self.content_size.width, note)
        self.query_one("#timeline-caret", Static).update(row)

    def action_move(self, step: int) -> None:
        if self.periods:
            self.cursor = max(0, min(len(self.periods) - 1, self.cursor + step))
            self.moved = True
            self._show_caret()

    def action_move_to(self, index: int) -> None:
        if self.periods:
            self.cursor = index % len(self.periods)
            self.moved = True
            self._show_caret()

    def action_choose(self) -> None:
        if self.periods:
            self.chosen = self.periods[self.cursor].period
            self._show_caret()
            self.post_message(self.PeriodChosen(self, self.chosen))

    def action_widen(self) -> None:
        if self.chosen is None:
            raise SkipAction()  # nothing narrowed: escape goes back as everywhere else
        self.widen()

    def widen(self) -> None:
        self.chosen = None
        self._show_caret()
        self.post_message(self.PeriodChosen(self, None))

    def on_click(self, event: events.Click) -> None:
        width = self.content_size.width
        if self.periods and width and event.widget is not None and event.widget.id == "timeline-bars":
            self.cursor = min(len(self.periods) - 1, max(0, event.x * len(self.periods) // width))
            self.moved = True
            self.action_choose()
