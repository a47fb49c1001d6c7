"""The post's title and date on a page of one post, from the evidence around them, in any language.

A title is a short line at the left margin that the page repeats: in a breadcrumb's last step
("Home » Recipes » Thick and Fluffy Tortillas"), in the comment count ("10 thoughts on “1 Shot
HDR”"), as a recipe card's heading. It stands next to the post's date or byline and above prose.
Each line is scored on that evidence; menus (list items, one word repeated everywhere) and
sentences score nothing. The post's date is the first date beside the title that is not labelled
as an update; where there is none, one labelled date line after the text ("Posted on …").

All of it is linear in the page: every line is read once and looked up in counters.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from civicreader.ingest import anydates
from civicreader.ingest import dates as dates_
from civicreader.ingest.textpage.thread import list_marker

MAX_TITLE_CHARS = 200
TAIL_WORDS = 30
"""Lines up to this long count their endings as places the title recurs (breadcrumbs, counts)."""
PROSE_WORDS = 18
NEAR_AFTER = 5
NEAR_BEFORE = 4
STRONG = 3.5
UPDATED = re.compile(
    r"(?:updated?|last\s+modified|modified|edited|aktualisiert|geändert|alterado|atualizado|actualizado|modificado|"
    r"modifié|mis\s+à\s+jour|bijgewerkt|opdateret|oppdatert|uppdaterad|aggiornato|päivitetty|zaktualizowano|更新)"
    r"\W*(?:\w+\W+){0,2}$",
    re.I,
)
"""An update label just before a date ("Updated: March 9, 2026", "alterado: 26.08.2017")."""


COUNT_LINE = re.compile(r"^(?:\d+\s+\S+|\S+\s+\(?\d+\)?)$")
"""A count and a word: "89 Comments", "Kommentare 19", "Commenti (169)"."""
GLUED = re.compile(r"[a-zà-ÿ'’][A-ZÀ-Þ][a-zà-ÿ]")
NAVIGATION_MARK = re.compile(r"^[←«‹<]|[→»›>]$|^\[|\]$|[»›]\s|\s>\s")
"""A link's arrow, a button's brackets, or a breadcrumb's separators ("Home » Recipes")."""


_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=32768)  # a page's words and chrome lines come again and again: fold each once
def fold(text: str) -> str:
    """Letters and digits only (with their vowel signs), case folded: how a title is compared with its other
    appearances."""
    return _NOT_WORD.sub(_marks_of, unicodedata.normalize("NFKC", text).casefold())


def _marks_of(run: re.Match) -> str:
    """The marks in a run of what is not a letter or digit: a Hindi vowel sign is part of its word (\\W takes it),
    and without it "काला" (black) and "कला" (art) were one line."""
    found = run.group()
    return "" if found.isascii() else "".join(ch for ch in found if unicodedata.category(ch)[0] == "M")


@dataclass
class Heading:
    title_line: int
    title: str
    head_end: int
    """Index of the last line of the title's block (the title, its date and byline lines)."""
    when: dates_.LooseDate | None
    date_line: int | None
    score: float
    scores: dict[int, float]
    """Every title-shaped line's score, by line: how well another reading's title is supported."""

    @property
    def strong(self) -> bool:
        return self.score >= STRONG


@dataclass(frozen=True)
class _Dated:
    line: int
    when: dates_.LooseDate
    updated: bool
    labelled: bool
    """The line has words besides the date ("Posted on …", "Erschienen am …")."""


def _dates(lines: list[str], stop: int) -> list[_Dated]:
    dayfirst = anydates.numeric_order(line for line in lines[:stop] if len(line) <= 200)
    found: list[_Dated] = []
    for index in range(stop):
        text = " ".join(lines[index].split())
        if not text or len(text) > 160 or list_marker(lines[index]):
            continue
        whole = dates_.parse_any(text)
        if whole:
            found.append(_Dated(index, whole, False, False))
            continue
        for date in anydates.find_dates(text, dayfirst):
            before = text[: date.start]
            found.append(_Dated(index, date.when, bool(UPDATED.search(before)), True))
            break  # a line's first date is its own; a second is an update or another thing
    return found


def find_heading(lines: list[str], stop: int) -> Heading | None:
    """The best-supported title line before `stop` (where the thread or the page's end begins)."""
    stop = min(stop, len(lines))
    folded = [fold(line) if len(line) <= 600 else "" for line in lines]
    exact = Counter(f for f in folded if f)
    tails = _tail_counts(lines)
    dated = _dates(lines, stop)
    date_at = {d.line: d for d in dated}
    filled = [index for index in range(stop) if lines[index].strip()]
    prose_at = [index for index in filled if len(lines[index].split()) >= PROSE_WORDS]
    prose_seen = 0
    scores: dict[int, float] = {}
    best: Heading | None = None
    for position, index in enumerate(filled):
        line = lines[index]
        text = " ".join(line.split())
        key = folded[index]
        if not _title_shaped(line, text, key) or index in date_at:
            continue
        words = len(text.split())
        in_tails = tails[key]  # endings of longer lines: breadcrumbs, counts, quotes
        if exact[key] >= 4 or (words == 1 and tails[key] > 3):
            continue  # a menu word or an action that every item repeats
        boilerplate = exact[key] - 1 + in_tails > 6  # a credit or a label repeated all over the page
        near = [d for d in dated if index - NEAR_BEFORE <= d.line <= index + NEAR_AFTER and not d.updated]
        following = filled[position + 1 : position + 8]
        neighbours = [lines[n] for n in filled[max(0, position - 1) : position + 2] if n != index]
        while prose_seen < len(prose_at) and prose_at[prose_seen] < index:
            prose_seen += 1
        score = (
            (0.0 if in_tails <= 0 or boilerplate else 3.5 if words >= 2 and len(key) >= 8 else 1.0)
            + (1.0 if exact[key] > 1 and not boilerplate else 0.0)
            + (2.0 if (following and following[0] in date_at) or (position and filled[position - 1] in date_at)
               else 1.0 if near else 0.0)
            + (1.5 if any(len(lines[n].split()) >= PROSE_WORDS for n in following) else 0.0)
            + (1.0 if words >= 2 else -1.0)
            - (1.5 if len(neighbours) == 2 and all(list_marker(n) for n in neighbours) else 0.0)
            - (2.0 if COUNT_LINE.match(text) else 0.0)
            - min(4.0, 1.0 * prose_seen)  # a heading inside the text has the text above it
        )
        if text.endswith((".", "!")) and words > 10:
            score -= 3.0  # a sentence, not a heading
        if GLUED.search(text):
            score -= 1.0  # links run together ("Boek 'Altijd lekker'DinerKerst…"): a menu or tag row
        if unicodedata.category(text[0]) == "So":
            score -= 2.0  # a banner or a button with its icon
        scores[index] = score
        if best is None or score > best.score:
            when = near[0] if near else None
            best = Heading(index, text, _head_end(lines, index, stop, date_at), when.when if when else None,
                           when.line if when else None, score, scores)
    if best is None:
        return None
    best = _title_above_byline(best, lines, scores)
    if best.when is None:
        best = _date_after_text(best, dated)
    elif best.when.year is None:
        best = _year_from_a_labelled_date(best, dated)
    return best


def _tail_counts(lines: list[str]) -> Counter[str]:
    """How often each ending of a shortish line recurs: where a title shows up again (breadcrumbs, counts)."""
    return Counter(chain.from_iterable(map(_tails, lines)))


@lru_cache(maxsize=16384)  # menus, breadcrumbs and counts repeat on a page and across a blog's pages
def _tails(line: str) -> tuple[str, ...]:
    words = line.split()
    if not 1 < len(words) <= TAIL_WORDS:
        return ()
    folded_words = [fold(word) for word in words]
    whole = "".join(folded_words)
    tails = []
    tail = ""
    for word in reversed(folded_words[1:]):
        tail = word + tail
        if tail != whole:  # an icon or a bullet before the words folds away
            tails.append(tail)
    return tuple(tails)


def _head_end(lines: list[str], index: int, stop: int, date_at) -> int:
    """The last line of the title's block: the title and the date and byline lines right under it."""
    head_end = index
    for after in range(index + 1, min(index + 1 + NEAR_AFTER, stop)):
        after_words = lines[after].split()
        if after_words and (len(after_words) > 10 or not (after in date_at or _byline_shaped(lines[after]))):
            break
        head_end = after if after_words else head_end
    return head_end


def _title_above_byline(best: Heading, lines: list[str], scores: dict[int, float]) -> Heading:
    """A name of a few words right under a longer heading is its byline ("Mobasir Hassan")."""
    if len(best.title.split()) > 3:
        return best
    for above in (best.title_line - 1, best.title_line - 2):
        if scores.get(above, 0.0) >= STRONG - 1.0 and len(lines[above].split()) > len(best.title.split()):
            title = " ".join(lines[above].split())
            return Heading(above, title, best.head_end, best.when, best.date_line, best.score, best.scores)
        if above >= 0 and lines[above].strip():
            break
    return best


def _year_from_a_labelled_date(best: Heading, dated: list[_Dated]) -> Heading:
    """"28 August" beside the title and "Published: Aug 28, 2025" elsewhere: the same day, with its year."""
    for found in dated:
        if found.labelled and not found.updated and found.when.year and (found.when.month, found.when.day) == (
            best.when.month, best.when.day
        ):
            when = dates_.LooseDate(best.when.month, best.when.day, found.when.year, best.when.hour, best.when.minute)
            return Heading(best.title_line, best.title, best.head_end, when, best.date_line, best.score, best.scores)
    return best


def _title_shaped(line: str, text: str, key: str) -> bool:
    return (
        bool(text)
        and len(line) - len(line.lstrip(" ")) < 2
        and len(text) <= MAX_TITLE_CHARS
        and len(text.split()) < PROSE_WORDS
        and len(key) >= 3
        and not list_marker(line)
        and not text.endswith((":", ","))
        and not key.isdigit()
        and not NAVIGATION_MARK.search(text)
    )


def _byline_shaped(line: str) -> bool:
    """A short line of a name or two under the title ("von Alex Schnarr", "Kommentare 19"); a list
    item there opens the text."""
    words = line.split()
    return 0 < len(words) <= 6 and not line.rstrip().endswith((".", "!", "?")) and not list_marker(line)


def _date_after_text(best: Heading, dated: list[_Dated]) -> Heading:
    """Themes that print "Posted on …" under the text, or far above the title: the one day that a
    labelled date line names ("published: 22.03.2011 alterado: …" counts as its first date)."""
    labelled = [d for d in dated if d.labelled and not d.updated]
    if len({(d.when.year, d.when.month, d.when.day) for d in labelled}) == 1:
        found = labelled[0]
        return Heading(best.title_line, best.title, best.head_end, found.when, found.line, best.score, best.scores)
    return best
