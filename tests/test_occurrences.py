"""Where a query's words stand: in a text, and in which comment of a thread (the comment calendar)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from civicreader.index.occurrences import Pattern, find_patterns, phrase_starts, read_calendar
from civicreader.index.schema import _stemming_analyzer, comment_calendar, comment_parts
from civicreader.model import Comment, Post

WORDS = st.sampled_from(
    ["the", "a", "of", "volunteers", "rota", "I", "x", "e.g", "well-being", "naïve", "İstanbul", "1999", "3.5",
     "to", "be", "Council's", "—", "...", "co.op", "ß", "ﬁne", "\u0130", "a.b.c"]
)
PARAGRAPHS = st.lists(WORDS, max_size=12).map(" ".join)
COMMENTS = st.lists(st.lists(PARAGRAPHS, max_size=3), max_size=6)


def post_with(comments: list[list[str]]) -> Post:
    return Post(
        id="p", blog="b", title="t", date=None, body=(),
        comments=tuple(
            Comment(author=f"c{n}", date=datetime(2011, 3, n + 1), body=tuple(body)) for n, body in enumerate(comments)
        ),
    )


@settings(max_examples=300, deadline=None)
@given(COMMENTS)
def test_the_calendar_counts_positions_as_the_analyser_does(comments):
    post = post_with(comments)
    text, spans = comment_parts(post)
    tokens = [(token.pos, token.startchar) for token in _stemming_analyzer()(text, positions=True, chars=True)]
    starts, days, _inferred = read_calendar(comment_calendar(post))
    assert len(starts) == len(spans) == len(days)
    for number, (begin, end, _) in enumerate(spans):
        inside = [pos for pos, at in tokens if begin <= at < end]
        if inside:
            assert starts[number] == inside[0]
        # Every word of a comment sits at or after its start and before the next comment's.
        following = starts[number + 1] if number + 1 < len(starts) else None
        assert all(pos >= starts[number] and (following is None or pos < following) for pos in inside)


def test_a_phrase_starts_where_its_words_follow_within_the_slop():
    assert phrase_starts([[1, 7], [2, 9]], 1) == [1]
    assert phrase_starts([[1, 7], [2, 9]], 2) == [1, 7]
    assert phrase_starts([[4], [2]], 3) == []  # out of order


def test_find_patterns_marks_words_by_stem_and_phrases_whole():
    text = "Volunteers ran the big society fair; the society was big."
    words = find_patterns(text, [Pattern("body", ("volunt",))])
    assert [text[start:end] for start, end in words] == ["Volunteers"]
    phrase = find_patterns(text, [Pattern("body", ("big", "societi"))])
    assert [text[start:end] for start, end in phrase] == ["big society"]
