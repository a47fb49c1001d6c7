"""Posts straight into an index, no pages: for sizes where writing and parsing pages would time the disk.

bench/run.py --direct builds with this. The posts are `run.make_post`'s, made into `Post`s as the text
page reader makes them from `run.page_text` (same blog, title, day, author, categories, tags, paragraphs
and comment thread), so the query set and its totals are the page path's.

The index is written by the real update (engine, word list, catalogue, outline, people, manifest,
seal); only the corpus side is left out: the manifest lists no files, so the index is up to date
with its empty corpus folder, and the app and `Library.search` open it as any other.
"""

from __future__ import annotations

import hashlib
import threading
import time

from civicreader.index import Library
from civicreader.index.schema import post_digest
from civicreader.index.update import Update, UpdateReport
from civicreader.model import Comment, Post


def as_post(generated: dict, number: int) -> Post:
    """The `Post` the text page reader reads from `page_text(generated)`."""

    def comment(made: dict) -> Comment:
        return Comment(author=made["author"], date=made["date"].replace(second=0, microsecond=0),
                       body=tuple(made["body"]), replies=tuple(comment(reply) for reply in made["replies"]))

    blog = generated["blog"]
    source = f"{blog}/post-{number:06d}.txt"
    return Post(
        id=hashlib.sha1(source.encode()).hexdigest()[:12],
        blog=blog,
        title=generated["title"],
        date=generated["day"],
        body=tuple(generated["body"]),
        date_note="from the page",
        authors=(generated["author"],),
        categories=tuple(generated["categories"]),
        tags=tuple(generated["tags"]),
        comments=tuple(comment(made) for made in generated["comments"]),
        sources=(source,),
    )


def with_sentence(post: Post, sentence: str) -> Post:
    """The post with `sentence` added to its first paragraph: one changed post."""
    from dataclasses import replace

    return replace(post, body=(post.body[0] + " " + sentence, *post.body[1:]))


class _DirectUpdate(Update):
    """An update whose posts are given, not read: no files to diff or read, no pages to merge."""

    def __init__(self, library: Library, posts: list[Post], every_post: bool, started: float):
        super().__init__(library, _no_progress, threading.Event(), started)
        self._given = posts
        self._every_post = every_post

    def _diff(self) -> None:
        pass

    def _read(self) -> None:
        pass

    def _merge(self) -> None:
        digests = self.digests
        given = {post.id: post_digest(post) for post in self._given}
        if self._every_post:
            new_digests, self.posts = given, self._given
        else:
            new_digests, self.posts = {**digests, **given}, []
        self.new_digests, self.post_pages, self.site_names = new_digests, None, {}
        self.read_seconds = time.perf_counter() - self.started
        self.to_write = [post for post in self._given if digests.get(post.id) != new_digests[post.id]]
        self.to_delete = [post_id for post_id in digests if post_id not in new_digests]
        self.problems = self.new_problems = ()


def write_posts(library: Library, posts: list[Post], *, every_post: bool = True) -> UpdateReport:
    """Bring the index to hold `posts` (`every_post`: these and no others; else: these changed or added)."""
    started = time.perf_counter()
    library._drop_engine()
    with library._write_lock():
        report = _DirectUpdate(library, posts, every_post, started).run()
    library._drop_engine()
    library._verified.clear()
    return report


def _no_progress(done: int, total: int, what: str) -> None:
    pass
