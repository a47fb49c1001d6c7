"""The search results: title, date, blog, and a snippet with the matched words picked out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from civicreader.ui.text import highlighted, joined, line, short_date

MORE_ID = "more-results"


def hit_prompt(hit) -> Content:
    """Title, where and when, and the snippet (unless it is the title again); all corpus text is literal."""
    title = line(hit.title or "(untitled)", "bold")
    snippet: Content | None = Content(hit.snippet.replace("\n", " "))
    if hit.matched_in == "title" and title.plain == hit.snippet:
        # A title match's snippet is the title itself: highlight the title rather than show it twice.
        title = highlighted(title, hit.highlights)
        snippet = None
    where = {"title": "in the title", "body": "", "comment": "in a comment"}.get(hit.matched_in, "")
    if hit.matched_in == "comment" and hit.commenter:
        where = f"in a comment by {hit.commenter}"
    meta = joined(
        [
            Content(short_date(hit.date, hit.date_inferred)),
            line(hit.blog),
            line(where, "italic $text-accent"),
        ]
    )
    lines = [title, meta.stylize("dim")]
    if snippet is not None:
        lines.append(highlighted(snippet, hit.highlights))
    return Content("\n").join(lines)


class ResultsList(OptionList):
    """Posts `HitChosen` for Enter or a click on a hit, and `MoreWanted` when the cursor nears the end."""

    BINDING_GROUP_TITLE = "Results"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
        Binding("space", "page_down", "Page down", show=False),
        Binding("b", "page_up", "Page up", show=False),
    ]

    @dataclass
    class HitChosen(Message):
        results: ResultsList
        post_id: str
        commenter: str | None = None
        """Whose comment the hit matched in, when it did."""

        @property
        def control(self) -> ResultsList:
            return self.results

    @dataclass
    class MoreWanted(Message):
        results: ResultsList
        offset: int

        @property
        def control(self) -> ResultsList:
            return self.results

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list = []
        self.total = 0
        self._asked_from: int | None = None
        """The offset of the last page asked for, so moving about near the end asks once."""

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        # The list's size is set by the layout (1fr, scrollbar always there), never by its rows: new
        # results need a repaint of the list, not a layout of the whole screen and the full repaint after it.
        return super().refresh(*regions, repaint=repaint, layout=False, recompose=recompose)

    def show(self, hits, total: int, append: bool = False) -> None:
        """Show these hits (civicreader.index.Hit), or add them after the ones shown."""
        start = len(self.hits) if append else 0
        options: list[Option | None] = []
        for number, hit in enumerate(hits, start):
            if number:
                options.append(None)  # a rule between hits, none under the last
            options.append(Option(hit_prompt(hit), id=f"hit-{number}"))
        self.hits = [*self.hits, *hits] if append else list(hits)
        self.total = total
        if len(self.hits) < total:
            left = total - len(self.hits)
            remaining = f"▾ {left:,} more result{'' if left == 1 else 's'} (Enter)"
            options += [None, Option(Content(remaining).stylize("italic"), id=MORE_ID)]
        # One call each: every call re-measures the whole list.
        if append:
            highlighted = self.highlighted
            if self.option_count and self.get_option_at_index(self.option_count - 1).id == MORE_ID:
                self.remove_option(MORE_ID)
            self.add_options(options)
            self.highlighted = highlighted
        else:
            self._asked_from = None
            self.set_options(options)
            if options:
                self.highlighted = 0

    def _want_more(self) -> None:
        offset = len(self.hits)
        if offset < self.total and self._asked_from != offset:
            self._asked_from = offset
            self.post_message(self.MoreWanted(self, offset))

    @on(OptionList.OptionHighlighted)
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        # The next page comes before the cursor gets there: reading down the list never stops at a "more" row.
        if 0 < event.option_index >= len(self.hits) - 2:  # 0: where a new list starts, not a move
            self._want_more()

    def top_hit(self):
        """The first hit (civicreader.index.Hit), or None."""
        return self.hits[0] if self.hits else None

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == MORE_ID:
            self._want_more()
        elif event.option.id and event.option.id.startswith("hit-"):
            hit = self.hits[int(event.option.id.removeprefix("hit-"))]
            self.post_message(self.HitChosen(self, hit.id, hit.commenter))
