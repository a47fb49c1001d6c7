"""How fast the Markdown reader reads a big Jekyll site: N posts in one `_posts` folder, some with comments.

    .venv/bin/python bench/markdown_read.py [N]

Prints posts, comments and seconds. Most of the time is markdown-it rendering the bodies; the cost must
stay linear in N (comment folders are looked up per post, sibling comment files read once per folder).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from civicreader.dedupe import merge_pages
from civicreader.ingest import read_paths


def write_site(root: Path, count: int) -> None:
    posts = root / "blog" / "_posts"
    posts.mkdir(parents=True)
    for number in range(count):
        day = 1 + number % 28
        slug = f"post-number-{number}"
        (posts / f"2012-03-{day:02d}-{slug}.md").write_text(
            f"---\ntitle: Post number {number}\ndate: 2012-03-{day:02d}\ncategories: [notes]\n---\n\n"
            + "\n\n".join(f"Paragraph {p} of post {number}, with *some* emphasis and a [link](x)." for p in range(6))
            + "\n",
            encoding="utf-8",
        )
        if number % 10 == 0:
            folder = root / "blog" / "_data" / "comments" / slug
            folder.mkdir(parents=True)
            for reply in range(3):
                parent = "" if reply == 0 else "1"
                (folder / f"comment-{reply}.yml").write_text(
                    f"name: Reader {reply}\ndate: '2012-04-0{reply + 1}T10:00:00Z'\n"
                    f"replying_to: '{parent}'\nmessage: Comment {reply} on post {number}.\n",
                    encoding="utf-8",
                )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_site(root, count)
        started = time.perf_counter()
        pages, problems = read_paths([root])
        posts = merge_pages(pages)
        seconds = time.perf_counter() - started
    comments = sum(post.comment_count for post in posts)
    print(
        f"{len(posts)} posts, {comments} comments, {len(problems)} problems: {seconds:.2f} s "
        f"({1000 * seconds / max(len(posts), 1):.2f} ms a post)"
    )


if __name__ == "__main__":
    main()
