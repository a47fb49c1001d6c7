"""Corpus text into Textual `Content`: always literal, never parsed as markup.

Every string from the corpus (titles, bodies, names, snippets) reaches the screen through
these helpers, so "[bold]" or "[link=...]" in a post shows as those very characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from textual.content import Content

from civicreader.textsafe import one_line, strip_controls

# A highlighter's amber behind the words, not amber words: amber text on the light theme's grey was
# 3.0:1. The theme's foreground on the muted amber is 10.9:1 (light) and 7.5:1 (dark), black on full
# amber 10.7:1. ($text would be "auto": white on the light theme's muted amber.)
MATCH_STYLE = "bold $foreground on $warning-muted"
CURRENT_MATCH_STYLE = "bold black on $warning"


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


def comment_when(when: datetime | None, inferred: bool, date_text: str) -> Content:
    """A comment's date as `comment_date` gives it; a time the page only gave relative to when it was
    saved ("3 weeks ago") is shown in the page's words, dim and marked, never turned into a day."""
    if when is None and date_text.strip():
        return line(f"{date_text} (as the page said)", "dim italic")
    return Content(comment_date(when, inferred))


def joined(parts: Iterable[Content], separator: str = " · ", style: str = "dim") -> Content:
    return Content(separator).stylize(style).join(part for part in parts if part.plain)


def counted(number: int, noun: str) -> str:
    """'1 file', '2 files', '1,204 posts'."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def corpus_path(path: str, corpus: Path) -> str:
    """A file of the corpus as the reader knows it: from the corpus folder (a file outside it in full)."""
    try:
        return str(Path(path).relative_to(corpus))
    except ValueError:
        return path


ELLIPSIS = "…"


def cut_to_cells(text: str, width: int, *, from_end: bool = False) -> str:
    """The start (or end) of `text` that fits in `width` terminal cells (wide characters count two)."""
    from rich.cells import cell_len

    kept: list[str] = []
    used = 0
    for char in reversed(text) if from_end else text:
        used += cell_len(char)
        if used > width:
            break
        kept.append(char)
    return "".join(reversed(kept)) if from_end else "".join(kept)


def shortened_path(path: str, width: int) -> str:
    """`path` in at most `width` cells, cut in the middle with an ellipsis when it is longer.

    The file name is kept whole when it fits ('blog/…/the-post.txt', or '…/the-post.txt'); otherwise
    both ends of the name are kept ('…/2011-04-12-los…the-drivers.md'), so files that share a folder
    and differ in their names still look different.
    """
    from rich.cells import cell_len

    if cell_len(path) <= width:
        return path
    if width <= 1:
        return ELLIPSIS[:width]
    folder, slash, name = path.rpartition("/")
    room = width - 1 - cell_len(slash + name)
    if folder and room >= 0:
        # A stub of a folder name ('w…') says less than none ('…/name.txt').
        return (cut_to_cells(folder, room) if room >= 4 else "") + ELLIPSIS + slash + name
    # The name alone is too long: its two ends tell files apart better than the folder they share.
    lead = ELLIPSIS + slash if folder and width > 12 else ""
    room = width - cell_len(lead) - 1
    head = room // 2
    return lead + cut_to_cells(name, head) + ELLIPSIS + cut_to_cells(name, room - head, from_end=True)


def packed(
    parts: Iterable[Content], width: int | None, *, lead: Content | None = None, separator: str = " · "
) -> Content:
    """`lead` then `parts` joined by `separator` on one line; where the next part would not fit in
    `width`, it starts a new line, indented as far as `lead`: lines break between parts, never inside one."""
    from rich.cells import cell_len

    lead = lead or Content("")
    indent = " " * cell_len(lead.plain)
    lines: list[Content] = []
    for part in (part for part in parts if part.plain):
        if not lines:
            lines.append(Content.assemble(lead, part))
        elif width is None or cell_len(lines[-1].plain) + cell_len(separator) + cell_len(part.plain) <= width:
            lines[-1] = Content.assemble(lines[-1], (separator, "dim"), part)
        else:
            lines.append(Content.assemble(indent, part))
    return Content("\n").join(lines) if lines else lead
