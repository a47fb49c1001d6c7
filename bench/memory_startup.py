"""What the reader's memory adds to the first screen: opening it and painting unread counts in the archive.

    .venv/bin/python bench/memory_startup.py --posts 20000

Times, in fresh headless interpreters (120x40), process start to the archive's blogs on screen and to the same
blogs with their unread counts painted, with half the posts marked read beforehand. The memory opens after the
first frame, in a worker, so the first figure should not move; the gap between the two is what the counts cost.
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
import sys
import time
from pathlib import Path
from civicreader.ui.app import CivicReaderApp
from civicreader.ui.archive_tree import ArchiveTree, BlogBranch

class Timed(CivicReaderApp):
    blogs_at = None

    def on_mount(self):
        self.started = time.perf_counter()
        self.set_interval(0.002, self.check)

    def check(self):
        tree = self.screen.query(ArchiveTree).first(ArchiveTree) if self.screen.query(ArchiveTree) else None
        if tree is None or not any(isinstance(node.data, BlogBranch) for node in tree.root.children):
            return
        if self.blogs_at is None:
            self.blogs_at = time.perf_counter()
        if tree.unread:
            self.call_after_refresh(self.done)

    def done(self):
        print("ready", self.blogs_at - self.started, time.perf_counter() - self.started, flush=True)
        self.exit()

Timed(Path(sys.argv[1]), Path(sys.argv[2])).run(headless=True, size=(120, 40))
"""


def run_once(corpus: Path, index_dir: Path, data_home: Path) -> tuple[float, float]:
    """(seconds from mount to blogs on screen, to unread counts painted)."""
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    output = subprocess.run([sys.executable, "-c", READER, str(corpus), str(index_dir)], env=env,
                            capture_output=True, text=True, timeout=120).stdout
    line = next(line for line in output.splitlines() if line.startswith("ready "))
    _ready, blogs, counted = line.split()
    return float(blogs), float(counted)


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

    run_once(corpus, index_dir, data_home)  # warm the OS file cache
    runs = [run_once(corpus, index_dir, data_home) for _ in range(args.runs)]
    blogs = [blog for blog, _ in runs]
    gaps = [count - blog for blog, count in runs]
    print(f"{args.posts:,} posts (load average {os.getloadavg()[0]:.1f}): blogs on screen {spread(blogs)} after "
          f"mount; unread counts painted {spread(gaps)} after that")


def spread(seconds: list[float]) -> str:
    ms = [second * 1000 for second in seconds]
    return f"median {statistics.median(ms):.0f} ms (min {min(ms):.0f}, max {max(ms):.0f})"


if __name__ == "__main__":
    main()
