"""What the reader's memory adds to the first screen: opening it and painting unread counts in the archive.

    .venv/bin/python bench/memory_startup.py --posts 20000

Times, in fresh headless interpreters (120x40), process start to the archive's blogs painted with their unread
counts (half the posts marked read beforehand), against the same start with the memory turned off (it fails to
open) to the blogs painted: the difference of the medians is what the memory adds. The memory opens beside the
index; when it is open by the time the archive's top level is read, the counts come with it, in one frame.
Also times, in this process, the steps themselves: opening the memory and reading its marks, reading where
every post sits from the index, and counting. Target (issue 19): under 50 ms added at 20,000 posts.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_corpus import indexed_corpus

READER = """
import os
import sys
import time
from pathlib import Path

if os.environ.get("CIVICREADER_BENCH_NO_MEMORY"):
    import civicreader.memory
    from civicreader.memory import MemoryStoreError

    def refuse(*args, **kwargs):
        raise MemoryStoreError("turned off for the benchmark")

    civicreader.memory.open_memory = refuse
from civicreader.ui.app import CivicReaderApp
from civicreader.ui.archive_tree import ArchiveTree, BlogBranch

class Timed(CivicReaderApp):
    def on_mount(self):
        self.started = time.perf_counter()
        self.waiting = True
        self.set_interval(0.002, self.check)

    def check(self):
        tree = self.screen.query(ArchiveTree).first(ArchiveTree) if self.screen.query(ArchiveTree) else None
        if tree is None or not any(isinstance(node.data, BlogBranch) for node in tree.root.children):
            return
        if self.waiting and (tree.unread or os.environ.get("CIVICREADER_BENCH_NO_MEMORY")):
            self.waiting = False
            self.call_after_refresh(self.done)

    def done(self):
        print("ready", time.perf_counter() - self.started, flush=True)
        self.exit()

Timed(Path(sys.argv[1]), Path(sys.argv[2])).run(headless=True, size=(120, 40))
"""


def run_once(corpus: Path, index_dir: Path, data_home: Path, memory: bool) -> float:
    """Seconds from mount to the blogs painted: with their unread counts, or with the memory turned off."""
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    if not memory:
        env["CIVICREADER_BENCH_NO_MEMORY"] = "1"
    output = subprocess.run([sys.executable, "-c", READER, str(corpus), str(index_dir)], env=env,
                            capture_output=True, text=True, timeout=120).stdout
    line = next(line for line in output.splitlines() if line.startswith("ready "))
    return float(line.split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicreader-bench")
    args = parser.parse_args()
    corpus, index_dir = indexed_corpus(args.work, args.posts)
    data_home = Path(tempfile.mkdtemp(prefix="civicreader-memory-bench-"))
    os.environ["XDG_DATA_HOME"] = str(data_home)

    from civicreader.index import Library
    from civicreader.memory import open_memory
    from civicreader.paths import memory_path_for
    from civicreader.ui.unread import unread_counts

    library = Library(corpus, index_dir)
    library.update()  # an index built before post places were saved gets them
    ids = list(library.post_places().ids)
    memory = open_memory(memory_path_for(corpus))
    memory.mark_read(ids[::2])
    memory.close()

    started = time.perf_counter()
    memory = open_memory(memory_path_for(corpus))
    read = memory.read_ids()
    opened = time.perf_counter() - started
    fresh = Library(corpus, index_dir)
    started = time.perf_counter()
    places = fresh.post_places()
    placed = time.perf_counter() - started
    started = time.perf_counter()
    unread_counts(places, read)
    counted = time.perf_counter() - started
    print(f"in process: open memory + {len(read):,} read marks {opened * 1000:.1f} ms; where {len(places):,} posts "
          f"sit (index) {placed * 1000:.1f} ms; count unread {counted * 1000:.1f} ms")

    run_once(corpus, index_dir, data_home, memory=True)  # warm the OS file cache
    with_memory, without = [], []
    for _ in range(args.runs):  # alternated, so a change in the machine's load falls on both
        with_memory.append(run_once(corpus, index_dir, data_home, memory=True))
        without.append(run_once(corpus, index_dir, data_home, memory=False))
    added = (statistics.median(with_memory) - statistics.median(without)) * 1000
    print(f"{args.posts:,} posts (load average {os.getloadavg()[0]:.1f}): blogs painted without the memory "
          f"{spread(without)}; blogs with their unread counts painted {spread(with_memory)}; "
          f"the memory adds {added:.0f} ms (difference of the medians)")


def spread(seconds: list[float]) -> str:
    ms = [second * 1000 for second in seconds]
    return f"median {statistics.median(ms):.0f} ms (min {min(ms):.0f}, max {max(ms):.0f})"


if __name__ == "__main__":
    main()
