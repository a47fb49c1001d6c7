"""Where every post sits in the archive (its blog, its day, its categories), in the archive tree's order; saved
beside the index so that counting unread posts per branch at start-up need not load the whole catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from civicreader.index.records import RecordError, dump_json, load_json


@dataclass(frozen=True)
class PostPlaces:
    """Four columns of the same length, one row per post, in archive order: blogs A to Z, newest first within
    each, undated last."""

    ids: tuple[str, ...]
    blogs: tuple[str, ...]
    days: tuple[str, ...]
    """"yyyy-mm-dd", or "" when undated."""
    categories: tuple[tuple[str, ...], ...]

    @classmethod
    def in_archive_order(cls, rows: Iterable[tuple[str, str, str, tuple[str, ...]]]) -> PostPlaces:
        """From (id, blog, day, categories) rows in any order; posts of one blog and day by id, so the places are
        the same whatever order the rows come in (an update that moves a post within the index changes nothing)."""
        newest_first = sorted(sorted(rows, key=lambda row: row[0]), key=lambda row: row[2], reverse=True)
        ordered = sorted(newest_first, key=lambda row: (row[1].casefold(), not row[2]))
        if not ordered:
            return cls((), (), (), ())
        ids, blogs, days, categories = zip(*ordered, strict=True)
        return cls(ids, blogs, days, categories)

    def __len__(self) -> int:
        return len(self.ids)

    def to_json(self, generation: int) -> bytes:
        # Names once each and posts pointing at them by number (categories by the set a post has: a few dozen
        # sets for thousands of posts), ids and days as one string each: read back in about 5 ms, not 20, at
        # 20,000 posts, while the first screen waits for it.
        blog_names = sorted(set(self.blogs))
        category_sets = sorted(set(self.categories))
        blog_number = {name: number for number, name in enumerate(blog_names)}
        set_number = {names: number for number, names in enumerate(category_sets)}
        return dump_json({
            "generation": generation,
            "blog_names": blog_names,
            "category_sets": [list(names) for names in category_sets],
            "ids": _joined(self.ids),
            "blogs": [blog_number[blog] for blog in self.blogs],
            "days": _joined(self.days),
            "categories": [set_number[names] for names in self.categories],
        })

    @classmethod
    def from_json(cls, data: bytes, generation: int) -> PostPlaces | None:
        """The places saved for this generation of the index; None when the file describes another."""
        found = load_json(data, dict)
        if found.get("generation") != generation:
            return None
        try:
            blog_names = found["blog_names"]
            category_sets = [tuple(map(str, names)) for names in found["category_sets"]]
            ids, days = _split(found["ids"]), _split(found["days"])
            blogs, categories = found["blogs"], found["categories"]
            if not len(ids) == len(blogs) == len(days) == len(categories):
                raise ValueError("its columns differ in length")
            return cls(ids, tuple(map(str, map(blog_names.__getitem__, blogs))), days,
                       tuple(map(category_sets.__getitem__, categories)))
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise RecordError(f"the post places cannot be read: {error}") from None


SEPARATOR = "\n"


def _joined(column: tuple[str, ...]) -> str | list[str]:
    """The column as one string, its values between separators; as a list when a value holds the separator
    (an id no reader makes, but a string cannot then say where it ends)."""
    if not column:
        return []
    if any(SEPARATOR in value for value in column):
        return list(column)
    return SEPARATOR.join(column)


def _split(column: str | list) -> tuple[str, ...]:
    if isinstance(column, str):
        return tuple(column.split(SEPARATOR))
    return tuple(map(str, column))
