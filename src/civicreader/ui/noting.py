"""Writing a note from the app: the passage `a` is on, the editor over it, and the note saved off the UI thread.

The screen owns the key (it holds the reader's memory); the reading pane says what is in view and shows the note.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from civicreader.model import Post
from civicreader.notes import passage_of, write_note
from civicreader.textsafe import one_line
from civicreader.ui.citing import block_in_view
from civicreader.ui.messages import MemoryFailed, NotesChanged
from civicreader.ui.note_editor import NoteEditor

if TYPE_CHECKING:
    from textual.screen import Screen

    from civicreader.memory import Memory
    from civicreader.ui.reading_pane import ReadingPane


def note_place(pane: ReadingPane) -> tuple[str, int] | None:
    """The comment `]` / `[` took the reader to while it is in view; else the passage in view as `Y` cites it,
    and while the title is in view, the first paragraph (or comment)."""
    comment = pane.comment_in_view()
    if comment is not None and comment in pane.comment_views:
        return "comment", pane.comment_views.index(comment) + 1
    where = block_in_view(pane)
    if where is not None:
        return where
    post = pane.opened.post if pane.opened else None
    if post is None:
        return None
    if post.body:
        return "paragraph", 1
    return ("comment", 1) if post.comments else None


def place_words(post: Post, place: tuple[str, int]) -> str:
    """"paragraph 3", or "comment 2, by Alice"."""
    kind, number = place
    if kind == "paragraph":
        return f"paragraph {number}"
    comments = [comment for _depth, comment in post.walk_comments()]
    author = one_line(comments[number - 1].author) if 0 < number <= len(comments) else ""
    return f"comment {number}, by {author}" if author else f"comment {number}"


def edit_note(screen: Screen, pane: ReadingPane, memory: Memory | None) -> None:
    """Open the editor on the note of the passage in view (filled when there is one); save what it gives back."""
    if pane.opened is None:
        screen.notify("Open a post first, then press a to write a note on the passage in view.")
        return
    if memory is None:
        screen.notify("Notes are off: your memory of this corpus could not be opened.", severity="warning")
        return
    place = note_place(pane)
    if place is None:
        screen.notify("This post has no text or comments to write a note on.")
        return
    post = pane.opened.post
    earlier = pane.opened.notes.get(place, "")

    def edited(text: str | None) -> None:
        if text is None or text.strip() == earlier.strip():
            return
        pane.show_note(place, text)
        screen.run_worker(partial(_save, screen, memory, post, place, text), thread=True, group="memory-write",
                          exit_on_error=False, description="save a note")
        screen.notify("Note saved." if text.strip() else "Note removed.", timeout=2)

    passage = passage_of(post, **{place[0]: place[1]})
    screen.app.push_screen(NoteEditor(place_words(post, place), passage, earlier), edited)


def _save(screen: Screen, memory: Memory, post: Post, place: tuple[str, int], text: str) -> None:
    from civicreader.memory import MemoryStoreError

    try:
        write_note(memory, post, text, **{place[0]: place[1]})
    except MemoryStoreError as error:
        screen.post_message(MemoryFailed(one_line(str(error))))
        return
    screen.post_message(NotesChanged(tuple(memory.notes())))
