"""The worst query of each class a user can type or paste, against a 20,000-post index: each under 1 s.

    .venv/bin/python bench/hostile_queries.py
    .venv/bin/python bench/hostile_queries.py --posts 2000 --classes long-word,fuzzy --json

Each query runs in a fresh process (the index opened and warmed with one plain search first), so a
query that runs away costs only itself: the figures are the search call's wall time, whether it
ended in results or a one-line query error, and the process's peak memory. Under 1 s of CPU is the bar
(wall time too on an idle machine). A class whose query
does not finish within --timeout is reported as such. The index is built once under --work (from
bench/ui_corpus.py's corpus).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_corpus import indexed_corpus


def _letters(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(count))


def hostile_queries() -> dict[str, str]:
    """One query per class, the worst of its kind that fits in a paste."""
    rng = random.Random(14)
    words = "council budget volunteers library housing tenants grant report meeting minutes".split()
    return {
        "long-word": _letters(rng, 10_000),  # did-you-mean built ~54·n strings of n characters
        "long-field-word": "title:" + _letters(rng, 10_000),
        "long-prefix": _letters(rng, 5_000) + "*",
        "long-fuzzy": _letters(rng, 5_000) + "~2",
        "long-phrase": '"' + " ".join(rng.choice(words) for _ in range(2_000)) + '"',
        "many-words": " ".join(rng.choice(words) + _letters(rng, 3) for _ in range(2_000)),
        "many-ors": " OR ".join(_letters(rng, 6) for _ in range(2_000)),
        "many-fuzzy": " ".join(f"{_letters(rng, 7)}~2" for _ in range(300)),
        "many-prefixes": " OR ".join(f"{rng.choice('bcdfgmprst')}*" for _ in range(300)),
        "many-wildcards": "*" + "a*" * 40,
        "deep-brackets": "(" * 3_000 + "council" + ")" * 3_000,
        "many-dates": " OR ".join(f"date:{2010 + number % 4}-{1 + number % 12:02d}" for number in range(1_000)),
        "many-fields": " ".join(f"title:{rng.choice(words)} comment:{rng.choice(words)}" for _ in range(1_000)),
    }


PROBE = """
import json, sys, time
from pathlib import Path
from civicreader.index import Library, QueryError

corpus, index_dir, query = sys.argv[1], sys.argv[2], sys.stdin.read()
library = Library(Path(corpus), Path(index_dir))
library.search("council")
started, cpu_started = time.perf_counter(), time.process_time()
try:
    results = library.search(query)
    notes = getattr(results, "notes", ())
    outcome = f"{results.total} posts" + (f"; note: {'; '.join(notes)}" if notes else "")
except QueryError as error:
    outcome = f"query error: {error}"
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "outcome": outcome[:160]}))
"""


def run_one(corpus: Path, index_dir: Path, query: str, timeout: float) -> dict:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    try:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(corpus), str(index_dir)],
            input=query, capture_output=True, text=True, timeout=timeout, env=env,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "peak_mb": None, "outcome": f"still running after {timeout:.0f} s (stopped)"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"seconds": None, "peak_mb": None, "outcome": f"crashed: {last[:160]}"}
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--classes", help="comma-separated (default: all)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicreader-bench-queries")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    corpus, index_dir = indexed_corpus(args.work, args.posts)
    queries = hostile_queries()
    chosen = args.classes.split(",") if args.classes else list(queries)
    figures = {name: run_one(corpus, index_dir, queries[name], args.timeout) for name in chosen}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"worst query per class, {args.posts:,} posts (load average {os.getloadavg()[0]:.1f}):")
        for name, result in figures.items():
            took = "-" if result["seconds"] is None else f"{result['seconds']:6.3f} s ({result['cpu']:5.3f} s CPU)"
            peak = "" if result["peak_mb"] is None else f" {result['peak_mb']:5d} MB"
            print(f"  {name:<16}{took:>22}{peak}  {result['outcome']}")
    # CPU time decides: on a machine busy with other work, wall time says more about the machine.
    slow = [name for name, result in figures.items() if result["seconds"] is None or result["cpu"] >= 1.0]
    if slow:
        print(f"over 1 s: {', '.join(slow)}", file=sys.stderr)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
