"""CSV for spreadsheets: rows written as they come, cells a spreadsheet will not run as formulas.

Corpus text is data. A cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return,
which some spreadsheets skip before looking) would be read as a formula by Excel, LibreOffice or
Google Sheets: such a cell gets a leading apostrophe, which they show as text, as OWASP advises.
Commas, quotes and newlines are quoted by the csv module.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as text a spreadsheet shows as it is: None is empty, a formula-like start is escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(out: TextIO, header: Iterable[str], rows: Iterable[Iterable[object]]) -> int:
    """Write the header and each row as it comes (nothing is held); return the number of rows."""
    # Rows end in CRLF, as RFC 4180 has them: a lone carriage return inside a cell is then quoted too.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(header))
    count = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    return count
