"""What following a Markdown post's comment files costs the index: N posts in one Jekyll `_posts` folder.

    .venv/bin/python bench/markdown_update.py [N]

Prints the seconds of a first build, a staleness check, an update with nothing changed, one after adding
a post (its neighbours must not be read again), one after adding a Staticman comment (only its post is
read again), and the manifest's size.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"{label}: {time.perf_counter() - started:.3f} s")
    return result


def main() -> None:
    from civicreader.index import Library

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        site = root / "corpus" / "site"
        posts = site / "_posts"
        posts.mkdir(parents=True)
        for number in range(count):
            (posts / f"2012-01-01-post-{number}.md").write_text(
                f"---\ntitle: Post number {number}\ndate: 2012-01-01\n---\n\nSome words for post {number}.\n",
                encoding="utf-8",
            )
        library = Library(root / "corpus", root / "index")
        timed(f"build, {count} posts", library.update)
        timed("is_stale, nothing changed", library.is_stale)
        timed("update, nothing changed", library.update)
        (posts / "2012-02-02-new.md").write_text("---\ntitle: New\ndate: 2012-02-02\n---\n\nFresh.\n", encoding="utf-8")
        report = timed("update, one post added", library.update)
        print(f"  files added {report.added}, changed {report.changed}")
        comments = site / "_data" / "comments" / "post-7"
        comments.mkdir(parents=True)
        (comments / "comment-1.yml").write_text("name: A\ndate: 2012-01-02\nmessage: Hello.\n", encoding="utf-8")
        report = timed("update, one comment added", library.update)
        print(f"  files added {report.added}, changed {report.changed}, posts written {report.posts_written}")
        print(f"manifest: {(root / 'index' / 'manifest.json').stat().st_size / 1024:.0f} KB")
        library.close()


if __name__ == "__main__":
    main()
