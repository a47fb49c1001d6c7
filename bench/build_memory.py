"""The memory a first build from pages takes: the building process's peak, and where in the build it comes.

    .venv/bin/python bench/build_memory.py --posts 20000 --engine tantivy --json
    .venv/bin/python bench/build_memory.py --corpus /tmp/p20k/corpus --engine tantivy   # pages already written

Writes N made-up posts as scraped WordPress pages (bench/run.py's posts; or takes `--corpus`), then builds an index
of them from nothing in a new process, as `civicreader index` would, and reports:

* peak_rss_mb: that process's peak resident memory (VmHWM), the build's own (the bench's generated posts are not
  in it); mb_per_1000_posts, the same per thousand posts, above the process's resident memory before the build;
* peak_by_phase_mb: the peak sampled until the engine is handed its first post ("reading": the pages read and
  merged, and for Whoosh its second writer process started), while it is handed the posts ("indexing"), and
  after the last one: the engine's commit, then the people, page cache, records and catalogue saved ("saving");
  reading_worker_peak_mb is the largest child process's (the reading processes, Whoosh's second writer);
* build_s: the build's wall-clock seconds.

Memory grows with the archive: a first build holds every page read, and the posts merged from them, until it has
written them. What must not grow with it is what the build holds beside that at its peak.
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

from run import Writer, make_post, write_corpus

BUILD = r"""
import json, os, resource, sys, threading, time
from pathlib import Path

def resident_mb(field):
    with open("/proc/self/status") as status:
        return int(status.read().split(field + ":")[1].split()[0]) / 1024

if __name__ == "__main__":
    from civicreader.index import Library

    phase = ["reading"]
    peaks = {}
    finished = threading.Event()

    def sample():
        while not finished.is_set():
            peaks[phase[0]] = max(peaks.get(phase[0], 0.0), resident_mb("VmRSS"))
            time.sleep(0.02)

    def progress(done, total, what):
        if what == "indexing posts":
            phase[0] = "saving" if done == total and total else "indexing"

    before = resident_mb("VmRSS")
    threading.Thread(target=sample, daemon=True).start()
    started = time.perf_counter()
    report = Library(Path(sys.argv[1]), Path(sys.argv[2]), engine=sys.argv[3]).update(progress=progress)
    seconds = time.perf_counter() - started
    finished.set()
    print(json.dumps({
        "posts": report.posts, "build_s": round(seconds, 2), "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(resident_mb("VmHWM"), 1),
        "peak_by_phase_mb": {name: round(value, 1) for name, value in peaks.items()},
        "reading_worker_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }))
"""


def build_memory(corpus: Path, index_dir: Path, engine: str) -> dict:
    environment = {**os.environ}
    with tempfile.TemporaryDirectory() as home:  # the bench's own index key and settings, not the user's
        for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            environment[variable] = str(Path(home) / variable)
        script = Path(home) / "build.py"
        script.write_text(BUILD, encoding="utf-8")  # a file, not -c: the reading processes import __main__
        finished = subprocess.run([sys.executable, str(script), str(corpus), str(index_dir), engine],
                                  env=environment, capture_output=True, text=True, check=True)
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    grown = result["peak_rss_mb"] - result["rss_before_mb"]
    result["mb_per_1000_posts"] = round(1000 * grown / max(1, result["posts"]), 1)
    result["engine"] = engine
    result["load_average_1min"] = round(os.getloadavg()[0], 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--engine", choices=("whoosh", "tantivy"), default="tantivy")
    parser.add_argument("--corpus", type=Path, help="pages already written (then --posts is not used)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        corpus = arguments.corpus
        if corpus is None:
            writer = Writer(random.Random(arguments.seed))
            corpus = Path(work) / "corpus"
            write_corpus(corpus, [make_post(writer, number) for number in range(arguments.posts)])
        result = build_memory(corpus, Path(work) / "index", arguments.engine)
    if arguments.json:
        print(json.dumps(result))
        return
    for name, value in result.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
