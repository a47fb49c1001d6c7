"""The text-page reader's cheap first tests before its slow patterns: they skip only what the pattern
would not have matched, so a page reads the same with them as without."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from civicreader.ingest.anydates import numeric_order
from civicreader.ingest.textpage.lines import GLUED_CAPTION, INLINE_CONTINUE, glued_caption, inline_continue

# Pieces that make both patterns match often: sentence openers glued to a caption, the teaser links
# and their cut marks, stops, brackets, newlines, letters of both cases.
PIECES = st.sampled_from([
    "The ", "A ", "And ", "Residents ", "Yesterday ", "Then", "the depot", "x", "y9", "Q", ")", "]", " ", "  ",
    ".", "!", "?", "\n", "…", "...", "[…]", "Continue reading", " →", "»", "Read more »",
    "Read the rest of this entry", "entry \t", "Read the rest of this post »", "(more…)", "(more...)", "é", "Ωmega",
])
TEXT = st.lists(PIECES, max_size=40).map("".join) | st.text(max_size=300)


def _same(found, expected) -> bool:
    return (found is None and expected is None) or (
        found is not None and expected is not None and found.groupdict() == expected.groupdict()
    )


@settings(max_examples=600)
@given(TEXT)
def test_glued_caption_matches_exactly_what_its_pattern_matches(text):
    assert _same(glued_caption(text), GLUED_CAPTION.match(text))


@settings(max_examples=600)
@given(TEXT)
def test_inline_continue_matches_exactly_what_its_pattern_matches(text):
    assert _same(inline_continue(text), INLINE_CONTINUE.match(text))


def test_the_first_tests_let_real_matches_through():
    assert glued_caption("Volunteers at the depotThe new rota starts on Monday.").group("caption") == (
        "Volunteers at the depot")
    assert inline_continue("The council met again. Continue reading →").group("text") == "The council met again."


DATES = st.sampled_from(["03/06/2009", "13/06/2009", "06/13/2009", "1.2.2010", "25.12.2011", "12/25/2011",
                         "x03/06/2009", "03/06/2009x", "/13/06/2009", "on 13.6.1999,", "2/30/2020"])
LINES = st.lists(st.lists(DATES | st.sampled_from([" ", "a", "1", "/", "."]), max_size=8).map("".join), max_size=12)


@given(LINES)
def test_numeric_order_weighs_every_line_as_if_read_alone(lines):
    """A date on one line never joins with its neighbour's: each line's dates count as they would alone."""
    month_first_alone = [not numeric_order([line]) for line in lines]
    if not any(month_first_alone):
        assert numeric_order(lines)
    if lines and all(month_first_alone):
        assert not numeric_order(lines)
