"""Dates as pages in any common blog language write them, found inside a line or as a whole line.

"23. Mai 2019", "4 août 2025 à 00:42", "10. februar 2021 kl. 11:55", "17 de maio de 2008",
"28.01.2018", "2011年5月17日", "Published: Aug 28, 2025 | Updated: …". Month names come from
dateparser's language data (loaded once, lazily: the CLI starts without it); the search itself is
one regular expression, so a page of thousands of lines stays fast. Numbers alone ("03/06/2009")
are read day first unless told otherwise: the caller weighs the page's other dates for that
(`numeric_order`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from civicreader.ingest.dates import LooseDate, has_digit

LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "da", "sv", "nb", "nn", "fi", "pl", "cs", "sk", "ca", "ro",
             "hu", "hr", "sl", "tr", "ru", "uk", "el", "id", "et", "lv", "lt", "is", "ga", "cy", "eu", "gl")
"""Blog languages whose month names are read, in the order that settles a name two of them share."""
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")


@lru_cache(maxsize=1)
def month_names() -> dict[str, int]:
    """Every month name and abbreviation of LANGUAGES, folded to lower case, to its number."""
    import importlib

    names: dict[str, int] = {}
    for language in LANGUAGES:
        try:
            info = importlib.import_module(f"dateparser.data.date_translation_data.{language}").info
        except ImportError:
            continue
        for number, key in enumerate(_MONTH_KEYS, 1):
            for name in info.get(key, ()):
                name = name.lower().rstrip(".")
                if len(name) >= 3 and not name.isdigit():
                    names.setdefault(name, number)
    return names


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    when: LooseDate
    numeric: bool = False
    """Written in numbers only ("03/06/2009"): which is the day is the page's call."""


_TIME = (
    r"(?:\s*(?:,|-|–|\||@|·)?\s*(?:[^\W\d]{1,5}\.?\s+){0,2}(?P<hour>[0-2]?\d)[:h.](?P<minute>[0-5]\d)(?::\d\d)?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?(?!\w))?(?:\s*uhr\b)?)?"
)
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_YEAR_SOMEWHERE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_YEAR_END = r"(?:(?!\w)|(?-i:(?=[A-ZÀ-ÖØ-Þ])))"
"""After a year written out: a word's end, or a capital glued to it where a copy ran two things together
("Posted on August 2, 2019August 2, 2019Author …", a published and an updated date)."""


def _trie_pattern(words) -> str:
    """One alternation of `words` shaped as a trie ("jan(?:uary|uar)?"): Python's regex engine tries a
    flat alternation of 700 names one by one at every position, a trie only the names that fit."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:  # a shorter name ends here: the longer ones are tried first, as the greedy "?" does
            return (body if len(branches) == 1 and len(body) == 1 else f"(?:{body})") + "?"
        return body

    return emit(trie)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, ...]:
    month = rf"(?P<month>{_trie_pattern(month_names())})\.?"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|e|º|ª|\.)?"
    flags = re.I | re.U
    return (
        re.compile(rf"(?<![\w/.-]){_YEAR}[-/.](?P<monthnum>[01]?\d)[-/.](?P<day>[0-3]?\d)(?![\w/]){_TIME}", flags),
        re.compile(rf"{_YEAR}\s*年\s*(?P<monthnum>[01]?\d)\s*月\s*(?P<day>[0-3]?\d)\s*日{_TIME}", flags),
        re.compile(rf"(?<![\w/.-])(?P<first>[0-3]?\d)(?P<sep>[./-])(?P<second>[01]?\d)(?P=sep){_YEAR}(?![\w/]){_TIME}",
                   flags),
        re.compile(rf"(?<![\w/.-])(?P<first>[01]?\d)/(?P<second>[0-3]?\d)/{_YEAR}(?![\w/]){_TIME}", flags),
        re.compile(rf"(?<![\w.])(?<!\d[.,]){day}\s*(?:de\s+|of\s+)?{month}"
                   rf"(?:,?\s*(?:de\s+)?{_YEAR}{_YEAR_END}|(?!\w)){_TIME}", flags),
        re.compile(rf"(?<![\w.]){month}\s+{day}(?:,?\s*{_YEAR}{_YEAR_END}|(?!\w)){_TIME}", flags),
        # Glued to a name before it ("Sana6. Juni 2015 um 10:23", "Sarah GoodingMarch 9, 2017"): with a year only.
        re.compile(rf"(?<=[^\W\d_]){day}\s*(?:de\s+|of\s+)?{month},?\s*(?:de\s+)?{_YEAR}{_YEAR_END}{_TIME}", flags),
        re.compile(rf"(?-i:(?<=[a-zß-öø-ÿ])(?=[A-ZÀ-ÖØ-Þ])){month}\s+{day},?\s*{_YEAR}{_YEAR_END}{_TIME}", flags),
    )


def _loose(groups: dict, month: int, day: int) -> LooseDate | None:
    year = int(groups["year"]) if groups.get("year") else None
    hour = int(groups["hour"]) if groups.get("hour") else None
    minute = int(groups["minute"]) if groups.get("minute") else None
    ampm = (groups.get("ampm") or "").replace(".", "").replace(" ", "").lower()
    if hour is not None:
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if hour > 23:
            hour = minute = None
    candidate = LooseDate(month, day, year, hour, minute)
    if not 1 <= month <= 12 or candidate.as_date(year or 2000) is None:
        return None
    return candidate


@lru_cache(maxsize=8192)
def find_dates(text: str, dayfirst: bool = True) -> tuple[Found, ...]:
    """Every date written inside `text`, left to right; a day and month without a year counts
    only as the whole of a short line (elsewhere "2 mar" or "5 may" are too often not dates)."""
    if not has_digit(text):
        return ()
    if len(text) > 40 and not _YEAR_SOMEWHERE.search(text):
        return ()  # without a year only a whole short line is a date
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in enumerate(_patterns()):
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            groups = match.groupdict()
            numeric = False
            if groups.get("monthnum"):
                month, day = int(groups["monthnum"]), int(groups["day"])
            elif groups.get("first"):
                first, second = int(groups["first"]), int(groups["second"])
                numeric = first <= 12 and second <= 12 and first != second
                day_first = dayfirst if kind == 2 else False
                if kind == 2 and second > 12:
                    day_first = False
                month, day = (second, first) if day_first else (first, second)
            else:
                month, day = month_names().get(groups["month"].lower().rstrip("."), 0), int(groups["day"])
                if not month:
                    continue
            when = _loose(groups, month, day)
            if when is None or (when.year is None and match.group(0).strip() != text.strip()):
                continue
            end = match.start() + len(match.group(0).rstrip())
            found.append(Found(match.start(), end, when, numeric))
            taken.append((match.start(), match.end()))
    return tuple(sorted(found, key=lambda f: f.start))


_NUMBER = "(\\d++[.,]?\\d*+)"
"""How dateparser's data writes the count in a relative time ("vor (\\d++[.,]?\\d*+) wochen")."""
_LITERAL = re.compile(r"[^\\()\[\]?*+{}|^$.]*")


@lru_cache(maxsize=1)
def _relative_forms() -> tuple[re.Pattern, dict[str, frozenset[str]]]:
    """Every "N units ago" of LANGUAGES from dateparser's data: one trie-shaped pattern of a count and
    the words after it ("3 settimane fa", "3 Wochen"), and for each such ending the words that must
    stand before the count ("vor", "il y a", "hace"; "" where none: "3 weeks ago")."""
    import importlib

    needs: dict[str, set[str]] = {}
    for language in LANGUAGES:
        try:
            info = importlib.import_module(f"dateparser.data.date_translation_data.{language}").info
        except ImportError:
            continue
        for key, forms in (info.get("relative-type-regex") or {}).items():
            if not key.endswith(" ago"):
                continue
            for form in forms:
                parts = form.split(_NUMBER)
                if len(parts) != 2 or not all(_LITERAL.fullmatch(part) for part in parts):
                    continue
                before, after = (" ".join(part.split()).lower() for part in parts)
                if len(after) >= 2:  # "3 m" or "2 a" alone say too little to be told from other text
                    needs.setdefault(after, set()).add(before)
    pattern = re.compile(rf"(?<![\w.,])\d+(?:[.,]\d+)?\s*(?P<ending>{_trie_pattern(needs)})(?!\w)", re.I | re.U)
    return pattern, {ending: frozenset(befores) for ending, befores in needs.items()}


@lru_cache(maxsize=8192)
def find_relative(text: str) -> tuple[int, int] | None:
    """Where `text` says a time relative to now, in any of LANGUAGES ("vor 3 Wochen", "il y a 2 jours",
    "3 settimane fa"): (start, end), or None. No day can be read from it; the words are what is kept."""
    if not has_digit(text):
        return None
    pattern, needs = _relative_forms()
    for match in pattern.finditer(text):
        head = text[: match.start()].rstrip()
        for before in needs.get(match.group("ending").lower(), ()):
            if not before:
                return match.start(), match.end()
            start = len(head) - len(before)
            if start >= 0 and head[start:].lower() == before and (start == 0 or not head[start - 1].isalnum()):
                return start, match.end()
    return None


_WEEKDAY_LEAD = re.compile(r"^[^\W\d]{2,12}\.?,?\s+", re.U)


@lru_cache(maxsize=8192)
def parse_line(text: str, dayfirst: bool = True) -> LooseDate | None:
    """A line that is a date and nothing else (a weekday may lead): "Dienstag, 14. Januar 2014"."""
    text = " ".join(text.split())
    if not text or len(text) > 60 or not has_digit(text):
        return None
    for candidate in (text, _WEEKDAY_LEAD.sub("", text, count=1)):
        found = find_dates(candidate, dayfirst)
        if len(found) == 1 and found[0].start == 0 and found[0].end >= len(candidate.rstrip(" .,")):
            return found[0].when
    return None


_NUMERIC_DATE = re.compile(r"(?<![\w/.])(\d{1,2})[./](\d{1,2})[./](?:19|20)\d\d(?![\w/])")


def numeric_order(lines) -> bool:
    """Day first (True) unless the page writes a numeric date that can only be month first."""
    day_first = month_first = 0
    # One search over the lines joined: a match never spans a newline, and a newline beside a date
    # passes its look-arounds as a line's start and end do. Searching line by line cost a call a line.
    for match in _NUMERIC_DATE.finditer("\n".join(lines)):
        first, second = int(match.group(1)), int(match.group(2))
        day_first += first > 12
        month_first += second > 12
    return not (month_first > day_first)
