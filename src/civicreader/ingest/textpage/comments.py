"""A comment thread told by the theme families' comment headers ("Name says:", "Name said...",
"1. Name December 28, 2010 at 3:04 pm #", Disqus's "Name • 3 weeks ago"), nested by indentation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from civicreader.ingest import YearlessDay
from civicreader.ingest import dates as dates_
from civicreader.ingest.textpage.blocks import Block
from civicreader.ingest.textpage.lines import (
    BARE_COMMENT_HEADER,
    CHROME,
    COMMENT_HEADER,
    COMMENT_SAID,
    comment_start_with_date,
    is_list_item,
    says_start,
)
from civicreader.model import Comment

if TYPE_CHECKING:
    from civicreader.ingest.textpage.post import Draft


@dataclass
class _Open:
    indent: int
    author: str
    when: datetime | None
    body: list[str] = field(default_factory=list)
    replies: list[_Open] = field(default_factory=list)
    awaiting_date: bool = False
    """Blogger writes the date after the text; "X says:" themes write it just after the name."""
    date_after_body: bool = False
    year_from_post: bool = False
    yearless: dates_.LooseDate | None = None
    """A date shown without a year, which the page alone cannot complete."""
    relative: str = ""
    """A time the page gave only relatively ("2 days ago"), as written."""

    def freeze(self) -> Comment:
        replies = tuple(reply.freeze() for reply in self.replies)
        return Comment(self.author, self.when, tuple(self.body), replies, date_inferred=self.year_from_post,
                       date_text="" if self.when else self.relative)

    def set_date(self, when: dates_.LooseDate | None, draft: Draft, relative: str = "") -> None:
        self.relative = relative
        self.when = comment_datetime(when, draft) if when else None
        self.year_from_post = bool(when and not when.year and self.when)
        self.yearless = when if when and not when.year and not self.when else None
        _note_comment_date(draft, self.when)

    def walk(self):
        yield self
        for reply in self.replies:
            yield from reply.walk()


def parse_comments(blocks: list[Block], draft: Draft) -> list[Comment]:
    roots: list[_Open] = []
    stack: list[_Open] = []
    current: _Open | None = None
    for block in blocks:
        text = block.text
        start = _comment_start(block)
        if start:
            author, when, relative, date_after = start
            node = _Open(block.indent, author, None, awaiting_date=when is None,
                         date_after_body=date_after)
            node.set_date(when, draft, relative)
            while stack and stack[-1].indent >= block.indent:
                stack.pop()
            (stack[-1].replies if stack else roots).append(node)
            stack.append(node)
            current = node
            continue
        if current is None:
            continue  # text before the first comment (the header's remains) is not a comment
        when_line = block.single and (dates_.parse_any(text) or dates_.is_relative(text))
        if current.awaiting_date and when_line and (not current.date_after_body or current.body):
            when = dates_.parse_any(text)
            current.set_date(when, draft, "" if when else text)
            current.awaiting_date = False
            continue
        if CHROME.match(text) or COMMENT_HEADER.match(text) or BARE_COMMENT_HEADER.match(text):
            continue
        current.body.extend(_comment_paragraphs(block))
    in_thread_order = (node for root in roots for node in root.walk())
    draft.yearless_comments = [
        YearlessDay(position, node.yearless.month, node.yearless.day, node.yearless.hour, node.yearless.minute)
        for position, node in enumerate(in_thread_order)
        if node.yearless
    ]
    return [node.freeze() for node in roots]


def _comment_start(block: Block) -> tuple[str, dates_.LooseDate | None, str, bool] | None:
    """(author, date, relative wording, whether the date comes after the text) of a comment's first line."""
    if not block.single:
        return None
    text = block.text
    with_date = comment_start_with_date(text)
    if with_date:
        return *with_date, False
    match = says_start(text)
    if match:
        rest = match.group("rest").strip()
        when = dates_.parse_any(rest) if rest else None
        return match.group("author").strip(), when, rest if rest and not when else "", False
    match = COMMENT_SAID.match(text)
    if match:
        return match.group("author").strip(), None, "", True
    return None


def _comment_paragraphs(block: Block) -> list[str]:
    lines = [line for line in block.lines if line.strip()]
    if all(is_list_item(line) for line in lines):
        return [" ".join(line.split()) for line in lines]
    return [block.text]


def comment_datetime(when: dates_.LooseDate, draft: Draft) -> datetime | None:
    if when.year:
        return when.as_datetime()
    # A comment without a year: it is never older than its post, so take the post's year
    # (or the next one when the comment's day comes earlier in the calendar).
    if draft.when and draft.when.year:
        year = draft.when.year + (1 if (when.month, when.day) < (draft.when.month, draft.when.day) else 0)
        return when.as_datetime(year)
    return None


def _note_comment_date(draft: Draft, when: datetime | None) -> None:
    if when:
        draft.comment_dates.append(when)
