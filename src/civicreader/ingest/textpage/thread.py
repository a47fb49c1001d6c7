"""A comment thread found from the page's own repeating shape, in any theme and language.

A browser's (or w3m's) copy of a page writes each comment as a list item: a marker ("1.", "•",
"□", "☆") alone or before the commenter's name, a header of a name and a date (on one line or
two, the date maybe glued to a "Reply" word, or after the comment's text), the text, and often
an action line ("Reply", "Antworten", "Svar") that ends every item alike. Replies are list items
indented deeper. Nothing here knows a theme's words: the words that repeat around every name
("says:", "meint", "Submetido por … a") are found by comparing the headers with each other, and
the action line is the line that ends most items.

`find_thread` returns the comments with the line span they take, or None where the page has no
run of such items (menus and recipe steps have no dated headers; a list of related posts has no
text under its headers).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from civicreader.ingest import YearlessDay, anydates
from civicreader.ingest import dates as dates_
from civicreader.model import Comment

MARKER = re.compile(r"^(?P<indent> *)(?P<marker>\d{1,4}\.|[•·◦▪▫‣○●■□☆★◆◇*–-])(?:\s+(?P<rest>\S.*))?$")
MAX_NAME_WORDS = 8
MAX_HEADER_LINES = 4
"""A header (name, date) is found within this many non-blank lines of the item's marker."""
RELATIVE = re.compile(
    r"^(?:about\s+)?(?:an?|\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?:second|minute|hour|day|week|month|year)s?\s+ago\b", re.I
)


def list_marker(line: str) -> re.Match | None:
    """The list marker opening the line; a date written day-first with a dot opens no list item."""
    match = MARKER.match(line)
    if match and match.group("marker")[0].isdigit():
        found = anydates.find_dates(line.strip())
        if found and found[0].start == 0:
            return None  # "23. Mai 2019" or "1. januar 2010 kl. 00:00 Svar"
    return match


@dataclass
class Item:
    line: int
    indent: int
    lines: list[tuple[int, str]]
    """(line number, text with its indentation) of the item's own lines, nested items left out."""
    name: str = ""
    when: dates_.LooseDate | None = None
    relative: str = ""
    """The header's relative time as the page wrote it ("3 weeks ago"): no day can be read from it."""
    body_lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def dated(self) -> bool:
        return self.when is not None or bool(self.relative)


@dataclass
class Thread:
    start: int
    """Index of the thread's first line (0-based)."""
    end: int
    """Index just past its last line."""
    roots: list[_Node]

    @property
    def size(self) -> int:
        return sum(1 for root in self.roots for _ in root.walk())

    def read(self, dater: Callable[[dates_.LooseDate], datetime | None]) -> list[Comment]:
        """The thread as Comments; `dater` turns a page's date (maybe without a year) into a moment."""
        return [root.freeze(dater) for root in self.roots]

    def yearless_days(self, comments: list[Comment]) -> list[YearlessDay]:
        """Comments whose date has no year and whose post's year is not known yet, by thread position."""
        nodes = [node for root in self.roots for node in root.walk()]
        frozen = [node for comment in comments for _, node in comment.walk()]
        return [
            YearlessDay(position, node.when.month, node.when.day, node.when.hour, node.when.minute)
            for position, (node, comment) in enumerate(zip(nodes, frozen, strict=True))
            if node.when and not node.when.year and comment.date is None
        ]


def _date_in(text: str) -> tuple[str, dates_.LooseDate | None, str, str] | None:
    """(words before, date, words after, relative wording or "") when the line is a header's date line."""
    clean = " ".join(text.split())
    if not clean or len(clean) > 160:
        return None
    match = RELATIVE.search(clean)
    if match:
        before, after = clean[: match.start()].strip(" ,-•·|"), clean[match.end():].strip(" ,-•·|#")
        if len(before.split()) <= MAX_NAME_WORDS and len(after.split()) <= 2:
            return before, None, after, match.group(0)
    found = anydates.find_dates(clean)
    if not found:
        return _relative_in(clean)
    first = found[0]
    before = clean[: first.start].strip(" ,-•·|")
    after = clean[first.end:].strip(" ,-•·|#.")
    if len(before.split()) > MAX_NAME_WORDS or len(after.split()) > 2 or re.search(r"\d", after):
        return None
    return before, first.when, after, ""


def _relative_in(clean: str) -> tuple[str, None, str, str] | None:
    """A header's time relative to now in the page's language ("vor 3 Wochen", "il y a 2 jours")."""
    found = anydates.find_relative(clean)
    if not found:
        return None
    before, after = clean[: found[0]].strip(" ,-•·|"), clean[found[1]:].strip(" ,-•·|#.")
    if len(before.split()) > MAX_NAME_WORDS or len(after.split()) > 2:
        return None
    return before, None, after, clean[found[0] : found[1]]


def _items(lines: list[str], start: int) -> list[Item]:
    items: list[Item] = []
    current: Item | None = None
    for number in range(start, len(lines)):
        line = lines[number]
        if not line.strip():
            if current:
                current.lines.append((number, ""))
            continue
        match = list_marker(line)
        if match:
            # w3m right-aligns numbers in two columns (" 9." then "10."), and lets "100." overflow
            # to the left: the level's column is where a two-digit number's dot would stand
            current = Item(number, len(match.group("indent")) + min(len(match.group("marker")), 3) - 1, [])
            if match.group("rest"):
                current.lines.append((number, " " * (len(line) - len(match.group("rest"))) + match.group("rest")))
            items.append(current)
            continue
        indent = len(line) - len(line.lstrip(" "))
        if current and indent > current.indent:
            current.lines.append((number, line))
        else:
            current = None
    return items


def _name_like(text: str) -> bool:
    """A commenter's name: a few words, not a sentence ("Hubert." excepted: one word)."""
    words = text.split()
    return 0 < len(words) <= MAX_NAME_WORDS and (len(words) == 1 or not text.rstrip().endswith((".", "!", "?", "…")))


def _read_header(item: Item) -> None:
    """Name and date from the item's first lines: "Name" then "date", "Name date", "subject" then
    "… Name … date", or the name first and the date after the text."""
    filled = [(number, " ".join(text.split())) for number, text in item.lines if text.strip()]
    if not filled:
        return
    header: list[int] = []
    first = _date_in(filled[0][1])
    second = _date_in(filled[1][1]) if len(filled) > 1 else None
    if first and first[0]:  # "Anonymous October 3, 2019 at 3:29 PM"
        item.name, found, header = first[0], first, [0]
    elif first and len(filled) > 2 and _name_like(filled[1][1]) and not _date_in(filled[1][1]):
        item.name, found, header = filled[1][1], first, [0, 1]  # "date" / "Name"
    elif second and not first and (_name_like(filled[0][1]) or not second[0]) and len(second[0].split()) <= 1:
        item.name, found, header = filled[0][1], second, [0, 1]  # "Name" / "date"
    elif (len(filled) > 2 and not first and not second and _name_like(filled[0][1])
          and len(filled[1][1].split()) <= 3 and not filled[1][1].endswith((".", "!", "?", "…"))
          and (third := _date_in(filled[2][1])) and not third[0]):
        # "Name" / a badge ("Author"; a sentence there is a short comment's text) / "date"
        item.name, found, header = filled[0][1], third, [0, 1, 2]
    elif second and not first and second[0]:  # "subject" / "Submetido por Name a date": the subject is text
        item.name, found, header = second[0], second, [1]
    else:
        found = None
    if found:
        item.when, item.relative = found[1], found[3]
        used = {filled[index][0] for index in header}
        item.body_lines = [(n, t) for n, t in item.lines if n not in used]
        return
    # the date after the text: "Name" first, then the text, then "28 Settembre 2023 Rispondi"
    if not _name_like(filled[0][1]) or first:
        return
    for number, text in reversed(filled[1:]):
        found = _date_in(text)
        if found and not found[0]:
            item.name = filled[0][1]
            item.when, item.relative = found[1], found[3]
            item.body_lines = [(n, t) for n, t in item.lines if n not in {filled[0][0], number}]
            return
        if len(text.split()) > 3:
            return


def _common_affixes(names: list[str]) -> tuple[list[str], list[str]]:
    """Words that open or close most names alike ("says:", "meint", "Submetido por … a"): theme
    words, told from a name shared by several comments by their case or punctuation and by
    leaving different names behind."""
    if len(names) < 2:
        return [], []
    words = [name.split() for name in names]

    def theme_like(affix: tuple[str, ...]) -> bool:
        return any(word[:1].islower() or not word[-1:].isalnum() for word in affix)

    def shared(pick, rest) -> list[str]:
        found: list[str] = []
        for depth in range(1, 4):
            counts = Counter(tuple(pick(w, depth)) for w in words if len(w) > depth)
            if not counts:
                break
            top, count = counts.most_common(1)[0]
            remainders = {tuple(rest(w, depth)) for w in words if len(w) > depth and tuple(pick(w, depth)) == top}
            if count < max(2, 0.6 * len(words)) or len(remainders) < 2:
                break
            if theme_like(top):
                found = list(top)
        return found

    return (shared(lambda w, d: w[:d], lambda w, d: w[d:]), shared(lambda w, d: w[-d:], lambda w, d: w[:-d]))


def _strip_affixes(name: str, prefix: list[str], suffix: list[str]) -> str:
    words = name.split()
    if prefix and words[: len(prefix)] == prefix and len(words) > len(prefix):
        words = words[len(prefix):]
    if suffix and words[-len(suffix):] == suffix and len(words) > len(suffix):
        words = words[: -len(suffix)]
    return " ".join(words)


def _action_lines(items: list[Item]) -> set[str]:
    """Lines that end most comments alike ("Reply", "Antworten"): the theme's, not the commenter's."""
    endings = Counter()
    for item in items:
        filled = [" ".join(t.split()) for _, t in item.body_lines if t.strip()]
        if filled:
            endings[filled[-1]] += 1
    return {
        text for text, count in endings.items()
        if count >= max(2, 0.5 * len(items)) and len(text.split()) <= 8 and not text.endswith((".", "!", "?", "…"))
    }


def _paragraphs(lines: list[tuple[int, str]], action: set[str]) -> tuple[str, ...]:
    texts = [" ".join(text.split()) for _, text in lines]
    while texts and (not texts[-1] or texts[-1] in action):
        texts.pop()
    paragraphs: list[str] = []
    current: list[str] = []
    for clean in [*texts, ""]:
        if not clean:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(clean)
    return tuple(paragraphs)


def find_thread(lines: list[str], start: int = 0) -> Thread | None:
    """The longest run of dated list items with text under them, read into a thread."""
    items = _items(lines, start)
    for item in items:
        _read_header(item)
    runs: list[list[Item]] = []
    top = 0  # the shallowest marker column of the current run, kept as it grows (linear in the page)
    for item in items:
        if runs and _continues(runs[-1][-1], top, item, lines):
            runs[-1].append(item)
            top = min(top, item.indent)
        else:
            runs.append([item])
            top = item.indent
    best = max(runs, key=lambda run: sum(i.dated for i in run), default=[])
    dated = [item for item in best if item.dated]
    if not dated or sum(1 for item in dated if any(t.strip() for _, t in item.body_lines)) < max(1, len(dated) // 2):
        return None
    indents = _levels(item.indent for item in dated)
    first, last = best.index(dated[0]), best.index(dated[-1])
    # an undated item of one line in the run is a notice (a pingback's link), not a comment
    kept = [item for item in best[first : last + 1] if item.indent in indents and (item.dated or _has_text(item))]
    # an undated item after the last dated one is a comment only if it has words under a name
    for item in best[last + 1 :]:
        filled = [t for _, t in item.lines if t.strip()]
        if item.indent not in indents or len(filled) < 2 or not _name_like(filled[0]):
            break
        if not any(len(t.split()) >= 6 for t in filled[1:]):
            break
        kept.append(item)
    prefix, suffix = _common_affixes([item.name for item in kept if item.name])
    drop = _action_lines(kept)
    return _build(kept, indents, prefix, suffix, drop)


def _levels(indents) -> dict[int, int]:
    """Each marker column to its nesting level, shallowest first."""
    return {column: level for level, column in enumerate(sorted(set(indents)))}


def _has_text(item: Item) -> bool:
    return sum(1 for _, text in item.lines if text.strip()) >= 2


def _continues(last: Item, top: int, item: Item, lines: list[str]) -> bool:
    """The item belongs to the same list as the run: nothing but blank or indented lines between."""
    end = max((n for n, _ in last.lines), default=last.line)
    between = lines[end + 1 : item.line]
    return all(not text.strip() or len(text) - len(text.lstrip(" ")) > top for text in between)


def _build(items: list[Item], indents: dict[int, int], prefix, suffix, drop: set[str]) -> Thread:
    roots: list[_Node] = []
    stack: list[_Node] = []
    for item in items:
        name = _strip_affixes(item.name, prefix, suffix) if item.name else ""
        if not item.dated and not name:
            filled = [t for _, t in item.lines if t.strip()]
            name = " ".join(filled[0].split()) if filled and len(filled[0].split()) <= MAX_NAME_WORDS else ""
            body = item.lines[1:] if name else item.lines
        else:
            body = item.body_lines
        depth = indents[item.indent]
        node = _Node(name, item.when, _paragraphs(body, drop), depth, item.relative)
        while stack and stack[-1].depth >= node.depth:
            stack.pop()
        (stack[-1].replies if stack else roots).append(node)
        stack.append(node)
    start = items[0].line
    end = max(max((n for n, _ in item.lines), default=item.line) for item in items) + 1
    return Thread(start, end, roots)


@dataclass
class _Node:
    author: str
    when: dates_.LooseDate | None
    body: tuple[str, ...]
    depth: int
    relative: str = ""
    replies: list[_Node] = field(default_factory=list)

    def walk(self):
        yield self
        for reply in self.replies:
            yield from reply.walk()

    def freeze(self, dater: Callable[[dates_.LooseDate], datetime | None]) -> Comment:
        moment = dater(self.when) if self.when else None
        inferred = bool(self.when and not self.when.year and moment)
        replies = tuple(reply.freeze(dater) for reply in self.replies)
        return Comment(self.author, moment, self.body, replies, date_inferred=inferred,
                       date_text="" if moment else self.relative)
