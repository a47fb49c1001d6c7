"""Corpus text into Textual `Content`: always literal, never parsed as markup.

Every string from the corpus (titles, bodies, names, snippets) reaches the screen through
these helpers, so "[bold]" or "[link=...]" in a post shows as those very characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from textual.content import Content

from civicreader.textsafe import one_line, strip_controls

MATCH_STYLE = "bold $text-warning"
CURRENT_MATCH_STYLE = "bold reverse $text-warning"


def line(text: str, style: str = "") -> Content:
    """One line of corpus text (white space runs and newlines folded), styled as a whole."""
    content = Content(one_line(text))
    return content.stylize(style) if style else content


def block(text: str, style: str = "") -> Content:
    """Corpus text that keeps its line breaks (a paragraph), controls removed."""
    content = Content(strip_controls(text).strip("\n"))
    return content.stylize(style) if style else content


def highlighted(text: Content, spans: Iterable[tuple[int, int]], style: str = MATCH_STYLE, offset: int = 0) -> Content:
    """`text` with every (start, end) span styled; spans outside the text are ignored."""
    size = len(text.plain)
    for start, end in spans:
        start, end = start - offset, end - offset
        if 0 <= start < end <= size:
            text = text.stylize(style, start, end)
    return text


def post_date(when: date | None, inferred: bool = False) -> str:
    """'24 December 2010', with a * when the year was inferred; 'undated' when there is none."""
    if when is None:
        return "undated"
    text = f"{when.day} {when:%B %Y}"
    return text + " *" if inferred else text


def short_date(when: date | None, inferred: bool = False) -> str:
    """'2010-12-24' for lists, where the columns should line up."""
    if when is None:
        return "undated   "
    text = when.isoformat()
    return text + "*" if inferred else text


def comment_date(when: datetime | None, inferred: bool = False) -> str:
    """ "28 Dec 2010, 15:04"; a year the page did not give is marked as a post's is ("2010*")."""
    if when is None:
        return "undated"
    text = f"{when.day} {when:%b %Y}" + ("*" if inferred else "")
    if when.hour or when.minute:
        text += f", {when:%H:%M}"
    return text


def joined(parts: Iterable[Content], separator: str = " · ", style: str = "dim") -> Content:
    return Content(separator).stylize(style).join(part for part in parts if part.plain)
