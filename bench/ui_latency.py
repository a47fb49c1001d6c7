"""Keystroke-to-results latency in the app: type queries headless, time the last key to results on screen.

    .venv/bin/python bench/ui_latency.py --posts 2000
    .venv/bin/python bench/ui_latency.py --posts 20000 --queries 40

Each query is typed a key at a time (KEY_INTERVAL apart, a quick typist), with a second's pause
between queries (QUERY_PAUSE: a reader looks at the results). The time runs from the last key to
the first frame sent to the terminal with the results for the whole query, debounce included,
and is split into: before the search starts, inside `Library.search` (the index's share),
and after it (the UI's share: the message back, the list filled, the frame laid out and rendered).
Headless, the frame is not written out: a real terminal adds the escape sequences and the write.
Targets (issue 5): p95 < 60 ms at 2,000 posts, < 150 ms at 20,000. The CPU time the app used
in the same span is printed too: on a shared machine it says how much of the wait was ours.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_corpus import WORDS, indexed_corpus

KEY_INTERVAL = 0.08
QUERY_PAUSE = 1.0


def queries(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    shapes = [
        lambda: rng.choice(WORDS),
        lambda: f"{rng.choice(WORDS)} {rng.choice(WORDS)}",
        lambda: f'"{rng.choice(WORDS)} {rng.choice(WORDS)}"',
        lambda: f"{rng.choice(WORDS)[:4]}*",
        lambda: f"{rng.choice(WORDS)} -{rng.choice(WORDS)}",
    ]
    return [rng.choice(shapes)() for _ in range(count)]


@dataclass
class Timings:
    """Seconds per query, from the last key: to results painted, and how that time split."""

    total: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    before_search: list[float] = field(default_factory=list)
    """Last key to `Library.search` starting: key handling, debounce, worker start, waiting for the index lock."""
    in_search: list[float] = field(default_factory=list)
    """Inside `Library.search` for the final query (the index's share)."""
    after_search: list[float] = field(default_factory=list)
    """`Library.search` returning to the results painted: the UI's share."""


def timed_searches(calls: dict[str, tuple[float, float]]):
    """Wrap `Library.search` to note (start, end) of the latest call for each query text."""
    from civicreader.index import Library

    search = Library.search

    def timed(self, query, **options):
        started = time.perf_counter()
        try:
            return search(self, query, **options)
        finally:
            calls[query] = (started, time.perf_counter())

    Library.search = timed


async def measure(corpus: Path, index_dir: Path, texts: list[str]) -> Timings:
    """Time each query from its last key to its results painted."""
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.main_screen import MainScreen

    calls: dict[str, tuple[float, float]] = {}
    timed_searches(calls)
    app = CivicReaderApp(corpus, index_dir)
    timings = Timings()
    frames: list[tuple[float, str | None]] = []
    """(when, the query whose results were on the screen) for each frame the app sent to its driver."""
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        send_frame = app._display  # private, but it is the moment a frame leaves for the terminal

        def noting_frames(to_screen, update) -> None:
            shown = screen.shown_request.query if screen.shown_request else None
            frames.append((time.perf_counter(), shown))
            send_frame(to_screen, update)

        app._display = noting_frames
        await pilot.press("slash")
        for text in texts:
            await pilot.press("ctrl+u")  # clear the input
            await settle(pilot)
            for key in text[:-1]:
                type_key(app, key)
                await asyncio.sleep(KEY_INTERVAL)
            calls.pop(text.strip(), None)
            frames.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            type_key(app, text[-1])
            # Painted: the first frame made once the results were in the list. (Not call_after_refresh:
            # its callbacks wait for the screen's next idle, which can come tens of ms after the frame.)
            while not any(shown == text.strip() for _when, shown in frames):
                await asyncio.sleep(0.001)
            timings.cpu.append(time.process_time() - started_cpu)
            painted_at = next(when for when, shown in frames if shown == text.strip())
            search_started, search_ended = calls[text.strip()]
            timings.total.append(painted_at - started)
            timings.before_search.append(search_started - started)
            timings.in_search.append(search_ended - search_started)
            timings.after_search.append(painted_at - search_ended)
            await settle(pilot)
    return timings


KEY_NAMES = {" ": "space", '"': "quotation_mark", "*": "asterisk", "-": "minus", "~": "tilde", ":": "colon"}


def type_key(app, character: str) -> None:
    """Send one key the way a terminal driver does: a Key event posted to the app, nothing awaited.

    Not Pilot.press: after every key it posts a callback to each widget and waits for all of them,
    work a real terminal never adds, and it lands right in the window being measured.
    """
    from textual import events

    key = events.Key(KEY_NAMES.get(character, character), character)
    key.set_sender(app)
    app.post_message(key)


async def settle(pilot) -> None:
    """Between queries: workers finish, then a second's look at the results (facets and garbage
    collection wait for such a pause, as they would for a reader)."""
    await pilot.app.workers.wait_for_complete()
    await asyncio.sleep(QUERY_PAUSE)
    await pilot.pause()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicreader-bench")
    args = parser.parse_args()
    corpus, index_dir = indexed_corpus(args.work, args.posts)
    timings = asyncio.run(measure(corpus, index_dir, queries(args.queries)))
    load = os.getloadavg()[0]
    print(
        f"{args.posts:,} posts, {len(timings.total)} queries typed (load average {load:.1f}):\n"
        f"  last key to results on screen    {summary(timings.total)}\n"
        f"    key to search start            {summary(timings.before_search)}\n"
        f"    inside Library.search          {summary(timings.in_search)}\n"
        f"    search end to results painted  {summary(timings.after_search)}\n"
        f"  CPU used by the app meanwhile    {summary(timings.cpu)}"
    )


def summary(seconds: list[float]) -> str:
    ms = sorted(value * 1000 for value in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms"


if __name__ == "__main__":
    main()
