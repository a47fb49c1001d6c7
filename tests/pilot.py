"""The Pilot set-up the UI tests share: an app over an index, run headless and settled, and what it shows."""

from __future__ import annotations

import asyncio
import contextlib
import functools


def pilot_test(scenario):
    """Run an async Pilot scenario as a plain test (the suite has no async plugin)."""

    @functools.wraps(scenario)
    def test(*args, **kwargs):
        asyncio.run(scenario(*args, **kwargs))

    return test


def make_app(built_index):
    from civicreader.ui.app import CivicReaderApp

    corpus, index_dir = built_index
    return CivicReaderApp(corpus, index_dir)


@contextlib.asynccontextmanager
async def ready_app(built_index, size=(120, 40)):
    """(app, pilot) of the app over `built_index` (corpus, index folder), run at `size` and settled."""
    app = make_app(built_index)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield app, pilot


async def settle(pilot) -> None:
    """Let every worker finish and every message they posted be handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app) -> str:
    """The characters on screen, line by line: what a user would read.

    Textual has no public call for this; the compositor's strips are what it paints.
    """
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def search_for(pilot, query: str, *then: str) -> None:
    """Press / and paste `query` (one search, where typing it makes one a key), then press `then`.

    Typing key by key is what the search-as-you-type tests do; elsewhere it only makes the suite slower.
    """
    from textual import events

    await pilot.press("slash")
    pilot.app.post_message(events.Paste(query))
    await settle(pilot)
    if then:
        await pilot.press(*then)
