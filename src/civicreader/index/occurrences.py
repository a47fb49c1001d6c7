"""Where a query's words stand: in a paragraph's text, and in which comment of a post's thread.

A compiled query gives its `Pattern`s (the words and phrases it looks for, field by field). In a text,
`find_patterns` finds them as the index's analyser reads it. In the index, each post's comments are one
field; its `comment_calendar` column says where each comment begins in that field (in word positions,
as Whoosh counts them) and the comment's date, so the comments holding a match are found from the
postings and that column alone, without reading a stored post (0.5 ms each at 20,000 posts).

`Matches` is what `Library.matches` hands out: every post a query matches, its patterns, and the comments holding
them. None of it is on a search's path, so a new process's first search does not import it.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from civicreader.index import query_nodes as qn
from civicreader.index.schema import TEXT_FIELDS, analysed
from civicreader.index.snippets import find_stems

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from civicreader.index.results import PostSummary

CALENDAR_ENTRY = 3
"""Numbers a comment takes in the calendar (`schema.comment_calendar`): its first word position, its day
(yyyymmdd, 0 undated), and 1 when that day's year was inferred."""


@dataclass(frozen=True)
class Pattern:
    """What a query looks for in a text field: a word (one stem), or a phrase (stems in order, each within
    `slop` words of the one before)."""

    field: str
    stems: tuple[str, ...]
    slop: int = 1


@dataclass(frozen=True)
class CommentMatch:
    """A comment holding one of a query's words or phrases."""

    post_id: str
    date: date | None
    date_inferred: bool
    number: int
    """Its place in the thread, from 1, in reading order."""


@dataclass(frozen=True)
class Matches:
    """Every post a query matches, without ranking or snippets: what a timeline counts and a concordance reads."""

    query: str
    posts: tuple[PostSummary, ...]
    """Oldest first, the undated last."""
    patterns: tuple[Pattern, ...]
    """The words and phrases the query looks for in text (what NOT leaves out is not among them)."""
    in_body: frozenset[str]
    """Ids of the matched posts whose body holds a pattern's word (a phrase's words may still stand apart)."""
    in_comments: frozenset[str]
    """Ids of the matched posts whose comments hold a pattern's word (likewise)."""
    span: tuple[date, date] | None
    """The first and last post date in the whole archive (not only the matches); None when nothing is dated."""
    comments: tuple[CommentMatch, ...] = ()
    """Every comment of a matched post that holds a pattern, when asked for (`Library.matches(with_comments=True)`)."""


def query_patterns(node, positive: bool = True) -> list[Pattern]:
    """The words and phrases a compiled (rewritten) query looks for in text; what NOT leaves out is not."""
    if isinstance(node, qn.Not):
        return query_patterns(node.query, not positive)
    if isinstance(node, qn.AndNot):
        return query_patterns(node.a, positive) + query_patterns(node.b, not positive)
    if isinstance(node, qn.AndMaybe):
        return query_patterns(node.a, positive) + query_patterns(node.b, positive)
    if isinstance(node, qn.And | qn.Or):
        return [pattern for child in node.subqueries for pattern in query_patterns(child, positive)]
    if not positive or getattr(node, "fieldname", None) not in TEXT_FIELDS:
        return []
    if isinstance(node, qn.Term):
        return [Pattern(node.fieldname, (node.text,))]
    if isinstance(node, qn.Phrase):
        return [Pattern(node.fieldname, tuple(node.words), node.slop)]
    return []


def find_patterns(text: str, patterns: Sequence[Pattern]) -> list[tuple[int, int]]:
    """(start, end) of each place in `text` where a pattern stands (a phrase from its first word to its last)."""
    words = {pattern.stems[0] for pattern in patterns if len(pattern.stems) == 1}
    spans = [(start, end) for start, end, _ in find_stems(text, words)]
    phrases = [pattern for pattern in patterns if len(pattern.stems) > 1]
    if phrases and find_stems(text, {pattern.stems[0] for pattern in phrases}):
        by_stem: dict[str, list[tuple[int, int, int]]] = {}
        for stem, position, start, end in analysed(text):
            by_stem.setdefault(stem, []).append((position, start, end))
        for pattern in phrases:
            spans.extend(_phrase_spans(by_stem, pattern))
    return _merged(spans)


def _phrase_spans(by_stem: dict[str, list[tuple[int, int, int]]], pattern: Pattern) -> Iterator[tuple[int, int]]:
    """Each run of the phrase's words in order, each within `slop` positions of the one before (as Whoosh)."""
    for position, start, end in by_stem.get(pattern.stems[0], ()):
        reached = [(position, end)]
        for stem in pattern.stems[1:]:
            reached = [
                (later, later_end)
                for later, _, later_end in by_stem.get(stem, ())
                if any(0 < later - before <= pattern.slop for before, _ in reached)
            ]
            if not reached:
                break
        else:
            yield start, min(later_end for _, later_end in reached)


def phrase_starts(places: Sequence[Sequence[int]], slop: int) -> list[int]:
    """Where a phrase begins, given each of its words' positions in one field of one document."""
    starts = []
    for first in places[0]:
        reached = {first}
        for following in places[1:]:
            reached = {later for later in following if any(0 < later - before <= slop for before in reached)}
            if not reached:
                break
        else:
            starts.append(first)
    return starts


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# ---------------------------------------------------------------- the comment calendar


def read_calendar(data: bytes) -> tuple[list[int], list[int], list[int]]:
    """(first positions, days, inferred flags) of a post's comments, in thread order."""
    entries = array("i")
    entries.frombytes(data)
    return list(entries[0::CALENDAR_ENTRY]), list(entries[1::CALENDAR_ENTRY]), list(entries[2::CALENDAR_ENTRY])


def comments_holding(post_id: str, calendar: bytes, positions: Iterable[int]) -> list[CommentMatch]:
    """The comments of one post in which a match stands, given the matches' positions in the comment field."""
    starts, days, inferred = read_calendar(calendar)
    holding = sorted({bisect.bisect_right(starts, position) - 1 for position in positions} - {-1})
    return [
        CommentMatch(post_id, _day(days[number]), bool(inferred[number]), number + 1)
        for number in holding
        if number < len(days)
    ]


@lru_cache(maxsize=8192)
def _day(number: int) -> date | None:
    return date(number // 10000, number // 100 % 100, number % 100) if number else None


def comments_with_patterns(engine, catalogue, patterns: Sequence[Pattern], docnums: Iterable[int]):
    """Every comment holding a comment-field pattern in the documents `docnums`, post by post in index order.

    `engine` is the open index (its term scores with positions, and its columns).
    """
    terms = engine.term_scores()
    places: dict[int, set[int]] = {}
    wanted = set(docnums)
    for pattern in patterns:
        if pattern.field != "comment":
            continue
        candidates = set(wanted)
        for stem in pattern.stems:
            candidates &= terms.scores("comment", stem).keys()
        for docnum, positions in terms.positions("comment", pattern.stems, candidates):
            found = positions[0] if len(pattern.stems) == 1 else phrase_starts(positions, pattern.slop)
            places.setdefault(docnum, set()).update(found)
    calendars = engine.column_values("comment_calendar", places)
    for docnum in sorted(places):
        yield from comments_holding(catalogue.rows[docnum][0], calendars.get(docnum, b""), places[docnum])

