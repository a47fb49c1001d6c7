"""The search bar: a query input and one status line under it (counts, did-you-mean, errors)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from civicreader.textsafe import one_line
from civicreader.ui.keys import bindings_for

PLACEHOLDER = (
    'Search (/): words, "a phrase", -word, a OR b, title: author: commenter: category: date:2011-03  (? for more)'
)


class QueryInput(Input):
    """The query box. Its size never depends on its text, so an edit repaints it and nothing else.

    Textual's Input asks for a layout of the whole screen on every keystroke (its virtual width
    follows the text); here that layout and the full-screen paint after it cost more than the
    search itself. The Input scrolls its text from `virtual_size`, which is still kept up to date.
    """

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        return super().refresh(*regions, repaint=repaint, layout=False, recompose=recompose)


class SearchBar(Vertical):
    """Posts `QueryChanged` on every edit, `Submitted` on Enter, `Dismissed` on Escape."""

    BINDING_GROUP_TITLE = "Search"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("search")

    @dataclass
    class QueryChanged(Message):
        bar: SearchBar
        query: str

        @property
        def control(self) -> SearchBar:
            return self.bar

    @dataclass
    class Submitted(Message):
        bar: SearchBar
        query: str

        @property
        def control(self) -> SearchBar:
            return self.bar

    @dataclass
    class Dismissed(Message):
        bar: SearchBar
        had_query: bool

        @property
        def control(self) -> SearchBar:
            return self.bar

    @dataclass
    class LeftDown(Message):
        bar: SearchBar

        @property
        def control(self) -> SearchBar:
            return self.bar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.suggestion: str | None = None

    def compose(self) -> ComposeResult:
        yield QueryInput(placeholder=PLACEHOLDER, id="query", select_on_focus=False)
        yield Static(id="search-status", markup=False)

    @property
    def query_text(self) -> str:
        return self.query_one("#query", Input).value

    def set_query(self, text: str) -> None:
        query_input = self.query_one("#query", Input)
        query_input.value = text
        query_input.cursor_position = len(text)

    @property
    def input(self) -> Input:
        return self.query_one("#query", Input)

    def show_status(self, status: Content, suggestion: str | None = None) -> None:
        """Show a line under the query (built by the caller from literal Content)."""
        self.suggestion = suggestion
        if suggestion:
            status = Content.assemble(
                status,
                ("   did you mean ", "dim"),
                (one_line(suggestion), "bold underline $text-accent"),
                ("  (ctrl+y)", "dim"),
            )
        self.query_one("#search-status", Static).update(status, layout=False)  # one line, always

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.QueryChanged(self, event.value))

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self, event.value))

    def action_dismiss(self) -> None:
        had_query = bool(self.query_text.strip())
        self.post_message(self.Dismissed(self, had_query))

    def action_leave_down(self) -> None:
        self.post_message(self.LeftDown(self))

    def action_use_suggestion(self) -> None:
        if self.suggestion:
            self.set_query(self.suggestion)

    def on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.id == "search-status":
            self.action_use_suggestion()
