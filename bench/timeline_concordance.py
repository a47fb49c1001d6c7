"""Timeline and concordance speed on the UI benches' synthetic corpus (bench/ui_corpus.py).

    .venv/bin/python bench/timeline_concordance.py --posts 20000

Measures, in one warm process over an index built once under --work:

* timeline: `civicreader.timeline.timeline` of each query by month, posts and comments counted exactly
  (queries as the UI latency bench makes them: words, two words, phrases, prefixes, NOT), each run twice;
  p50 and p95 of all runs, and of the first runs alone (every term read from the index afresh).
  Every series' post total is checked against `Library.search`'s total for the same query.
* concordance first screen: the first 40 lines (a screenful) for the word whose posts are nearest
  2,000 of the archive's, from the call to the 40th line; first call and warm.
* the CSV stream: `civicreader concordance QUERY --csv` in a child process for --limit 500 and for
  --limit 50000, with the child's peak resident memory (VmHWM): the same peak for both says the lines
  are written as they are found, not held.

Targets (issue 17): timeline p95 < 150 ms at 20,000 posts; first screen < 300 ms for a word in 2,000 posts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(REPO / "src"))

from ui_corpus import VOCABULARY, indexed_corpus  # noqa: E402
from ui_latency import queries  # noqa: E402

SCREENFUL = 40
CHILD = r"""
import sys
from pathlib import Path
from civicreader.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    sys.stdout.flush()
    status = open("/proc/self/status").read()
    sys.stderr.write("VmHWM " + status.split("VmHWM:")[1].split()[0] + "\n")
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def word_in_about(library, posts: int, wanted: int) -> tuple[str, int]:
    """The corpus word whose number of posts is nearest `wanted` (scaled for smaller archives)."""
    best, best_total = "", -1
    for word in sorted(set(VOCABULARY))[:3000]:
        total = library.search(word, limit=0).total
        if best_total < 0 or abs(total - wanted) < abs(best_total - wanted):
            best, best_total = word, total
    return best, best_total


def lines_streamed(corpus: Path, index_dir: Path, query: str, limit: int) -> dict:
    """Run the CLI in a child: how many CSV rows came out, how long it took, and its peak memory."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "concordance", query, "--corpus", str(corpus), "--index", str(index_dir),
         "--csv", "--limit", str(limit)],
        capture_output=True, env=env, check=True,
    )
    seconds = time.perf_counter() - started
    rows = done.stdout.count(b"\n") - 1  # less the header (cells hold no newlines in this corpus)
    peak_kb = int(done.stderr.decode().rsplit("VmHWM ", 1)[1].split()[0])
    return {"rows": rows, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_kb / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicreader-ui-bench")
    args = parser.parse_args()

    from civicreader.concordance import concordance
    from civicreader.index import Library
    from civicreader.timeline import timeline

    corpus, index_dir = indexed_corpus(args.work, args.posts)
    library = Library(corpus, index_dir)
    library.prepare_search()
    texts = queries(args.queries)
    first, runs = [], []
    for round_number in range(2):
        for text in texts:
            started = time.perf_counter()
            found = timeline(library, [text], by="month")
            seconds = time.perf_counter() - started
            (first if round_number == 0 else runs).append(seconds)
            assert found.series[0].posts == library.search(text, limit=0).total, text
    runs += first
    report = {
        "posts": args.posts,
        "timeline_queries": len(texts),
        "timeline_p50_ms": round(1000 * statistics.median(runs), 1),
        "timeline_p95_ms": round(1000 * percentile(runs, 0.95), 1),
        "timeline_first_pass_p95_ms": round(1000 * percentile(first, 0.95), 1),
        "timeline_max_ms": round(1000 * max(runs), 1),
    }

    word, posts_with_it = word_in_about(library, args.posts, args.posts // 10)
    library.close()
    library = Library(corpus, index_dir)
    library.prepare_search()
    screens = []
    for _ in range(3):
        started = time.perf_counter()
        lines = list(concordance(library, word, limit=SCREENFUL))
        screens.append(time.perf_counter() - started)
        assert len(lines) == SCREENFUL
    report.update({
        "concordance_word": word,
        "concordance_word_posts": posts_with_it,
        "first_screen_first_call_ms": round(1000 * screens[0], 1),
        "first_screen_warm_ms": round(1000 * min(screens[1:]), 1),
    })
    library.close()

    frequent = VOCABULARY[0]  # the commonest word: tens of thousands of lines at 20,000 posts
    report["csv_500_lines"] = lines_streamed(corpus, index_dir, frequent, 500)
    report["csv_50000_lines"] = lines_streamed(corpus, index_dir, frequent, 50_000)
    report["load_average_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
