"""A timeline of queries: how many posts, and apart how many comments, match in each year or month.

It sits after the index: the posts a query matches (and their dates) come from `Library.matches`,
the same evaluation `search` runs, so the post counts agree with a search's total and year facets.
A comment counts when its text holds one of the query's words or phrases (as the reading pane marks
them) in a post the query matches; it is counted in its own period, which may be later than its post's.

Every period from the archive's first to its last is listed, with 0 where nothing matched; posts and
comments without a date are counted apart, never put in a period; a period holding a date whose year
was inferred says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from civicreader.index import CommentMatch, Library, Matches

PERIODS = ("year", "month")


@dataclass(frozen=True)
class Period:
    period: str
    """"2010" or "2010-03"."""
    posts: int = 0
    comments: int = 0
    inferred: bool = False
    """Some date counted here had its year inferred."""

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "posts": self.posts, "comments": self.comments, "inferred": self.inferred}


@dataclass(frozen=True)
class Series:
    """One query's counts (with --split blog, one query's in one blog)."""

    query: str
    periods: tuple[Period, ...]
    undated_posts: int = 0
    undated_comments: int = 0
    blog: str | None = None

    @property
    def posts(self) -> int:
        return self.undated_posts + sum(period.posts for period in self.periods)

    @property
    def comments(self) -> int:
        return self.undated_comments + sum(period.comments for period in self.periods)

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"query": self.query}
        if self.blog is not None:
            found["blog"] = self.blog
        found["periods"] = [period.to_dict() for period in self.periods]
        found["undated"] = {"posts": self.undated_posts, "comments": self.undated_comments}
        return found


@dataclass(frozen=True)
class Timeline:
    by: str
    series: tuple[Series, ...]
    split: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"by": self.by, "series": [series.to_dict() for series in self.series]}

    def csv_header(self) -> list[str]:
        return ["query", *(["blog"] if self.split else []), "period", "posts", "comments", "inferred"]

    def csv_rows(self) -> Iterator[list[object]]:
        """One row per period and series; the undated posts and comments last, as the period "undated"."""
        for series in self.series:
            first = [series.query, *([series.blog] if self.split else [])]
            for period in series.periods:
                yield [*first, period.period, period.posts, period.comments, period.inferred]
            yield [*first, "undated", series.undated_posts, series.undated_comments, False]


@lru_cache(maxsize=8192)
def period_of(day: date, by: str) -> str:
    # Called once a post and once a comment: a broad query counts tens of thousands, on a few thousand days.
    return f"{day.year:04d}" if by == "year" else f"{day.year:04d}-{day.month:02d}"


def periods_between(first: str, last: str, by: str) -> list[str]:
    """Every period from `first` to `last`, both included, in time order."""
    if by == "year":
        return [f"{year:04d}" for year in range(int(first), int(last) + 1)]
    (year, month), (end_year, end_month) = (map(int, first.split("-")), map(int, last.split("-")))
    found = []
    while (year, month) <= (end_year, end_month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


@dataclass
class Tally:
    """One series' counts while they are gathered."""

    posts: Counter[str] = field(default_factory=Counter)
    comments: Counter[str] = field(default_factory=Counter)
    inferred: set[str] = field(default_factory=set)
    undated_posts: int = 0
    undated_comments: int = 0

    def add(self, when: date | None, inferred: bool, by: str, *, comment: bool) -> None:
        if when is None:
            if comment:
                self.undated_comments += 1
            else:
                self.undated_posts += 1
            return
        period = period_of(when, by)
        (self.comments if comment else self.posts)[period] += 1
        if inferred:
            self.inferred.add(period)

    def periods(self) -> set[str]:
        return set(self.posts) | set(self.comments)

    def series(self, query: str, blog: str | None, span: Sequence[str], by: str) -> Series:
        periods = tuple(
            Period(period, self.posts[period], self.comments[period], period in self.inferred)
            for period in (periods_between(span[0], span[-1], by) if span else ())
        )
        return Series(query, periods, self.undated_posts, self.undated_comments, blog)


class Counting:
    """One query's timeline: the posts from its matches, then the comments the index finds in them."""

    def __init__(self, query: str, matches: Matches, by: str = "year", split_by_blog: bool = False):
        if by not in PERIODS:
            raise ValueError(f"cannot count by '{by}'; use year or month")
        self.query = query
        self.matches = matches
        self.by = by
        self.split_by_blog = split_by_blog
        self.tallies: dict[str | None, Tally] = {}
        self._blog_of: dict[str, str] = {}
        for summary in matches.posts:
            self._tally(summary.blog).add(summary.date, summary.date_inferred, by, comment=False)
            self._blog_of[summary.id] = summary.blog

    def _tally(self, blog: str) -> Tally:
        key = blog if self.split_by_blog else None
        tally = self.tallies.get(key)
        if tally is None:
            tally = self.tallies[key] = Tally()
        return tally

    def add_comments(self, comments: Iterable[CommentMatch]) -> None:
        for found in comments:
            self._tally(self._blog_of[found.post_id]).add(found.date, found.date_inferred, self.by, comment=True)

    def periods(self) -> set[str]:
        return set().union(*(tally.periods() for tally in self.tallies.values()))

    def series(self, span: Sequence[str]) -> list[Series]:
        if not self.tallies and not self.split_by_blog:
            return [Tally().series(self.query, None, span, self.by)]
        return [self.tallies[blog].series(self.query, blog, span, self.by) for blog in sorted(self.tallies, key=str)]


def span_of(countings: Iterable[Counting], corpus_span: tuple[date, date] | None, by: str) -> list[str]:
    """The periods seen, with the archive's first and last: every period between them is shown."""
    seen: set[str] = set()
    for counting in countings:
        seen |= counting.periods()
    if corpus_span is not None:
        seen |= {period_of(corpus_span[0], by), period_of(corpus_span[1], by)}
    return sorted(seen)


def count(
    library: Library,
    query: str,
    by: str = "year",
    split_by_blog: bool = False,
    filters: Mapping[str, str] | None = None,
) -> Counting:
    """One query's posts and comments (in posts the `filters` allow), counted. Raises QueryError."""
    matches = library.matches(query, filters=filters, with_comments=True)
    counting = Counting(query, matches, by, split_by_blog)
    counting.add_comments(matches.comments)
    return counting


def timeline(
    library: Library, queries: Sequence[str], *, by: str = "year", split_by_blog: bool = False
) -> Timeline:
    """Every query's counts per period. Raises QueryError for a malformed query."""
    countings = [count(library, query, by, split_by_blog) for query in queries]
    span = span_of(countings, countings[0].matches.span if countings else None, by)
    return Timeline(by, tuple(series for counting in countings for series in counting.series(span)), split_by_blog)


def by_year(months: Sequence[Period]) -> list[Period]:
    """Month periods added up into years (in time order), for a strip too narrow for every month."""
    years: dict[str, Period] = {}
    for month in months:
        year = month.period[:4]
        found = years.get(year, Period(year))
        years[year] = Period(
            year, found.posts + month.posts, found.comments + month.comments, found.inferred or month.inferred
        )
    return list(years.values())


def within(query: str, period: str) -> str:
    """`query` narrowed to a period ("2011" or "2011-03") in the query language's own terms."""
    return f"({query}) date:{period}"
