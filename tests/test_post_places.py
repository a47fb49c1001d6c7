"""Where each post sits in the archive, saved beside the index for the first screen's unread counts; and the
counts themselves."""

from __future__ import annotations

import shutil
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from civicreader.index import Library
from civicreader.index.catalogue import PLACES_NAME
from civicreader.index.places import PostPlaces
from civicreader.paths import sample_corpus
from civicreader.ui.archive_tree import BlogBranch, CategoriesBranch, CategoryBranch, MonthBranch, YearBranch
from civicreader.ui.unread import unread_counts


def tree_walk(library: Library) -> list[tuple[str, str]]:
    """(blog, "yyyy-mm-dd" or "") of every post as the archive tree lists them, branch by branch."""
    walked = []
    for blog in sorted(library.blogs(), key=str.casefold):
        for year in library.years(blog):
            walked += [(blog, str(post.date or "")) for post in library.posts_in(blog, year)]
    return walked


def test_places_hold_every_post_once_in_the_order_of_the_archive_tree(sample_index):
    library = Library(sample_corpus(), sample_index)
    places = library.post_places()
    assert len(set(places.ids)) == len(places) == sum(library.blogs().values())
    assert list(zip(places.blogs, places.days, strict=True)) == tree_walk(library)
    summaries = {summary.id: summary for summary in library.summaries(places.ids)}
    assert [summaries[post_id].blog for post_id in places.ids] == list(places.blogs)
    for post_id, categories in zip(places.ids, places.categories, strict=True):
        in_branches = {name for name in categories if post_id in {s.id for s in library.posts_in_category(name)}}
        assert in_branches == set(categories)


def test_an_index_saved_before_places_were_kept_still_has_them_and_gets_the_file_on_its_next_update(
    sample_index, tmp_path
):
    saved = Library(sample_corpus(), sample_index).post_places()
    older = tmp_path / "older-index"
    shutil.copytree(sample_index, older)
    (older / PLACES_NAME).unlink()

    library = Library(sample_corpus(), older)
    assert library.post_places() == saved
    library.update()
    library.close()
    assert (older / PLACES_NAME).exists()
    assert Library(sample_corpus(), older).post_places() == saved


def test_the_first_screen_knows_how_many_posts_have_comments_without_the_catalogue(sample_index):
    library = Library(sample_corpus(), sample_index)
    commented = library.commented_posts()
    assert library._catalogue is None
    everyone = library.summaries(library.post_places().ids)
    assert commented == sum(1 for summary in everyone if summary.comment_count) > 0


BLOGS = st.sampled_from(["Ward notes", "ward notes", "Parish pump", "Été"])
DAYS = st.one_of(st.just(""), st.dates().map(lambda day: day.isoformat()))
CATEGORIES = st.lists(st.sampled_from(["Funding", "Housing", "Youth"]), unique=True, max_size=2).map(tuple)
ROWS = st.lists(st.tuples(BLOGS, DAYS, CATEGORIES), max_size=40)


@given(ROWS, st.data())
def test_unread_counts_are_the_unread_posts_under_each_branch(rows, data):
    places = PostPlaces.in_archive_order((f"p{n}", *row) for n, row in enumerate(rows))
    read = set(data.draw(st.lists(st.sampled_from(places.ids), unique=True) if places.ids else st.just([])))
    unread = [place for place in zip(*vars(places).values(), strict=True) if place[0] not in read]

    expected: Counter[object] = Counter()
    for _id, blog, day, categories in unread:
        expected[BlogBranch(blog)] += 1
        expected[YearBranch(blog, int(day[:4]) if day else None)] += 1
        if day:
            expected[MonthBranch(blog, int(day[:4]), int(day[5:7]))] += 1
        for name in categories:
            expected[CategoryBranch(name)] += 1
        if categories:
            expected[CategoriesBranch()] += 1
    assert unread_counts(places, read) == dict(expected)


@given(ROWS, st.randoms(use_true_random=False))
def test_places_are_the_same_whatever_order_the_posts_come_in(rows, random):
    # An update moves a rewritten post to another document number: its place among a day's posts must not move.
    placed = [(f"p{n}", *row) for n, row in enumerate(rows)]
    shuffled = list(placed)
    random.shuffle(shuffled)
    assert PostPlaces.in_archive_order(shuffled) == PostPlaces.in_archive_order(placed)


@given(ROWS, st.lists(st.text(max_size=14), unique=True, min_size=40, max_size=40))
def test_places_read_back_as_saved(rows, ids):
    # Any ids: empty, or holding the line break the saved columns are joined with.
    places = PostPlaces.in_archive_order((ids[n], *row) for n, row in enumerate(rows))
    assert PostPlaces.from_json(places.to_json(7), 7) == places
    assert PostPlaces.from_json(places.to_json(7), 8) is None


def test_undated_posts_are_listed_under_their_blogs_undated_branch(sample_index):
    library = Library(sample_corpus(), sample_index)
    undated = [summary for summary in library.summaries(library.post_places().ids) if summary.date is None]
    assert undated
    for summary in undated:
        assert None in library.years(summary.blog)
        assert summary.id in {post.id for post in library.posts_in(summary.blog, None)}
