"""Plain-text copies of blog pages: find every post, its metadata and its thread.

A page is read in three passes:

1. lines are grouped into blocks (runs of non-blank lines); a line with a structural meaning
   (a date, a comment start, a chrome line) is a block of its own (`blocks`);
2. post starts ("anchors") are found: a title followed by a date ("24 Dec"), a Blogger date
   header followed by a title, a title followed by "Posted on ... by ...", or, on a page with
   no dates at all, the last short line before the first paragraph (`anchors`); on a page of one
   post the page's best-supported heading (`heading`) and its comment thread (`thread`) decide;
3. each post's blocks are walked in order: body, then footer (metadata, sharing, navigation),
   then comments, then the reply form and site chrome, which end the post (`post`, `ending`).

Years missing from dates are not guessed here: the page's evidence goes into a `DateClue`
for `dedupe`, which weighs it against the other pages the post appears on. A comment dated
without a year takes its year from its post (marked `date_inferred`): here when the page dates
the post, else in `dedupe` once the post's year is settled (`DateClue.yearless_comments`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from civicreader.ingest import DateClue, IngestError, Page, Source, date_comments
from civicreader.ingest import dates as dates_
from civicreader.ingest.blog_names import masthead_lines
from civicreader.ingest.decode import decode, looks_binary
from civicreader.ingest.textpage.anchors import (
    Anchor,
    anchor_from_heading,
    dated_after_text,
    dateless_anchor,
    find_anchors,
)
from civicreader.ingest.textpage.blocks import Block, block_at, is_paragraph, split_blocks
from civicreader.ingest.textpage.comments import comment_datetime
from civicreader.ingest.textpage.ending import form_start, has_prose, trim_head, trim_tail
from civicreader.ingest.textpage.heading import find_heading
from civicreader.ingest.textpage.lines import ARCHIVE_HEADERS, YEAR_ARCHIVE
from civicreader.ingest.textpage.post import Draft, content_end, read_post, split_untitled, unique
from civicreader.ingest.textpage.thread import Thread, find_thread
from civicreader.model import Post, post_id
from civicreader.textsafe import strip_controls

FORMAT = "text"

MAX_LINE_CHARS = 100_000
"""A 'line' longer than this is not from a scraped blog page (pages wrap paragraphs far sooner)."""


def sniff(head: bytes, path: Path) -> bool:
    return not looks_binary(head)


@dataclass
class PageHeader:
    year: int | None = None
    month: int | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    index: int | None = None


def read_header(blocks: list[Block]) -> PageHeader:
    for index, block in enumerate(blocks[:8]):
        text = block.text
        match = YEAR_ARCHIVE.match(text)
        if match:
            return PageHeader(year=int(match.group("year")), index=index)
        for pattern in ARCHIVE_HEADERS:
            match = pattern.match(text)
            if not match:
                continue
            groups = match.groupdict()
            if groups.get("year"):
                month = dates_.MONTHS.get(groups["month"].lower().rstrip("."))
                return PageHeader(year=int(groups["year"]), month=month, index=index)
            if groups.get("category"):
                return PageHeader(categories=[groups["category"].strip()], index=index)
            if groups.get("tag"):
                return PageHeader(tags=[groups["tag"].strip()], index=index)
    return PageHeader()


def parse_text(text: str, blog: str, source: str) -> Page:
    """Read one scraped page's text into a Page (no file access: tests and fuzzers call this)."""
    text = strip_controls(text).replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    layout = lay_out(text)
    posts: list[Post] = []
    clues: list[DateClue | None] = []
    for draft in _drafts(layout):
        if draft.title or draft.body:
            post, clue = finish(draft, blog, source, layout.header)
            posts.append(post)
            clues.append(clue)
    if not posts:
        raise IngestError("no blog post found on this page")
    return Page(path=source, posts=tuple(posts), clues=tuple(clues), ordered=layout.archive,
                archive_year=layout.header.year, title_line=_title_line(layout, posts),
                masthead=masthead_lines(layout.lines))


def _title_line(layout: Layout, posts: list[Post]) -> str:
    """A page of one post: its first line, where a saved page keeps its title ("Post title | Site name")."""
    if len(posts) != 1 or layout.archive:
        return ""
    first = next((line for line in layout.lines if line.strip()), "")
    return " ".join(first.split()) if len(first) <= 200 else ""


@dataclass
class Layout:
    """What the first two passes found on a page: its blocks, archive header, post starts and thread."""

    lines: list[str]
    blocks: list[Block]
    header: PageHeader
    anchors: list[Anchor]
    end: int
    """Index of the block where the site's chrome (or the thread) begins."""
    thread: Thread | None = None
    thread_at: int = 0
    doubt: str = ""
    """Why the reading is uncertain, for the post's date note."""

    @property
    def archive(self) -> bool:
        return self.header.index is not None or len(self.anchors) > 1


def lay_out(text: str) -> Layout:
    lines = text.split("\n")
    blocks = split_blocks(text)
    header = read_header(blocks)
    if header.index is not None:
        blocks = blocks[header.index + 1 :]
    end = content_end(blocks)
    anchors = dated_after_text(blocks, find_anchors(blocks, end), end, header.index is not None)
    if header.index is None and _related_after_a_post(blocks, anchors):
        anchors = []  # one post: its heading is found below, as on any page of one post
    layout = Layout(lines, blocks, header, anchors, end, thread_at=len(blocks))
    if header.index is None:
        layout.thread = find_thread(lines)
        if layout.thread:
            at = block_at(blocks, layout.thread.start)
            layout.thread_at = len(blocks) if at is None else at
            # names and dates inside the thread are comments, not posts
            layout.anchors = [anchor for anchor in layout.anchors if anchor.start < layout.thread_at]
            layout.end = min(end, layout.thread_at)
        # a page with a comment thread is one post: dated lines in its text are not other posts
        if len(layout.anchors) <= 1 or layout.thread:
            _choose_one_post(layout)
    if not layout.anchors:
        dateless = dateless_anchor(blocks, layout.end)
        layout.anchors = [dateless] if dateless else []
    return layout


RELATED_MIN_PARAGRAPHS = 5
RELATED_RATIO = 3


def _related_after_a_post(blocks: list[Block], anchors) -> bool:
    """Dated units that follow a long text and are each a fraction of it: a post's related posts (title,
    teaser, date), not an archive page, whose posts are alike in length. Needs units in the middle to compare."""
    if len(anchors) < 3:
        return False
    starts = [anchor.start for anchor in anchors]
    first = sum(1 for block in blocks[: starts[1]] if is_paragraph(block))
    middle = max(sum(1 for block in blocks[start:stop] if is_paragraph(block))
                 for start, stop in pairwise(starts[1:]))
    return first >= RELATED_MIN_PARAGRAPHS and first >= RELATED_RATIO * max(middle, 1)


def _choose_one_post(layout: Layout) -> None:
    """The page's best-supported heading, or the theme rules' first anchor, as its one post."""
    thread = layout.thread
    heading = find_heading(layout.lines, thread.start if thread else len(layout.lines))
    anchors = layout.anchors
    chosen = anchor_from_heading(layout.blocks, layout.lines, heading, anchors[0] if anchors else None)
    if chosen:
        layout.anchors = [chosen]
        if not (heading and heading.strong):
            layout.doubt = "read with low confidence: the title is the page's best guess"
    else:
        layout.anchors = anchors[:1]
        if not (anchors and anchors[0].when):
            layout.doubt = "read with low confidence: no title the page itself supports"


def _drafts(layout: Layout):
    """Each post's draft in page order (an archive's untitled asides after the post they follow)."""
    blocks, anchors, thread = layout.blocks, layout.anchors, layout.thread
    for number, anchor in enumerate(anchors):
        last = number + 1 == len(anchors)
        stop = min(len(blocks) if last else anchors[number + 1].start, layout.end if not thread else len(blocks))
        asides: list[Draft] = []
        if layout.archive:
            stop = split_untitled(blocks, anchor, stop, asides)
        form = len(blocks) if layout.archive else _form_at(blocks, layout.lines, anchor, thread)
        stop = min(stop, form)
        draft = read_post(blocks, anchor, min(stop, len(blocks)), layout.archive)
        if thread and last and thread.size >= _count(draft.comments):
            draft = read_post(blocks, anchor, min(stop, layout.thread_at), layout.archive)
            draft.comments = thread.read(lambda when, draft=draft: comment_datetime(when, draft))
            draft.comment_dates = [c.date for c in _walk(draft.comments) if c.date]
            draft.yearless_comments = thread.yearless_days(draft.comments)
        draft.doubt = layout.doubt
        if anchor.dated_after_text:
            draft.body = trim_tail(draft.body)  # the meta row and the date under the text
        elif not layout.archive and (thread or layout.doubt or anchor is not anchors[0] or form < len(blocks)):
            # only where the page shows chrome after the text (a thread or a form): a short last line
            # of a plain page is the author's
            draft.body = trim_head(trim_tail(draft.body, closed=draft.closed_by_meta))
        if layout.doubt and draft.when is None and not draft.comments and not has_prose(draft.body):
            continue  # no date, no title the page supports, no thread and not one sentence: a listing of links
        yield draft
        yield from asides


def _form_at(blocks: list[Block], lines: list[str], anchor: Anchor, thread) -> int:
    """Index of the block where a comment form begins after the post's start (or past the end)."""
    start = blocks[anchor.start].lineno - 1 if anchor.start < len(blocks) else 0
    found = form_start(lines, start, thread.start if thread else len(lines))
    at = block_at(blocks, found) if found is not None else None
    return len(blocks) if at is None else at


def _walk(comments):
    for comment in comments:
        for _, node in comment.walk():
            yield node


def _count(comments) -> int:
    return sum(1 for _ in _walk(comments))


def finish(draft: Draft, blog: str, source: str, header: PageHeader) -> tuple[Post, DateClue | None]:
    when = draft.when
    categories = unique(header.categories + draft.categories)
    tags = unique(header.tags + draft.tags)
    body = tuple(paragraph for paragraph in draft.body if paragraph)
    comments = tuple(draft.comments)
    note = ""
    inferred = False
    post_date = None
    clue = None
    if when and when.year:
        post_date = when.as_date()
        note = "from the page"
    elif when and header.year and (header.month in (None, when.month)):
        post_date = when.as_date(header.year)
        inferred, note = True, "year from the archive page header"
        if post_date:
            comments = date_comments(comments, draft.yearless_comments, post_date)
    elif when:
        note = f"{when.day} {_MONTH_NAMES[when.month - 1]} on the page; no year found"
        comment_dates = tuple((c.year, c.month, c.day) for c in draft.comment_dates)
        clue = DateClue(
            month=when.month,
            day=when.day,
            comment_dates=comment_dates,
            body_years=tuple(dates_.years_mentioned(" ".join(body))),
            yearless_comments=tuple(draft.yearless_comments),
        )
    else:
        note = "no date on the page"
    if draft.doubt:
        note = f"{note}; {draft.doubt}"
    month = when.month if when else None
    day = when.day if when else None
    post = Post(
        id=post_id(blog, draft.title, month, day, body),
        blog=blog,
        title=draft.title,
        date=post_date,
        body=body,
        date_inferred=inferred,
        date_note=note,
        authors=tuple(unique(draft.authors)),
        categories=tuple(categories),
        tags=tuple(tags),
        excerpt=draft.excerpt,
        comments=comments,
        sources=(source,),
    )
    return post, clue


_MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def read(source: Source) -> Page:
    if b"\n" not in source.data[:MAX_LINE_CHARS * 4] and len(source.data) > MAX_LINE_CHARS:
        raise IngestError(f"one line of {len(source.data):,} bytes: not a blog page")
    text = decode(source.data)
    longest = max((len(line) for line in text.split("\n")), default=0)
    if longest > MAX_LINE_CHARS:
        raise IngestError(f"a line of {longest:,} characters: not a blog page")
    return parse_text(text, source.blog, source.display)
