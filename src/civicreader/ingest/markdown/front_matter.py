"""Front matter: the header of a static-site file (YAML, TOML or Pelican lines) and its values.

Broken headers are read as well as they can be, with a note; values are read defensively (a list
where a string was expected, a YAML alias bomb) and never turned into text with str().
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from civicreader.ingest import IngestError
from civicreader.ingest.shared import unescape_once

MAX_LIST_ITEMS = 1000
"""Front-matter lists longer than this (or YAML alias bombs) are cut, not expanded."""


def split_front_matter(text: str) -> tuple[str, str, str] | None:
    """(kind, front matter, body), kind "yaml", "toml" or "pelican"; None if the text has none."""
    text = text.lstrip("\ufeff")
    first, _, rest = text.partition("\n")
    delimiter = first.rstrip()
    if delimiter in ("---", "+++"):
        lines = rest.split("\n")
        for number, line in enumerate(lines):
            stripped = line.rstrip()
            if stripped == delimiter or (delimiter == "---" and stripped == "..."):
                kind = "yaml" if delimiter == "---" else "toml"
                return kind, "\n".join(lines[:number]), "\n".join(lines[number + 1 :])
        raise IngestError(f"front matter opened with {delimiter} is never closed", line=1)
    if re.match(r"title:[ \t]*\S", first, re.IGNORECASE):
        header, _, body = text.partition("\n\n")
        return "pelican", header, body
    return None


def parse_front_matter(kind: str, text: str) -> tuple[dict[str, Any], str | None]:
    """The front matter as a dict, and a note when it was broken and read as well as could be."""
    if kind == "pelican":
        return _loose_key_values(text), None
    if kind == "toml":
        import tomllib

        try:
            return tomllib.loads(text), None
        except tomllib.TOMLDecodeError as error:
            return _loose_key_values(text), f"front matter is not valid TOML ({error}); read line by line"
    import yaml

    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        # The usual slip: `comments:true` without the space after the colon.
        repaired = _MISSING_SPACE.sub(r"\1: ", text)
        slip = _MISSING_SPACE.search(text)
        try:
            if slip is None:
                raise yaml.YAMLError(problem)
            data = load_yaml(repaired)
            line = text.count("\n", 0, slip.start()) + 2
            note = f"front matter line {line}: no space after the colon in {slip.group(0)!r}; read as if there were"
        except yaml.YAMLError:
            data = _loose_key_values(text)
            note = f"front matter {where}{problem}; read line by line"
        return (data if isinstance(data, dict) else {}), note
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, "front matter is not a set of keys and values; ignored"
    return data, None


def load_yaml(text: str) -> Any:
    """PyYAML's safe loader, in C (libyaml) when it is there: four times quicker on big sites."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


_MISSING_SPACE = re.compile(r"^([A-Za-z_][\w-]*):(?=[^\s/:])", re.MULTILINE)
_LOOSE_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*[:=][ \t]*(.*)$")


def _loose_key_values(text: str) -> dict[str, Any]:
    """`key: value` / `key = value` lines, and `- item` lines under an empty key, for broken headers."""
    data: dict[str, Any] = {}
    last_key = None
    for line in text.split("\n"):
        item = re.match(r"^\s*-\s+(.*)$", line)
        if item and last_key is not None:
            current = data.get(last_key)
            data[last_key] = [*(current if isinstance(current, list) else []), _unquote(item.group(1))]
            continue
        match = _LOOSE_LINE.match(line)
        if match:
            last_key = match.group(1).lower()
            value = _unquote(match.group(2))
            data[last_key] = value if value else []
    return data


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def scalar_text(value: Any) -> str:
    """A scalar as text; anything else (lists, maps, a YAML alias bomb) as nothing, never str() of it."""
    return str(value) if isinstance(value, (str, int, float, date)) and value is not None else ""


def first_value(meta: dict[str, Any], *keys: str) -> Any:
    """The value of the first of `keys` (in any case) that has one."""
    lowered = {key.lower(): value for key, value in meta.items() if isinstance(key, str)}
    for key in keys:
        if key in lowered and lowered[key] not in (None, "", []):
            return lowered[key]
    return None


def flatten(value: Any, depth: int = 0) -> list[Any]:
    """Lists of lists (`- [internals]`) made flat, bounded against alias bombs."""
    if isinstance(value, (list, tuple)):
        out: list[Any] = []
        for item in value:
            if depth < 4:
                out.extend(flatten(item, depth + 1))
            if len(out) >= MAX_LIST_ITEMS:
                return out[:MAX_LIST_ITEMS]
        return out
    return [value]


def author_names(value: Any) -> tuple[str, ...]:
    """Authors given as a string, a map with a name, or a list of either."""
    names = []
    for item in flatten(value):
        if isinstance(item, dict):
            item = first_value(item, "name", "display_name", "title")
        if scalar_text(item).strip():
            names.append(unescape_once(scalar_text(item)))
    return tuple(dict.fromkeys(name for name in names if name))


def terms(value: Any, split_spaces: bool) -> tuple[str, ...]:
    """Categories or tags: a list, a comma-separated string, or (Jekyll) a space-separated one."""
    if isinstance(value, str):
        if "," in value:
            value = value.split(",")
        elif split_spaces:
            value = value.split()
        else:
            value = [value]
    found = [unescape_once(scalar_text(item)) for item in flatten(value)]
    return tuple(dict.fromkeys(term for term in found if term))


def parse_when(value: Any) -> datetime | date | None:
    """A front-matter or comment date: YAML/TOML dates, ISO strings, or what dateutil can read."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 10**11:
        return datetime.fromtimestamp(value, tz=UTC).replace(tzinfo=None)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    from dateutil import parser as date_parser

    try:
        return date_parser.parse(text)
    except (ValueError, OverflowError):
        return None


def as_date(when: datetime | date | None) -> date | None:
    if isinstance(when, datetime):
        return when.date()
    return when


def as_datetime(when: datetime | date | None) -> datetime | None:
    """Comment times as written on the site (its wall clock), without the offset."""
    if isinstance(when, datetime):
        return when.replace(tzinfo=None)
    if isinstance(when, date):
        return datetime(when.year, when.month, when.day)
    return None


def is_draft(meta: dict[str, Any]) -> bool:
    draft = first_value(meta, "draft")
    if draft is True or (isinstance(draft, str) and draft.strip().lower() in ("true", "yes")):
        return True
    published = first_value(meta, "published")
    if published is False or (isinstance(published, str) and published.strip().lower() in ("false", "no")):
        return True
    status = first_value(meta, "status")
    return isinstance(status, str) and status.strip().lower() in ("draft", "hidden", "private")
