"""Hand-checked pages in tests/fixtures/textpages: the reader finds what a careful person finds.

Each NAME.expected.json was written by reading NAME.txt (see the folder's README for the
conventions); only what the page alone says is compared, so each page is read on its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from civicreader.dedupe import merge_pages
from civicreader.ingest import Problem, read_file

FIXTURES = Path(__file__).parent / "fixtures" / "textpages"
PAGES = sorted(FIXTURES.glob("*.txt"))


def fold(text: str) -> str:
    """Runs of spaces (and no-break spaces) count as one; a code block keeps its line breaks."""
    return "\n".join(" ".join(line.replace("\u00a0", " ").split()) for line in text.strip().split("\n"))


def comment_shape(comment: dict) -> dict:
    return {
        "author": fold(comment["author"]),
        "date": comment["date"],
        "body": [fold(p) for p in comment["body"]],
        "replies": [comment_shape(reply) for reply in comment["replies"]],
    }


def post_shape(post: dict) -> dict:
    return {
        "title": fold(post["title"]),
        "date": post["date"],
        "date_inferred": post["date_inferred"],
        "categories": sorted(post["categories"]),
        "tags": sorted(post["tags"]),
        "authors": sorted(post["authors"]),
        "excerpt": post["excerpt"],
        "body": [fold(p) for p in post["body"]],
        "comments": [comment_shape(c) for c in post["comments"]],
    }


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_page_reads_as_a_careful_reader_would(page):
    expected = [post_shape(post) for post in json.loads(page.with_suffix(".expected.json").read_text())]
    result = read_file(page, FIXTURES)
    assert not isinstance(result, Problem), str(result)
    got = {post.title: post_shape(post.to_dict()) for post in merge_pages([result])}
    assert sorted(got) == sorted(post["title"] for post in expected)
    for post in expected:
        assert got[post["title"]] == post
