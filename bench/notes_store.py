"""What a reader's notes cost the app: reading every note (the Notes branch, at start-up, in a worker) and one
post's notes (each time a post opens).

    .venv/bin/python bench/notes_store.py --notes 5000

Fills a fresh memory file with NOTES notes over NOTES / 2 posts (passages of a few hundred characters), then times,
best of five, opening it, reading every note, and reading one post's notes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from civicreader.memory import Note, open_memory


def best_ms(step, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=5000)
    notes = parser.parse_args().notes
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "memory.sqlite"
        memory = open_memory(path)
        for post in range(max(notes // 2, 1)):
            post_id = f"post{post:06d}"
            memory.restore_notes(post_id, [
                Note(post_id, paragraph, None, f"A note of a researcher's, number {post}. " * 4, "passage " * 40,
                     "A title", 0.0, 0.0)
                for paragraph in (1, 2)
            ])
        memory.close()

        def reopen() -> None:
            open_memory(path).close()

        memory = open_memory(path)
        print(f"open the memory file:            {best_ms(reopen):7.1f} ms")
        print(f"read all {len(memory.notes()):,} notes:          {best_ms(memory.notes):7.1f} ms")
        print(f"read one post's notes:           {best_ms(lambda: memory.notes('post000042')):7.2f} ms")
        memory.close()


if __name__ == "__main__":
    main()
