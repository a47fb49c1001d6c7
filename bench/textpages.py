"""How well the text-page reader reads real pages: per-field scores over ../shared/corpora/text.

Each page there is kept as saved HTML and as its text copy; the reader gets the text, and the
truth comes from the HTML at run time (the comment thread, its nesting, the post's first and
last paragraph, what the post's content holds) plus a small hand-checked key of counts, dates
and titles (bench/textpages_key.json). Nothing of the pages is copied into the repo.

    python bench/textpages.py [--corpus DIR] [--json] [--pages NAME ...]

Fields (each a mean over the pages it applies to, 1.0 = all right):
  posts      a post page gives one post, an archive its posts, a title listing none
  title      the post's title (an archive: share of its posts' titles found)
  date       the post's date, or none where the page prints none (an archive: share right)
  first      the post's first paragraph (from the HTML) starts the body
  last       the post's last paragraph (from the HTML) ends the body
  chrome     share of body paragraphs that are the post's own text (not menus, forms, comments);
             w3m's numbers before ordered-list items are not counted against a paragraph
  comments   comments matched by author, over the larger of ours and the page's count
  top        top-level count right
  depth      deepest level right
  parents    matched comments whose parent is the right one (or none)
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "text"
KEY = Path(__file__).with_name("textpages_key.json")
FIELDS = ("posts", "title", "date", "first", "last", "chrome", "comments", "top", "depth", "parents")
SNIPPET = 50
"""Characters (after folding) of the HTML's first/last paragraph that must be found in the body."""


def fold(text: str) -> str:
    """Letters and digits only, case folded: w3m and lxml space and punctuate text differently."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def element_text(element) -> str:
    return " ".join(element.text_content().split()) if hasattr(element, "text_content") else str(element).strip()


@dataclass
class TrueComment:
    author: str
    depth: int
    parent: int | None


def true_thread(doc, spec: dict, wordpress_items: str) -> list[TrueComment]:
    xpath = wordpress_items if spec["items"] == "WORDPRESS" else spec["items"]
    items = doc.xpath(xpath)
    ids = {id(item): index for index, item in enumerate(items)}
    thread: list[TrueComment] = []
    last_at_depth: dict[int, int] = {}
    for index, item in enumerate(items):
        found = item.xpath(spec["author"])
        author = element_text(found[0]) if found else ""
        if spec.get("strip"):
            author = re.sub(spec["strip"], "", author)
        classes = re.search(r"\bdepth-(\d+)\b", item.get("class") or "")
        if classes:  # WordPress says the level itself; some themes do not nest the markup
            depth = int(classes.group(1))
            parent = last_at_depth.get(depth - 1) if depth > 1 else None
        else:
            ancestors = [a for a in item.iterancestors() if id(a) in ids]
            depth = len(ancestors) + 1
            parent = ids[id(ancestors[0])] if ancestors else None
        last_at_depth[depth] = index
        thread.append(TrueComment(author, depth, parent))
    return thread


def our_thread(post) -> list[TrueComment]:
    thread: list[TrueComment] = []

    def walk(comments, depth, parent):
        for comment in comments:
            thread.append(TrueComment(comment.author, depth, parent))
            walk(comment.replies, depth + 1, len(thread) - 1)

    walk(post.comments, 1, None)
    return thread


def author_key(name: str) -> str:
    return fold(name)[:6]


def thread_scores(ours: list[TrueComment], truth: list[TrueComment]) -> dict[str, float]:
    if not truth and not ours:
        return {"comments": 1.0, "top": 1.0, "depth": 1.0, "parents": 1.0}
    matcher = difflib.SequenceMatcher(
        None, [author_key(c.author) for c in ours], [author_key(c.author) for c in truth], autojunk=False
    )
    pairs = {a + k: b + k for a, b, size in matcher.get_matching_blocks() for k in range(size)}
    matched = len(pairs)
    parents_right = sum(
        1 for mine, theirs in pairs.items()
        if (ours[mine].parent is None and truth[theirs].parent is None)
        or (ours[mine].parent is not None and pairs.get(ours[mine].parent) == truth[theirs].parent
            and truth[theirs].parent is not None)
    )
    return {
        "comments": matched / max(len(ours), len(truth)),
        "top": float(sum(c.depth == 1 for c in ours) == sum(c.depth == 1 for c in truth)),
        "depth": float(max((c.depth for c in ours), default=0) == max((c.depth for c in truth), default=0)),
        "parents": parents_right / matched if matched else 0.0,
    }


SENTENCE_WORDS = 6
"""Runs of fewer words (headings, labels) are not counted as paragraphs, in the HTML's text or in ours."""

BLOCKS = {"p", "div", "br", "pre", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "tr",
          "section", "article", "figure", "figcaption", "dl", "dt", "dd"}


CHROME_CLASS = re.compile(r"share|social|print|jump|screen-reader|sr-only|hidden", re.I)
"""Buttons and share rows inside a post's content element are not the post's text."""


def paragraphs_of(elements) -> list[str]:
    """The content's text cut at block elements and line breaks; only runs of six words or more (sentences)."""
    chunks: list[str] = []
    current: list[str] = []

    def flush():
        text = " ".join(" ".join(current).split())
        if len(text.split()) >= SENTENCE_WORDS:
            chunks.append(text)
        current.clear()

    def walk(element):
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = element.get("class") or "" if tag else ""
        if not tag or tag in {"script", "style", "noscript", "svg", "button", "form"} or CHROME_CLASS.search(classes):
            if element.tail:
                current.append(element.tail)
            return
        if tag in BLOCKS:
            flush()
        if element.text:
            current.append(element.text)
        for child in element:
            walk(child)
        if tag in BLOCKS:
            flush()
        if element.tail:
            current.append(element.tail)

    for element in elements:
        walk(element)
        flush()
    return chunks


LIST_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+")
"""w3m numbers the items of an ordered list ("1. Stir…"); the HTML's text has no such number."""


def body_scores(post, content) -> dict[str, float]:
    paragraphs = paragraphs_of(content)
    # a heading or label opening the content ("Ingredients" / "Serves 6") is the post's, yet not a paragraph
    # on the HTML's side: it is passed over on ours too
    body = [fold(p) for p in post.body if len(p.split()) >= SENTENCE_WORDS] or [fold(p) for p in post.body]
    whole = fold(" ".join(element_text(element) for element in content))
    first = fold(paragraphs[0])[:SNIPPET] if paragraphs else ""
    last = fold(paragraphs[-1])[-SNIPPET:] if paragraphs else ""
    kept = [fold(LIST_NUMBER.sub("", p)) for p in post.body]
    kept = [p for p in kept if len(p) >= 3]
    return {
        "first": float(bool(first) and first in "".join(body[:2])),
        "last": float(bool(last) and last in "".join(body[-2:])),
        "chrome": sum(p in whole for p in kept) / len(kept) if kept else 0.0,
    }


def parse_day(text: str, dayfirst: bool) -> date | None:
    from dateutil import parser

    try:
        return parser.parse(text, dayfirst=dayfirst).date()
    except (ValueError, OverflowError):
        return None


def score_page(name: str, spec: dict, corpus: Path, wordpress_items: str) -> dict:
    import lxml.html

    from civicreader.dedupe import merge_pages
    from civicreader.ingest import Problem, read_file

    text_path = corpus / f"{name}.txt"
    doc = lxml.html.parse(str(corpus / f"{name}.html")).getroot()
    result = read_file(text_path, corpus)
    posts = [] if isinstance(result, Problem) else list(merge_pages([result]))
    scores: dict[str, float] = {}
    notes: list[str] = []
    if isinstance(result, Problem):
        notes.append(f"problem: {result.reason}")
    kind = spec["kind"]
    if kind == "listing":
        scores["posts"] = float(not any(post.body for post in posts))
        scores["comments"] = float(not any(post.comments for post in posts))
        return {"page": name, "scores": scores, "notes": notes, "found": len(posts)}
    if kind == "archive":
        titles = [element_text(e) for e in doc.xpath(spec["titles"])]
        days = [parse_day(element_text(e), spec["dayfirst"]) for e in doc.xpath(spec["dates"])]
        assert len(titles) == spec["posts"] == len(days), f"{name}: the key no longer matches the HTML"
        ours = {fold(post.title): post for post in posts}
        scores["posts"] = min(len(posts), len(titles)) / max(len(posts), len(titles))
        scores["title"] = sum(fold(t) in ours for t in titles) / len(titles)
        right = sum(fold(t) in ours and ours[fold(t)].date == d for t, d in zip(titles, days, strict=True))
        scores["date"] = right / len(titles)
        whole = fold(" ".join(element_text(e) for e in doc.xpath(spec["content"])))
        kept = [fold(p) for post in posts for p in post.body if len(fold(p)) >= 3]
        scores["chrome"] = sum(p in whole for p in kept) / len(kept) if kept else 0.0
        return {"page": name, "scores": scores, "notes": notes, "found": len(posts)}
    scores["posts"] = float(len(posts) == 1)
    post = max(posts, key=lambda p: len(p.body) + p.comment_count, default=None)
    if post is None:
        scores.update(dict.fromkeys(("title", "date", "first", "last", "chrome", "comments", "top", "depth",
                                     "parents"), 0.0))
        return {"page": name, "scores": scores, "notes": notes, "found": 0}
    scores["title"] = float(fold(post.title) == fold(spec["title"]))
    want = date.fromisoformat(spec["date"]) if spec["date"] else None
    scores["date"] = float(post.date == want)
    if not scores["title"]:
        notes.append(f"title {post.title[:60]!r}")
    if not scores["date"]:
        notes.append(f"date {post.date} ({post.date_note})")
    scores.update(body_scores(post, doc.xpath(spec["content"])))
    truth = true_thread(doc, spec["comments"], wordpress_items)
    expect = spec["expect"]
    got = (len(truth), sum(c.depth == 1 for c in truth), max((c.depth for c in truth), default=0))
    assert got == (expect["comments"], expect["top"], expect["depth"]), f"{name}: HTML thread {got} != key {expect}"
    ours = our_thread(post)
    scores.update(thread_scores(ours, truth))
    if scores["comments"] < 1:
        notes.append(f"comments {len(ours)}/{len(truth)}")
    return {"page": name, "scores": scores, "notes": notes, "found": len(posts)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--pages", nargs="*", help="only pages whose name contains one of these")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no development set at {args.corpus} (../shared/corpora/text): nothing to score", file=sys.stderr)
        return 2
    key = json.loads(KEY.read_text(encoding="utf-8"))
    results = [
        score_page(name, spec, args.corpus, key["_wordpress_items"])
        for name, spec in key["pages"].items()
        if not args.pages or any(part in name for part in args.pages)
    ]
    totals = {
        field: round(sum(values) / len(values), 3)
        for field in FIELDS
        if (values := [r["scores"][field] for r in results if field in r["scores"]])
    }
    if args.json:
        print(json.dumps({"corpus": str(args.corpus), "fields": totals, "pages": results}, indent=1))
        return 0
    print(f"{'page':44}" + "".join(f"{field[:7]:>8}" for field in FIELDS))
    for result in results:
        cells = "".join(
            f"{result['scores'][field]:8.2f}" if field in result["scores"] else f"{'':>8}" for field in FIELDS
        )
        print(f"{result['page'].split('/')[-1][:44]:44}{cells}")
    print(f"{'ALL':44}" + "".join(f"{totals.get(field, 0):8.3f}" for field in FIELDS))
    for result in results:
        if result["notes"]:
            print(f"  {result['page'].split('/')[-1][:40]}: {'; '.join(result['notes'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
