"""CSV cells: quoted where they must be, and never a formula a spreadsheet would run."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from civicreader.spreadsheet import FORMULA_STARTS, safe_cell, write_csv


def test_formula_starts_get_an_apostrophe_and_other_text_does_not():
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [safe_cell(text) for text in ("+1", "-budget", "@sum", "\tx")] == ["'+1", "'-budget", "'@sum", "'\tx"]
    assert safe_cell("a = b") == "a = b"
    assert safe_cell(-3) == "-3"  # our own numbers are numbers
    assert (safe_cell(None), safe_cell(True), safe_cell(False)) == ("", "true", "false")


def test_commas_quotes_and_newlines_are_quoted():
    out = io.StringIO()
    write_csv(out, ["a", "b"], [['say "hi", then', "two\nlines"]])
    assert out.getvalue() == 'a,b\r\n"say ""hi"", then","two\nlines"\r\n'


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_any_text_reads_back_and_never_starts_a_formula(cells):
    out = io.StringIO()
    write_csv(out, [f"c{n}" for n in range(len(cells))], [cells])
    (row,) = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]
    for written, original in zip(row, cells, strict=True):
        assert not written.startswith(FORMULA_STARTS)
        assert written == original or written == "'" + original
