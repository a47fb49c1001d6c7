"""Time to a usable first screen with an existing index: process start to the archive tree on screen.

    .venv/bin/python bench/ui_startup.py --posts 20000

Each run is a fresh interpreter (imports included), headless, 120x40. "Usable" means the archive
tree lists the blogs, read from the index. A bare Textual app is timed the same way for scale.
Target (issue 5): < 1 s at 20,000 posts.
"""

from __future__ import annotations

import argparse
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
        print("ready", flush=True)
        self.exit()

Timed(Path(sys.argv[1]), Path(sys.argv[2])).run(headless=True, size=(120, 40))
"""

BARE = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(self.done)

    def done(self):
        print("ready", flush=True)
        self.exit()

Bare().run(headless=True, size=(120, 40))
"""


def time_to_ready(code: str, *args: str) -> float:
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "ready":
            elapsed = time.perf_counter() - started
            break
    else:
        raise SystemExit(f"the app never became ready (exit {child.wait()})")
    child.wait()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicreader-bench")
    args = parser.parse_args()
    corpus, index_dir = indexed_corpus(args.work, args.posts)
    time_to_ready(READER, str(corpus), str(index_dir))  # warm the OS file cache once
    reader = [time_to_ready(READER, str(corpus), str(index_dir)) for _ in range(args.runs)]
    bare = [time_to_ready(BARE) for _ in range(args.runs)]
    print(
        f"{args.posts:,} posts: first usable screen median {statistics.median(reader):.2f} s "
        f"(min {min(reader):.2f}, max {max(reader):.2f}); bare Textual app median {statistics.median(bare):.2f} s"
    )


if __name__ == "__main__":
    main()
