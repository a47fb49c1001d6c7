"""The one shape every stage speaks: a blog `Post` with its tree of `Comment`s.

Ingest produces these, dedupe merges them, the index stores them, and the UI,
the CLI and export read them. Nothing here imports anything heavy.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class Comment:
    author: str
    date: datetime | None
    body: tuple[str, ...]
    """Paragraphs of plain text."""
    replies: tuple[Comment, ...] = ()
    date_inferred: bool = False
    """The page gave the comment's day without a year: the year is its post's, or the next one
    where the day comes earlier in the calendar (a comment is never older than its post)."""
    date_text: str = ""
    """The page's own words for a time no day can be read from ("3 weeks ago"), kept as written;
    empty when the comment has a date or the page gave none."""

    def walk(self, depth: int = 0):
        """Yield (depth, comment) for this comment and every reply below it, in thread order.

        With a stack, not recursion: nested generators pass each reply up through every level above it.
        """
        stack = [(depth, self)]
        while stack:
            level, comment = stack.pop()
            yield level, comment
            stack.extend((level + 1, reply) for reply in reversed(comment.replies))

    def to_dict(self) -> dict[str, Any]:
        return {
            "author": self.author,
            "date": self.date.strftime("%Y-%m-%dT%H:%M") if self.date else None,
            "date_inferred": self.date_inferred,
            "date_text": self.date_text,
            "body": list(self.body),
            "replies": [reply.to_dict() for reply in self.replies],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Comment:
        when = data.get("date")
        return cls(
            author=data.get("author") or "",
            date=datetime.fromisoformat(when) if when else None,
            body=tuple(data.get("body") or ()),
            replies=tuple(cls.from_dict(reply) for reply in data.get("replies") or ()),
            date_inferred=bool(data.get("date_inferred")),
            date_text=str(data.get("date_text") or ""),
        )


@dataclass(frozen=True)
class Post:
    id: str
    blog: str
    title: str
    date: date | None
    body: tuple[str, ...]
    """Paragraphs of plain text."""
    date_inferred: bool = False
    date_note: str = ""
    """How the date was found, in a few words ("from the page", "year from comments")."""
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    excerpt: bool = False
    """True when no page had the full text (only a teaser or summary)."""
    comments: tuple[Comment, ...] = ()
    sources: tuple[str, ...] = field(default=())
    """Every file the post was read from."""
    url: str = ""
    """The post's permalink, where a format gave one (WXR `link`, a feed's item link, Blogger's
    alternate link, a saved page's canonical link, Markdown front matter `url`/`permalink`)."""

    def walk_comments(self):
        """Yield (depth, comment) for every comment of the thread, in reading order."""
        for comment in self.comments:
            yield from comment.walk()

    @property
    def comment_count(self) -> int:
        return sum(1 for _ in self.walk_comments())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "blog": self.blog,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "date_inferred": self.date_inferred,
            "date_note": self.date_note,
            "authors": list(self.authors),
            "categories": list(self.categories),
            "tags": list(self.tags),
            "body": list(self.body),
            "excerpt": self.excerpt,
            "comments": [comment.to_dict() for comment in self.comments],
            "sources": list(self.sources),
            "url": self.url,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Post:
        when = data.get("date")
        return cls(
            id=data["id"],
            blog=data.get("blog") or "",
            title=data.get("title") or "",
            date=date.fromisoformat(when) if when else None,
            body=tuple(data.get("body") or ()),
            date_inferred=bool(data.get("date_inferred")),
            date_note=data.get("date_note") or "",
            authors=tuple(data.get("authors") or ()),
            categories=tuple(data.get("categories") or ()),
            tags=tuple(data.get("tags") or ()),
            excerpt=bool(data.get("excerpt")),
            comments=tuple(Comment.from_dict(c) for c in data.get("comments") or ()),
            sources=tuple(data.get("sources") or ()),
            url=data.get("url") or "",
        )


def normalise_key_text(text: str) -> str:
    """Fold a title for identity: case, accents, quotes, dashes and spacing do not matter."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def post_id(blog: str, title: str, month: int | None, day: int | None, body: tuple[str, ...] = ()) -> str:
    """A stable id for a post: the same blog, title and day of the year give the same id.

    The year is left out on purpose: scraped pages often show "24 Dec" without one, and
    the same post must get the same id from a page that shows the year and one that does not.
    Untitled posts are told apart by the start of their text.
    """
    key_title = normalise_key_text(title)
    if not key_title:
        key_title = "untitled " + normalise_key_text(" ".join(body))[:120]
    when = f"{month:02d}-{day:02d}" if month and day else "--"
    digest = hashlib.sha1(f"{normalise_key_text(blog)}|{key_title}|{when}".encode()).hexdigest()
    return digest[:12]
