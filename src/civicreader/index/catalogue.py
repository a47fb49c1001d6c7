"""The catalogue: every live post's summary row from the index's meta column, behind the facets and the
archive tree; saved beside the index with a small outline (blogs and categories) for the first screen."""

from __future__ import annotations

import json
import pickle
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from pathlib import Path

from civicreader.index.results import PostSummary, QueryError
from civicreader.index.schema import RECORD, UNIT
from civicreader.index.store import _atomic_write


@dataclass(frozen=True)
class _Catalogue:
    """Everything the facets and the archive tree need, per document number, from the meta column."""

    rows: dict[int, list[str]]
    """Live documents only: id, title, date, inferred, blog, categories, comment count, excerpt, digest,
    commenters, thread depth, first and last comment day."""
    categories: dict[int, tuple[str, ...]]
    year_labels: dict[int, str]
    """"2011", or "undated"."""
    blogs: dict[int, str]
    day_numbers: dict[int, int]
    """yyyymmdd, 0 when undated: sorts newest first."""
    by_year: dict[int, set[int]]
    by_blog: dict[str, set[int]]
    by_category: dict[str, set[int]]
    comment_counts: dict[int, int] = field(default_factory=dict)
    """Behind `comments:>=N` and the longest threads first."""
    summaries: dict[int, PostSummary] = field(default_factory=dict)
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
        categories: dict[int, tuple[str, ...]] = {}
        year_labels: dict[int, str] = {}
        blogs: dict[int, str] = {}
        day_numbers: dict[int, int] = {}
        by_year: dict[int, set[int]] = {}
        by_blog: dict[str, set[int]] = {}
        by_category: dict[str, set[int]] = {}
        comment_counts: dict[int, int] = {}
        for docnum, row in rows.items():
            when, blog = row[2], row[4]
            cats = tuple(row[5].split(RECORD)) if row[5] else ()
            categories[docnum] = cats
            year_labels[docnum] = when[:4] if when else "undated"
            blogs[docnum] = blog
            day_numbers[docnum] = int(when.replace("-", "")) if when else 0
            by_year.setdefault(int(when[:4]) if when else 0, set()).add(docnum)
            by_blog.setdefault(blog, set()).add(docnum)
            comment_counts[docnum] = int(row[6])
            for category in cats:
                by_category.setdefault(category, set()).add(docnum)
        return cls(rows, categories, year_labels, blogs, day_numbers, by_year, by_blog, by_category, comment_counts)

    @property
    def digests(self) -> dict[str, str]:
        """post id -> content hash."""
        return {row[0]: row[8] for row in self.rows.values()}

    def summary(self, docnum: int) -> PostSummary:
        found = self.summaries.get(docnum)
        if found is None:
            row = self.rows[docnum]
            post_id, title, when, inferred, blog, _, comments, excerpt, _, people, depth, first, last = row
            found = PostSummary(
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
            self.summaries[docnum] = found
        return found

    def facets(self, docnums: Iterable[int]) -> dict[str, dict[str, int]]:
        docnums = list(docnums)
        years = Counter(map(self.year_labels.__getitem__, docnums))
        blogs = Counter(map(self.blogs.__getitem__, docnums))
        categories = Counter(chain.from_iterable(map(self.categories.__getitem__, docnums)))
        return {
            "year": dict(sorted(years.items())),
            "blog": dict(blogs.most_common()),
            "category": dict(categories.most_common()),
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


def _newest_first(summaries: Iterable[PostSummary]) -> list[PostSummary]:
    dated = sorted((s for s in summaries if s.date), key=lambda s: (s.date, s.title), reverse=True)
    return dated + sorted((s for s in summaries if not s.date), key=lambda s: s.title)


def stored_catalogue(path: Path, generation: int) -> _Catalogue | None:
    """The catalogue the last update saved, if it describes this generation of the index."""
    try:
        stored_generation, catalogue = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if stored_generation != generation or not isinstance(catalogue, _Catalogue):
        return None
    return catalogue


def save_catalogue(whoosh_index, catalogue_path: Path, outline_path: Path) -> None:
    with whoosh_index.reader() as reader:
        catalogue = _Catalogue.load(reader)
        generation = reader.generation()
    _atomic_write(catalogue_path, pickle.dumps((generation, catalogue), protocol=pickle.HIGHEST_PROTOCOL))
    outline = {
        "generation": generation,
        "blogs": {blog: len(docnums) for blog, docnums in sorted(catalogue.by_blog.items())},
        "categories": {name: len(docnums) for name, docnums in sorted(catalogue.by_category.items())},
    }
    _atomic_write(outline_path, json.dumps(outline, ensure_ascii=True).encode("ascii"))


def stored_outline(path: Path, generation: int) -> dict[str, dict[str, int]] | None:
    """The blogs and categories with their counts as the update that wrote this generation saved them, or None
    when the file does not describe it (an index written before outlines were)."""
    try:
        outline = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(outline, dict) or outline.get("generation") != generation:
        return None
    return {"blogs": dict(outline.get("blogs") or {}), "categories": dict(outline.get("categories") or {})}
