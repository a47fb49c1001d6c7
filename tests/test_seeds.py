"""The five real pages in ../shared/seeds come out whole (skipped where ../shared is absent).

Expectations below were worked out by reading the pages, not by running the reader: which
lines are posts, which are chrome, which year each undated post must have and why.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from civicreader.dedupe import merge_pages
from civicreader.ingest import read_paths
from civicreader.model import normalise_key_text
from tests.conftest import SEEDS, needs_shared

pytestmark = needs_shared(SEEDS)


@pytest.fixture(scope="module")
def posts():
    pages, problems = read_paths([SEEDS])
    assert problems == []
    return {normalise_key_text(post.title)[:30]: post for post in merge_pages(pages)}


def find(posts, title_start):
    key = normalise_key_text(title_start)
    [post] = [post for title, post in posts.items() if title.startswith(key)]
    return post


def test_every_post_is_found_once(posts):
    assert len(posts) == 10


def test_post_on_two_pages_is_merged_with_comments_category_and_both_sources(posts):
    post = find(posts, "Plan B")
    assert post.title == "Plan B – The missing conversation"
    assert sorted(s.rsplit("/", 1)[-1][:3] for s in post.sources) == ["000", "003"]
    assert post.categories == ("Local democracy and the Big Society",)
    # 24 Dec without a year; the comments are dated 28 December 2010
    assert post.date == date(2010, 12, 24) and post.date_inferred
    assert "comments" in post.date_note
    assert len(post.body) == 7
    assert post.body[-1].startswith("The missing conversation is about a government strategy")
    [comment] = post.comments
    assert comment.author == "Joe Taylor"
    assert comment.date == datetime(2010, 12, 28, 15, 4)
    assert len(comment.body) == 2
    [reply] = comment.replies
    assert reply.author == "sumaddock" and reply.date == datetime(2010, 12, 28, 16, 51)
    assert reply.body == ("Joe -thanks for that will read over the holiday and send a comment.Su",)
    text = " ".join(post.body) + " ".join(" ".join(c.body) for _, c in post.walk_comments())
    for chrome in ("Leave a Reply", "Connecting to", "bloggers like this", "You are commenting", "Responses to"):
        assert chrome not in text


def test_month_archive_posts_take_the_header_year_and_the_teaser_is_an_excerpt(posts):
    women = find(posts, "The Big Society – where are")
    assert women.date == date(2010, 7, 28) and women.date_inferred
    assert len(women.body) == 4
    innovation = find(posts, "Innovation and savings")
    assert innovation.date == date(2010, 7, 12)
    assert innovation.excerpt
    assert not any("Continue reading" in p for p in innovation.body)
    coalition = find(posts, "Can the Coalition")
    assert coalition.date == date(2010, 7, 13)
    # its one paragraph ends in an inline "Continue reading": a teaser too
    assert coalition.excerpt
    assert len(coalition.body) == 1 and coalition.body[0].endswith("not all innovation is the same.")


def test_blogger_page_has_its_full_date_and_no_chrome(posts):
    post = find(posts, "Getting")
    assert post.title == 'Getting "whizzy" about public services'
    assert post.date == date(2010, 12, 11) and not post.date_inferred
    assert len(post.body) == 3
    assert post.comments == ()


def test_category_archive_years_follow_the_evidence_in_trust_order(posts):
    # Plan B (bottom) is 2010 from its comments. Going up: 7 Jan must be after it (2011 or
    # later) and before 26 Nov above; "Beyond Fragility" mentions 2012, which fits; 14 Jan
    # above 26 Nov 2012 is 2013. 7 Jan lies between 2011 and 2012: the stronger anchor (the
    # comment-dated post) gives 2011.
    assert find(posts, "Beyond Fragility").date == date(2012, 11, 26)
    assert find(posts, "EUROPE not the problem").date == date(2013, 1, 14)
    assert find(posts, "New not less bureaucracy").date == date(2011, 1, 7)
    for title in ("Beyond Fragility", "EUROPE", "New not less"):
        post = find(posts, title)
        assert post.date_inferred
        assert post.categories == ("Local democracy and the Big Society",)


def test_neighbouring_posts_do_not_bleed_into_each_other(posts):
    europe = find(posts, "EUROPE")
    assert len(europe.body) == 7
    assert europe.body[-1].endswith("national schemes not regional potential")
    fragility = find(posts, "Beyond Fragility")
    assert fragility.body[-1] == "See recent article – Public Leadership Driven by Values not Bonuses."
    bureaucracy = find(posts, "New not less")
    assert bureaucracy.body[-1].startswith("This is non-sensical")


def test_untitled_aside_on_the_archive_page_is_kept_apart(posts):
    aside = posts[""]
    assert aside.date is None
    assert len(aside.body) == 1 and aside.body[0].startswith("Latest off the press on Associative Democracy")


def test_dateless_post_keeps_categories_and_splits_the_glued_caption(posts):
    post = find(posts, "Takes two to tango")
    assert post.date is None and not post.date_inferred
    assert post.categories == ("Community engagement", "Finance and governance", "Opinion")
    assert post.tags == ()
    assert post.body[0] == "Judy Robinson at ALW13"
    assert post.body[1].startswith("You can hardly pick up a policy document")
    assert post.body[-1] == "Austerity will force this sort of re-think and maybe better practice should demand it."
    assert not any("permalink" in p or "HTML tags" in p for p in post.body)


def test_no_body_line_of_any_seed_is_lost_or_duplicated(posts):
    kept = [" ".join(p.split()) for post in posts.values() for p in post.body]
    kept += [" ".join(p.split()) for post in posts.values() for _, c in post.walk_comments() for p in c.body]
    # paragraphs may be split (a glued caption) but never lose a character: compare without spaces
    everything = "".join("".join(p.split()) for p in kept)
    for page in SEEDS.glob("*.txt"):
        for line in page.read_text().splitlines():
            # every long line of a seed is prose, but for the comment form's list of HTML tags
            if len(line) > 150 and not line.startswith("You may use these HTML tags"):
                line = line.removesuffix("Continue reading")  # a teaser's link, not its text
                assert "".join(line.split()) in everything, f"lost: {line[:60]}"
    assert len(kept) == len(set(kept)), "a paragraph was kept twice"
