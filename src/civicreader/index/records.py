"""The index's own files as data, never code: pages, the word list and the catalogue in JSON.

Pickle would be quicker to write here, but unpickling runs whatever the file says; these readers
make only strings, numbers, lists, dicts and the few frozen dataclasses named in `_classes`, so a
crafted file can at worst fail to load (RecordError), and the index is then rebuilt.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from typing import Any

    from civicreader.ingest import Page, Problem

CONTAINER_MAGIC = b"civicreader-blobs 1\n"


class RecordError(ValueError):
    """A file of the index that does not hold what it should."""


@cache
def _classes() -> dict[str, type]:
    """The record classes by name. Imported when first used: the readers' package (ingest) they come from took
    10 ms of importing the index, and searching reads no page."""
    from civicreader.ingest import DateClue, Dependency, Page, Problem, YearlessDay
    from civicreader.model import Comment, Post

    return {cls.__name__: cls for cls in (Page, Problem, Post, Comment, DateClue, YearlessDay, Dependency)}


@cache
def _fields() -> dict[type, tuple[str, ...]]:
    return {cls: tuple(field.name for field in dataclasses.fields(cls)) for cls in _classes().values()}


def _plain(value: Any) -> Any:
    """json.dumps's fallback: a dataclass as {name: [its fields]}, a date or datetime as {kind: iso}."""
    cls = type(value)
    fields = _fields().get(cls)
    if fields is not None:
        return {cls.__name__: [getattr(value, name) for name in fields]}
    if cls is datetime:
        return {"datetime": value.isoformat()}
    if cls is date:
        return {"date": value.isoformat()}
    raise TypeError(f"cannot store a {cls.__name__} in the index")


def _frozen(value: Any) -> Any:
    return tuple(map(_frozen, value)) if type(value) is list else value


def _revived(data: dict[str, Any]) -> Any:
    if len(data) != 1:
        raise RecordError("an object that is not one record")
    ((name, value),) = data.items()
    if name == "date":
        return date.fromisoformat(value)
    if name == "datetime":
        return datetime.fromisoformat(value)
    cls = _classes().get(name)
    if cls is None or type(value) is not list:
        raise RecordError(f"an unknown record {name[:40]!r}")
    return cls(*map(_frozen, value))


def dump_page(page: Page | Problem) -> bytes:
    """A page (or the problem that stopped it) as UTF-8 JSON; text keeps lone surrogates."""
    text = json.dumps(page, default=_plain, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


def load_page(data: bytes) -> Page | Problem:
    from civicreader.ingest import Page, Problem  # imported here, as in `_classes`

    try:
        page = json.loads(data.decode("utf-8", "surrogatepass"), object_hook=_revived)
    except RecordError:
        raise
    except (ValueError, TypeError, RecursionError) as error:
        raise RecordError(f"a page cannot be read: {error}") from None
    if not isinstance(page, Page | Problem):
        raise RecordError("a page that is not a page")
    return page


def dump_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def load_json(data: bytes, kind: type) -> Any:
    """Plain JSON data that must be of `kind` (dict or list) at the top."""
    try:
        found = json.loads(data.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError) as error:
        raise RecordError(f"cannot be read: {error}") from None
    if not isinstance(found, kind):
        raise RecordError(f"holds a {type(found).__name__}, not a {kind.__name__}")
    return found


def pack_blobs(header: Mapping[str, Any], blobs: Mapping[str, bytes]) -> bytes:
    """A JSON header and named byte strings in one file: each blob is read alone, only when wanted."""
    places: dict[str, list[int]] = {}
    offset = 0
    for name, blob in blobs.items():
        places[name] = [offset, len(blob)]
        offset += len(blob)
    head = dump_json({"header": header, "blobs": places})
    return b"".join((CONTAINER_MAGIC, str(len(head)).encode("ascii"), b"\n", head, *blobs.values()))


def unpack_blobs(data: bytes) -> tuple[dict[str, Any], dict[str, memoryview]]:
    """(header, name -> blob) of what pack_blobs wrote; blobs are views into `data`, not copies."""
    if not data.startswith(CONTAINER_MAGIC):
        raise RecordError("not a civicreader data file")
    size_line, newline, _ = data[len(CONTAINER_MAGIC) : len(CONTAINER_MAGIC) + 24].partition(b"\n")
    if not newline or not size_line.isdigit():
        raise RecordError("its header cannot be read")
    start = len(CONTAINER_MAGIC) + len(size_line) + 1
    end = start + int(size_line)
    head = load_json(data[start:end], dict)
    header, places = head.get("header"), head.get("blobs")
    if not isinstance(header, dict) or not isinstance(places, dict):
        raise RecordError("its header cannot be read")
    view = memoryview(data)[end:]
    blobs: dict[str, memoryview] = {}
    for name, place in places.items():
        if not (isinstance(place, list) and len(place) == 2 and all(type(n) is int and n >= 0 for n in place)):
            raise RecordError("its header cannot be read")
        offset, length = place
        if offset + length > len(view):
            raise RecordError("it is shorter than its header says")
        blobs[name] = view[offset : offset + length]
    return header, blobs


_GENERATION = re.compile(rb'\{"generation": ?(\d{1,12})(?=[,}])')


def with_generation(data: bytes, generation: int, was: int) -> bytes | None:
    """A saved JSON object that begins with its generation (`was`; as dump_json or json.dumps spaced it), said of
    another generation: a file whose content has not otherwise changed need not be encoded again. None when `data`
    does not begin so."""
    found = _GENERATION.match(data)
    if found is None or int(found.group(1)) != was:
        return None
    return data[: found.start(1)] + str(generation).encode("ascii") + data[found.end(1):]
