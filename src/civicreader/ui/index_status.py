"""The status line above the footer: the corpus and its size, or how far indexing has got."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from civicreader.textsafe import one_line
from civicreader.ui.text import shortened_path

if TYPE_CHECKING:
    from textual.widgets import ProgressBar


class IndexStatus(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.idle_label = Content("")
        self.problem: Content | None = None
        """Why the last build or update failed: shown instead of the idle label until indexing starts again."""

    def compose(self) -> ComposeResult:
        yield Static(id="index-label", markup=False)

    def show_idle(self, label: Content) -> None:
        """What is open, when nothing is being indexed (and no failure is being reported)."""
        self.idle_label = label
        if not self.has_class("indexing") and self.problem is None:
            self.query_one("#index-label", Static).update(label)

    def show_problem(self, problem: Content) -> None:
        """Why indexing failed: it stays until indexing starts again, a toast is too easily missed."""
        self.problem = problem
        self.finish()

    def _progress_bar(self) -> ProgressBar:
        """The bar, mounted the first time indexing starts (most sessions never index: no need to build it)."""
        from textual.widgets import ProgressBar

        bars = self.query_children(ProgressBar)
        if bars:
            return bars.first()
        bar = ProgressBar(id="index-progress", show_eta=False)
        self.mount(bar)
        return bar

    def start(self, message: str) -> None:
        self.problem = None
        self.query_one("#index-label", Static).update(Content(message))
        self._progress_bar().update(total=None, progress=0)
        self.add_class("indexing")

    def progress(self, done: int, total: int, current: str) -> None:
        label = self.query_one("#index-label", Static)
        counts = f"Indexing {done:,}/{total:,} "
        # Cut in the middle to the room left: a path longer than the line wrapped out of sight
        # (a line of its own, under the status line), or ran into the bar with no gap.
        room = label.content_size.width - len(counts) - 1
        path = shortened_path(one_line(current), room) if room > 0 else ""
        label.update(Content.assemble(counts, (path, "dim")))
        self._progress_bar().update(total=max(total, 1), progress=done)

    def finish(self) -> None:
        self.remove_class("indexing")
        self.query_one("#index-label", Static).update(self.problem or self.idle_label)
