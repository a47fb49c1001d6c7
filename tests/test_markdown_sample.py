"""The sample corpus's Jekyll copy of wheels-and-wards: posts merge with their text pages, comments once."""

from __future__ import annotations

from datetime import date

import pytest

from civicreader.dedupe import merge_pages
from civicreader.ingest import read_paths
from civicreader.paths import sample_corpus

SITE = sample_corpus() / "wheels-and-wards" / "jekyll-site"


@pytest.fixture(scope="module")
def posts():
    pages, problems = read_paths([sample_corpus()])  # as the app reads it: blogs are the top folders
    assert problems == []
    return {post.title: post for post in merge_pages(pages)}


@pytest.mark.parametrize(
    "title, day, text_page",
    [
        ("Losing the council contract, keeping the drivers", date(2011, 4, 12), "losing-the-council-contract"),
        ("A day on the Tuesday market bus", date(2011, 8, 30), "a-day-on-the-tuesday-market-bus"),
    ],
)
def test_markdown_copy_merges_with_the_text_page(posts, title, day, text_page):
    post = posts[title]
    assert post.date == day and not post.date_inferred
    names = [source.rsplit("/", 1)[-1] for source in post.sources]
    assert any(name.endswith(".md") for name in names)
    assert any(name.startswith(text_page) and name.endswith(".txt") for name in names)
    keys = [(comment.author, comment.body) for _, comment in post.walk_comments()]
    assert len(keys) == len(set(keys))  # the same comment from two formats is kept once


def test_markdown_only_post_has_its_staticman_thread(posts):
    post = posts["Ten thousand journeys: a thank-you to the volunteer drivers"]
    assert post.date == date(2013, 5, 8)
    assert post.blog == "wheels-and-wards"
    assert [(depth, comment.author) for depth, comment in post.walk_comments()] == [
        (0, "Margaret Dent"),
        (1, "Bev Kettlewell"),
        (0, "Councillor Hird"),
        (1, "Tom Ashworth"),
        (0, "Dennis Lowther"),
    ]
    assert len(post.comments[1].replies[0].body) == 2
    assert any("ten thousandth journey" in paragraph for paragraph in post.body)


def test_comment_files_of_the_sample_site_are_not_posts(posts):
    assert len(list((SITE / "_data" / "comments").rglob("*.yml"))) == 5
    assert not [title for title in posts if "Margaret" in title or not title]
