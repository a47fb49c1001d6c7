"""Pass 1: a page's lines grouped into blocks (runs of non-blank lines), and what a block is.

A line with a structural meaning (a date, a comment start, a chrome line), a list item or a change
of indentation starts a block of its own, so later passes can read a page block by block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from civicreader.ingest import dates as dates_
from civicreader.ingest.textpage.ending import box_heading
from civicreader.ingest.textpage.lines import (
    BLOGGER_POSTED_BY,
    CATEGORIES_LINE,
    CHROME,
    COMMENT_HEADER,
    COMMENT_SAID,
    CONTINUE,
    ENTRY_POSTED_IN,
    MAX_TITLE_CHARS,
    NAVIGATION,
    POSTED_ON,
    SIDEBAR,
    comment_start_with_date,
    ends_content,
    glued_caption,
    indent_of,
    is_list_item,
    is_sentence,
    says_start,
)

MIN_STACK = 3
MAX_LABEL_WORDS = 10


@dataclass
class Block:
    lines: list[str]
    lineno: int
    indent: int
    blank_before: int
    structural: bool = False
    """Its first line has a structural meaning (a date, a comment start, chrome): worked out once."""
    text: str = field(init=False, repr=False)
    """The block's words, white space folded (a block's lines never change once it is made). Every
    block's is read, so it is made with the block: a cached property cost a lock on each first read."""

    def __post_init__(self) -> None:
        self.text = " ".join(" ".join(line.split()) for line in self.lines)

    @property
    def single(self) -> bool:
        return len(self.lines) == 1


@lru_cache(maxsize=4096)
def is_structural(line: str) -> bool:
    text = " ".join(line.split())
    if not text:
        return False
    return bool(
        dates_.parse_any(text)
        or dates_.is_relative(text)
        or says_start(text)
        or COMMENT_SAID.match(text)
        or CHROME.match(text)
        or ends_content(text)
        or COMMENT_HEADER.match(text)
        or comment_start_with_date(text)
        or POSTED_ON.match(text)
        or BLOGGER_POSTED_BY.match(text)
        or ENTRY_POSTED_IN.match(text)
        or (CATEGORIES_LINE.match(text) and not is_sentence(text))
        or (CONTINUE.match(text) and not is_sentence(text))
    )


def split_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    blank = 0
    pending_blank = 0
    opens_structural = last_structural = False

    def flush():
        nonlocal current
        if current:
            indent = len(current[0]) - len(current[0].lstrip(" \t"))
            blocks.append(Block(current, start, indent, pending_blank, opens_structural))
            current = []

    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip().replace("\t", "    ")
        if not line.strip():
            flush()
            blank += 1
            continue
        if not current:
            pending_blank, blank = blank, 0
        structural = is_structural(line)
        # A structural line, a list item or a change of indentation starts a block of its own.
        if current and (
            structural
            or last_structural
            or is_list_item(line)
            or is_list_item(current[-1])
            or (indent_of(line) != indent_of(current[0]) and min(indent_of(line), indent_of(current[0])) < 4)
        ):
            flush()
            pending_blank = 0
        if not current:
            start, opens_structural = number, structural
        current.append(line)
        last_structural = structural
    flush()
    return blocks


def is_title_candidate(block: Block) -> bool:
    text = block.text
    return (
        block.single
        and 0 < len(text) <= MAX_TITLE_CHARS
        and not block.structural
        and not SIDEBAR.match(text)
        and not NAVIGATION.match(text)
        and not is_list_item(block.lines[0])
        and not text.endswith((":", ","))
    )


def is_paragraph(block: Block) -> bool:
    text = block.text
    return len(text) > MAX_TITLE_CHARS or (len(text) > 60 and text.endswith((".", "!", "?", "”", '"')))


def split_caption(paragraph: str) -> list[str]:
    match = glued_caption(paragraph)
    if match and len(match.group("caption").split()) >= 2:
        return [match.group("caption").strip(), match.group("rest").strip()]
    return [paragraph]


def body_paragraphs(block: Block) -> list[str]:
    """A block's paragraphs: list items, a stack of labels and hard-wrapped code keep their lines; prose
    is joined."""
    lines = [line for line in block.lines if line.strip()]
    if any(is_list_item(line) for line in lines) and all(is_list_item(line) for line in lines):
        return [" ".join(line.split()) for line in lines]
    if block.indent >= 4 and len(lines) > 1:
        width = min(indent_of(line) for line in lines)
        return ["\n".join(line[width:] for line in lines)]
    if len(lines) >= MIN_STACK and all(_label_like(line) for line in lines):
        return [" ".join(line.split()) for line in lines]  # "Ingredienti" / "limoni yogurt" / "Stampa"
    if len(lines) > 1 and box_heading(lines[0]):
        # a box's heading in capitals over its lines ("NEWSLETTER" / "New posts by email…"): the heading
        # stays apart so the box can be told from the text
        return [" ".join(lines[0].split()), " ".join(" ".join(line.split()) for line in lines[1:])]
    text = block.text
    return split_caption(text) if text else []


def _label_like(line: str) -> bool:
    """A line of a few words that ends no sentence: a label, a value, a link."""
    words = line.split()
    return len(words) <= MAX_LABEL_WORDS and not is_sentence(line) and not line.rstrip().endswith((".", "!", "?", ":"))


def block_at(blocks: list[Block], line: int) -> int | None:
    """Index of the first block that starts on or after `line` (0-based)."""
    return next((index for index, block in enumerate(blocks) if block.lineno - 1 >= line), None)
