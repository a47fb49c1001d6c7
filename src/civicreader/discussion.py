"""How much a post drew: its comments, the distinct people who wrote them, how deep the thread went, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from civicreader.model import Post

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class Discussion:
    comments: int = 0
    commenters: int = 0
    """Distinct names, compared the way `people` compares them."""
    depth: int = 0
    """Levels in the deepest thread: 0 with no comments, 1 when nobody replied to a comment."""
    first: date | None = None
    """The day of the earliest dated comment; None when no comment has a date."""
    last: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """Flat keys that sit beside a post's own in JSON (where "comments" is the thread itself)."""
        return {
            "comment_count": self.comments,
            "commenters": self.commenters,
            "thread_depth": self.depth,
            "first_comment": self.first.isoformat() if self.first else None,
            "last_comment": self.last.isoformat() if self.last else None,
        }

    def describe(self) -> str:
        """One line for a header: "12 comments by 7 people, 4 levels deep, 2011-03-08 to 2011-04-02"."""
        if not self.comments:
            return "no comments"
        words = [_counted(self.comments, "comment")]
        if self.commenters:
            words[0] += f" by {_counted(self.commenters, 'person', 'people')}"
        if self.depth > 1:
            words.append(f"{self.depth} levels deep")
        if self.first and self.last:
            span = self.first.isoformat() if self.first == self.last else f"{self.first} to {self.last}"
            words.append(span)
        return ", ".join(words)


def discussion(post: Post) -> Discussion:
    # Imported here: the index's schema imports this module, and `people` (with its text cleaning) took 5 ms of a
    # new process's first search, which never works out a discussion.
    from civicreader.people import person_key

    count = 0
    names: set[str] = set()
    depth = 0
    days: list[date] = []
    for level, comment in post.walk_comments():
        count += 1
        key = person_key(comment.author)
        if key:
            names.add(key)
        depth = max(depth, level + 1)
        if comment.date is not None:
            days.append(comment.date.date())
    return Discussion(
        comments=count,
        commenters=len(names),
        depth=depth,
        first=min(days) if days else None,
        last=max(days) if days else None,
    )


def _counted(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
