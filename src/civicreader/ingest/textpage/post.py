"""Pass 3: one post's blocks read in order: its text, then its footer (metadata, sharing,
navigation), then the comments the theme rules recognise, then the chrome that ends it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from civicreader.ingest import YearlessDay
from civicreader.ingest import dates as dates_
from civicreader.ingest.textpage.anchors import Anchor
from civicreader.ingest.textpage.blocks import Block, body_paragraphs, is_paragraph
from civicreader.ingest.textpage.comments import parse_comments
from civicreader.ingest.textpage.lines import (
    BARE_COMMENT_HEADER,
    BLOGGER_POSTED_BY,
    CATEGORIES_LINE,
    CHROME,
    COMMENT_HEADER,
    COMMENT_SAID,
    CONTINUE,
    ENTRY_POSTED_IN,
    MAX_TITLE_CHARS,
    NAVIGATION,
    POSTED_IN,
    SHARE_LINE,
    SIDEBAR,
    TAGS_LINE,
    comment_start_with_date,
    ends_content,
    inline_continue,
    is_sentence,
    says_start,
)
from civicreader.model import Comment

INLINE_LINK = re.compile(r"^(?!(?:newer|older|previous|next)\b)[^\W\d_][^:]{0,24}:\s+\S.*(?:>>|»|→)$", re.I)
"""A link set in the text under a label ("See also: More pancakes >>"): the text goes on after it.
The words a post's navigation link starts with (as NAVIGATION knows them) say it is not one."""

_SHARE_HEADING = re.compile(r"^(?:share\s+this|like\s+this|share)", re.I)
_PERMALINK = re.compile(r"^bookmark\s+the\s+permalink\.?$", re.I)


@dataclass
class Draft:
    title: str
    when: dates_.LooseDate | None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    excerpt: bool = False
    comments: list[Comment] = field(default_factory=list)
    comment_dates: list[datetime] = field(default_factory=list)
    yearless_comments: list[YearlessDay] = field(default_factory=list)
    doubt: str = ""
    """Why the reading is uncertain (no title found the page itself supports), for the date note."""
    closed_by_meta: bool = False
    """The text ended at the theme's own line under a post ("This entry was posted in …", "Labels: …"): what
    comes right before it is the author's, a sign-off or a source line, not chrome to guess at."""


def content_end(blocks: list[Block]) -> int:
    for index, block in enumerate(blocks):
        if ends_content(block.text):
            if re.match(r"^leave\s+a\s+comment$", block.text, re.I) and _more_posts_follow(blocks, index):
                continue  # archive pages put "Leave a comment" between posts
            return index
    return len(blocks)


def _more_posts_follow(blocks: list[Block], index: int) -> bool:
    following = blocks[index + 1 : index + 4]
    return any(dates_.parse_any(block.text) and block.single for block in following)


def read_post(blocks: list[Block], anchor: Anchor, stop: int, page_kind_archive: bool) -> Draft:
    draft = Draft(title=anchor.title, when=anchor.when, authors=list(anchor.authors))
    state = "body"
    comment_blocks: list[Block] = []
    for index in range(anchor.body_start, stop):
        block = blocks[index]
        text = block.text
        if state == "comments":
            comment_blocks.append(block)
            continue
        if _harvest_meta_lines(draft, block):
            draft.closed_by_meta = draft.closed_by_meta or state == "body"
            state = "footer"
            continue
        if CONTINUE.match(text) and not is_sentence(text):
            draft.excerpt = True
            state = "footer"
            continue
        is_header = COMMENT_HEADER.match(text) or BARE_COMMENT_HEADER.match(text)
        # on archive pages "3 Comments" is a link under each post, not the start of a thread
        if is_header and not (page_kind_archive and re.match(r"^(?:\d+|no)\s+comments?$", text, re.I)):
            state = "comments"
            continue
        if CHROME.match(text) or SHARE_LINE.match(text):
            if state == "body" and _SHARE_HEADING.match(text):
                state = "footer"
            continue
        if comment_start_with_date(text) or says_start(text) or COMMENT_SAID.match(text):
            state = "comments"
            comment_blocks.append(block)
            continue
        if SIDEBAR.match(text):
            state = "sidebar"
            continue
        if NAVIGATION.match(text) and block.single and len(text) <= MAX_TITLE_CHARS:
            if not (state == "body" and INLINE_LINK.match(text) and _text_goes_on(blocks, index + 1, stop)):
                state = "footer" if state == "body" else state
            continue
        if state == "body":
            paragraphs = body_paragraphs(block)
            teaser = inline_continue(paragraphs[-1]) if paragraphs else None
            if teaser:
                # the "…" before the link is the teaser's cut mark, not the author's
                paragraphs[-1] = re.sub(r"\s*(?:\[…\]|…|\.\.\.)$", "", teaser.group("text"))
                draft.excerpt = True
                state = "footer"
            draft.body.extend(paragraphs)
        # text in the footer or a sidebar (related posts, widgets) is not the post's
    if comment_blocks:
        draft.comments = parse_comments(comment_blocks, draft)
    return draft


def _text_goes_on(blocks: list[Block], start: int, stop: int) -> bool:
    """A paragraph of prose comes before anything with a structural meaning (a date, a comment's start,
    chrome) within the next few blocks: the post's text goes on."""
    for block in blocks[start : min(stop, start + LOOKAHEAD_BLOCKS)]:
        if block.structural:
            return False
        if is_paragraph(block):
            return True
    return False


LOOKAHEAD_BLOCKS = 40


def _harvest_meta_lines(draft: Draft, block: Block) -> bool:
    """The meta lines of a block, each on its own ("Posted in News" over "Tagged jobs, stack overflow": read
    together, "News Tagged jobs" was a category), or the block's text as one line."""
    if not block.single and _harvest_meta(Draft(title="", when=None), " ".join(block.lines[0].split())):
        for line in block.lines:
            _harvest_meta(draft, " ".join(line.split()))
        return True
    return _harvest_meta(draft, block.text)


def _harvest_meta(draft: Draft, text: str) -> bool:
    match = ENTRY_POSTED_IN.match(text)
    if match:
        draft.categories += split_list(match.group("cats") or "")
        draft.tags += split_list(match.group("tags") or "")
        return True
    match = BLOGGER_POSTED_BY.match(text)
    if match and len(match.group("author")) <= 80 and (match.group("time") or len(match.group("author").split()) <= 4):
        draft.authors.append(match.group("author").strip())
        if match.group("time") and draft.when and draft.when.hour is None:
            clock = dates_.parse_any(f"1 January 2000 at {match.group('time')}")
            if clock:
                draft.when = dates_.LooseDate(draft.when.month, draft.when.day, draft.when.year,
                                              clock.hour, clock.minute)
        return True
    if is_sentence(text):
        return False  # "Posted in the town hall were notices…" is the author's sentence
    match = POSTED_IN.match(text)
    if match and len(text) < 400:
        draft.categories += split_list(match.group("cats"))
        draft.tags += split_list(match.group("tags") or "")
        return True
    match = CATEGORIES_LINE.match(text)
    if match and len(text) < 400:
        draft.categories += split_list(match.group("cats"))
        return True
    match = TAGS_LINE.match(text)
    if match and len(text) < 400 and text.lower().startswith(("tags", "tagged")):
        draft.tags += split_list(match.group("tags"))
        return True
    return _PERMALINK.match(text) is not None


def split_list(value: str) -> list[str]:
    value = re.sub(r"\.\s*bookmark\s+the\s+permalink.*$", "", value, flags=re.I)
    # WordPress and Blogger separate terms with commas only: "Finance and governance" is one category
    parts = re.split(r"\s*[,|·•]\s*", value.strip().rstrip("."))
    terms = [part.strip(" .\"'‘’“”") for part in parts]
    return [term for term in terms if term and not CHROME.match(term) and not re.match(r"^edit$", term, re.I)]


def unique(values) -> list[str]:
    seen: list[str] = []
    lowered: set[str] = set()
    for value in values:
        if value and value.casefold() not in lowered:
            lowered.add(value.casefold())
            seen.append(value)
    return seen


def split_untitled(blocks: list[Block], anchor: Anchor, stop: int, extras: list[Draft]) -> int:
    """On an archive page, a paragraph after two blank lines that follows a post's body, with no
    title or date of its own, is a post of its own (an untitled "aside"): keep it apart rather
    than glue it to the post above."""
    seen_body = False
    for index in range(anchor.body_start, stop):
        block = blocks[index]
        if seen_body and block.blank_before >= 2 and is_paragraph(block) and block.indent == 0:
            body = [p for b in blocks[index:stop] if not b.structural for p in body_paragraphs(b)]
            extras.append(Draft(title="", when=None, body=body))
            return index
        if is_paragraph(block):
            seen_body = True
    return stop
