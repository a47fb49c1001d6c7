"""The status line above the footer: the corpus and its size, or how far indexing has got."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import ProgressBar, Static

from civicreader.ui.text import line


class IndexStatus(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.idle_label = Content("")

    def compose(self) -> ComposeResult:
        yield Static(id="index-label", markup=False)
        yield ProgressBar(id="index-progress", show_eta=False)

    def show_idle(self, label: Content) -> None:
        """What is open, when nothing is being indexed."""
        if not self.has_class("indexing"):
            self.query_one("#index-label", Static).update(label)
        self.idle_label = label

    def start(self, message: str) -> None:
        self.query_one("#index-label", Static).update(Content(message))
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        self.add_class("indexing")

    def progress(self, done: int, total: int, current: str) -> None:
        label = Content.assemble(f"Indexing {done:,}/{total:,} ", line(current, "dim"))
        self.query_one("#index-label", Static).update(label)
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def finish(self) -> None:
        self.remove_class("indexing")
        self.query_one("#index-label", Static).update(self.idle_label)
