"""Time to a usable first screen with an existing index: process start to the archive tree on screen.

    .venv/bin/python bench/ui_startup.py --posts 20000
    .venv/bin/python bench/ui_startup.py --index /tmp/big/index-tantivy --corpus /tmp/big/corpus   # an index made
        # by bench/run.py --keep (--direct --engine tantivy for 200,000 posts)

Each run is a fresh interpreter (imports included), headless, 120x40. "Usable" means the archive
tree lists the blogs, read from the index. A bare Textual app is timed the same way for scale.
The CPU seconds the app used until then (all its threads) are printed too: on a busy machine the
wall time says more about the neighbours than about the app.
Target (issue 5): < 1 s at 20,000 posts.
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
    def on_mount(self):
        self.set_interval(0.002, self.check)

    def check(self):
        tree = self.screen.query(ArchiveTree).first(ArchiveTree) if self.screen.query(ArchiveTree) else None
        if tree and any(isinstance(node.data, BlogBranch) for node in tree.root.children):
            self.call_after_refresh(self.done)

    def done(self):
        print("ready", time.process_time(), flush=True)
        self.exit()

Timed(Path(sys.argv[1]), Path(sys.argv[2])).run(headless=True, size=(120, 40))
"""

BARE = """
import time
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(self.done)

    def done(self):
        print("ready", time.process_time(), flush=True)
        self.exit()

Bare().run(headless=True, size=(120, 40))
"""


def time_to_ready(code: str, *args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds the app used) from process start to the ready screen."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("ready "):
            elapsed = time.perf_counter() - started
            cpu = float(line.split()[1])
            break
    else:
        raise SystemExit(f"the app never became ready (exit {child.wait()})")
    child.wait()
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicreader-bench")
    parser.add_argument("--index", type=Path, help="time this existing index (with --corpus) instead")
    parser.add_argument("--corpus", type=Path, help="the corpus folder of --index")
    args = parser.parse_args()
    if args.index:
        if not args.corpus:
            parser.error("--index needs --corpus")
        corpus, index_dir = args.corpus, args.index
    else:
        corpus, index_dir = indexed_corpus(args.work, args.posts)
    time_to_ready(READER, str(corpus), str(index_dir))  # warm the OS file cache once
    reader = [time_to_ready(READER, str(corpus), str(index_dir)) for _ in range(args.runs)]
    bare = [time_to_ready(BARE) for _ in range(args.runs)]
    print(
        f"{posts_in(corpus, index_dir):,} posts (load average {os.getloadavg()[0]:.1f}): first usable screen "
        f"{spread([wall for wall, _cpu in reader])}, CPU {spread([cpu for _wall, cpu in reader])}; "
        f"bare Textual app {spread([wall for wall, _cpu in bare])}, CPU {spread([cpu for _wall, cpu in bare])}"
    )


def posts_in(corpus: Path, index_dir: Path) -> int:
    from civicreader.index import Library

    library = Library(corpus, index_dir)
    try:
        return sum(library.blogs().values())
    finally:
        library.close()


def spread(seconds: list[float]) -> str:
    return f"median {statistics.median(seconds):.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f})"


if __name__ == "__main__":
    main()
