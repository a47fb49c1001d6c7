"""How many posts under each branch of the archive are still unread: counted from where each post sits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

from civicreader.ui.archive_tree import BlogBranch, CategoriesBranch, CategoryBranch, MonthBranch, YearBranch


def unread_counts(
    places: Iterable[tuple[str, str, str, tuple[str, ...]]], read_ids: Collection[str]
) -> Counter[object]:
    """Unread posts per branch (keyed by the branch's data), from `Library.post_places()` rows."""
    counts: Counter[object] = Counter()
    for post_id, blog, when, categories in places:
        if post_id in read_ids:
            continue
        year = int(when[:4]) if when else None
        counts[BlogBranch(blog)] += 1
        counts[YearBranch(blog, year)] += 1
        if year is not None:
            counts[MonthBranch(blog, year, int(when[5:7]))] += 1
        if categories:
            counts[CategoriesBranch()] += 1
        for category in categories:
            counts[CategoryBranch(category)] += 1
    return counts


def archive_order(places: Iterable[tuple[str, str, str, tuple[str, ...]]]) -> tuple[str, ...]:
    """Post ids as the archive tree lists them: blogs A to Z, newest first within each, undated last."""
    newest_first = sorted(places, key=lambda place: place[2], reverse=True)
    in_blogs = sorted(newest_first, key=lambda place: (place[1].casefold(), not place[2]))
    return tuple(place[0] for place in in_blogs)
