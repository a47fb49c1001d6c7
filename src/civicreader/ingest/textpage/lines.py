"""What a line of a scraped page means in the theme families the reader knows (WordPress, Blogger,
Disqus): archive headers, bylines, meta rows, navigation, chrome, the reply form, comment headers.

These are evidence among others: `thread` and `heading` find the same things from the page's own
repeating shape, in any language.
"""

from __future__ import annotations

import re
from functools import lru_cache

from civicreader.ingest import dates as dates_

MAX_TITLE_CHARS = 200


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
BARE_COMMENT_HEADER = _ci(r"^(?:comments?|responses?|discussion)(?:\s*\(\d+\))?\s*:?$")

POSTED_ON = _ci(r"^(?:posted|published|written)\s+on\s+(?P<when>.+?)(?:\s+by\s+(?P<author>.+))?$")
POSTED_BY_ON = _ci(r"^(?:posted|written|published)\s+by\s+(?P<author>.+?)\s+on\s+(?P<when>.+?)$")
BY_ON = _ci(r"^by\s+(?P<author>.{1,60}?)\s+(?:on\s+)?(?P<when>.+?)$")
BLOGGER_POSTED_BY = _ci(
    r"^posted\s+by\s+(?P<author>.+?)(?:\s+at\s+(?P<time>\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?))?"
    r"(?:\s+(?:\d+|no)\s+comments?:?|\s+links\s+to\s+this\s+post)*\s*$"
)

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

_CONTINUE_ENDINGS = ("reading", "→", "»", "…", "...", "entry", "post", ")")
"""Every way INLINE_CONTINUE can end, white space after it aside."""


def inline_continue(paragraph: str) -> re.Match | None:
    """INLINE_CONTINUE's match. Only a paragraph with one of its endings is tried: the pattern walks back
    through the whole paragraph, and almost no paragraph ends in a link."""
    return INLINE_CONTINUE.match(paragraph) if paragraph.rstrip().endswith(_CONTINUE_ENDINGS) else None


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

_CAPTION_GLUE = re.compile(r"[a-z0-9)\]][A-Z]")
"""Where GLUED_CAPTION's caption meets its sentence: a caption's last character, an opener's capital."""


def glued_caption(paragraph: str) -> re.Match | None:
    """GLUED_CAPTION's match. The caption's last character stands at 3 to 100, so a paragraph with no
    lower case letter there before a capital is not tried: most prose has none, and the pattern
    tries every opener at every place of its first hundred characters."""
    if _CAPTION_GLUE.search(paragraph, 3, 102) is None:
        return None
    return GLUED_CAPTION.match(paragraph)


_LIST_ITEM = re.compile(r"^\s*(?:[•·▪▫◦‣●○■□–*-]|\d{1,3}[.)])\s+\S")


def is_list_item(line: str) -> bool:
    return _LIST_ITEM.match(line) is not None


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_SENTENCE_END = re.compile(r"(?<!\.)[.!?][\"”’')]*$")
_CLOSERS = "\"”’')\n"


def is_sentence(text: str) -> bool:
    """A sentence of prose, whatever its first words: a label, a tag row or a "Read more" link is short
    or ends in no full stop."""
    if len(text.split()) <= 8:
        return False
    # The stop can only be the last character before the closing quotes: the search starts there, not
    # at every character of the paragraph.
    return _SENTENCE_END.search(text, max(0, len(text.rstrip(_CLOSERS)) - 1)) is not None


@lru_cache(maxsize=4096)
def comment_start_with_date(text: str) -> tuple[str, dates_.LooseDate | None, str] | None:
    """A comment's first line, with its date: (author, date or None, the relative wording when the
    page gives no day: "3 weeks ago").

    "1. Joe Taylor December 28, 2010 at 3:04 pm #", "• sue 3 weeks ago #",
    "Ruth Okafor → Sue Lister • 3 weeks ago" (Disqus).
    """
    match = DISQUS_START.match(text) if "•" in text else None
    if match and (dates_.parse_any(match.group("when")) or dates_.is_relative(match.group("when"))):
        when = dates_.parse_any(match.group("when"))
        return clean_author(match.group("author")), when, "" if when else match.group("when").strip()
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
        author = clean_author(relative.group("author"))
        return (author, None, ending[relative.end("author"):].strip()) if author else None
    found = dates_.find_date_at_end(rest)
    if not found:
        return None
    author, when = found
    author = author.strip(NAME_SEPARATORS)  # "Rarst · March 10, 2017 at 1:26 AM"
    if not permalink and not marker and (when.hour is None or len(author.split()) > 5):
        return None  # without the permalink "#" or a list marker a name-and-date line is too ambiguous
    author = clean_author(author)
    return (author, when, "") if author else None


def says_start(text: str) -> re.Match | None:
    """ "Name says:" alone or followed by its date; "Inside it says: thank you." is prose."""
    match = COMMENT_SAYS.match(text)
    if not match:
        return None
    rest = match.group("rest").strip()
    return match if not rest or dates_.parse_any(rest) or dates_.is_relative(rest) else None


NAME_SEPARATORS = " -–|,:·•"
"""Between a commenter's name and the date beside it."""


def clean_author(author: str) -> str:
    author = re.sub(r"\s+(?:on|said|says)$", "", author.strip(NAME_SEPARATORS), flags=re.I)
    return "" if len(author) > 100 or len(author.split()) > 8 else author
