"""Facets shown with the results (year, blog, category); choosing one narrows the search."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widget import AwaitMount
from textual.widgets import Select

from civicreader.textsafe import one_line

FACET_DELAY_SECONDS = 0.25
FACETS = (("year", "any year"), ("blog", "any blog"), ("category", "any category"))


def facet_options(counts: dict[str, int], name: str) -> list[tuple[Content, str]]:
    if name == "year":
        ordered = sorted(counts, reverse=True)
    else:
        ordered = sorted(counts, key=lambda value: (-counts[value], value.casefold()))
    return [(Content.assemble(one_line(value), (f" {counts[value]:,}", "dim")), value) for value in ordered]


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
        self.shown: dict[str, dict[str, int]] = {}
        self.pending: dict[str, dict[str, int]] = {}
        self.timer: Timer | None = None

    def prepare(self) -> AwaitMount:
        """Mount the (empty) selects, once: the first screen does not show them, so it need not wait for them."""
        if self.children:
            return self.mount_all(())
        return self.mount_all(
            Select[str]([], prompt=prompt, id=f"facet-{name}", compact=True) for name, prompt in FACETS
        )

    def selects(self) -> list[tuple[str, Select]]:
        """(facet name, its select) for the selects mounted so far."""
        return [(select.id.removeprefix("facet-"), select) for select in self.query_children(Select)]

    @property
    def filters(self) -> dict[str, str]:
        return {name: select.value for name, select in self.selects() if isinstance(select.value, str)}

    def show(self, facets: dict[str, dict[str, int]]) -> None:
        """Offer the facet values of the current results, once typing has paused.

        Rebuilding three Selects costs three layouts; done on every keystroke it would delay the
        results themselves, so it waits until the results have stood still for a moment.
        """
        self.pending = facets
        if self.timer is not None:
            self.timer.stop()
        self.timer = self.set_timer(FACET_DELAY_SECONDS, self._apply)

    async def _apply(self) -> None:
        self.timer = None
        facets, self.pending = self.pending, {}
        await self.prepare()
        # One layout for the three selects, not one each.
        with self.app.batch_update():
            for name, select in self.selects():
                counts = dict(facets.get(name) or {})
                if counts == self.shown.get(name):
                    continue  # rebuilding a Select costs a layout; typing often leaves the facets as they were
                self.shown[name] = counts
                chosen = select.value
                if isinstance(chosen, str):
                    counts.setdefault(chosen, 0)
                with select.prevent(Select.Changed):
                    select.set_options(facet_options(counts, name))
                    if isinstance(chosen, str):
                        select.value = chosen

    def clear(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        self.shown = {}
        for _name, select in self.selects():
            with select.prevent(Select.Changed):
                select.clear()

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.FiltersChanged(self, self.filters))
