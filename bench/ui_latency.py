"""Keystroke-to-results latency in the app: type queries headless, time the last key to results on screen.

    .venv/bin/python bench/ui_latency.py --posts 2000
    .venv/bin/python bench/ui_latency.py --posts 20000 --queries 40

Each query is typed a key at a time (KEY_INTERVAL apart, a quick typist); the time runs from the
last key to the moment the results for the whole query have been painted, debounce included.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_corpus import WORDS, indexed_corpus

KEY_INTERVAL = 0.08


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


async def measure(corpus: Path, index_dir: Path, texts: list[str]) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds of this process) from the last key to the results painted, per query."""
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.main_screen import MainScreen

    app = CivicReaderApp(corpus, index_dir)
    latencies = []
    cpu = []
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash")
        for text in texts:
            await pilot.press("ctrl+u")  # clear the input
            for key in text[:-1]:
                await pilot.press(key)
                await asyncio.sleep(KEY_INTERVAL)
            started, started_cpu = time.perf_counter(), time.process_time()
            # Not awaited: Pilot.press returns only once the app is idle, which is later than the paint.
            last_key = asyncio.create_task(pilot.press(text[-1]))
            while screen.shown_request is None or screen.shown_request.query != text.strip():
                await asyncio.sleep(0.001)
            painted = asyncio.get_running_loop().create_future()
            screen.call_after_refresh(lambda done=painted: done.done() or done.set_result(time.perf_counter()))
            latencies.append(await painted - started)
            cpu.append(time.process_time() - started_cpu)
            await last_key
            await asyncio.sleep(KEY_INTERVAL)
    return latencies, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicreader-bench")
    args = parser.parse_args()
    corpus, index_dir = indexed_corpus(args.work, args.posts)
    latencies, cpu = asyncio.run(measure(corpus, index_dir, queries(args.queries)))
    load = os.getloadavg()[0]
    print(
        f"{args.posts:,} posts, {len(latencies)} queries typed: last key to results on screen "
        f"{summary(latencies)}; CPU used by the app meanwhile {summary(cpu)} (load average {load:.1f})"
    )


def summary(seconds: list[float]) -> str:
    ms = sorted(value * 1000 for value in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms"


if __name__ == "__main__":
    main()
