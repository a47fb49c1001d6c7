"""The bundled sample corpus reads as its README says a careful reader would (dates, merges, threads).

The truths here come from sample_corpus/README.md, written with the pages, not from the reader.
"""

from __future__ import annotations

from datetime import date

import pytest

from civicreader.dedupe import merge_pages
from civicreader.ingest import read_paths
from civicreader.paths import sample_corpus

TEXT_ONLY_TRUE_DATES = {
    "Commissioning is not the same as procurement": date(2010, 7, 6),
    "What the Big Society means on a wet Tuesday in Batley": date(2010, 7, 21),
    "Grant to contract: a survival guide for small charities": date(2010, 7, 29),
    "Spending Review day: notes from the public gallery": date(2010, 10, 21),
    "Twelve days of commissioning": None,
    "The Localism Bill and the community right to challenge": date(2011, 1, 11),
    "Budget night at the town hall": date(2011, 2, 17),
    "Full cost recovery is not a luxury": date(2011, 3, 8),
    "Payment by results: questions from the floor": date(2011, 3, 24),
    "Why I still read the Compact": date(2011, 3, 30),
    "Consortia: marriage of convenience or shotgun wedding?": date(2011, 9, 14),
    "Who counts the volunteers’ hours?": date(2011, 11, 3),
    "A Christmas card from the commissioning cycle": date(2011, 12, 19),
    "New year, same spreadsheet": date(2012, 1, 11),
    "Members’ allowances and the optics of cuts": date(2012, 2, 2),
    "What the Social Value Act will and won’t change": date(2012, 3, 14),
}


@pytest.fixture(scope="module")
def posts():
    text_pages = sorted(sample_corpus().rglob("*.txt"))
    pages, problems = read_paths(text_pages)
    assert problems == []
    return {post.title: post for post in merge_pages(pages)}


def test_three_blogs_and_forty_two_posts(posts):
    assert len(posts) == 42
    assert {post.blog for post in posts.values()} == {"commissioning-desk", "stacks-and-shelves", "wheels-and-wards"}


@pytest.mark.parametrize("title, true_date", TEXT_ONLY_TRUE_DATES.items())
def test_yearless_blog_dates_are_inferred_right_or_left_empty(posts, title, true_date):
    post = posts[title]
    assert post.date == true_date
    assert post.date_inferred == (true_date is not None)


def test_posts_on_several_pages_are_merged(posts):
    assert sum(1 for post in posts.values() if len(post.sources) > 1) == 20
    teaser_only = posts["Commissioning is not the same as procurement"]
    assert teaser_only.excerpt and len(teaser_only.sources) == 2
    full = posts["Can volunteers run a library? Notes from Little Ousby"]
    assert not full.excerpt and len(full.sources) == 2


def test_prose_that_says_says_is_not_a_comment(posts):
    card = posts["A Christmas card from the commissioning cycle"]
    assert any(p.startswith("Inside it says: thank you.") for p in card.body)
    assert "Inside it" not in {c.author for _, c in card.walk_comments()}


def test_relative_dated_threads_keep_their_shape(posts):
    disqus = posts["Two years on"]
    assert [(c.author, len(c.replies)) for c in disqus.comments] == [("Sue Lister", 1), ("Derek Sowden", 1)]
    assert disqus.comments[0].replies[0].replies[0].author == "Sue Lister"
    assert all(c.date is None for _, c in disqus.walk_comments())
    members = posts["Members’ allowances and the optics of cuts"]
    assert members.comment_count == 4


def test_code_block_and_numbered_list_survive_a_browser_copy(posts):
    post = posts["Two years of journeys: what our booking data says"]
    [code] = [p for p in post.body if p.startswith("SELECT")]
    assert code.split("\n")[1] == "  FROM journeys"
    assert sum(1 for p in post.body if p[:2] in ("1.", "2.", "3.")) == 3
    assert not any("Recent Posts" in p or "Archives" in p for p in post.body)


def test_yearless_comment_dates_follow_their_post(posts):
    post = posts["Five things we’d tell a new community transport scheme"]
    assert post.date == date(2013, 11, 28)
    first = post.comments[0]
    assert first.date is not None and first.date.date() == date(2013, 11, 29)
