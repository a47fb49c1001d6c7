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
from functools import lru_cache

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class Comment:
    """One comment of a post's thread, with the replies made to it."""

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
    """One blog post and its comments, as every reader yields it and every later stage (dedupe, the index, the
    app, the CLI, export) takes it."""

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


_ACCENT_BLOCKS = (
    (0x0300, 0x036F), (0x0483, 0x0489), (0x0591, 0x05C7), (0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670),
    (0x06D6, 0x06ED), (0x0711, 0x0711), (0x0730, 0x074A), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)
"""Where the marks that only accent a letter are: Latin, Greek and Cyrillic accents, Hebrew and Arabic vowel points.
Not the vowel signs and viramas of the scripts that write their vowels as marks (Indic, Thai, Japanese's voicing
marks): "পানি" (water) and "পান" (betel) differ in one, and were one title, so one of two posts was lost."""
_NOT_KEY = re.compile(r"[\W_]+")
_SPACES = re.compile(r" +")


def normalise_key_text(text: str) -> str:
    """Fold a title for identity: case, accents, quotes, dashes and spacing do not matter."""
    text = unicodedata.normalize("NFKD", text)
    if not text.isascii():
        text = _accents().sub("", text)
    return _NOT_KEY.sub(_separator, text.casefold()).strip()


@lru_cache(maxsize=1)
def _accents() -> re.Pattern:
    """The combining accents of `_ACCENT_BLOCKS`, as a class (made when first needed: a title in ASCII has none)."""
    accents = (chr(code) for first, last in _ACCENT_BLOCKS for code in range(first, last + 1))
    return re.compile("[" + re.escape("".join(ch for ch in accents if unicodedata.combining(ch))) + "]")


def _separator(run: re.Match) -> str:
    """What stands for a run of characters that are not letters or digits: a space, less the vowel signs in it,
    which belong to the word they stand in."""
    found = run.group()
    if found.isascii() or not any(unicodedata.category(ch)[0] == "M" for ch in found):
        return " "
    return _SPACES.sub(" ", "".join(ch if unicodedata.category(ch)[0] == "M" else " " for ch in found))


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
