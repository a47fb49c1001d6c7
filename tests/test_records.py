"""The index's own files are data: pages, word lists and catalogues round-trip, and nothing read runs code."""

from __future__ import annotations

import contextlib
import pickle
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicreader.index.records import RecordError, dump_page, load_page, pack_blobs, unpack_blobs
from civicreader.ingest import DateClue, Dependency, Page, Problem, YearlessDay
from civicreader.model import Comment, Post

TEXT = st.text(st.characters(codec=None, categories=("L", "N", "P", "Z", "S", "Cc", "Cs")), max_size=30)
"""Any text a corpus may hold, lone surrogates and control characters included."""
WHEN = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.sampled_from(
    [None, UTC, timezone(timedelta(hours=-5))]))


def comments(depth: int = 2):
    replies = st.just(()) if depth == 0 else st.lists(comments(depth - 1), max_size=2).map(tuple)
    return st.builds(Comment, author=TEXT, date=st.none() | WHEN, body=st.lists(TEXT, max_size=3).map(tuple),
                     replies=replies, date_inferred=st.booleans())


POSTS = st.builds(
    Post, id=TEXT, blog=TEXT, title=TEXT, date=st.none() | st.dates(), body=st.lists(TEXT, max_size=3).map(tuple),
    date_inferred=st.booleans(), date_note=TEXT, authors=st.lists(TEXT, max_size=2).map(tuple),
    categories=st.lists(TEXT, max_size=2).map(tuple), tags=st.lists(TEXT, max_size=2).map(tuple),
    excerpt=st.booleans(), comments=st.lists(comments(), max_size=3).map(tuple),
    sources=st.lists(TEXT, max_size=2).map(tuple),
)
SMALL = st.integers(min_value=-5, max_value=3000)
CLUES = st.builds(
    DateClue, month=SMALL, day=SMALL, hints=st.lists(st.tuples(SMALL, TEXT), max_size=2).map(tuple),
    comment_dates=st.lists(st.tuples(SMALL, SMALL, SMALL), max_size=2).map(tuple),
    body_years=st.lists(SMALL, max_size=2).map(tuple),
    yearless_comments=st.lists(st.builds(YearlessDay, SMALL, SMALL, SMALL, st.none() | SMALL, st.none() | SMALL),
                               max_size=2).map(tuple),
)
PAGES = st.builds(
    Page, path=TEXT, posts=st.lists(POSTS, max_size=3).map(tuple), clues=st.lists(st.none() | CLUES, max_size=3)
    .map(tuple), ordered=st.booleans(), archive_year=st.none() | SMALL, notes=st.lists(TEXT, max_size=2).map(tuple),
    depends_on=st.lists(st.builds(Dependency, TEXT, TEXT, st.lists(TEXT, max_size=2).map(tuple)), max_size=2)
    .map(tuple),
)
PROBLEMS = st.builds(Problem, TEXT, TEXT, st.none() | SMALL)


@settings(max_examples=150, deadline=None)
@given(PAGES | PROBLEMS)
def test_a_page_or_a_problem_comes_back_as_it_was_stored(page):
    assert load_page(dump_page(page)) == page


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | PAGES.map(dump_page).flatmap(
    lambda data: st.tuples(st.integers(0, len(data)), st.binary(max_size=8)).map(
        lambda cut: data[: cut[0]] + cut[1] + data[cut[0] + len(cut[1]) :])))
def test_damaged_page_data_is_refused_with_one_error_never_anything_else(data):
    try:
        page = load_page(data)
    except RecordError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(page, Page | Problem)


def test_a_page_file_names_only_the_classes_it_may_make():
    with pytest.raises(RecordError, match="unknown record"):
        load_page(b'{"Popen":[["touch","/tmp/x"]]}')
    with pytest.raises(RecordError):
        load_page(b'{"Post":["too few"]}')
    with pytest.raises(RecordError, match="not a page"):
        load_page(b'{"date":"2011-03-01"}')


def test_a_pickle_is_not_a_page(tmp_path):
    marker = tmp_path / "ran"

    class Runs:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    with pytest.raises(RecordError):
        load_page(pickle.dumps(Runs()))
    assert not marker.exists()


def test_blobs_come_back_by_name_and_a_short_file_is_refused():
    blobs = {"a.html": b"first", "b/c.xml": b"", "d": "s\u00e9cond".encode()}
    data = pack_blobs({"version": 1, "names": ["x"]}, blobs)
    header, found = unpack_blobs(data)
    assert header == {"version": 1, "names": ["x"]}
    assert {name: bytes(blob) for name, blob in found.items()} == blobs
    with pytest.raises(RecordError, match="shorter"):
        unpack_blobs(data[:-3])
    with pytest.raises(RecordError):
        unpack_blobs(b"junk" + data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=120))
def test_unpacking_junk_raises_only_record_error(junk):
    for data in (junk, pack_blobs({"k": 1}, {"x": b"yz"})[: len(junk)] + junk):
        with contextlib.suppress(RecordError):  # and nothing else
            unpack_blobs(data)


def test_dates_keep_their_kind():
    page = Page("p", (Post("id", "b", "t", date(2011, 3, 1), (), comments=(
        Comment("a", datetime(2011, 3, 1, 12, 30, 15), ("x",)),)),))
    back = load_page(dump_page(page))
    assert type(back.posts[0].date) is date
    assert back.posts[0].comments[0].date == datetime(2011, 3, 1, 12, 30, 15)
