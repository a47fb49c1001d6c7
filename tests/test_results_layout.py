"""How a hit is laid out in the results list: wrapped to the pane, no text lost, marks on the right words."""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from civicreader.index import Hit
from civicreader.textsafe import blank_controls, strip_controls
from civicreader.ui.results_list import hit_pieces, pieces_of, wrap, wrap_pieces

# Words of plain, accented, wide (CJK) and emoji characters, with runs of spaces between them.
WORDS = st.text(st.sampled_from("abcdefghij éüß 漢字 😀"), max_size=80)


@settings(max_examples=60, deadline=None)
@given(text=WORDS, width=st.integers(1, 40))
def test_wrapped_lines_fit_and_keep_every_character_but_the_spaces_between_lines(text, width):
    lines = wrap(text, width)
    assert all(cell_len(text[start:end]) <= width or end - start == 1 for start, end in lines)
    assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(lines)), "in order, no overlap"
    kept = "".join(text[start:end] for start, end in lines)
    assert "".join(kept.split()) == "".join(text.split())


def test_wrapping_breaks_at_spaces_and_cuts_only_a_word_longer_than_the_line():
    text = "a tenants association met ministerialisation"
    assert [text[start:end] for start, end in wrap(text, 12)] == [
        "a tenants",
        "association",
        "met",
        "ministeriali",
        "sation",
    ]
    assert wrap("", 10) == [(0, 0)]


@settings(max_examples=60, deadline=None)
@given(
    text=WORDS,
    width=st.integers(1, 30),
    spans=st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), max_size=4),
)
def test_wrapped_pieces_keep_their_roles_character_by_character(text, width, spans):
    spans = [(start, end) for start, end in spans if start < end]
    marked = {index for start, end in spans for index in range(start, min(end, len(text)))}
    lines = wrap_pieces(pieces_of(text, tuple(spans), "snippet", "match"), width)
    bounds = wrap(text, width)
    for pieces, (start, _end) in zip(lines, bounds, strict=True):
        at = start
        for part, role in pieces:
            for offset, character in enumerate(part):
                assert text[at + offset] == character
                assert (role == "match") == (at + offset in marked)
            at += len(part)


def hit(**fields) -> Hit:
    values = {
        "id": "post-1",
        "title": "Tenants and the [bold]estate[/bold]",
        "date": date(2011, 5, 2),
        "date_inferred": False,
        "blog": "ward-notes",
        "score": 1.0,
        "snippet": "The estate board met the tenants on Monday.",
        "highlights": ((4, 10),),
        "matched_in": "body",
        "commenter": None,
    }
    values.update(fields)
    return Hit(**values)


def roles(lines, role):
    return [part for line in lines for part, piece_role in line if piece_role == role]


def test_a_hit_reads_title_then_date_blog_and_where_then_the_snippet_with_its_words_marked():
    lines = hit_pieces(hit(matched_in="comment", commenter="Priya"))
    assert roles(lines, "title") == ["Tenants and the [bold]estate[/bold]"], "markup is text"
    assert "".join(part for part, _role in lines[1]) == "2011-05-02 · ward-notes · in a comment by Priya"
    assert roles(lines, "match") == ["estate"]


def test_a_title_match_shows_the_title_once_with_the_words_marked_in_it():
    lines = hit_pieces(hit(title="Estate news", snippet="Estate news", highlights=((0, 6),), matched_in="title"))
    assert roles(lines, "title-match") == ["Estate"]
    assert sum("Estate" in part for line in lines for part, _role in line) == 1


def test_escape_sequences_in_a_snippet_never_reach_the_screen_and_the_marks_stay_on_their_words():
    snippet = "The \x1b[31mestate\x1b[0m board\x07 met\ttenants."
    start = snippet.index("board")
    lines = hit_pieces(hit(snippet=snippet, highlights=((start, start + 5),)))
    shown = "".join(part for line in lines for part, _role in line)
    assert strip_controls(shown) == shown and "\x1b" not in shown and "\t" not in shown
    assert roles(lines, "match") == ["board"]


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=60))
def test_blanking_controls_keeps_every_offset_and_leaves_nothing_a_terminal_acts_on(text):
    blanked = blank_controls(text)
    assert len(blanked) == len(text)
    assert strip_controls(blanked) == blanked.replace("\r", "")
    assert "\n" not in blanked


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.sampled_from(["rota", "tenants", "ministerialisation", "a", "board", "漢字"]), max_size=70),
    marked=st.integers(0, 69),
    width=st.integers(8, 50),
)
def test_a_long_snippet_shows_a_few_lines_and_always_its_first_marked_word(words, marked, width):
    from civicreader.ui.results_list import SNIPPET_LINES, hit_lines

    snippet = " ".join(words)
    spans: tuple[tuple[int, int], ...] = ()
    if marked < len(words):
        start = len(" ".join(words[:marked])) + (1 if marked else 0)
        spans = ((start, start + len(words[marked])),)
    lines = hit_lines(hit(snippet=snippet, highlights=spans), width)
    title_and_meta = len(wrap_pieces([("Tenants and the [bold]estate[/bold]", "title")], width)) + len(
        wrap_pieces(hit_pieces(hit())[1], width)
    )
    snippet_shown = lines[title_and_meta:]
    assert len(snippet_shown) <= SNIPPET_LINES
    assert all(cell_len("".join(part for part, _role in line)) <= width for line in lines)
    if spans:
        assert "".join(roles(snippet_shown, "match")) == words[marked], "the first marked word, whole"
