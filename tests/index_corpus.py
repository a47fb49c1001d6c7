"""A small made-up corpus for the index tests, written as scraped WordPress pages.

The words are chosen so each query-language feature has posts it must find and posts it must not.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from civicreader.model import Comment
from tests import textpage_shapes as shapes


def comment(author: str, when: datetime, *body: str, replies: tuple[Comment, ...] = ()) -> Comment:
    return Comment(author=author, date=when, body=tuple(body), replies=replies)


def write_post(root: Path, blog: str, name: str, title: str, when: date, body, comments=(), author="Ann Example",
               categories=("General",), tags=("notes",)) -> Path:
    folder = root / blog
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_text(shapes.posted_on_theme(title, when, list(body), list(comments), author, categories, tags),
                    encoding="utf-8")
    return path


POSTS = {
    "grants": dict(
        blog="ledger", title="The bureaucracy of small grants", when=date(2011, 3, 14),
        body=["Every small charity I know spends longer on monitoring forms than on the work itself.",
              "The commissioners say they want outcomes, yet they count outputs every quarter."],
        comments=[comment("Martha Quill", datetime(2011, 3, 15, 9, 12),
                          "Our trustees gave up on the lottery form after the third rewrite.",
                          replies=(comment("Owen Ashdown", datetime(2011, 3, 15, 11, 40),
                                           "Same here, the spreadsheet alone took a week."),))],
        author="Ann Example", categories=("Funding", "Small charities"), tags=("forms",),
    ),
    "review": dict(
        blog="ledger", title="Notes from the spending review", when=date(2010, 10, 20),
        body=["The chancellor spoke for an hour and the big society got one sentence.",
              "Localism was mentioned twice, both times as a promise."],
        comments=[comment("Joe Bloggs", datetime(2010, 10, 21, 8, 0),
                          "Volunteering cannot fill a hole this size.")],
        author="Ann Example", categories=("Cuts",), tags=("treasury",),
    ),
    "compact": dict(
        blog="ledger", title="Why the compact still matters", when=date(2011, 3, 2),
        body=["A single commissioner can still honour the compact when the council will not.",
              "Localism without the compact is a slogan."],
        comments=[],
        author="Ben Sample", categories=("Funding",), tags=("compact",),
    ),
    "localism": dict(
        blog="ledger", title="A year of localism", when=date(2012, 1, 5),
        body=["Twelve months on, the society we were promised is big on paper only.",
              "Volunteers run the library now, on Tuesdays."],
        comments=[comment("Martha Quill", datetime(2012, 1, 6, 10, 0),
                          "The library in our town closed on Tuesdays too.")],
        author="Ben Sample", categories=("Localism",), tags=("libraries",),
    ),
    "wards": dict(
        blog="wards", title="Winter on the wards", when=date(2013, 12, 8),
        body=["Discharge delays again, and the bureaucracy of care packages makes them worse.",
              "A ward sister told me the paperwork takes a third of every shift."],
        comments=[comment("Priya Lamb", datetime(2013, 12, 9, 19, 30),
                          "Care packages are commissioned in four week blocks here.")],
        author="Cal Writer", categories=("Health",), tags=("hospitals",),
    ),
}


def write_corpus(root: Path, names=tuple(POSTS)) -> Path:
    for name in names:
        write_post(root, name=name, **POSTS[name])
    return root
