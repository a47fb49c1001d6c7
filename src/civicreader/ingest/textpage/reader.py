"""Plain-text scrapes of WordPress and Blogger pages: find every post, its metadata and its thread.

A page is read in three passes:

1. lines are grouped into blocks (runs of non-blank lines); a line with a structural meaning
   (a date, a comment start, a chrome line) is a block of its own;
2. post starts ("anchors") are found: a title followed by a date ("24 Dec"), a Blogger date
   header followed by a title, a title followed by "Posted on ... by ...", or, on a page with
   no dates at all, the last short line before the first paragraph;
3. each post's blocks are walked in order: body, then footer (metadata, sharing, navigation),
   then comments, then the reply form and site chrome, which end the post.

Years missing from dates are not guessed here: the page's evidence goes into a `DateClue`
for `dedupe`, which weighs it against the other pages the post appears on. A comment dated
without a year takes its year from its post (marked `date_inferred`): here when the page dates
the post, else in `dedupe` once the post's year is settled (`DateClue.yearless_comments`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from pathlib import Path

from civicreader.ingest import DateClue, IngestError, Page, Source, YearlessDay, date_comments
from civicreader.ingest import dates as dates_
from civicreader.ingest.decode import decode, looks_binary
from civicreader.ingest.textpage.ending import form_start, trim_head, trim_tail
from civicreader.ingest.textpage.heading import PROSE_WORDS, Heading, find_heading
from civicreader.ingest.textpage.thread import find_thread
from civicreader.model import Comment, Post, post_id
from civicreader.textsafe import strip_controls

FORMAT = "text"

MAX_LINE_CHARS = 100_000
"""A 'line' longer than this is not from a scraped blog page (pages wrap paragraphs far sooner)."""
MAX_TITLE_CHARS = 200
SUPPORTED = 2.0
"""A dated anchor's title with at least this heading score is kept over the heading's own choice."""
TEXT_SUFFIXES = {".txt", ".text", ""}


def sniff(head: bytes, path: Path) -> bool:
    return not looks_binary(head)


# --- what lines mean -------------------------------------------------------------------------

def _ci(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


ARCHIVE_HEADERS = [
    # "Archive | July, 2010", "Monthly Archives: July 2010", "Archive for July, 2010"
    _ci(rf"^(?:monthly\s+)?archives?\s*(?:\||:|for|–|-)\s*{dates_.MONTH},?\s+{dates_.YEAR}\s*$"),
    # "Archive | Local democracy RSS feed for this section", "Category Archives: Localism"
    _ci(r"^archives?\s*\|\s*(?P<category>.+?)\s*(?:RSS feed for this section)?\s*$"),
    _ci(r"^category\s+archives?\s*:\s*(?P<category>.+?)\s*$"),
    _ci(r"^archive\s+for\s+the\s+[‘'\"“](?P<category>.+?)[’'\"”]\s+category\s*$"),
    _ci(r"^(?:tag\s+archives?\s*:|posts\s+tagged\s*)\s*[‘'\"“]?(?P<tag>.+?)[’'\"”]?\s*$"),
]
YEAR_ARCHIVE = _ci(rf"^(?:yearly\s+)?archives?\s*(?:\||:|for)\s*{dates_.YEAR}\s*$")

COMMENT_HEADER = _ci(
    r"^(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|no)\s+"
    r"(?:responses?|repl(?:y|ies)|comments?|thoughts?|trackbacks?)"
    r"(?:\s+(?:to|on|for)\s+.+|\s*:|\s*»)?\s*$"
)
COMMENT_HEADER_TITLE = _ci(r"^\S+\s+\S+\s+(?:to|on|for)\s+[“\"'‘](?P<title>.+)[”\"'’]\s*$")
BARE_COMMENT_HEADER = _ci(r"^(?:comments?|responses?|discussion)(?:\s*\(\d+\))?\s*:?$")

POSTED_ON = _ci(r"^(?:posted|published|written)\s+on\s+(?P<when>.+?)(?:\s+by\s+(?P<author>.+))?$")
POSTED_BY_ON = _ci(r"^(?:posted|written|published)\s+by\s+(?P<author>.+?)\s+on\s+(?P<when>.+?)$")
BY_ON = _ci(r"^by\s+(?P<author>.{1,60}?)\s+(?:on\s+)?(?P<when>.+?)$")
BLOGGER_POSTED_BY = _ci(
    r"^posted\s+by\s+(?P<author>.+?)(?:\s+at\s+(?P<time>\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?))?"
    r"(?:\s+(?:\d+|no)\s+comments?:?|\s+links\s+to\s+this\s+post)*\s*$"
)
WRITTEN_BY = _ci(r"^(?:written|posted)\s+by\s*:?\s*(?P<author>.{1,80})$")

ENTRY_POSTED_IN = _ci(
    r"^this\s+entry\s+was\s+posted\s+in\s+(?P<cats>.*?)"
    r"(?:\s+and\s+tagged\s+(?P<tags>.*?))?(?:\s+on\s+.*?)?(?:\.\s*bookmark\s+the\s+permalink.*)?\.?\s*$"
)
POSTED_IN = _ci(
    r"^(?:posted|filed)\s+(?:in|under)\s*:?\s*(?P<cats>.+?)(?:\s*[|,]\s*(?:tagged|tags)\s*:?\s*(?P<tags>.+))?$"
)
CATEGORIES_LINE = _ci(r"^(?:categories|category|labels?|topics?)\s*:\s*(?P<cats>.*)$")
TAGS_LINE = _ci(r"^(?:tags?|tagged(?:\s+with)?|keywords)\s*:?\s+(?P<tags>.*)$")

# "Continue reading" and friends, alone on a line or ending the last paragraph of a teaser
INLINE_CONTINUE = re.compile(  # case matters: "you can read more" in a sentence is not a link
    r"^(?P<text>.*\S)\s*(?:\[?(?:…|\.\.\.)\]?\s*)?(?:Continue reading(?:\s*→|\s*»|…|\.\.\.)?|Read more\s*»"
    r"|Read the rest of this (?:entry|post)\s*»?|\(more…\)|\(more\.\.\.\))$"
)
CONTINUE = _ci(
    r"^(?P<text>.*?)\s*(?:\[?(?:…|\.\.\.)\]?\s*)?(?:continue\s+reading(?:\s+→|\s*»|\s*\.\.\.)?|read\s+more\s*»?"
    r"|\(more…\)|\(more\.\.\.\))\s*$"
)
CONTINUE = _ci(
    r"^(?:\[?(?:…|\.\.\.)\]?\s*)?(?:continue\s+reading|read\s+more|read\s+the\s+rest(?:\s+of\s+this\s+(?:entry|post))?"
    r"|\(more…\)|\(more\.\.\.\)|more\s+»)\b.*$"
)
NAVIGATION = _ci(
    r"^(?:←|«|<|‹)\s*.+$|^.+\s*(?:→|»|>|›)$|^(?:newer|older|previous|next)\s+(?:posts?|entries|entry|article)"
    r"(?:\s+(?:newer|older|previous|next)\s+posts?)*(?:\s+home)?\s*$|^(?:newer\s+post\s+)?older\s+post(?:\s+home)?$"
    r"|^newer\s+post(?:\s+home)?$|^post\s+navigation$|^home$"
)

# Lines that end the post: the reply form and the site's footer. Everything after them is chrome.
END_OF_CONTENT = [
    _ci(r"^leave\s+a\s+reply(?:\s+cancel\s+reply)?$"),
    _ci(r"^post\s+a\s+comment$"),
    _ci(r"^leave\s+a\s+comment\s*(?:cancel\s+reply)?$"),
    _ci(r"^fill\s+in\s+your\s+details\s+below"),
    _ci(r"^you\s+are\s+commenting\s+using"),
    _ci(r"^your\s+email\s+address\s+will\s+not\s+be\s+published"),
    _ci(r"^you\s+may\s+use\s+these\s+html\s+tags"),
    _ci(r"^connecting\s+to\s+%s$"),
    _ci(r"^%d\s+bloggers\s+like\s+this"),
    _ci(r"^subscribe\s+to\s*:\s*post\s+comments"),
    _ci(r"^(?:blog\s+at\s+wordpress\.com|powered\s+by\s+(?:wordpress|blogger)|proudly\s+powered\s+by)"),
    _ci(r"^(?:theme|design)\s*:\s*.+(?:by\s+.+)?$"),
    _ci(r"^create\s+a\s+free\s+website\s+or\s+blog"),
    _ci(r"^(?:copyright\s+)?©.*$"),
    _ci(r"^notify\s+me\s+of\s+(?:new|follow-up)\s+"),
    # Disqus's "Also on <site>" is a short heading; "Also on Tuesday the council voted…" is a sentence
    _ci(r"^(?:also\s+on\s+[^.!?…,;:]{1,60}|add\s+disqus\s+to\s+your\s+site|powered\s+by\s+disqus)$"),
]
_ENDS_CONTENT = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in END_OF_CONTENT), re.I)
MAX_CHROME_CHARS = 160
"""Chrome lines are short: a paragraph longer than this is the author's whatever its first words."""


def ends_content(text: str) -> bool:
    """A reply form's or a footer's line: its whole shape, never a long paragraph's first words."""
    return len(text) <= MAX_CHROME_CHARS and _ENDS_CONTENT.match(text) is not None
# Sidebar and related-posts headings: what follows them is not the post.
SIDEBAR = _ci(
    r"^(?:recent\s+posts|recent\s+comments|archives|categories|blogroll|meta|tags|tag\s+cloud|pages|links|"
    r"search(?:\s+this\s+(?:site|blog))?|follow(?:\s+blog\s+via\s+email|\s+us)?|subscribe(?:\s+by\s+email)?|"
    r"top\s+posts(?:\s+&\s+pages)?|popular\s+posts|blog\s+archive|about\s+me|about\s+this\s+blog|"
    r"related(?:\s+posts|\s+articles)?|you\s+might\s+also\s+like|more\s+from\s+this\s+blog|"
    r"email\s+subscription|enter\s+your\s+email\s+address.*|rss\s+feed|rss|contributors|followers|"
    r"calendar|twitter\s+updates|my\s+tweets|recent\s+tweets)\s*:?$"
)
# Lines that are chrome wherever they stand (share buttons, likes, "Reply" links...).
CHROME = _ci(
    r"^(?:share\s+this:?|share(?:\s+on)?:?|like\s+this:?|like|loading\.\.\.|like\s+loading\.\.\.|"
    r"be\s+the\s+first\s+to\s+like\s+this\.?|\d+\s+bloggers?\s+like\s+this\.?|reply|reply\s*↓|delete|edit|"
    r"report(?:\s+comment)?|permalink|log\s+in\s+to\s+reply|replies|"
    r"twitter|facebook|linkedin|reddit|email|print|more|google|google\+|tumblr|pinterest|pocket|"
    r"press\s+this|stumbleupon|digg|skip\s+to\s+(?:content|main\s+content|navigation)|menu|search(?:\s+for)?:?|"
    r"your\s+comment\s+is\s+awaiting\s+moderation\.?|leave\s+a\s+comment|\d+\s+comments?|no\s+comments|"
    r"comments?\s+\(\d+\)|comments?\s+off|comments\s+are\s+closed\.?|"
    r"email\s+this|blogthis!|share\s+to\s+(?:twitter|facebook|pinterest)|"
    r"(?:google\+|twitter|facebook)\s+(?:photo|picture)|wordpress\.com\s+logo|logo|"
    r"(?:click\s+to\s+share\s+on\s+\w+|click\s+to\s+email\s+this\s+to\s+a\s+friend|click\s+to\s+print)"
    r"(?:\s+\(opens\s+in\s+new\s+window\))?|"
    r"links\s+to\s+this\s+post|create\s+a\s+link|\d+\s+comments?\s*»?|posted\s+in\s+uncategorized|"
    r"reply\s*•\s*share\s*›?|login|log\s+in|sort\s+by\s+(?:best|newest|oldest)|join\s+the\s+discussion…?|"
    r"subscribe|privacy|share\s*›)$"
)
SHARE_WORDS = (
    r"(?:email\s+this|blogthis!|share\s+(?:to|on)\s+(?:twitter|facebook|pinterest|linkedin|reddit|tumblr)"
    r"|twitter|facebook|google\+|pinterest|linkedin|reddit|tumblr|email|print)"
)
SHARE_LINE = _ci(rf"^(?:{SHARE_WORDS}\s*)+$")
ARCHIVE_COUNT = _ci(rf"^{dates_.MONTH}\s+{dates_.YEAR}\s*\(\d+\)$|^.{{1,60}}\s\(\d+\)$")

COMMENT_SAYS = _ci(r"^(?P<marker>\d+\.|•|·|\*|-)?\s*(?P<author>.{1,100}?)\s+says\s*:\s*(?P<rest>.*)$")
COMMENT_SAID = _ci(r"^(?P<marker>•|·|\*|-)?\s*(?P<author>.{1,100}?)\s+said(?:\.\.\.|…|:)\s*$")
DISQUS_START = re.compile(r"^(?P<author>[^•→]{1,80}?)(?:\s+→\s+[^•]{1,80}?)?\s+•\s+(?P<when>[^•]{3,40})$")
RELATIVE_AT_END = re.compile(
    r"^(?P<author>.{1,100}?)\s+(?:about\s+)?(?:an?|\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?:second|minute|hour|day|week|month|year)s?\s+ago$",
    re.I,
)
COMMENT_MARKER = re.compile(r"^(?P<marker>\d+\.|[•·◦▪▫‣○●■□*–-])\s+(?P<rest>.+)$")

# A glued image caption: "Volunteers at the depotThe new rota...". Only split before words that
# commonly open a sentence, so names like "McKinroy" and brands like "WordPress" stay whole.
SENTENCE_OPENERS = (
    "The", "A", "An", "And", "As", "At", "But", "By", "For", "From", "He", "Her", "His", "How", "I", "If",
    "In", "It", "Its", "Last", "Many", "More", "Most", "My", "No", "Not", "Now", "Of", "On", "One", "Our",
    "Over", "She", "So", "Some", "That", "The", "Their", "There", "These", "They", "This", "Those", "Too",
    "Two", "We", "What", "When", "Where", "While", "Who", "Why", "With", "Yet", "You", "Your", "Before",
    "After", "During", "Since", "Every", "Each", "Today", "Yesterday", "Next", "Then", "Here", "Although",
    "Despite", "Under", "Around", "Almost", "All", "Once", "Three", "Four", "Five", "Ten", "Just", "Only",
    "Even", "Still", "Recently", "Earlier", "Later", "Thanks", "Everyone", "People", "Residents",
)
GLUED_CAPTION = re.compile(
    r"^(?P<caption>[^.!?]{3,100}?[a-z0-9)\]])(?P<rest>(?:" + "|".join(SENTENCE_OPENERS) + r")\s.+)$", re.S
)


@dataclass
class Block:
    lines: list[str]
    lineno: int
    indent: int
    blank_before: int
    structural: bool = False
    """Its first line has a structural meaning (a date, a comment start, chrome): worked out once."""

    @cached_property
    def text(self) -> str:
        """The block's words, white space folded (a block's lines never change once it is made)."""
        return " ".join(" ".join(line.split()) for line in self.lines)

    @property
    def single(self) -> bool:
        return len(self.lines) == 1


@dataclass
class Anchor:
    start: int
    """Index of the first block of the post (its title or date header)."""
    body_start: int
    title: str
    when: dates_.LooseDate | None = None
    authors: list[str] = field(default_factory=list)
    date_note: str = ""


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


# --- pass 1: blocks ----------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _is_structural(line: str) -> bool:
    text = " ".join(line.split())
    if not text:
        return False
    return bool(
        dates_.parse_any(text)
        or dates_.is_relative(text)
        or _says_start(text)
        or COMMENT_SAID.match(text)
        or CHROME.match(text)
        or ends_content(text)
        or COMMENT_HEADER.match(text)
        or _comment_start_with_date(text)
        or POSTED_ON.match(text)
        or BLOGGER_POSTED_BY.match(text)
        or ENTRY_POSTED_IN.match(text)
        or (CATEGORIES_LINE.match(text) and not _sentence(text))
        or (CONTINUE.match(text) and not _sentence(text))
    )


def _is_list_item(line: str) -> bool:
    return bool(re.match(r"^\s*(?:[•·▪▫◦‣●○■□–*-]|\d{1,3}[.)])\s+\S", line))


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
        structural = _is_structural(line)
        # A structural line, a list item or a change of indentation starts a block of its own.
        if current and (
            structural
            or last_structural
            or _is_list_item(line)
            or _is_list_item(current[-1])
            or (_indent(line) != _indent(current[0]) and min(_indent(line), _indent(current[0])) < 4)
        ):
            flush()
            pending_blank = 0
        if not current:
            start, opens_structural = number, structural
        current.append(line)
        last_structural = structural
    flush()
    return blocks


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


# --- helpers ---------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _comment_start_with_date(text: str) -> tuple[str, dates_.LooseDate | None, str] | None:
    """A comment's first line, with its date: (author, date or None, the relative wording when the
    page gives no day: "3 weeks ago").

    "1. Joe Taylor December 28, 2010 at 3:04 pm #", "• sue 3 weeks ago #",
    "Ruth Okafor → Sue Lister • 3 weeks ago" (Disqus).
    """
    match = DISQUS_START.match(text) if "•" in text else None
    if match and (dates_.parse_any(match.group("when")) or dates_.is_relative(match.group("when"))):
        when = dates_.parse_any(match.group("when"))
        return _clean_author(match.group("author")), when, "" if when else match.group("when").strip()
    marker = ""
    match = COMMENT_MARKER.match(text)
    rest = text
    if match:
        marker, rest = match.group("marker"), match.group("rest")
    permalink = text.rstrip().endswith("#")
    ending = rest.rstrip(" #")
    # The pattern backtracks over a long line; only a line ending in "ago" can match it.
    relative = RELATIVE_AT_END.match(ending) if ending[-3:].lower() == "ago" else None
    if relative and (marker or permalink):
        author = _clean_author(relative.group("author"))
        return (author, None, ending[relative.end("author"):].strip()) if author else None
    found = dates_.find_date_at_end(rest)
    if not found:
        return None
    author, when = found
    if not permalink and not marker and (when.hour is None or len(author.split()) > 5):
        return None  # without the permalink "#" or a list marker a name-and-date line is too ambiguous
    author = _clean_author(author)
    return (author, when, "") if author else None


def _says_start(text: str) -> re.Match | None:
    """ "Name says:" alone or followed by its date; "Inside it says: thank you." is prose."""
    match = COMMENT_SAYS.match(text)
    if not match:
        return None
    rest = match.group("rest").strip()
    return match if not rest or dates_.parse_any(rest) or dates_.is_relative(rest) else None


def _clean_author(author: str) -> str:
    author = re.sub(r"\s+(?:on|said|says)$", "", author.strip(" -–|,:"), flags=re.I)
    return "" if len(author) > 100 or len(author.split()) > 8 else author


def _is_title_candidate(block: Block) -> bool:
    text = block.text
    return (
        block.single
        and 0 < len(text) <= MAX_TITLE_CHARS
        and not block.structural
        and not SIDEBAR.match(text)
        and not NAVIGATION.match(text)
        and not _is_list_item(block.lines[0])
        and not text.endswith((":", ","))
    )


def _is_paragraph(block: Block) -> bool:
    text = block.text
    return len(text) > MAX_TITLE_CHARS or (len(text) > 60 and text.endswith((".", "!", "?", "”", '"')))


def _split_list(value: str) -> list[str]:
    value = re.sub(r"\.\s*bookmark\s+the\s+permalink.*$", "", value, flags=re.I)
    # WordPress and Blogger separate terms with commas only: "Finance and governance" is one category
    parts = re.split(r"\s*[,|·]\s*", value.strip().rstrip("."))
    terms = [part.strip(" .\"'‘’“”") for part in parts]
    return [term for term in terms if term and not CHROME.match(term) and not re.match(r"^edit$", term, re.I)]


def _unique(values) -> list[str]:
    seen: list[str] = []
    lowered: set[str] = set()
    for value in values:
        if value and value.casefold() not in lowered:
            lowered.add(value.casefold())
            seen.append(value)
    return seen


def _split_caption(paragraph: str) -> list[str]:
    match = GLUED_CAPTION.match(paragraph)
    if match and len(match.group("caption").split()) >= 2:
        return [match.group("caption").strip(), match.group("rest").strip()]
    return [paragraph]


def _body_paragraphs(block: Block) -> list[str]:
    """A block's paragraphs: list items and hard-wrapped code keep their lines; prose is joined."""
    lines = [line for line in block.lines if line.strip()]
    if any(_is_list_item(line) for line in lines) and all(_is_list_item(line) for line in lines):
        return [" ".join(line.split()) for line in lines]
    if block.indent >= 4 and len(lines) > 1:
        width = min(_indent(line) for line in lines)
        return ["\n".join(line[width:] for line in lines)]
    text = block.text
    return _split_caption(text) if text else []


# --- pass 2: anchors ---------------------------------------------------------------------------

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
            prev_ok = index > 0 and (index - 1) not in taken and _is_title_candidate(blocks[index - 1])
            next_ok = index + 1 < end and _is_title_candidate(blocks[index + 1])
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
        if index > 0 and (index - 1) not in taken and _is_title_candidate(blocks[index - 1]):
            return Anchor(index - 1, index + 1, blocks[index - 1].text, when, [author] if author else [],
                          "from the page")
    return None


def _dateless_anchor(blocks: list[Block], end: int) -> Anchor | None:
    """A page with no dated post: the title is the last short line before the first paragraph."""
    title_at = None
    for index in range(end):
        block = blocks[index]
        if _is_paragraph(block):
            break
        if _is_title_candidate(block) and not ARCHIVE_COUNT.match(block.text):
            title_at = index
    if title_at is None:
        return None
    return Anchor(title_at, title_at + 1, blocks[title_at].text, None, date_note="no date on the page")


# --- pass 3: each post -------------------------------------------------------------------------

def _content_end(blocks: list[Block]) -> int:
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
    for block in blocks[anchor.body_start : stop]:
        text = block.text
        if state == "comments":
            comment_blocks.append(block)
            continue
        if _harvest_meta(draft, text):
            state = "footer"
            continue
        if CONTINUE.match(text) and not _sentence(text):
            draft.excerpt = True
            state = "footer"
            continue
        is_header = COMMENT_HEADER.match(text) or BARE_COMMENT_HEADER.match(text)
        # on archive pages "3 Comments" is a link under each post, not the start of a thread
        if is_header and not (page_kind_archive and re.match(r"^(?:\d+|no)\s+comments?$", text, re.I)):
            state = "comments"
            continue
        if CHROME.match(text) or SHARE_LINE.match(text):
            if state == "body" and re.match(r"^(?:share\s+this|like\s+this|share)", text, re.I):
                state = "footer"
            continue
        if _comment_start_with_date(text) or _says_start(text) or COMMENT_SAID.match(text):
            state = "comments"
            comment_blocks.append(block)
            continue
        if SIDEBAR.match(text):
            state = "sidebar"
            continue
        if NAVIGATION.match(text) and block.single and len(text) <= MAX_TITLE_CHARS:
            state = "footer" if state == "body" else state
            continue
        if state == "body":
            paragraphs = _body_paragraphs(block)
            teaser = INLINE_CONTINUE.match(paragraphs[-1]) if paragraphs else None
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


def _sentence(text: str) -> bool:
    """A sentence of prose, whatever its first words: a label, a tag row or a "Read more" link is short
    or ends in no full stop."""
    return len(text.split()) > 8 and re.search(r"(?<!\.)[.!?][\"”’')]*$", text) is not None


def _harvest_meta(draft: Draft, text: str) -> bool:
    match = ENTRY_POSTED_IN.match(text)
    if match:
        draft.categories += _split_list(match.group("cats") or "")
        draft.tags += _split_list(match.group("tags") or "")
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
    if _sentence(text):
        return False  # "Posted in the town hall were notices…" is the author's sentence
    match = POSTED_IN.match(text)
    if match and len(text) < 400:
        draft.categories += _split_list(match.group("cats"))
        draft.tags += _split_list(match.group("tags") or "")
        return True
    match = CATEGORIES_LINE.match(text)
    if match and len(text) < 400:
        draft.categories += _split_list(match.group("cats"))
        return True
    match = TAGS_LINE.match(text)
    if match and len(text) < 400 and text.lower().startswith(("tags", "tagged")):
        draft.tags += _split_list(match.group("tags"))
        return True
    return bool(re.match(r"^bookmark\s+the\s+permalink\.?$", text, re.I))


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
        self.when = _comment_datetime(when, draft) if when else None
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
    with_date = _comment_start_with_date(text)
    if with_date:
        return *with_date, False
    match = _says_start(text)
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
    if all(_is_list_item(line) for line in lines):
        return [" ".join(line.split()) for line in lines]
    return [block.text]


def _comment_datetime(when: dates_.LooseDate, draft: Draft) -> datetime | None:
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


# --- the page ----------------------------------------------------------------------------------

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
    blocks = split_blocks(text)
    header = read_header(blocks)
    if header.index is not None:
        blocks = blocks[header.index + 1 :]
    end = _content_end(blocks)
    anchors = find_anchors(blocks, end)
    thread = None
    thread_at = len(blocks)
    if header.index is None:
        thread = find_thread(text.split("\n"))
        if thread:
            thread_at = next((i for i, block in enumerate(blocks) if block.lineno - 1 >= thread.start), len(blocks))
            # names and dates inside the thread are comments, not posts
            anchors = [anchor for anchor in anchors if anchor.start < thread_at]
            end = min(end, thread_at)
    doubt = ""
    text_lines = text.split("\n")
    # a page with a comment thread is one post: dated lines in its text are not other posts
    if header.index is None and (len(anchors) <= 1 or thread):
        lines = text_lines
        heading = find_heading(lines, thread.start if thread else len(lines))
        chosen = _anchor_from_heading(blocks, lines, heading, anchors[0] if anchors else None)
        if chosen:
            anchors = [chosen]
            if not (heading and heading.strong):
                doubt = "read with low confidence: the title is the page's best guess"
        else:
            anchors = anchors[:1]
            if not (anchors and anchors[0].when):
                doubt = "read with low confidence: no title the page itself supports"
    if not anchors:
        dateless = _dateless_anchor(blocks, end)
        anchors = [dateless] if dateless else []
    archive = header.index is not None or len(anchors) > 1

    posts: list[Post] = []
    clues: list[DateClue | None] = []
    for number, anchor in enumerate(anchors):
        last = number + 1 == len(anchors)
        stop = min(len(blocks) if last else anchors[number + 1].start, end if not thread else len(blocks))
        asides: list[Draft] = []
        if archive:
            stop = _split_untitled(blocks, anchor, stop, asides)
        if not archive:
            stop = min(stop, _form_at(blocks, text_lines, anchor, thread))
        draft = read_post(blocks, anchor, min(stop, len(blocks)), archive)
        if thread and last and thread.size >= _count(draft.comments):
            draft = read_post(blocks, anchor, min(stop, thread_at), archive)
            draft.comments = thread.read(lambda when, draft=draft: _comment_datetime(when, draft))
            draft.comment_dates = [c.date for c in _walk(draft.comments) if c.date]
            draft.yearless_comments = thread.yearless_days(draft.comments)
        draft.doubt = doubt
        if not archive and (thread or doubt or anchor is not anchors[0] or _form_at(blocks, text_lines, anchor, thread)
                            < len(blocks)):
            # only where the page shows chrome after the text (a thread or a form): a short last line
            # of a plain page is the author's
            draft.body = trim_head(trim_tail(draft.body))
        for found in [draft, *asides]:
            if found.title or found.body:
                post, clue = finish(found, blog, source, header)
                posts.append(post)
                clues.append(clue)
    if not posts:
        raise IngestError("no blog post found on this page")
    return Page(path=source, posts=tuple(posts), clues=tuple(clues), ordered=archive, archive_year=header.year)


def _anchor_from_heading(blocks: list[Block], lines: list[str], heading: Heading | None,
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
    start = _block_at(blocks, heading.title_line)
    body_start = _block_at(blocks, heading.head_end + 1)
    if start is None or body_start is None:
        return None
    return Anchor(start, body_start, heading.title, heading.when, date_note="from the page")


def _form_at(blocks: list[Block], lines: list[str], anchor: Anchor, thread) -> int:
    """Index of the block where a comment form begins after the post's start (or past the end)."""
    start = blocks[anchor.start].lineno - 1 if anchor.start < len(blocks) else 0
    found = form_start(lines, start, thread.start if thread else len(lines))
    at = _block_at(blocks, found) if found is not None else None
    return len(blocks) if at is None else at


def _block_at(blocks: list[Block], line: int) -> int | None:
    """Index of the first block that starts on or after `line` (0-based)."""
    return next((index for index, block in enumerate(blocks) if block.lineno - 1 >= line), None)


def _walk(comments):
    for comment in comments:
        for _, node in comment.walk():
            yield node


def _count(comments) -> int:
    return sum(1 for _ in _walk(comments))


def _split_untitled(blocks: list[Block], anchor: Anchor, stop: int, extras: list[Draft]) -> int:
    """On an archive page, a paragraph after two blank lines that follows a post's body, with no
    title or date of its own, is a post of its own (an untitled "aside"): keep it apart rather
    than glue it to the post above."""
    seen_body = False
    for index in range(anchor.body_start, stop):
        block = blocks[index]
        if seen_body and block.blank_before >= 2 and _is_paragraph(block) and block.indent == 0:
            body = [p for b in blocks[index:stop] if not b.structural for p in _body_paragraphs(b)]
            extras.append(Draft(title="", when=None, body=body))
            return index
        if _is_paragraph(block):
            seen_body = True
    return stop


def finish(draft: Draft, blog: str, source: str, header: PageHeader) -> tuple[Post, DateClue | None]:
    when = draft.when
    categories = _unique(header.categories + draft.categories)
    tags = _unique(header.tags + draft.tags)
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
        authors=tuple(_unique(draft.authors)),
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
