"""The search results: title, date, blog, and a snippet with the matched words picked out.

Drawn a line at a time (Textual's line API). Every keystroke brings a new page of hits; wrapping
them here and turning each line into a few segments costs a fraction of what an OptionList of
rich prompts did (measuring every prompt, then wrapping and styling it again to paint it), and
that difference is most of the time from a keystroke to its results on screen.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import ClassVar, Self

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from civicreader.textsafe import blank_controls, one_line
from civicreader.ui.keys import bindings_for
from civicreader.ui.text import short_date

Piece = tuple[str, str]
"""Some text and the name of its role: "title", "meta", "where", "snippet", "match", "more"."""

SNIPPET_LINES = 4
"""A snippet shows this many lines at most: a narrow pane still holds several hits."""
ROLES = ("title", "title-match", "meta", "where", "snippet", "match", "more", "unread")
WHERE = {"title": "in the title", "body": "", "comment": "in a comment"}
_WORD = re.compile(r"\S+")


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """The (start, end) of each line of `text` wrapped at white space to `width` cells.

    Offsets are into `text` itself, so spans found in it (the matched words) can be cut to lines.
    A word wider than a line is cut where the line ends. An empty text is one empty line.
    """
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    start = end = used = 0
    open_line = False
    for word in _WORD.finditer(text):
        word_start, word_end = word.span()
        if open_line:
            gap_and_word = cell_len(text[end:word_end])
            if used + gap_and_word <= width:
                end, used = word_end, used + gap_and_word
                continue
            lines.append((start, end))
        size = cell_len(text[word_start:word_end])
        while size > width:
            cut = word_start + _fitting(text[word_start:word_end], width)
            lines.append((word_start, cut))
            word_start = cut
            size = cell_len(text[word_start:word_end])
        start, end, used, open_line = word_start, word_end, size, True
    if open_line:
        lines.append((start, end))
    return lines or [(0, 0)]


def _fitting(word: str, width: int) -> int:
    """How many characters of `word` fit in `width` cells (at least one, so a cut always advances)."""
    used = 0
    for count, character in enumerate(word):
        used += cell_len(character)
        if used > width:
            return max(1, count)
    return len(word)


def pieces_of(text: str, spans: tuple[tuple[int, int], ...], role: str, span_role: str) -> list[Piece]:
    """`text` (controls already blanked) cut into `role` pieces, the `spans` of it in `span_role`."""
    marks = sorted((max(0, start), min(len(text), end)) for start, end in spans if start < end)
    pieces: list[Piece] = []
    at = 0
    for start, end in marks:
        if start < at:
            start = at
        if start >= end:
            continue
        if start > at:
            pieces.append((text[at:start], role))
        pieces.append((text[start:end], span_role))
        at = end
    if at < len(text):
        pieces.append((text[at:], role))
    return pieces


def wrap_pieces(pieces: list[Piece], width: int) -> list[list[Piece]]:
    """Pieces making one line of text, wrapped to `width` cells: the pieces of each line."""
    text = "".join(part for part, _role in pieces)
    bounds = []
    at = 0
    for part, role in pieces:
        bounds.append((at, at + len(part), role))
        at += len(part)
    lines = []
    for line_start, line_end in wrap(text, width):
        lines.append(
            [
                (text[max(start, line_start) : min(end, line_end)], role)
                for start, end, role in bounds
                if max(start, line_start) < min(end, line_end)
            ]
        )
    return lines


UNREAD_MARK = "● "


def hit_pieces(hit, unread: bool = False) -> list[list[Piece]]:
    """A hit as logical lines of pieces (title, marked when `unread`; date, blog and where; snippet)."""
    title = one_line(hit.title) or "(untitled)"
    snippet = blank_controls(hit.snippet)
    title_match = hit.matched_in == "title" and one_line(hit.snippet) == title
    # A title match's snippet is the title itself: mark the words in the title rather than show it twice.
    title_line = pieces_of(snippet, hit.highlights, "title", "title-match") if title_match else [(title, "title")]
    if unread:
        title_line = [(UNREAD_MARK, "unread"), *title_line]
    lines = [title_line]
    where = WHERE.get(hit.matched_in, "")
    if hit.matched_in == "comment" and hit.commenter:
        where = f"in a comment by {one_line(hit.commenter)}"
    meta: list[Piece] = [(short_date(hit.date, hit.date_inferred), "meta")]
    for part, role in ((one_line(hit.blog), "meta"), (where, "where")):
        if part:
            meta += [(" · ", "meta"), (part, role)]
    lines.append(meta)
    if not title_match and snippet.strip():
        lines.append(pieces_of(snippet, hit.highlights, "snippet", "match"))
    return lines


def hit_lines(hit, width: int, unread: bool = False) -> list[list[Piece]]:
    """A hit wrapped to `width` cells: its title, date and where, then the snippet's lines around its first match."""
    lines: list[list[Piece]] = []
    for pieces in hit_pieces(hit, unread):
        is_snippet = any(role in ("snippet", "match") for _part, role in pieces)
        lines += snippet_lines(pieces, width) if is_snippet else wrap_pieces(pieces, width)
    return lines


def snippet_lines(pieces: list[Piece], width: int) -> list[list[Piece]]:
    """At most SNIPPET_LINES lines of a snippet, from the line before its first match; cuts marked with "…"."""
    lines = wrap_pieces(pieces, width)
    if len(lines) <= SNIPPET_LINES:
        return lines
    lines = wrap_pieces(pieces, max(1, width - 1))  # a cell kept for the "…" where lines are left out
    first_match = next((number for number, line in enumerate(lines) if any(role == "match" for _, role in line)), 0)
    start = max(0, min(first_match - 1, len(lines) - SNIPPET_LINES))
    shown = [list(line) for line in lines[start : start + SNIPPET_LINES]]
    if start > 0:
        shown[0].insert(0, ("…", "snippet"))
    if start + SNIPPET_LINES < len(lines):
        shown[-1].append(("…", "snippet"))
    return shown


@dataclass(frozen=True)
class _Paint:
    """The styles of one paint of the list, looked up once."""

    width: int
    hit: Style
    cursor: Style
    hover: Style
    rule: Style
    roles: dict[str, Style]
    cursor_roles: dict[str, Style]
    """On the cursor's bar the roles keep their weight and slant but not their colours (read on
    the bar's colour in the light theme, an accent was 1.5:1); matched words are set apart as
    `results--cursor-match` says instead."""


@dataclass(frozen=True)
class _Line:
    row: int
    """Which row the line belongs to: a hit's index, or len(hits) for the "more" row; -1 for a rule."""
    pieces: tuple[Piece, ...]


class ResultsList(ScrollView, can_focus=True):
    """Posts `HitChosen` for Enter or a click on a hit, and `MoreWanted` when the cursor nears the end."""

    BINDING_GROUP_TITLE = "Results"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("results")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "results--hit",
        "results--cursor",
        "results--cursor-match",
        "results--hover",
        "results--title",
        "results--title-match",
        "results--meta",
        "results--where",
        "results--snippet",
        "results--match",
        "results--rule",
        "results--more",
        "results--unread",
    }

    @dataclass
    class HitChosen(Message):
        results: ResultsList
        post_id: str
        commenter: str | None = None
        """Whose comment the hit matched in, when it did."""

        @property
        def control(self) -> ResultsList:
            return self.results

    @dataclass
    class MoreWanted(Message):
        results: ResultsList
        offset: int

        @property
        def control(self) -> ResultsList:
            return self.results

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list = []
        self.total = 0
        self.cursor: int | None = None
        """The row under the cursor: a hit's index, or len(hits) for the "more" row."""
        self.hovered: int | None = None
        """The row under the mouse pointer."""
        self._lines: list[_Line] = []
        self._first_line: list[int] = []
        """Each row's first line."""
        self._laid_out_width = 0
        self._paint: _Paint | None = None
        self._asked_from: int | None = None
        """The offset of the last page asked for, so moving about near the end asks once."""
        self.read_ids: Collection[str] | None = None
        """Posts the reader has read (their memory); None until it is open: no hit is marked unread."""

    def show_marks(self, read_ids: Collection[str]) -> None:
        """Mark the hits not yet read (attributes down)."""
        self.read_ids = read_ids
        self._lay_out()
        self.refresh()

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        # The list's size is set by the layout (1fr, scrollbar always there), never by its rows: new
        # results need a repaint of the list, not a layout of the whole screen and the full repaint after it.
        return super().refresh(*regions, repaint=repaint, layout=False, recompose=recompose)

    # ---- what is shown ----

    @property
    def rows(self) -> int:
        """Hits shown, plus one for the "more" row when there are more to fetch."""
        return len(self.hits) + self.has_more

    @property
    def has_more(self) -> bool:
        return len(self.hits) < self.total

    def show(self, hits, total: int, append: bool = False) -> None:
        """Show these hits (civicreader.index.Hit), or add them after the ones shown."""
        if append:
            self.hits = [*self.hits, *hits]
        else:
            self.hits = list(hits)
            self._asked_from = None
            self.cursor = 0 if self.hits else None
            self.hovered = None
        self.total = total
        if self.cursor is not None:
            self.cursor = min(self.cursor, self.rows - 1)
        self._lay_out()
        if append:
            self._scroll_to_cursor()  # the cursor may have been on the "more" row these hits replace
        else:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def top_hit(self):
        """The first hit (civicreader.index.Hit), or None."""
        return self.hits[0] if self.hits else None

    def row_text(self, row: int) -> str:
        """The text of a row as shown (lines joined by newlines), e.g. for a test or a screen reader."""
        return "\n".join("".join(part for part, _role in line.pieces) for line in self._row_lines(row))

    def row_pieces(self, row: int, role: str) -> list[str]:
        """The pieces of a row shown in `role` ("match", "title-match", ...), in order."""
        return [part for line in self._row_lines(row) for part, piece_role in line.pieces if piece_role == role]

    def _row_lines(self, row: int) -> list[_Line]:
        return [line for line in self._lines if line.row == row]

    def _lay_out(self) -> None:
        if not self.scrollable_content_region.width:
            # Not on screen yet (the archive is): laid out when it is given a size.
            self._laid_out_width = 0
            self._lines, self._first_line = [], []
            return
        width = self._text_width()
        self._laid_out_width = width
        lines: list[_Line] = []
        first_line: list[int] = []
        for row, hit in enumerate(self.hits):
            if row:
                lines.append(_Line(-1, ()))
            first_line.append(len(lines))
            unread = self.read_ids is not None and hit.id not in self.read_ids
            lines += [_Line(row, tuple(pieces)) for pieces in hit_lines(hit, width, unread)]
        if self.has_more:
            left = self.total - len(self.hits)
            more = f"▾ {left:,} more result{'' if left == 1 else 's'} (Enter)"
            lines.append(_Line(-1, ()))
            first_line.append(len(lines))
            lines.append(_Line(len(self.hits), ((more, "more"),)))
        self._lines, self._first_line = lines, first_line
        self.virtual_size = Size(self.scrollable_content_region.width, len(lines))
        # The layout this change would ask for is skipped (see refresh), so the scrollbar is told here,
        # as Textual's OptionList does.
        self._scroll_update(self.virtual_size)

    def _text_width(self) -> int:
        return max(1, self.scrollable_content_region.width - 2)  # a cell of padding each side

    def on_resize(self) -> None:
        if self._text_width() != self._laid_out_width:
            self._lay_out()
            self._scroll_to_cursor()

    # ---- painting ----

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles are looked up once a paint, not for every line: each lookup walks the DOM.
        roles = {role: self.get_component_rich_style(f"results--{role}", partial=True) for role in ROLES}
        cursor_match = self.get_component_rich_style("results--cursor-match", partial=True)
        self._paint = _Paint(
            width=self.scrollable_content_region.width,
            hit=self.get_visual_style("results--hit").rich_style,
            cursor=self.get_visual_style("results--hit", "results--cursor").rich_style,
            hover=self.get_visual_style("results--hit", "results--hover").rich_style,
            rule=self.get_visual_style("results--rule").rich_style,
            roles=roles,
            cursor_roles={
                role: style.without_color + (cursor_match if role in ("match", "title-match") else Style())
                for role, style in roles.items()
            },
        )
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        paint = self._paint
        number = self.scroll_offset.y + y
        if number >= len(self._lines):
            return Strip.blank(paint.width, paint.hit)
        line = self._lines[number]
        if line.row < 0:
            return Strip([Segment("─" * paint.width, paint.rule)], paint.width)
        on_cursor = line.row == self.cursor
        base = paint.cursor if on_cursor else paint.hover if line.row == self.hovered else paint.hit
        roles = paint.cursor_roles if on_cursor else paint.roles
        segments = [Segment(" ", base)]
        segments += [Segment(part, base + roles[role]) for part, role in line.pieces]
        return Strip(segments).extend_cell_length(paint.width, base)

    def _refresh_row(self, row: int | None) -> None:
        if row is None or row >= len(self._first_line):
            return
        top = self._first_line[row]
        bottom = self._first_line[row + 1] if row + 1 < len(self._first_line) else len(self._lines)
        self.refresh_lines(top, bottom - top)

    # ---- the cursor ----

    def move_to(self, row: int) -> None:
        """Put the cursor on `row` (clamped), bring it into view, and ask for more hits near the end."""
        if not self.rows:
            return
        row = max(0, min(row, self.rows - 1))
        previous, self.cursor = self.cursor, row
        self._refresh_row(previous)
        self._refresh_row(row)
        self._scroll_to_cursor()
        # The next page comes before the cursor gets there: reading down never stops at the "more" row.
        if row >= len(self.hits) - 2:
            self._want_more()

    def _scroll_to_cursor(self) -> None:
        if self.cursor is None or self.cursor >= len(self._first_line):
            return
        top = self._first_line[self.cursor]
        bottom = self._first_line[self.cursor + 1] if self.cursor + 1 < len(self._first_line) else len(self._lines)
        region = Region(0, top, self.scrollable_content_region.width, bottom - top)
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def _row_at_line(self, number: int) -> int | None:
        if 0 <= number < len(self._lines) and self._lines[number].row >= 0:
            return self._lines[number].row
        return None

    def action_cursor_down(self) -> None:
        self.move_to(0 if self.cursor is None else self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(0 if self.cursor is None else self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.rows - 1)

    def action_page_down(self) -> None:
        self._move_by_lines(self.scrollable_content_region.height)

    def action_page_up(self) -> None:
        self._move_by_lines(-self.scrollable_content_region.height)

    def _move_by_lines(self, lines: int) -> None:
        if self.cursor is None or self.cursor >= len(self._first_line):
            return
        target = max(0, min(len(self._lines) - 1, self._first_line[self.cursor] + lines))
        row = self._row_at_line(target)
        while row is None and 0 < target < len(self._lines):  # a rule: take the row after it, or before at the end
            target += 1 if lines > 0 and target + 1 < len(self._lines) else -1
            row = self._row_at_line(target)
        if row is not None and row != self.cursor:
            self.move_to(row)
        else:
            self.move_to(self.cursor + (1 if lines > 0 else -1))

    def action_choose(self) -> None:
        if self.cursor is not None:
            self._choose(self.cursor)

    def _choose(self, row: int) -> None:
        if row >= len(self.hits):
            self._want_more()
        else:
            hit = self.hits[row]
            self.post_message(self.HitChosen(self, hit.id, hit.commenter))

    def _want_more(self) -> None:
        offset = len(self.hits)
        if offset < self.total and self._asked_from != offset:
            self._asked_from = offset
            self.post_message(self.MoreWanted(self, offset))

    # ---- the mouse ----

    def _row_under(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        return None if offset is None else self._row_at_line(offset.y + self.scroll_offset.y)

    def on_click(self, event: events.Click) -> None:
        row = self._row_under(event)
        if row is not None:
            event.stop()
            self.move_to(row)
            self._choose(row)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover_over(self._row_under(event))

    def on_leave(self) -> None:
        self._hover_over(None)

    def _hover_over(self, row: int | None) -> None:
        if row != self.hovered:
            previous, self.hovered = self.hovered, row
            self._refresh_row(previous)
            self._refresh_row(row)
