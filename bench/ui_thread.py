"""Opening a post with a long comment thread: time from the open request to the post on screen.

    .venv/bin/python bench/ui_thread.py
    .venv/bin/python bench/ui_thread.py --rounds 5 --size 120x40

The corpus (written once under --work) holds three posts with 1, 100 and 600 comments: replies
nested up to a dozen levels, two to four paragraphs each. A marker word sits in one comment
near the end of each thread, so a post opened from a search for it scrolls deep into the thread.

For each post, opened plainly (as from the archive) and from a search for the marker, the time
runs from the open request (the worker that reads the post from the index) to:
  first frame  the first frame sent to the terminal with the post's title in the reading pane
               (opened from a search: with the pane at the marker's comment);
  settled      the last frame before the app has been idle for QUIET seconds (all comments in place).
Headless, frames are not written out: a real terminal adds the escape sequences and the write.
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
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_corpus import paragraph

THREAD_SIZES = (1, 100, 600)
MARKER = "quillwort"
"""The word planted deep in each thread (invented words never make it)."""
QUIET = 0.5


def thread_title(size: int) -> str:
    return f"A thread of {size} comment{'s' if size != 1 else ''}"


def comments_xml(rng: random.Random, size: int, year: int) -> str:
    """`size` comments, each a reply to a recent one (so threads nest deep) or a new thread."""
    comments = []
    marked = max(1, size - size // 6)
    for key in range(1, size + 1):
        parent = 0 if key == 1 or rng.random() < 0.15 else rng.randint(max(1, key - 4), key - 1)
        paragraphs = [paragraph(rng) for _ in range(rng.randint(2, 4))]
        if key == marked:
            paragraphs[-1] += f" The {MARKER} grows by the pond."
        body = "".join(f"<p>{text}</p>" for text in paragraphs)
        comments.append(
            f"<wp:comment><wp:comment_id>{key}</wp:comment_id><wp:comment_author>Reader {rng.randint(1, 300)}"
            f"</wp:comment_author><wp:comment_date>{year}-03-{1 + key // 60:02d} {key % 24:02d}:{key % 60:02d}:00"
            f"</wp:comment_date><wp:comment_content>{escape(body)}</wp:comment_content>"
            f"<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>"
            "</wp:comment>"
        )
    return "".join(comments)


def write_corpus(folder: Path, seed: int = 2011) -> Path:
    marker = folder / ".complete-threads-v1"
    if marker.exists():
        return folder
    rng = random.Random(seed)
    items = []
    for size in THREAD_SIZES:
        body = "".join(f"<p>{paragraph(rng)}</p>" for _ in range(4))
        items.append(
            f"<item><title>{escape(thread_title(size))}</title><dc:creator>Author</dc:creator>"
            f"<content:encoded>{escape(body)}</content:encoded><wp:post_date>2011-03-01 09:00:00</wp:post_date>"
            f"<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
            f"{comments_xml(rng, size, 2011)}</item>"
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "threads.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Long threads</title>{"".join(items)}'
        "</channel></rss>",
        encoding="utf-8",
    )
    marker.touch()
    return folder


def indexed_corpus(work: Path) -> tuple[Path, Path]:
    from civicreader.index import Library

    corpus = write_corpus(work / "threads-corpus")
    index_dir = work / "threads-index"
    library = Library(corpus, index_dir)
    if not library.exists() or library.is_stale():
        library.update()
    library.close()
    return corpus, index_dir


def post_ids(index_dir: Path, corpus: Path) -> dict[int, str]:
    from civicreader.index import Library

    library = Library(corpus, index_dir)
    try:
        ids = {}
        for size in THREAD_SIZES:
            [hit] = [hit for hit in library.search(f'"{thread_title(size)}"').hits if hit.title == thread_title(size)]
            ids[size] = hit.id
        return ids
    finally:
        library.close()


async def measure(corpus: Path, index_dir: Path, size: tuple[int, int], rounds: int) -> dict:
    """{(comments, from_search): ([first frame s], [settled s])}."""
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.main_screen import MainScreen
    from civicreader.ui.matches import same_terms_everywhere
    from civicreader.ui.reading_pane import ReadingPane

    ids = post_ids(index_dir, corpus)
    app = CivicReaderApp(corpus, index_dir)
    results: dict[tuple[int, bool], tuple[list[float], list[float]]] = {}
    frames: list[tuple[float, str | None, bool]] = []
    """(when, title in the pane, whether the pane showed a match as current) for each frame sent."""
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        reader = screen.query_one(ReadingPane)
        send_frame = app._display  # private, but it is the moment a frame leaves for the terminal

        def noting_frames(to_screen, update) -> None:
            titles = reader.query("#post-title")
            title = titles.first().base_text.plain if titles else None
            frames.append((time.perf_counter(), title, reader.match_position() is not None))
            send_frame(to_screen, update)

        app._display = noting_frames
        for _round in range(rounds):
            for comments in THREAD_SIZES:
                for from_search in (False, True):
                    await show_welcome(pilot, reader)
                    frames.clear()
                    started = time.perf_counter()
                    screen.open_post(ids[comments], same_terms_everywhere((MARKER,)) if from_search else {})
                    await settled(pilot, frames)
                    title = thread_title(comments)
                    first = next(
                        (when for when, shown, at_match in frames if shown == title and (at_match or not from_search)),
                        None,
                    )
                    if first is None:  # not seen with the pane emptied between openings; said, not hidden
                        print(f"{comments} comments, search {from_search}: no frame showed the post", flush=True)
                        continue
                    firsts, lasts = results.setdefault((comments, from_search), ([], []))
                    firsts.append(first - started)
                    lasts.append(frames[-1][0] - started)
    return results


async def show_welcome(pilot, reader) -> None:
    """Between openings: an empty pane, so each opening starts from the same state."""
    await reader.remove_children()
    reader.opened = None
    await pilot.pause()
    await asyncio.sleep(QUIET)


async def settled(pilot, frames: list) -> None:
    """Return once the workers are done and no frame has been sent for QUIET seconds."""
    await pilot.app.workers.wait_for_complete()
    while True:
        await asyncio.sleep(QUIET / 5)
        if frames and time.perf_counter() - frames[-1][0] > QUIET:
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", default="80x24", help="terminal size, COLUMNSxROWS")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicreader-bench")
    args = parser.parse_args()
    columns, rows = (int(part) for part in args.size.split("x"))
    corpus, index_dir = indexed_corpus(args.work)
    results = asyncio.run(measure(corpus, index_dir, (columns, rows), args.rounds))
    print(f"opening a post, {args.size}, median of {args.rounds} (load average {os.getloadavg()[0]:.1f}):")
    print("  comments  opened         first frame   settled")
    for (comments, from_search), (firsts, lasts) in sorted(results.items()):
        how = "from search" if from_search else "plainly"
        print(
            f"  {comments:>8}  {how:<12} {statistics.median(firsts) * 1000:>9.0f} ms"
            f" {statistics.median(lasts) * 1000:>7.0f} ms"
        )


if __name__ == "__main__":
    main()
