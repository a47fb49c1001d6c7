"""What the index hands out: post summaries, hits, search results, and its errors (a query's matches across the
archive are `occurrences`')."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from typing import Any


class IndexBusy(Exception):
    """Another process holds the write lock."""


class IndexDamaged(Exception):
    """The index cannot be read as it was written (damaged, changed by someone else, or in a folder others may
    write into); str(error) is one line saying why. Rebuild it from the corpus."""


class IndexWriteFailed(Exception):
    """Writing the index failed (a full disk, a read-only folder); str(error) is one line naming the folder and
    the cause. The last good index is as it was, and its temporary files are gone."""


class EngineUnavailable(IndexWriteFailed):
    """The index's engine needs a package that is not installed; str(error) names the command to install it."""


class QueryError(ValueError):
    """A malformed query; str(error) is one line for the user."""


class SearchCancelled(Exception):
    """The search was cancelled (a newer one replaced it): it stopped part way and returns nothing."""


class UpdateCancelled(Exception):
    """`update` stopped because its cancel event was set; the index is as it was before."""


@dataclass(frozen=True)
class PostSummary:
    """What the archive tree, facets and lists show of a post, from the catalogue: no text is read for it."""

    id: str
    title: str
    date: date | None
    date_inferred: bool
    blog: str
    comment_count: int
    excerpt: bool
    commenters: int = 0
    """Distinct people among the comments (see civicreader.discussion)."""
    thread_depth: int = 0
    first_comment: date | None = None
    last_comment: date | None = None

    def discussion(self) -> dict[str, Any]:
        """The post's discussion figures under the keys `show --json` gives them."""
        return {
            "comment_count": self.comment_count,
            "commenters": self.commenters,
            "thread_depth": self.thread_depth,
            "first_comment": self.first_comment.isoformat() if self.first_comment else None,
            "last_comment": self.last_comment.isoformat() if self.last_comment else None,
        }


@dataclass(frozen=True)
class Hit:
    """One post a search found: its summary, score and snippet."""

    id: str
    title: str
    date: date | None
    date_inferred: bool
    blog: str
    score: float
    snippet: str
    """Plain text, no markup."""
    highlights: tuple[tuple[int, int], ...]
    """(start, end) offsets of the matched words inside `snippet`."""
    matched_in: str
    """"title", "body" or "comment"."""
    commenter: str | None
    """Whose comment matched, when matched_in == "comment"."""
    discussion: dict[str, Any] = field(default_factory=dict)
    """The post's comment count, commenters, thread depth, first and last comment day (PostSummary.discussion)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "date_inferred": self.date_inferred,
            "blog": self.blog,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
            "matched_in": self.matched_in,
            "commenter": self.commenter,
            **self.discussion,
        }


@dataclass(frozen=True)
class SearchResults:
    """A search's answer: a page of hits, the exact total and facets of every match, and what the query meant."""

    query: str
    total: int
    """Exact: every matching post, not only the hits shown."""
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]]
    """{"year": {...}, "blog": {...}, "category": {...}} counted over all matches."""
    suggestion: str | None
    """A whole corrected query string, or None."""
    terms: tuple[str, ...]
    """The words to highlight in the reading pane (after fuzzy and prefix expansion)."""
    notes: tuple[str, ...] = ()
    """What the search left out of a query past its bounds (a very long word, thousands of terms), one line each."""
    terms_by_field: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """`terms` under the text field ("title", "body", "comment") each was searched in: what `n` / `N` step through."""
    unmatched: tuple[str, ...] = ()
    """When nothing matched a query of several words: those of its words no post holds anywhere, as typed."""
    others_matched: int | None = None
    """With `unmatched`: how many posts the query finds without those words (None when no other word is left)."""

    def unmatched_note(self) -> str | None:
        """One line naming the words no post has and how many posts have the rest ("no post has 'zebra'; 12
        posts have all the others"), or None."""
        if not self.unmatched:
            return None
        note = "no post has " + " or ".join(f"'{word}'" for word in self.unmatched)
        if self.others_matched is not None:
            count = self.others_matched
            note += f"; {count:,} post has" if count == 1 else f"; {count:,} posts have"
            note += " all the others" if len(self.unmatched) == 1 else " the other words"
        return note

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": self.facets,
            "suggestion": self.suggestion,
            "notes": list(self.notes),
            "unmatched": list(self.unmatched),
            "others_matched": self.others_matched,
        }
