"""The catalogue: every live post's summary row from the index's meta column, behind the facets and the
archive tree; saved beside the index with a small outline (blogs and categories) for the first screen."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import chain

from civicreader.index.records import RecordError, dump_json, load_json, with_generation
from civicreader.index.results import PostSummary, QueryError
from civicreader.index.schema import RECORD, UNIT

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from typing import Any

    from civicreader.index.places import PostPlaces

CATALOGUE_NAME = "catalogue.json"
OUTLINE_NAME = "outline.json"
PLACES_NAME = "places.json"
"""Where every post sits (`places.PostPlaces`), saved with the catalogue and the outline."""
FEW_WRITTEN = 500
"""Up to this many posts written, an update carries the catalogue over from the one before, not read afresh."""


@dataclass(frozen=True)
class _Columns:
    """The catalogue's rows by column, and its posts grouped by year, blog and category."""

    categories: dict[int, tuple[str, ...]]
    year_labels: dict[int, str]
    blogs: dict[int, str]
    day_numbers: dict[int, int]
    by_year: dict[int, set[int]]
    by_blog: dict[str, set[int]]
    by_category: dict[str, set[int]]
    comment_counts: dict[int, int]

    @classmethod
    def of(cls, rows: dict[int, list[str]]) -> _Columns:
        # Column by column, with dict(zip()): a loop filling seven dicts a row took twice as long at 20,000 posts.
        docnums, values = list(rows), list(rows.values())
        whens = [row[2] for row in values]
        blogs = [row[4] for row in values]
        days = [int(when.replace("-", "")) if when else 0 for when in whens]
        categories = [tuple(row[5].split(RECORD)) if row[5] else () for row in values]
        by_year: dict[int, set[int]] = {}
        by_blog: dict[str, set[int]] = {}
        by_category: dict[str, set[int]] = {}
        for docnum, day, blog, cats in zip(docnums, days, blogs, categories, strict=True):
            by_year.setdefault(day // 10000, set()).add(docnum)
            by_blog.setdefault(blog, set()).add(docnum)
            for category in cats:
                by_category.setdefault(category, set()).add(docnum)
        return cls(dict(zip(docnums, categories, strict=True)),
                   dict(zip(docnums, [when[:4] or "undated" for when in whens], strict=True)),
                   dict(zip(docnums, blogs, strict=True)), dict(zip(docnums, days, strict=True)),
                   by_year, by_blog, by_category, dict(zip(docnums, [int(row[6]) for row in values], strict=True)))


class _Catalogue:
    """Everything the facets and the archive tree need, per document number, from the meta column.

    Only the rows are made at once; the columns and groups from them when first asked for, so that an update,
    which saves the rows, does not make them (0.3 s at 20,000 posts).
    """

    def __init__(self, rows: dict[int, list[str]], columns: _Columns | None = None):
        self.rows = rows
        """Live documents only: id, title, date, inferred, blog, categories, comment count, excerpt, digest,
        commenters, thread depth, first and last comment day."""
        self._made = columns
        self.summaries: dict[int, PostSummary] = {}
        """Made when first asked for."""

    @classmethod
    def load(cls, reader) -> _Catalogue:
        rows: dict[int, list[str]] = {}
        for segment, base in reader.leaf_readers():
            if not segment.has_column("meta"):
                continue
            deleted = segment.deleted_docs_set if segment.has_deletions() else frozenset()
            # Iterating a column reads the values in order; asking for each document seeks for each.
            for local, value in enumerate(segment.column_reader("meta")):
                if local not in deleted:
                    rows[base + local] = value.decode("utf-8", "surrogatepass").split(UNIT)
        return cls.from_rows(rows)

    @classmethod
    def from_rows(cls, rows: dict[int, list[str]]) -> _Catalogue:
        return cls(rows)

    @property
    def _columns(self) -> _Columns:
        if self._made is None:
            self._made = _Columns.of(self.rows)
        return self._made

    @property
    def categories(self) -> dict[int, tuple[str, ...]]:
        return self._columns.categories

    @property
    def year_labels(self) -> dict[int, str]:
        """"2011", or "undated"."""
        return self._columns.year_labels

    @property
    def blogs(self) -> dict[int, str]:
        return self._columns.blogs

    @property
    def day_numbers(self) -> dict[int, int]:
        """yyyymmdd, 0 when undated: sorts newest first."""
        return self._columns.day_numbers

    @property
    def by_year(self) -> dict[int, set[int]]:
        return self._columns.by_year

    @property
    def by_blog(self) -> dict[str, set[int]]:
        return self._columns.by_blog

    @property
    def by_category(self) -> dict[str, set[int]]:
        return self._columns.by_category

    @property
    def comment_counts(self) -> dict[int, int]:
        """Behind `comments:>=N` and the longest threads first."""
        return self._columns.comment_counts

    @property
    def digests(self) -> dict[str, str]:
        """post id -> content hash."""
        return {row[0]: row[8] for row in self.rows.values()}

    def places(self) -> PostPlaces:
        from civicreader.index.places import PostPlaces  # imported here: a search reads no places

        return PostPlaces.in_archive_order(_place(row) for row in self.rows.values())

    def summary(self, docnum: int) -> PostSummary:
        found = self.summaries.get(docnum)
        if found is None:
            found = self.summaries[docnum] = summary_of_row(self.rows[docnum])
        return found

    def span(self) -> tuple[date, date] | None:
        """The first and last post date in the archive; None when no post is dated."""
        dated = [day for day in self.day_numbers.values() if day]
        if not dated:
            return None
        low, high = min(dated), max(dated)
        return date(low // 10000, low // 100 % 100, low % 100), date(high // 10000, high // 100 % 100, high % 100)

    def facets(self, docnums: Iterable[int]) -> dict[str, dict[str, int]]:
        """Years in order; blogs and categories the most posts first, then by name."""
        docnums = docnums if isinstance(docnums, Collection) else list(docnums)
        groups = (self.by_year, self.by_blog, self.by_category)
        # A set intersection costs its smaller side at a fraction of a Counter's cost a post (three passes over
        # every post): for the 130,000 matches of a common word in 200,000 posts, 54 ms against 100 ms.
        if sum(min(len(docnums), len(members)) for group in groups for members in group.values()) < 8 * len(docnums):
            matched = set(docnums)
            years, blogs, categories = ({key: len(matched & members) for key, members in group.items()}
                                        for group in groups)
            years = {f"{year:04d}" if year else "undated": count for year, count in years.items()}
        else:
            years = Counter(map(self.year_labels.__getitem__, docnums))
            blogs = Counter(map(self.blogs.__getitem__, docnums))
            categories = Counter(chain.from_iterable(map(self.categories.__getitem__, docnums)))
        return {
            "year": dict(sorted((year, count) for year, count in years.items() if count)),
            "blog": _most_first(blogs),
            "category": _most_first(categories),
        }

    def allowed(self, filters: Mapping[str, str]) -> set[int] | None:
        allowed: set[int] | None = None
        for name, value in filters.items():
            if name == "year":
                key = 0 if str(value) in ("undated", "None", "") else int(value)
                chosen = self.by_year.get(key, set())
            elif name == "blog":
                chosen = self.by_blog.get(value, set())
            elif name == "category":
                chosen = self.by_category.get(value, set())
            else:
                raise QueryError(f"cannot filter on '{name}'; use year, blog or category")
            allowed = set(chosen) if allowed is None else allowed & chosen
        return allowed

    def allowed_ids(
        self, allowed: set[int] | None, only_ids: Collection[str] | None, without_ids: Collection[str]
    ) -> set[int]:
        """`allowed` (None: every post) narrowed to the posts whose id is in `only_ids` and not in `without_ids`."""
        candidates = self.rows.keys() if allowed is None else allowed
        return {
            docnum for docnum in candidates
            if (only_ids is None or self.rows[docnum][0] in only_ids) and self.rows[docnum][0] not in without_ids
        }


def _place(row: list[str]) -> tuple[str, str, str, tuple[str, ...]]:
    """(id, blog, day, categories) of a catalogue row, as `PostPlaces` keeps them."""
    return row[0], row[4], row[2], tuple(row[5].split(RECORD)) if row[5] else ()


def summary_of_row(row: list[str]) -> PostSummary:
    """A post's summary from its meta row (see `_Catalogue.rows`)."""
    post_id, title, when, inferred, blog, _, comments, excerpt, _, people, depth, first, last = row
    return PostSummary(
        id=post_id,
        title=title,
        date=date.fromisoformat(when) if when else None,
        date_inferred=bool(inferred),
        blog=blog,
        comment_count=int(comments),
        excerpt=bool(excerpt),
        commenters=int(people),
        thread_depth=int(depth),
        first_comment=date.fromisoformat(first) if first else None,
        last_comment=date.fromisoformat(last) if last else None,
    )


def _most_first(counts: Mapping[str, int]) -> dict[str, int]:
    found = ((name, count) for name, count in counts.items() if count)
    return dict(sorted(found, key=lambda item: (-item[1], item[0])))


def _newest_first(summaries: Iterable[PostSummary]) -> list[PostSummary]:
    summaries = list(summaries)  # read twice: a generator gave the dated posts and lost the undated
    dated = sorted((s for s in summaries if s.date), key=lambda s: (s.date, s.title), reverse=True)
    return dated + sorted((s for s in summaries if not s.date), key=lambda s: s.title)


def stored_catalogue(data: bytes, generation: int) -> _Catalogue | None:
    """The catalogue the last update saved (`data`, its sealed file), if it describes this generation of the index."""
    rows = stored_rows(data, generation)
    if rows is None:
        return None
    try:
        # The columns made now, so a file that cannot make them is found damaged while it is read.
        return _Catalogue(rows, _Columns.of(rows))
    except (TypeError, ValueError, IndexError, AttributeError) as error:
        raise RecordError(f"the catalogue cannot be read: {error}") from None


def stored_rows(data: bytes, generation: int) -> dict[int, list[str]] | None:
    """The rows (document number -> meta values) of the catalogue saved in `data`, if it describes `generation`."""
    found = load_json(data, dict)
    if found.get("generation") != generation:
        return None
    docnums, rows = found.get("docnums"), found.get("rows")
    if not isinstance(docnums, list) or not isinstance(rows, list) or len(docnums) != len(rows):
        raise RecordError("the catalogue cannot be read")
    return dict(zip(docnums, rows, strict=True))


def catalogue_json(rows: Mapping[int, list[str]], generation: int,
                   before: tuple[Mapping[int, list[str]], bytes] | None = None) -> bytes:
    """The catalogue file: one JSON object, each row on a line of its own, so that the rows carried over from the
    catalogue saved `before` (its rows and its file) are copied from its file, not encoded again (encoding all
    20,000 rows was most of saving it)."""
    line_of: dict[int, bytes] = {}
    if before is not None:
        old_rows, data = before
        old_lines = data.split(b"\n")[1:-1]
        if old_lines and len(old_lines) == len(old_rows):
            old_lines[-1] += b","
            # The rows an engine carries over are the very lists it was given (rows are never changed in place),
            # alive while `before` is: a row is known by its identity, with no need to compare it.
            line_of = dict(zip(map(id, old_rows.values()), old_lines, strict=True))
    lines = [line_of.get(id(row)) or dump_json(row) + b"," for row in rows.values()]
    if lines:
        lines[-1] = lines[-1][:-1]
    header = dump_json({"generation": generation, "docnums": list(rows)})[:-1] + b',"rows":['
    return b"\n".join([header, *lines, b"]}"])


def save_catalogue(catalogue: _Catalogue, generation: int, write: Callable[[str, bytes], None],
                   unmoved: Mapping[str, bytes] | None = None, was: int | None = None,
                   before: tuple[Mapping[int, list[str]], bytes] | None = None) -> None:
    """Save the catalogue, the outline and the post places of the index as committed (`generation`), each through
    `write(name, data)`. `unmoved`: the outline and places saved for generation `was`, when no post has since come,
    gone, moved or gained or lost its comments (see `sit_as_before`): said again of this generation. `before`: the
    catalogue saved last, its rows and its file (see `catalogue_json`)."""
    write(CATALOGUE_NAME, catalogue_json(catalogue.rows, generation, before))
    if unmoved is not None and was is not None:
        again = {name: with_generation(unmoved.get(name, b""), generation, was) for name in (OUTLINE_NAME, PLACES_NAME)}
        if all(again.values()):
            for name, data in again.items():
                write(name, data)  # type: ignore[arg-type]
            return
    # From the rows, not the catalogue's groups: an update would make them only for this.
    rows = catalogue.rows.values()
    categories = Counter(chain.from_iterable(row[5].split(RECORD) for row in rows if row[5]))
    outline = {
        "generation": generation,
        "blogs": dict(sorted(Counter(row[4] for row in rows).items())),
        "categories": dict(sorted(categories.items())),
        "commented": sum(1 for row in rows if int(row[6])),
    }
    write(OUTLINE_NAME, json.dumps(outline, ensure_ascii=True).encode("ascii"))
    write(PLACES_NAME, catalogue.places().to_json(generation))


def sit_as_before(before: Mapping[int, list[str]], after: Mapping[int, list[str]], changed: Collection[str]) -> bool:
    """Whether the posts `changed` (by id) are the same posts, in the same blogs, days and categories, with comments
    or without as before: then the outline and the places are as before (the places order no document number)."""

    def placed(rows: Mapping[int, list[str]]) -> list[tuple]:
        return sorted((*_place(row), int(row[6]) > 0) for row in rows.values() if row[0] in changed)

    return len(before) == len(after) and placed(before) == placed(after)


def stored_outline(data: bytes, generation: int) -> dict[str, Any] | None:
    """The blogs and categories with their counts, and how many posts have comments (None in an outline written
    before it was kept), as the update that wrote this generation saved them (`data`, the sealed outline), or
    None when it describes another generation."""
    outline = load_json(data, dict)
    if outline.get("generation") != generation:
        return None
    commented = outline.get("commented")
    return {"blogs": dict(outline.get("blogs") or {}), "categories": dict(outline.get("categories") or {}),
            "commented": commented if isinstance(commented, int) else None}
