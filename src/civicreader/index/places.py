"""Where every post sits in the archive (its blog, its day, its categories), in the archive tree's order; saved
beside the index so that counting unread posts per branch at start-up need not load the whole catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from civicreader.index.records import RecordError, dump_json, load_json

PLACES_NAME = "places.json"


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
        """From (id, blog, day, categories) rows in any order."""
        newest_first = sorted(rows, key=lambda row: row[2], reverse=True)
        ordered = sorted(newest_first, key=lambda row: (row[1].casefold(), not row[2]))
        if not ordered:
            return cls((), (), (), ())
        ids, blogs, days, categories = zip(*ordered, strict=True)
        return cls(ids, blogs, days, categories)

    def __len__(self) -> int:
        return len(self.ids)

    def to_json(self, generation: int) -> bytes:
        # Blog and category names once each, posts pointing at them by number: a third of the size, and read
        # back in a few milliseconds at 20,000 posts.
        blog_names = sorted(set(self.blogs))
        category_names = sorted({name for names in self.categories for name in names})
        blog_number = {name: number for number, name in enumerate(blog_names)}
        category_number = {name: number for number, name in enumerate(category_names)}
        return dump_json({
            "generation": generation,
            "blog_names": blog_names,
            "category_names": category_names,
            "ids": list(self.ids),
            "blogs": [blog_number[blog] for blog in self.blogs],
            "days": list(self.days),
            "categories": [[category_number[name] for name in names] for names in self.categories],
        })

    @classmethod
    def from_json(cls, data: bytes, generation: int) -> PostPlaces | None:
        """The places saved for this generation of the index; None when the file describes another."""
        found = load_json(data, dict)
        if found.get("generation") != generation:
            return None
        try:
            blog_names, category_names = found["blog_names"], found["category_names"]
            ids, blogs, days, categories = found["ids"], found["blogs"], found["days"], found["categories"]
            if not len(ids) == len(blogs) == len(days) == len(categories):
                raise ValueError("its columns differ in length")
            by_number = tuple(tuple(category_names[number] for number in numbers) for numbers in categories)
            return cls(tuple(map(str, ids)), tuple(blog_names[number] for number in blogs), tuple(map(str, days)),
                       by_number)
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise RecordError(f"the post places cannot be read: {error}") from None
