"""The text helpers that fit corpus text into a line of the screen: paths cut in the middle, headers packed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.content import Content

from civicreader.ui.text import ELLIPSIS, packed, shortened_path

# Path pieces with wide (CJK) and combining characters as well as ASCII.
PIECE = st.text(st.sampled_from("abc-_.0123456789éü長文件テ"), min_size=1, max_size=30)
PATHS = st.lists(PIECE, min_size=1, max_size=5).map("/".join)


@settings(max_examples=60, deadline=None)
@given(PATHS, st.integers(min_value=0, max_value=90))
def test_a_shortened_path_fits_its_width_and_is_the_path_itself_when_that_fits(path, width):
    shown = shortened_path(path, width)
    assert cell_len(shown) <= width
    if cell_len(path) <= width:
        assert shown == path
    elif width >= 2:
        # Cut in the middle: what is left of each end is the path's own start and end.
        head, _, tail = shown.rpartition(ELLIPSIS)
        assert ELLIPSIS in shown and path.endswith(tail)
        start = head.removeprefix(ELLIPSIS + "/")
        assert path.startswith(start) or path.rpartition("/")[2].startswith(start)


@settings(max_examples=60, deadline=None)
@given(PATHS, st.integers(min_value=12, max_value=90))
def test_a_file_name_that_fits_is_kept_whole(path, width):
    name = path.rpartition("/")[2]
    if cell_len(name) + 2 <= width:
        assert shortened_path(path, width).endswith(name)


def test_a_long_name_keeps_both_ends_and_a_short_one_keeps_the_start_of_its_folder():
    drivers = "wheels-and-wards/jekyll-site/_posts/2011-04-12-losing-the-council-contract-keeping-the-drivers.md"
    assert shortened_path(drivers, 31) == "…/2011-04-12-los…the-drivers.md"
    assert shortened_path("wheels-and-wards/category-contracts.txt", 31) == "wheels-…/category-contracts.txt"
    assert shortened_path("wheels-and-wards/category-contracts.txt", 26) == "…/category-contracts.txt"


NAMES = st.text(st.sampled_from("abcdef ·長"), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=4), st.integers(min_value=1, max_value=60))
def test_packed_parts_break_only_between_parts_and_keep_every_character(parts, width):
    lead = Content("▾ ")
    text = packed([Content(part) for part in parts], width, lead=lead).plain
    lines = text.split("\n")
    assert lines[0].startswith("▾ ")
    # Every part is on one line whole, in order, and nothing else was added but separators and indent.
    unindented = [lines[0].removeprefix("▾ "), *(line.removeprefix("  ") for line in lines[1:])]
    assert " · ".join(unindented) == " · ".join(parts)
    for line, text_of_line in zip(lines, unindented, strict=True):
        assert cell_len(line) <= width or text_of_line in parts, "only a part too wide alone overflows"


def test_packed_with_no_width_is_one_line():
    parts = [Content("Morwenna Tregothnan-Pascoe"), Content("2 May 2012, 10:05")]
    assert packed(parts, None, lead=Content("• ")).plain == "• Morwenna Tregothnan-Pascoe · 2 May 2012, 10:05"
