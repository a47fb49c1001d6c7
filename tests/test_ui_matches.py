"""The spans a search marks in a post, worked out without a screen (ui/matches.py)."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from civicreader.model import Comment, Post
from civicreader.ui.matches import FIELDS, block_texts, commenter_spans, match_spans


def word_spans(text: str, terms) -> list[tuple[int, int]]:
    """A finder for the tests: whole words, any case (the index's own finder also stems)."""
    wanted = {term.lower() for term in terms}
    return [match.span() for match in re.finditer(r"\w+", text) if match.group().lower() in wanted]


TEMPLATE_POST = Post(
    id="p1",
    blog="b",
    title="Template comments for new volunteers",
    date=date(2012, 1, 1),
    body=("The template has comments in the margin.", "No template survives a meeting."),
    comments=(
        Comment("Ann Lee", None, ("Comments on the template are welcome.",),
                replies=(Comment("Bo Reyes", None, ("Which template?", "The second one.")),)),
        Comment("Ann Lee", None, ("A second thought.",)),
    ),
)


def test_a_field_the_query_named_alone_is_the_only_one_marked():
    title_only = {"title": ("template", "comments")}
    assert match_spans(TEMPLATE_POST, title_only, word_spans) == {("title",): [(0, 8), (9, 17)]}


def test_words_searched_everywhere_are_marked_in_every_block_that_holds_them():
    matches = match_spans(TEMPLATE_POST, dict.fromkeys(FIELDS, ("template",)), word_spans)
    assert sorted(matches) == [("body", 0), ("body", 1), ("comment", 0), ("comment", 1), ("title",)]
    assert matches[("comment", 1)] == [(6, 14)], "the reply, second in thread order"


def test_a_comment_block_is_its_paragraphs_joined_and_spans_count_from_its_start():
    matches = match_spans(TEMPLATE_POST, {"comment": ("which",)}, word_spans)
    [(key, text)] = [(key, text) for key, text in block_texts(TEMPLATE_POST) if key in matches]
    assert key == ("comment", 1) and text == "Which template?\n\nThe second one."
    assert [text[start:end] for start, end in matches[key]] == ["Which"]


def test_a_commenters_comments_are_marked_only_when_no_word_already_is():
    first, second = "Comments on the template are welcome.", "A second thought."
    assert commenter_spans(TEMPLATE_POST, "Ann Lee", {}) == {
        ("comment", 0): [(0, len(first))],
        ("comment", 2): [(0, len(second))],
    }, "each comment's first paragraph, whole"
    assert commenter_spans(TEMPLATE_POST, "Ann Lee", {("comment", 2): [(2, 8)]}) == {}
    assert commenter_spans(TEMPLATE_POST, "Nobody", {}) == {}


@given(st.lists(st.sampled_from(["template", "comments", "second", "zebra"]), max_size=3),
       st.sets(st.sampled_from(["title", "body", "comment"])))
def test_every_span_lies_in_a_searched_field_and_covers_a_searched_word(terms, fields):
    terms_by_field = {field: tuple(terms) for field in fields}
    texts = dict(block_texts(TEMPLATE_POST))
    for key, spans in match_spans(TEMPLATE_POST, terms_by_field, word_spans).items():
        assert key[0] in fields
        assert all(texts[key][start:end].lower() in terms for start, end in spans)
