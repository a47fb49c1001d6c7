"""Dates as blog pages write them: "24 Dec", "December 28, 2010 at 3:04 pm", "9 March 2011 at 08:02"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
WEEKDAY = r"(?:(?P<weekday>mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?,?\s+)"
DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
YEAR = r"(?P<year>(?:19|20)\d\d)"
TIME = (
    r"(?:,?\s*(?:at|@|-|–)?\s*(?P<hour>\d{1,2})[:.](?P<minute>\d\d)(?::\d\d)?\s*(?P<ampm>[ap]\.?m\.?)?)"
)

# The orders pages use: "December 28, 2010", "28 December 2010", "Dec 24", "24 Dec".
_DAY_MONTH = rf"{DAY}\s+(?:of\s+)?{MONTH}"
_MONTH_DAY = rf"{MONTH}\s+{DAY}"
FULL_DATE_PATTERNS = [
    re.compile(rf"^{WEEKDAY}?{_MONTH_DAY},?\s+{YEAR}{TIME}?$", re.I),
    re.compile(rf"^{WEEKDAY}?{_DAY_MONTH},?\s+{YEAR}{TIME}?$", re.I),
    re.compile(r"^(?P<year>(?:19|20)\d\d)-(?P<monthnum>\d\d)-(?P<day>\d\d)(?:[ T](?P<hour>\d\d):(?P<minute>\d\d))?$"),
    re.compile(rf"^(?P<day>\d{{1,2}})/(?P<monthnum>\d{{1,2}})/{YEAR}{TIME}?$"),
]
SHORT_DATE_PATTERNS = [
    re.compile(rf"^{WEEKDAY}?{_DAY_MONTH}{TIME}?$", re.I),
    re.compile(rf"^{WEEKDAY}?{_MONTH_DAY}{TIME}?$", re.I),
]
RELATIVE_DATE = re.compile(
    r"^(?:about\s+)?(?:an?|\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?:second|minute|hour|day|week|month|year)s?\s+ago$|^(?:yesterday|today|just now)(?:\s+at\s+.*)?$",
    re.I,
)
# a year of writing, not an amount ("£2010"), a share ("2010%"), a decade ("the 1990s") or part of a number
YEAR_IN_TEXT = re.compile(r"(?<![\d£$€.,/-])((?:19[5-9]|20[0-4])\d)(?![\d%]|s\b)")


@dataclass(frozen=True)
class LooseDate:
    """A date as written: the year may be missing, the time too."""

    month: int
    day: int
    year: int | None = None
    hour: int | None = None
    minute: int | None = None
    weekday: bool = False

    def as_date(self, year: int | None = None) -> date | None:
        try:
            return date(year or self.year, self.month, self.day) if (year or self.year) else None
        except ValueError:
            return None

    def as_datetime(self, year: int | None = None) -> datetime | None:
        day = self.as_date(year)
        if day is None:
            return None
        return datetime(day.year, day.month, day.day, self.hour or 0, self.minute or 0)


def clock_hour(hour: int, ampm: str | None) -> int:
    """An hour written with am or pm ("12 a.m.", "1 pm") on the 24-hour clock; without, as written."""
    ampm = (ampm or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        return hour + 12
    if ampm == "am" and hour == 12:
        return 0
    return hour


def _from_match(match: re.Match) -> LooseDate | None:
    groups = match.groupdict()
    month = int(groups["monthnum"]) if groups.get("monthnum") else MONTHS.get(groups["month"].lower().rstrip("."), 0)
    day = int(groups["day"])
    year = int(groups["year"]) if groups.get("year") else None
    hour = int(groups["hour"]) if groups.get("hour") else None
    minute = int(groups["minute"]) if groups.get("minute") else None
    if hour is not None:
        hour = clock_hour(hour, groups.get("ampm"))
        if hour > 23 or (minute or 0) > 59:
            return None
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29 Feb stays possible without a year
    except ValueError:
        return None
    return LooseDate(month, day, year, hour, minute, bool(groups.get("weekday")))


@lru_cache(maxsize=4096)
def parse_full(text: str) -> LooseDate | None:
    """A whole line that is a date with its year (and maybe a time)."""
    return _first_match(FULL_DATE_PATTERNS, text)


@lru_cache(maxsize=4096)
def parse_short(text: str) -> LooseDate | None:
    """A whole line that is a day and month without a year ("24 Dec", "March 4 at 10:15 am")."""
    return _first_match(SHORT_DATE_PATTERNS, text)


def _first_match(patterns: list[re.Pattern[str]], text: str) -> LooseDate | None:
    text = _tidy(text)
    for pattern in patterns:
        match = pattern.match(text)
        if match:
            return _from_match(match)
    return None


@lru_cache(maxsize=8192)  # a page asks about each line more than once (blocks, heading, comments)
def parse_any(text: str) -> LooseDate | None:
    """A whole line that is a date: the English forms first (fast), then any language's (`anydates`)."""
    found = parse_full(text) or parse_short(text)
    if found or len(text) > 60 or not has_digit(text):
        return found
    from civicreader.ingest.anydates import parse_line

    return parse_line(text)


def has_digit(text: str) -> bool:
    """Any digit in any script (as `str.isdigit` says): the cheap test before a date is looked for."""
    return any(map(str.isdigit, text))


def is_relative(text: str) -> bool:
    return bool(RELATIVE_DATE.match(_tidy(text)))


_DATE_AT_END = [
    re.compile(rf"^(?P<before>.+?)\s+(?:on\s+)?(?P<when>{_MONTH_DAY},?\s+{YEAR}{TIME}?)$", re.I),
    re.compile(rf"^(?P<before>.+?)\s+(?:on\s+)?(?P<when>{_DAY_MONTH},?\s+{YEAR}{TIME}?)$", re.I),
    re.compile(rf"^(?P<before>.+?)\s+(?:on\s+)?(?P<when>{_MONTH_DAY}{TIME})$", re.I),
    re.compile(rf"^(?P<before>.+?)\s+(?:on\s+)?(?P<when>{_DAY_MONTH}{TIME})$", re.I),
]
_ENDS_LIKE_A_DATE = re.compile(r"(?:\d|[ap]\.?m\.?)\s*#?$", re.I)


@lru_cache(maxsize=4096)
def find_date_at_end(text: str) -> tuple[str, LooseDate] | None:
    """Split "Joe Taylor December 28, 2010 at 3:04 pm #" into ("Joe Taylor", the date)."""
    text = _tidy(text).rstrip("#").rstrip(" |:")
    if not _ENDS_LIKE_A_DATE.search(text[-16:]):  # the tidied end is a few characters; searching it all is slow
        return None
    for pattern in _DATE_AT_END:
        match = pattern.match(text)
        if match:
            when = parse_any(match.group("when"))
            if when:
                return match.group("before").strip(), when
    return None


def years_mentioned(text: str) -> list[int]:
    return [int(year) for year in YEAR_IN_TEXT.findall(text)]


def _tidy(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).strip()
