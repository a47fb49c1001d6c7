"""The text reader on the saved pages of ../shared/corpora/html, turned to text as a browser's copy would be.

    python bench/textpages_html.py [--corpus DIR] [--json]     (needs w3m for ../shared/tools/page-to-text)

No key of ours: each page is made text with `page-to-text` into a temporary folder, read by the text reader, and
its comment thread compared with the one the HTML marks up (WordPress's and Blogger's comment items: how many,
how many at the top level, how deep, and whether each comment's parent is the right one, matched in order).
Printed per page with the post's title and date, for a look; `--json` for a script.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEFAULT_CORPUS = SHARED / "corpora" / "html"
PAGE_TO_TEXT = SHARED / "tools" / "page-to-text"
COMMENT_ITEMS = (
    "//li[(contains(concat(' ',normalize-space(@class),' '),' comment ') or starts-with(@id,'comment-')"
    " or starts-with(@id,'li-comment-')) and not(contains(@class,'pingback')) and not(contains(@class,'trackback'))]"
    " | //div[contains(concat(' ',normalize-space(@class),' '),' comment ') and @id and not(ancestor::li)]"
    " | //dl[@id='comments-block']/dt | //div[@data-comment-id]"
)
"""Comment items as WordPress (li.comment, depth-N), Blogger (div.comment, dl#comments-block dt) and comment
plugins (div[data-comment-id], nested) mark them."""


@dataclass(frozen=True)
class Place:
    depth: int
    parent: int | None


def true_thread(doc) -> list[Place]:
    import re

    items = doc.xpath(COMMENT_ITEMS)
    ids = {id(item): index for index, item in enumerate(items)}
    found: list[Place] = []
    last_at_depth: dict[int, int] = {}
    for index, item in enumerate(items):
        level = re.search(r"\bdepth-(\d+)\b", item.get("class") or "")
        if level:  # WordPress names the level; some themes do not nest the markup
            depth = int(level.group(1))
            parent = last_at_depth.get(depth - 1) if depth > 1 else None
        else:
            ancestors = [a for a in item.iterancestors() if id(a) in ids]
            depth, parent = len(ancestors) + 1, (ids[id(ancestors[0])] if ancestors else None)
        last_at_depth[depth] = index
        found.append(Place(depth, parent))
    return found


def our_thread(post) -> list[Place]:
    found: list[Place] = []
    stack = [(comment, 1, None) for comment in reversed(post.comments)]
    while stack:
        comment, depth, parent = stack.pop()
        found.append(Place(depth, parent))
        at = len(found) - 1
        stack.extend((reply, depth + 1, at) for reply in reversed(comment.replies))
    return found


def score(name: str, html: Path, text: Path) -> dict:
    import lxml.html

    from civicreader.dedupe import merge_pages
    from civicreader.ingest import Problem, read_file

    doc = lxml.html.parse(str(html)).getroot()
    page = read_file(text, text.parent)
    if isinstance(page, Problem):
        return {"page": name, "problem": page.reason}
    posts = merge_pages([page])
    post = max(posts, key=lambda p: len(p.body) + p.comment_count)
    truth, ours = true_thread(doc), our_thread(post)
    same_parent = sum(a.parent == b.parent for a, b in zip(ours, truth, strict=False))
    return {
        "page": name, "posts": len(posts), "title": post.title, "date": str(post.date) if post.date else None,
        "comments": [len(ours), len(truth)],
        "top": [sum(p.depth == 1 for p in ours), sum(p.depth == 1 for p in truth)],
        "depth": [max((p.depth for p in ours), default=0), max((p.depth for p in truth), default=0)],
        "parents_right": same_parent / len(truth) if truth else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pages = sorted(args.corpus.rglob("*.html")) if args.corpus.is_dir() else []
    if not pages or not PAGE_TO_TEXT.exists():
        print(f"no saved pages at {args.corpus}, or no {PAGE_TO_TEXT}: nothing to score", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory() as work:
        for html in pages:
            name = str(html.relative_to(args.corpus).with_suffix(""))
            text = Path(work) / (name.replace("/", "__") + ".txt")
            made = subprocess.run([sys.executable, str(PAGE_TO_TEXT), str(html), str(text)], capture_output=True,
                                  text=True)
            if made.returncode != 0:
                print(f"{name}: page-to-text failed ({made.stderr.strip()[:200]}); is w3m installed?",
                      file=sys.stderr)
                return 2
            results.append(score(name, html, text))
    if args.json:
        print(json.dumps(results, indent=1, ensure_ascii=False))
        return 0
    print(f"{'page':46} posts  comments   top      depth  parents  date        title")
    for r in results:
        if "problem" in r:
            print(f"{r['page'][-46:]:46} {r['problem']}")
            continue
        parents = f"{r['parents_right']:.2f}" if r["parents_right"] is not None else "  - "
        print(f"{r['page'][-46:]:46} {r['posts']:5}  {r['comments'][0]:3}/{r['comments'][1]:<3}  "
              f"{r['top'][0]:3}/{r['top'][1]:<3}  {r['depth'][0]}/{r['depth'][1]}    {parents}    "
              f"{r['date'] or '-':10}  {r['title'][:40]}")
    found = sum(r["comments"][0] for r in results if "comments" in r)
    marked = sum(r["comments"][1] for r in results if "comments" in r)
    print(f"comments found {found} of {marked} marked up; pages {len(results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
