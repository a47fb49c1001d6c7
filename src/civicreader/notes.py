"""Notes on passages: what a note is about (paragraph or comment N of a post), every note listed with its
citation, and notes put back from an export.

Plain functions over the reader's memory and the index, for the app and the command line alike. Paragraphs and
comments are numbered from 1, comments in thread order, as `civicreader show` and `cite` number them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from civicreader.memory import Memory, Note
from civicreader.model import Post
from civicreader.textsafe import one_line, strip_controls

if TYPE_CHECKING:
    from civicreader.ingest.markdown.export_format import ExportedNote


class NoteError(ValueError):
    """The paragraph or comment asked for is not in the post; the message is one line for the reader."""


def passage_of(post: Post, *, paragraph: int | None = None, comment: int | None = None) -> str:
    """The text a note on paragraph or comment N is about; NoteError when the post has no such one."""
    if (paragraph is None) == (comment is None):
        raise NoteError("a note is on one paragraph (--paragraph N) or one comment (--comment N)")
    if paragraph is not None:
        if not 1 <= paragraph <= len(post.body):
            raise NoteError(f"post {post.id} has {_counted(len(post.body), 'paragraph')}: there is no paragraph "
                            f"{paragraph}")
        return post.body[paragraph - 1]
    comments = [found for _depth, found in post.walk_comments()]
    if not 1 <= comment <= len(comments):
        raise NoteError(f"post {post.id} has {_counted(len(comments), 'comment')}: there is no comment {comment}")
    return "\n\n".join(comments[comment - 1].body)


def write_note(memory: Memory, post: Post, text: str, *, paragraph: int | None = None,
               comment: int | None = None) -> None:
    """Keep `text` as the note on that passage (replacing one there); empty text removes the note."""
    passage = passage_of(post, paragraph=paragraph, comment=comment)
    memory.set_note(post.id, text.strip(), paragraph=paragraph, comment=comment, passage=passage, title=post.title)


def note_texts(memory: Memory, post_id: str) -> dict[tuple[str, int], str]:
    """A post's notes keyed ("paragraph", n) or ("comment", n), as the reading pane places them."""
    return {
        ("paragraph", note.paragraph) if note.paragraph is not None else ("comment", note.comment): note.text
        for note in memory.notes(post_id)
    }


@dataclass(frozen=True)
class ListedNote:
    """A note with what a citation of it needs: the post as the index has it now, or nothing (orphaned)."""

    note: Note
    summary: Any | None
    """The post's civicreader.index.PostSummary; None when the post has left the corpus."""

    @property
    def orphaned(self) -> bool:
        return self.summary is None

    @property
    def title(self) -> str:
        return one_line(self.summary.title if self.summary is not None else self.note.title) or "(untitled)"

    def citation(self) -> str:
        """'Title, blog, 2011-03-08, paragraph 3', or the title and place of an orphaned note."""
        if self.summary is None:
            return f"{self.title}, {self.note.place} (orphaned: the post is no longer in the corpus)"
        when = self.summary.date.isoformat() if self.summary.date else "undated"
        return f"{self.title}, {one_line(self.summary.blog)}, {when}, {self.note.place}"

    def to_dict(self) -> dict[str, Any]:
        summary = self.summary
        return {
            "post_id": self.note.post_id,
            "title": self.title,
            "blog": one_line(summary.blog) if summary is not None else None,
            "date": summary.date.isoformat() if summary is not None and summary.date else None,
            "paragraph": self.note.paragraph,
            "comment": self.note.comment,
            "text": self.note.text,
            "passage": self.note.passage,
            "created": iso_time(self.note.created),
            "orphaned": self.orphaned,
        }


def listed_notes(memory: Memory, library) -> list[ListedNote]:
    """Every note, in archive order of their posts (orphaned ones last), each post's in reading order."""
    return listed(memory.notes(), library)


def listed(notes: list[Note], library) -> list[ListedNote]:
    """`notes` with their posts' summaries from `library`, in the order `listed_notes` gives."""
    summaries = {summary.id: summary for summary in library.summaries(dict.fromkeys(n.post_id for n in notes))}
    listed = [ListedNote(note, summaries.get(note.post_id)) for note in notes]

    def order(item: ListedNote):
        summary = item.summary
        if summary is None:
            return (1, "", "", item.note.title.casefold())
        return (0, summary.blog.casefold(), summary.date.isoformat() if summary.date else "", summary.title.casefold())

    return sorted(listed, key=order)  # stable: each post's notes stay in reading order


def notes_markdown(listed: Iterable[ListedNote]) -> str:
    """Every note as Markdown: its citation, a quotation of its passage, the note."""
    from civicreader.ingest.markdown.export_format import escape_paragraph

    lines = ["# Notes"]
    for item in listed:
        lines.extend(["", f"## {escape_paragraph(item.citation())[0]}", "", f"post `{item.note.post_id}`", ""])
        passage = strip_controls(item.note.passage).strip()
        for number, paragraph in enumerate(passage.split("\n\n") if passage else ()):
            if number:
                lines.append(">")
            lines.extend("> " + line if line else ">" for line in escape_paragraph(paragraph))
        if passage:
            lines.append("")
        lines.extend(escape_paragraph(strip_controls(item.note.text).strip()))
    return "\n".join(lines) + "\n"


def restore_exported(memory: Memory, post: Post, exported: Iterable[ExportedNote]) -> tuple[int, int]:
    """Put an export's notes back on `post` (as the index has it): (restored, left where a different note is
    there already). A note whose passage the post no longer has is kept all the same, with no passage."""
    notes = []
    for note in exported:
        try:
            passage = passage_of(post, paragraph=note.paragraph, comment=note.comment)
        except NoteError:
            passage = ""
        notes.append(Note(post.id, note.paragraph, note.comment, note.text, passage, post.title, note.created,
                          note.created))
    return memory.restore_notes(post.id, notes)


def iso_time(seconds: float) -> str:
    """'2026-12-05T21:10:04Z'."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _counted(count: int, singular: str) -> str:
    return f"{count} {singular}" + ("" if count == 1 else "s")
