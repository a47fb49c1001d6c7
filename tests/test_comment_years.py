"""Comments dated without a year ("December 30 at 9:12 am") get their post's year once it is known.

The page alone may not give the post's year: another page of the same post, an archive header or
a year in the body may, and only `dedupe.merge_pages` sees those. A comment is never older than
its post, so a comment whose day falls earlier in the calendar than the post's is the next year's.
Every year found this way is marked `date_inferred`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from civicreader.dedupe import merge_pages
from civicreader.index import Library
from civicreader.ingest import Page, read_file, read_paths
from civicreader.model import Comment, Post

SINGLE_WITHOUT_YEAR = """Harbour Lane Lunch Club

Minibus rota for the winter

Posted on 28 December by Jo Marsh

The minibus will run on Tuesdays and Fridays over the winter, weather allowing.

Drivers, please sign the sheet in the hall by the end of the week.

2 Responses to “Minibus rota for the winter”

Arthur Penn says:
December 30 at 9:12 am

I can take the Friday runs until February.

Reply

    Jo Marsh says:
    January 3 at 6:40 pm

    Thank you Arthur, that covers most of it.

    Reply

Leave a Reply
"""

ARCHIVE_WITH_YEAR = """Harbour Lane Lunch Club

Archive | December, 2012

Minibus rota for the winter

Posted on 28 December by Jo Marsh

The minibus will run on Tuesdays and Fridays over the winter, weather allowing.

Leave a comment
"""

SINGLE_WITH_FULL_DATE = """Harbour Lane Lunch Club

Minibus rota for the winter

Posted on December 28, 2011 by Jo Marsh

The minibus will run on Tuesdays and Fridays over the winter, weather allowing.

Leave a Reply
"""


def read_page(folder: Path, name: str, text: str) -> Page:
    path = folder / "harbour-lane" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    page = read_file(path, folder)
    assert isinstance(page, Page), str(page)
    return page


def dated_comments(post: Post) -> list[tuple[str, datetime | None, bool]]:
    return [(comment.author, comment.date, comment.date_inferred) for _, comment in post.walk_comments()]


def test_alone_the_page_gives_neither_the_post_nor_its_comments_a_year(tmp_path):
    [post] = merge_pages([read_page(tmp_path, "rota.txt", SINGLE_WITHOUT_YEAR)])
    assert post.date is None
    assert dated_comments(post) == [("Arthur Penn", None, False), ("Jo Marsh", None, False)]


def test_an_archive_header_elsewhere_dates_the_post_and_then_its_comments(tmp_path):
    single = read_page(tmp_path, "rota.txt", SINGLE_WITHOUT_YEAR)
    archive = read_page(tmp_path, "2012-12.txt", ARCHIVE_WITH_YEAR)
    [post] = merge_pages([single, archive])
    assert (post.date.isoformat(), post.date_inferred) == ("2012-12-28", True)
    # January comes before December in the calendar: that reply is from the next year.
    assert dated_comments(post) == [
        ("Arthur Penn", datetime(2012, 12, 30, 9, 12), True),
        ("Jo Marsh", datetime(2013, 1, 3, 18, 40), True),
    ]


def test_a_full_date_on_another_page_dates_the_comments_the_same_way(tmp_path):
    single = read_page(tmp_path, "rota.txt", SINGLE_WITHOUT_YEAR)
    other = read_page(tmp_path, "rota-2.txt", SINGLE_WITH_FULL_DATE)
    [post] = merge_pages([other, single])
    assert (post.date.isoformat(), post.date_inferred) == ("2011-12-28", False)
    assert post.comment_count == 2
    assert dated_comments(post) == [
        ("Arthur Penn", datetime(2011, 12, 30, 9, 12), True),
        ("Jo Marsh", datetime(2012, 1, 3, 18, 40), True),
    ]


def test_a_year_from_the_body_also_dates_the_comments(tmp_path):
    page = SINGLE_WITHOUT_YEAR.replace(
        "weather allowing.", "weather allowing, as it did through the snow of 2010."
    )
    [post] = merge_pages([read_page(tmp_path, "rota.txt", page)])
    assert (post.date.isoformat(), post.date_inferred) == ("2010-12-28", True)
    assert [when for _, when, _ in dated_comments(post)] == [
        datetime(2010, 12, 30, 9, 12),
        datetime(2011, 1, 3, 18, 40),
    ]


def test_comment_dates_the_page_completes_itself_are_marked_and_full_ones_are_not(tmp_path):
    page = SINGLE_WITHOUT_YEAR.replace("Posted on 28 December", "Posted on 28 December 2012").replace(
        "December 30 at 9:12 am", "December 30, 2012 at 9:12 am"
    )
    [post] = merge_pages([read_page(tmp_path, "rota.txt", page)])
    assert dated_comments(post) == [
        ("Arthur Penn", datetime(2012, 12, 30, 9, 12), False),
        ("Jo Marsh", datetime(2013, 1, 3, 18, 40), True),
    ]


def test_the_mark_survives_the_index(tmp_path):
    corpus = tmp_path / "corpus"
    read_page(corpus, "rota.txt", SINGLE_WITHOUT_YEAR)
    read_page(corpus, "2012-12.txt", ARCHIVE_WITH_YEAR)
    pages, problems = read_paths([corpus])
    assert problems == []
    [expected] = merge_pages(pages)
    library = Library(corpus, tmp_path / "index")
    library.update()
    stored = library.get(expected.id)
    assert stored == expected
    assert [comment.date_inferred for _, comment in stored.walk_comments()] == [True, True]
    library.close()


def test_comments_round_trip_their_mark_through_a_dict():
    comment = Comment("Arthur Penn", datetime(2012, 12, 30, 9, 12), ("Friday runs.",), date_inferred=True)
    assert Comment.from_dict(comment.to_dict()) == comment
    assert Comment.from_dict({"author": "Old", "date": None, "body": [], "replies": []}).date_inferred is False
