"""Pass 2: where each post on a page starts (its "anchor": title, date, byline), by the theme
families' shapes, or from the page's best-supported heading (`heading`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from civicreader.ingest import anydates
from civicreader.ingest import dates as dates_
from civicreader.ingest.textpage.blocks import Block, block_at, is_paragraph, is_title_candidate
from civicreader.ingest.textpage.ending import is_term_row
from civicreader.ingest.textpage.heading import PROSE_WORDS, Heading
from civicreader.ingest.textpage.lines import ARCHIVE_COUNT, BY_ON, COMMENT_HEADER, POSTED_BY_ON, POSTED_ON

SUPPORTED = 2.0
"""A dated anchor's title with at least this heading score is kept over the heading's own choice."""


@dataclass
class Anchor:
    start: int
    """Index of the first block of the post (its title or date header)."""
    body_start: int
    title: str
    when: dates_.LooseDate | None = None
    authors: list[str] = field(default_factory=list)
    date_note: str = ""
    dated_after_text: bool = False
    """The post's meta row and date stand under its text, before the next post's title."""


def find_anchors(blocks: list[Block], end: int) -> list[Anchor]:
    anchors: list[Anchor] = []
    taken: set[int] = set()
    index = 0
    while index < end:
        block = blocks[index]
        text = block.text
        if COMMENT_HEADER.match(text) and not re.match(r"^(?:\d+|no)\s+comments?$", text, re.I):
            break  # a thread has begun: its names and dates are comments, not posts
        anchor = None
        if block.single and not text.endswith("#"):
            full = dates_.parse_full(text)
            short = None if full else dates_.parse_short(text)
            when = full or short
            prev_ok = index > 0 and (index - 1) not in taken and is_title_candidate(blocks[index - 1])
            next_ok = index + 1 < end and is_title_candidate(blocks[index + 1])
            if when and when.hour is None:  # a time of day marks a comment's date, not a post's
                if full and (when.weekday or not prev_ok) and next_ok:
                    # Blogger: the date header comes before the title
                    anchor = Anchor(index, index + 2, blocks[index + 1].text, when, date_note="from the page")
                elif prev_ok:
                    anchor = Anchor(index - 1, index + 1, blocks[index - 1].text, when, date_note="from the page")
            if anchor is None:
                anchor = _posted_on_anchor(blocks, index, taken)
        if anchor:
            anchors.append(anchor)
            taken.update(range(anchor.start, anchor.body_start))
            index = anchor.body_start
            continue
        index += 1
    return anchors


def dated_after_text(blocks: list[Block], anchors: list[Anchor], end: int, after_header: bool) -> list[Anchor]:
    """Archive themes that print each post's category row and date under its text: a unit is title,
    text, meta row, date. The theme rules then take the meta row above each date for a title, the
    same words on every post ("Uncategorized, Weekly Edits"); a title never repeats like that. Each
    post is re-anchored on the title that opens its unit, after the previous post's date; a later
    date line of the same shape ("Posted on …") closes one more unit."""
    titles = Counter(anchor.title for anchor in anchors)
    if len(anchors) < 2 or not all(count > 1 or is_term_row(title) for title, count in titles.items()):
        return anchors
    dates = [(anchor.body_start - 1, anchor.when, anchor.authors) for anchor in anchors]
    shape = _date_line_shape(blocks[dates[0][0]].text)
    for index in range(anchors[-1].body_start, end if shape is not None else 0):
        block = blocks[index]
        if block.single and _date_line_shape(block.text) == shape:
            found = anydates.find_dates(block.text)
            dates.append((index, found[0].when, []))
    units: list[Anchor] = []
    unit_start = 0
    for date_at, when, authors in dates:
        title_at = _unit_title(blocks, unit_start, date_at, first=after_header or bool(units))
        if title_at is None:
            return anchors  # a unit without a title of its own: not this layout after all
        units.append(Anchor(title_at, title_at + 1, blocks[title_at].text, when, authors, "from the page",
                            dated_after_text=True))
        unit_start = date_at + 1
    return units


def _date_line_shape(text: str) -> str | None:
    """The words around a date line's date ("Posted on"), or None for a line with no date."""
    found = anydates.find_dates(text)
    if not found:
        return None
    return f"{text[: found[0].start].strip().casefold()}|{text[found[0].end :].strip().casefold()}"


def _unit_title(blocks: list[Block], start: int, stop: int, first: bool) -> int | None:
    """The title of a unit of an archive page: its first title-shaped block, or, at the top of a page
    with no archive header (menus and the site's name come first), the last one before its text."""
    title_at = None
    for index in range(start, stop):
        if is_title_candidate(blocks[index]) and not ARCHIVE_COUNT.match(blocks[index].text):
            if first or not is_paragraph(blocks[index]):
                title_at = index
            if first:
                break
        if is_paragraph(blocks[index]):
            break
    return title_at


def _posted_on_anchor(blocks: list[Block], index: int, taken: set[int]) -> Anchor | None:
    text = blocks[index].text
    for pattern in (POSTED_BY_ON, POSTED_ON, BY_ON):
        match = pattern.match(text)
        if not match:
            continue
        when = dates_.parse_any(match.group("when"))
        if not when:
            continue
        author = (match.group("author") or "").strip()
        if index > 0 and (index - 1) not in taken and is_title_candidate(blocks[index - 1]):
            return Anchor(index - 1, index + 1, blocks[index - 1].text, when, [author] if author else [],
                          "from the page")
    return None


def dateless_anchor(blocks: list[Block], end: int) -> Anchor | None:
    """A page with no dated post: the title is the last short line before the first paragraph."""
    title_at = None
    for index in range(end):
        block = blocks[index]
        if is_paragraph(block):
            break
        if is_title_candidate(block) and not ARCHIVE_COUNT.match(block.text):
            title_at = index
    if title_at is None:
        return None
    return Anchor(title_at, title_at + 1, blocks[title_at].text, None, date_note="no date on the page")


def anchor_from_heading(blocks: list[Block], lines: list[str], heading: Heading | None,
                         current: Anchor | None) -> Anchor | None:
    """The heading's title and date where the page supports them better than the theme rules' anchor."""
    if heading is None or heading.score <= 0 or (not heading.strong and current is not None):
        return None
    if current is not None and current.when is not None:
        first = blocks[current.start].lineno - 1
        last = blocks[min(current.body_start, len(blocks) - 1)].lineno - 1
        title_lines = [i for i in range(first, max(last, first + 1)) if " ".join(lines[i].split()) == current.title]
        support = heading.scores.get(title_lines[0], float("-inf")) if title_lines else float("-inf")
        under = bool(title_lines) and heading.title_line < title_lines[0] <= heading.head_end
        inside = bool(title_lines) and any(
            len(lines[i].split()) >= PROSE_WORDS for i in range(heading.title_line, title_lines[0])
        )  # the theme rules' title has the text above it: a caption or a sub-heading
        if support >= SUPPORTED and not under and not inside:
            return None  # the theme's reading is dated and the page supports its title: keep it
    start = block_at(blocks, heading.title_line)
    body_start = block_at(blocks, heading.head_end + 1)
    if start is None or body_start is None:
        return None
    return Anchor(start, body_start, heading.title, heading.when, date_note="from the page")
