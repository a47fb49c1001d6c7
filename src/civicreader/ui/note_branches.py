"""The archive's Notes branch: every note the reader wrote, by post, opening the post at its passage.

The archive tree asks `children` here for the branch's children, in its worker thread; the notes come
from the reader's memory (set on the tree by the screen), the posts' titles from the index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text

from civicreader.memory import Note
from civicreader.notes import listed
from civicreader.textsafe import one_line

PASSAGE_START = 48
"""Characters of a note's passage its label shows: enough to recognise it."""


@dataclass(frozen=True)
class NotesBranch:
    """Every note, listed by post (from the reader's memory, not the index)."""


@dataclass(frozen=True)
class NoteLeaf:
    post_id: str
    paragraph: int | None
    comment: int | None
    orphaned: bool
    """The post is no longer in the corpus: the note is kept, and listed, but there is nothing to open."""


def children(library, notes: Iterable[Note]) -> list[tuple[Text, NoteLeaf | None, bool]]:
    """(label, leaf, is_branch) for each note: "¶ 3 Title · passage start…" ("#2" for comment 2, as `show`
    numbers them). The place leads, as a date leads a post's label: cut to fit, the passage goes first."""
    found = []
    for item in listed(list(notes), library):
        note = item.note
        place = f"¶ {note.paragraph}" if note.paragraph is not None else f"#{note.comment}"
        passage = one_line(note.passage)
        if len(passage) > PASSAGE_START:
            passage = passage[: PASSAGE_START - 1].rstrip() + "…"
        label = Text.assemble(
            (place, "dim"),
            " ",
            *((("orphaned ", "italic"),) if item.orphaned else ()),
            (item.title, "" if item.orphaned else "bold"),
            *(((f" · {passage}", "dim"),) if passage else ()),
        )
        found.append((label, NoteLeaf(note.post_id, note.paragraph, note.comment, item.orphaned), False))
    if not found:
        found.append((Text("No notes yet: a writes one on the passage in view.", "dim italic"), None, False))
    return found
