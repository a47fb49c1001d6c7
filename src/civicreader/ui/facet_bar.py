"""Facets shown with the results (year, blog, category); choosing one narrows the search."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.timer import Timer
from textual.widget import AwaitMount
from textual.widgets import Select

from civicreader.textsafe import one_line

FACET_DELAY_SECONDS = 0.25
"""How long typing must pause before a chosen facet's label shows its new count."""
FACETS = (("year", "any year", "year"), ("blog", "any blog", "blog"), ("category", "any category", "category"))
"""Each facet with its prompt, then the shorter one for a narrow bar."""
NARROW_BELOW = 50
"""Columns under which the bar takes the short prompts ("any category" no longer fits its third)."""


def facet_options(counts: dict[str, int], name: str) -> list[tuple[Content, str]]:
    if name == "year":
        ordered = sorted(counts, reverse=True)
    else:
        ordered = sorted(counts, key=lambda value: (-counts[value], value.casefold()))
    return [(Content.assemble(one_line(value), (f" {counts[value]:,}", "dim")), value) for value in ordered]


class FacetSelect(Select[str]):
    """One facet's values, brought up to date only when someone looks.

    Every keystroke brings new counts, but rebuilding a Select costs a layout of the whole screen
    (tens of ms, enough to hold up the next results). So the counts wait until the select is
    focused (by a click or Tab, before it opens), or, when a value is chosen and its label shows
    a count, until typing pauses.
    """

    def __init__(self, facet: str, prompt: str, waiting: dict[str, int] | None = None) -> None:
        super().__init__([], prompt=prompt, id=f"facet-{facet}", compact=True)
        self.facet = facet
        self.waiting = waiting
        """Counts not yet shown; None when the options are up to date."""
        self.shown: dict[str, int] | None = None
        self.timer: Timer | None = None

    def offer(self, counts: dict[str, int]) -> None:
        self.waiting = counts
        if self.has_focus:
            self.bring_up_to_date()
        elif isinstance(self.value, str):
            if self.timer is not None:
                self.timer.stop()
            self.timer = self.set_timer(FACET_DELAY_SECONDS, self.bring_up_to_date)

    def bring_up_to_date(self) -> None:
        self.timer = None
        counts, self.waiting = self.waiting, None
        if counts is None or counts == self.shown:
            return
        self.shown = counts
        chosen = self.value
        if isinstance(chosen, str):
            counts = {chosen: 0, **counts}
        with self.prevent(Select.Changed):
            self.set_options(facet_options(counts, self.facet))
            if isinstance(chosen, str):
                self.value = chosen

    def on_focus(self) -> None:
        self.bring_up_to_date()

    def forget(self) -> None:
        """No results: no value chosen, nothing waiting."""
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        self.waiting = None
        with self.prevent(Select.Changed):
            self.clear()


class FacetBar(Horizontal):
    """Posts `FiltersChanged` when a facet is chosen or cleared."""

    @dataclass
    class FiltersChanged(Message):
        bar: FacetBar
        filters: dict[str, str]

        @property
        def control(self) -> FacetBar:
            return self.bar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.latest: dict[str, dict[str, int]] = {}

    def prepare(self) -> AwaitMount:
        """Mount the selects, once: the first screen does not show them, so it need not wait for them."""
        if self.children:
            return self.mount_all(())
        narrow = self.has_class("narrow")
        return self.mount_all(
            FacetSelect(name, short if narrow else prompt, self.latest.get(name)) for name, prompt, short in FACETS
        )

    def on_resize(self, event: Resize) -> None:
        """Fewer words where the bar is narrow: "any y… ▼ any b… ▼ any ca… ▼" told the reader nothing."""
        narrow = event.size.width < NARROW_BELOW
        if narrow == self.has_class("narrow"):
            return
        self.set_class(narrow, "narrow")
        prompts = {name: short if narrow else prompt for name, prompt, short in FACETS}
        for select in self.selects():
            select.prompt = prompts[select.facet]

    def selects(self) -> list[FacetSelect]:
        return list(self.query_children(FacetSelect))

    @property
    def filters(self) -> dict[str, str]:
        return {select.facet: select.value for select in self.selects() if isinstance(select.value, str)}

    def show(self, facets: dict[str, dict[str, int]]) -> None:
        """The facet values of the current results (the selects show them when looked at)."""
        self.latest = facets
        if not self.children:
            self.prepare()
        for select in self.selects():
            select.offer(dict(facets.get(select.facet) or {}))

    def clear(self) -> None:
        self.latest = {}
        for select in self.selects():
            select.forget()

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.FiltersChanged(self, self.filters))
