"""Keyword in context: every occurrence of a query's words or phrase in bodies and comments, one line each.

It sits after the index: `Library.matches` gives the posts the query matches (`NOT`, field and date
conditions narrow them as in search) and what it looks for in each text field (stems and phrases);
`find_patterns` finds those in a paragraph or a comment exactly as the reading pane marks them.

Lines come as posts are read, so a query matching every post answers at once and a CSV of any size
streams; sorting by the words left or right of the match needs every line first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Any
from unicodedata import category

from civicreader.index.word_marks import word_pattern
from civicreader.textsafe import strip_controls

if TYPE_CHECKING:
    from civicreader.index import Library, Matches, Pattern, PostSummary
    from civicreader.model import Post

SORTS = ("date", "left", "right", "blog")
DEFAULT_WIDTH = 40
"""Characters of context on each side, as AntConc shows by default (about six words)."""
POSTS_READ_AT_ONCE = 32
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Line:
    """One occurrence: its context, its post, and where in the post it is."""

    left: str
    match: str
    right: str
    post_id: str
    title: str
    date: date | None
    date_inferred: bool
    blog: str
    who: str
    """The post's author(s), or the commenter."""
    where: str
    """"body" or "comment"."""
    paragraph: int | None
    """The body paragraph, from 1 (as `show` counts them)."""
    comment: int | None
    """The comment's place in the thread, from 1, in reading order."""
    start: int
    end: int
    """The occurrence in its paragraph's text, or in its comment's paragraphs joined by a blank line."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": self.left,
            "match": self.match,
            "right": self.right,
            "post_id": self.post_id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "blog": self.blog,
            "who": self.who,
            "where": self.where,
            "paragraph": self.paragraph,
            "comment": self.comment,
        }

    @property
    def date_label(self) -> str:
        return (self.date.isoformat() + ("*" if self.date_inferred else "")) if self.date else "undated"

    @property
    def place(self) -> str:
        """"¶3" or "comment 2", short enough for a column."""
        return f"¶{self.paragraph}" if self.where == "body" else f"comment {self.comment}"


CSV_HEADER = ("left", "match", "right", "post_id", "title", "date", "blog", "who", "where", "paragraph", "comment")


def csv_row(line: Line) -> list[object]:
    found = line.to_dict()
    return [found[name] for name in CSV_HEADER]


def one_spaced(text: str) -> str:
    """Controls stripped, every run of white space (paragraph breaks too) one space."""
    return _SPACES.sub(" ", strip_controls(text))


def context(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    """(left, match, right): at most `width` characters either side of text[start:end], on one line."""
    reach = 4 * width + 8  # enough raw text for `width` characters once runs of spaces are one
    left = one_spaced(text[max(0, start - reach) : start])[-width:] if width else ""
    # Not from a vowel sign or accent cut from its letter: alone, a terminal draws it on a dotted circle.
    while left and category(left[0])[0] == "M":
        left = left[1:]
    right = one_spaced(text[end : end + reach])[:width] if width else ""
    return left, one_spaced(text[start:end]), right


def occurrences(post: Post, patterns: Sequence[Pattern]) -> Iterator[tuple[str, int, str, str, int, int]]:
    """(where, number, who, text, start, end) of every match in the post's body paragraphs, then in its
    comments in thread order; numbers from 1, as `show` counts paragraphs and comments."""
    from civicreader.index import find_patterns

    body = [pattern for pattern in patterns if pattern.field == "body"]
    comments = [pattern for pattern in patterns if pattern.field == "comment"]
    if body:
        authors = ", ".join(post.authors)
        for number, paragraph in enumerate(post.body, 1):
            for start, end in find_patterns(paragraph, body):
                yield "body", number, authors, paragraph, start, end
    if comments:
        for number, (_depth, comment) in enumerate(post.walk_comments(), 1):
            text = "\n\n".join(comment.body)
            for start, end in find_patterns(text, comments):
                yield "comment", number, comment.author, text, start, end


def lines_in_post(post: Post, summary: PostSummary | None, patterns: Sequence[Pattern], width: int) -> Iterator[Line]:
    when = summary.date if summary else post.date
    inferred = summary.date_inferred if summary else post.date_inferred
    for where, number, who, text, start, end in occurrences(post, patterns):
        yield Line(
            *context(text, start, end, width),
            post_id=post.id,
            title=post.title,
            date=when,
            date_inferred=inferred,
            blog=post.blog,
            who=who,
            where=where,
            paragraph=number if where == "body" else None,
            comment=number if where == "comment" else None,
            start=start,
            end=end,
        )


def posts_to_read(matches: Matches, sort: str) -> list[PostSummary]:
    """The matched posts that hold the query's words in a body or a comment, in the order lines are wanted."""
    holding = matches.in_body | matches.in_comments
    posts = [summary for summary in matches.posts if summary.id in holding]
    if sort == "blog":
        posts.sort(key=lambda summary: summary.blog.casefold())  # stable: in time order within a blog
    return posts


def why_no_lines(matches: Matches) -> str:
    """Why a query gives no lines, short enough for a pane's border: lines come from bodies and comments,
    while a query may match posts by their titles, authors, commenters, categories or tags alone."""
    if not matches.posts:
        return "nothing matches"
    count = len(matches.posts)
    return f"{'1 post matches' if count == 1 else f'{count:,} posts match'} only by titles, names or tags"


def batches(matches: Matches, sort: str = "date", size: int = POSTS_READ_AT_ONCE) -> Iterator[dict[str, PostSummary]]:
    """The posts to read, a few at a time (post id -> summary), in the order their lines are wanted."""
    posts = posts_to_read(matches, sort)
    for start in range(0, len(posts), size):
        yield {summary.id: summary for summary in posts[start : start + size]}


def lines_in_batch(library: Library, batch: dict[str, PostSummary], patterns: Sequence[Pattern], width: int):
    """The lines of a batch of posts, read from the index in one go."""
    read = {post.id: post for post in library.read(batch)}
    return [
        line
        for post_id, summary in batch.items()
        if (post := read.get(post_id)) is not None
        for line in lines_in_post(post, summary, patterns, width)
    ]


def stream(library: Library, matches: Matches, *, sort: str = "date", width: int = DEFAULT_WIDTH) -> Iterator[Line]:
    """Lines in time order (or by blog, then time), a few posts read at a time: nothing is held."""
    for batch in batches(matches, sort):
        yield from lines_in_batch(library, batch, matches.patterns, width)


def sort_key(sort: str):
    """Words nearest the match first, case and punctuation ignored; date order breaks ties."""
    if sort == "left":
        return lambda line: [word.casefold() for word in reversed(_words(line.left))]
    if sort == "right":
        return lambda line: [word.casefold() for word in _words(line.right)]
    raise ValueError(f"cannot sort lines by '{sort}'; use {', '.join(SORTS)}")


def concordance(
    library: Library,
    query: str,
    *,
    sort: str = "date",
    width: int = DEFAULT_WIDTH,
    limit: int | None = None,
) -> Iterator[Line]:
    """Every line for `query`, sorted; `limit` stops after that many.

    Raises QueryError for a malformed query at once, not when the lines are first asked for.
    """
    if sort not in SORTS:
        raise ValueError(f"cannot sort lines by '{sort}'; use {', '.join(SORTS)}")
    lines: Iterable[Line] = stream(library, library.matches(query), sort=sort, width=width)
    if sort in ("left", "right"):
        lines = sorted(lines, key=sort_key(sort))
    return islice(lines, limit)


# ---------------------------------------------------------------- collocates

COLLOCATE_SPAN = 5
"""Words either side of a match counted as its neighbours, as AntConc's default window (5L, 5R)."""


@dataclass(frozen=True)
class Collocate:
    """A word seen near the matches: how often, how often in the whole archive, and how unlikely by chance."""

    word: str
    """Its most frequent spelling near the matches (counted by stem: "volunteer" and "volunteers" are one)."""
    count: int
    left: int
    right: int
    frequency: int
    """Occurrences in every body and comment of the archive."""
    log_likelihood: float
    """Dunning's G², as AntConc ranks collocates: above 3.84 is p < 0.05, above 10.83 is p < 0.001;
    negative when the word is rarer near the matches than in the archive as a whole."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "word": self.word,
            "count": self.count,
            "left": self.left,
            "right": self.right,
            "frequency": self.frequency,
            "log_likelihood": round(self.log_likelihood, 2),
        }


COLLOCATE_HEADER = ("word", "count", "left", "right", "frequency", "log_likelihood")


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str | None:
    """The index's one term for a word, or None for a stop word (or what the analyser splits)."""
    from civicreader.index import stems

    found = stems(word)
    return found[0] if len(found) == 1 else None


def log_likelihood(together: int, near: int, frequency: int, words: int) -> float:
    """Dunning's log-likelihood of a word seen `together` times among the `near` words around the matches,
    and `frequency` times among the archive's `words` (a two-by-two table, summed over its four cells)."""
    import math

    cells = (
        (together, near, frequency),
        (near - together, near, words - frequency),
        (frequency - together, words - near, frequency),
        (words - near - frequency + together, words - near, words - frequency),
    )
    total = 0.0
    for observed, row, column in cells:
        expected = row * column / words if words else 0
        if observed > 0 and expected > 0:
            total += observed * math.log(observed / expected)
    # Negative when the word is rarer near the matches than elsewhere: it keeps its distance.
    return 2 * total if together * words >= near * frequency else -2 * total


def _words(text: str) -> list[str]:
    """The words of `text` as the index finds them (a Hindi word whole, with its vowel signs)."""
    return word_pattern(text).findall(text)


def neighbours(text: str, start: int, end: int, span: int) -> tuple[list[str], list[str]]:
    """The `span` words before text[start:end] (nearest last) and the `span` after it."""
    before = _words(text[max(0, start - 40 * span) : start])[-span:] if span else []
    after = _words(text[end : end + 40 * span])[:span] if span else []
    return before, after


def collocates(library: Library, query: str, *, span: int = COLLOCATE_SPAN, limit: int = 50) -> list[Collocate]:
    """The words most often within `span` words of the query's matches, strongest (log-likelihood) first.

    Stop words ("the", "of") are left out, as the index leaves them out; words are counted by stem.
    Raises QueryError for a malformed query.
    """
    from collections import Counter

    matches = library.matches(query)
    counts: Counter[str] = Counter()
    sides: dict[str, list[int]] = {}
    spellings: dict[str, Counter[str]] = {}
    near = 0
    for batch in batches(matches):
        for post in library.read(batch):
            for *_, text, start, end in occurrences(post, matches.patterns):
                before, after = neighbours(text, start, end, span)
                for side, words in ((0, before), (1, after)):
                    for word in words:
                        stem = _stem(word.lower())
                        if stem is None:
                            continue  # a stop word: the index does not count them
                        near += 1
                        counts[stem] += 1
                        sides.setdefault(stem, [0, 0])[side] += 1
                        spellings.setdefault(stem, Counter())[word.lower()] += 1
    frequencies, words = library.word_frequencies(counts)
    found = [
        Collocate(
            word=spellings[stem].most_common(1)[0][0],
            count=count,
            left=sides[stem][0],
            right=sides[stem][1],
            frequency=frequencies.get(stem, count),
            log_likelihood=log_likelihood(count, near, max(count, frequencies.get(stem, count)), max(words, near)),
        )
        for stem, count in counts.items()
    ]
    found.sort(key=lambda collocate: (-collocate.log_likelihood, -collocate.count, collocate.word))
    return found[:limit]
