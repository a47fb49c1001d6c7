"""Merge the same post read from several pages into one, and infer missing years."""

from __future__ import annotations

from civicreader.ingest import Page
from civicreader.model import Post


def merge_pages(pages: list[Page]) -> list[Post]:
    """One Post per id, newest first (undated last)."""
    merged: dict[str, Post] = {}
    for page in pages:
        for post in page.posts:
            merged.setdefault(post.id, post)
    return sort_posts(merged.values())


def sort_posts(posts) -> list[Post]:
    dated = sorted((p for p in posts if p.date), key=lambda p: (p.date, p.title), reverse=True)
    undated = sorted((p for p in posts if not p.date), key=lambda p: p.title)
    return dated + undated
