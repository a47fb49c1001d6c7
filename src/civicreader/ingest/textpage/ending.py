"""Where a post's own text ends on the page, told by shape: no theme's words are needed.

After the text come short units: share buttons, tag and category rows, a count of comments, a
dated "Posted on" line, the comment form (its fields marked "*" as required). The text itself
ends in prose. So the form is found by its required-field lines, and short units are peeled off
the end of the body until a paragraph that reads as prose (or ends a sentence) is reached.
"""

from __future__ import annotations

import itertools
import re

from civicreader.ingest import anydates

REQUIRED_FIELD = re.compile(r"^\S.{0,40}\s\*$")
"""A form field's label with its required mark: "Name *", "E-Mail *", "Commentaire *"."""
FORM_WINDOW = 12
SHORT_WORDS = 12
CARD_UNITS = 4
"""Short units in a row before the text that make a card (a recipe's or a product's facts), not a heading."""
LONG_PROSE_WORDS = 20
GLUE = re.compile(r"[^\W\d_][0-9]|[a-zà-ÿ][A-ZÀ-Þ]")
MIN_GLUED = 4
LIST_ITEM = re.compile(r"^\s*(?:[•·▪▫◦‣●○■□☆–*-]|\d{1,3}[.)])\s")
PROSE_MIN_WORDS = 4
SENTENCE_END = re.compile(r"[.!?…:;][\"”»’')\]]*(?:\s*\S{1,3})?$")
"""A sentence's end, closing quotes and brackets allowed, and a smiley or sign-off of a few characters."""
TERMS = re.compile(r"^[^.!?]{0,200}$")
LABEL = re.compile(r"^\s*\S+(?:\s+\S+){0,2}:\s")
"""A row's label of up to three words ("Kategorisiert unter: …", "Tags: …")."""
COUNTER = re.compile(r"^[^\W\d_]*\d[\d.,]*[kKmM]?$")
"""A share button's count glued to its name: "Pin58K", "Tweet51", "2.2k"."""


def form_start(lines: list[str], start: int, stop: int) -> int | None:
    """The first line of a comment form between start and stop: two required-field lines close
    together, and the heading and notice lines just above them."""
    # only a line ending in the mark is tried: the pattern's cost was a call for every line of the page
    fields = [i for i in range(start, stop)
              if lines[i].rstrip().endswith("*") and REQUIRED_FIELD.match(" ".join(lines[i].split()))]
    for first, second in itertools.pairwise(fields):
        if second - first <= FORM_WINDOW:
            return _form_heading(lines, start, first)
    return None


def _form_heading(lines: list[str], start: int, first_field: int) -> int:
    """Where the form begins above its first field: its notice lines and heading ("Leave a Comment"),
    and a longer plea under that heading ("If you enjoyed this recipe, please…")."""
    begin = first_field
    filled_above = 0
    for above in range(first_field - 1, max(start, first_field - FORM_WINDOW) - 1, -1):
        if not lines[above].strip():
            continue
        if filled_above >= 3:
            break
        if len(lines[above].split()) > 25:
            heading = next((n for n in range(above - 1, max(start, above - 3) - 1, -1) if lines[n].strip()), None)
            if heading is None or not _form_title(lines[heading]) or (heading > 0 and lines[heading - 1].strip()):
                break
            return heading
        begin, filled_above = above, filled_above + 1
    return begin


def _form_title(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 6 and not SENTENCE_END.search(line)


def short_unit(paragraph: str, shaped_only: bool = False) -> bool:
    """A line of chrome's shape: a counter row, a dated line, a row of terms, or a few words that
    end no sentence ("Uncategorized", "19 Kommentare", "• Email"); a list item that ends a sentence
    is the author's. `shaped_only`: only the shapes chrome alone has: a few words only as a list item (a
    share button), a row of terms only under its label."""
    words = paragraph.split()
    if not any(ch.isalnum() for ch in paragraph):
        return True  # nothing to read: an empty bullet, a rule
    if is_counter_row(paragraph):
        return True
    if len(words) <= SHORT_WORDS and anydates.find_dates(paragraph):
        return True
    if is_term_row(paragraph) and (not shaped_only or LABEL.match(paragraph)):  # "Cheers, Ruth" is one too
        return True
    if len(words) <= 3 and paragraph.rstrip().endswith(":"):
        return True  # a label ("Teilen:", "Share this:")
    if is_link_run(paragraph):
        return True
    few_words = len(words) <= SHORT_WORDS and not SENTENCE_END.search(paragraph)
    return few_words and (not shaped_only or LIST_ITEM.match(paragraph) is not None)  # "• Tweet"


def is_term_row(paragraph: str) -> bool:
    """Tags or categories: "Kategorie a Lennart, q 120minuten Schlagwörter Longread, VfB Stuttgart"."""
    parts = [part for part in re.split(r"[,|·•/]", paragraph) if part.strip()]
    return (
        len(parts) >= 2
        and TERMS.match(paragraph) is not None
        and len(paragraph.split()) <= 30
        and sum(len(part.split()) for part in parts) / len(parts) <= 4
    )


def is_link_run(paragraph: str) -> bool:
    """Links copied with no space between them ("premiers repas6 mois7 mois8 moissans oeuf"): words glued
    to digits or capitals again and again, and no sentence's end."""
    glued = len(GLUE.findall(paragraph))
    return glued >= MIN_GLUED and glued * 5 >= len(paragraph.split()) and not SENTENCE_END.search(paragraph)


def is_counter_row(paragraph: str) -> bool:
    """Share buttons with their counts: "Pin58K Share Reddit Tweet51 Yum108"."""
    words = paragraph.split()
    counters = sum(1 for word in words if COUNTER.match(word) and any(ch.isdigit() for ch in word))
    return 0 < len(words) <= 10 and counters >= max(1, len(words) // 2)


def has_prose(body: list[str]) -> bool:
    """Some paragraph reads as a sentence: words enough, ending as a sentence does."""
    return any(len(paragraph.split()) >= PROSE_MIN_WORDS and SENTENCE_END.search(paragraph) for paragraph in body)


def trim_tail(body: list[str], closed: bool = False) -> list[str]:
    """The body without the short units after its last prose paragraph: share and tag rows, a short
    question put to the reader under them or under a list ("Did you make this recipe?", "Share the recipe?"), and a
    box under its own heading in capitals (an author's bio, a newsletter) closing the text.

    `closed`: the theme's own line under the post ended the text, so a few words before it ("Gruß Heiko",
    "Link: the concert") are the author's; only what has chrome's shape goes."""
    end = len(body)
    while True:
        before = end
        while end > 1 and (short_unit(body[end - 1], shaped_only=closed) or _reader_question(body, end - 1)):
            end -= 1
        box = next((i for i in range(end - 1, max(0, end - 1 - BOX_PARAGRAPHS) - 1, -1)
                    if i > 0 and box_heading(body[i])), None)
        if box is not None and not any(LIST_ITEM.match(paragraph) for paragraph in body[box:end]):
            end = box
        if end == before:
            return body[:end]


QUESTION_WORDS = 8
BOX_PARAGRAPHS = 2
"""Paragraphs under a box's heading: a bio or a sign-up box says little."""


def _reader_question(body: list[str], index: int) -> bool:
    """A short question where the text has given way to chrome or a list: a short unit or a list item
    above it. An author's closing question follows prose."""
    paragraph = body[index]
    if len(paragraph.split()) > QUESTION_WORDS or not paragraph.rstrip().endswith("?") or index == 0:
        return False
    above = body[index - 1]
    return short_unit(above) or LIST_ITEM.match(above) is not None


def box_heading(paragraph: str) -> bool:
    """A box's heading: a few words all in capitals ("ABOUT THE AUTHOR", "NICE TO MEET YOU!")."""
    if len(paragraph.split()) > 6:
        return False  # before the letters are gathered: most paragraphs are long
    letters = [ch for ch in paragraph if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def trim_head(body: list[str]) -> list[str]:
    """The body without share-counter rows before its first words, nor a card of short label and value
    units in a row ("Stagione" / "Estate, Primavera" / "Pronto in" / "45 minuti") before its first long
    prose; a heading or two, a standfirst and list items there are the post's."""
    start = 0
    while start < len(body) - 1 and is_counter_row(body[start]):
        start += 1
    body = body[start:]
    opening = next((i for i, paragraph in enumerate(body) if _long_prose(paragraph)), 0)
    dropped: set[int] = set()
    run: list[int] = []
    for index in range(opening + 1):
        if index < opening and short_unit(body[index]) and not LIST_ITEM.match(body[index]):
            run.append(index)
            continue
        if len(run) >= CARD_UNITS:
            dropped.update(run)
        run = []
    return [paragraph for index, paragraph in enumerate(body) if index not in dropped]


def _long_prose(paragraph: str) -> bool:
    return len(paragraph.split()) >= LONG_PROSE_WORDS and SENTENCE_END.search(paragraph) is not None
