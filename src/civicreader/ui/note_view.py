"""A note shown under its passage in the reading pane: the reader's words, set apart from the post's."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from civicreader.ui.text import block

NOTE_MARK = "✎ note  "


class NoteView(Static):
    """One note; inert: its text is shown as written (no markup, no terminal controls)."""

    def __init__(self, place: tuple[str, int], text: str, *, comment_depth: int | None = None) -> None:
        # Under a reply, indented as the reply is (styles.tcss: .note.depth-N).
        super().__init__(classes=f"note depth-{min(comment_depth, 8)}" if comment_depth else "note")
        self.place = place
        """("paragraph", n) or ("comment", n), numbered from 1."""
        self.show_text(text)

    def show_text(self, text: str) -> None:
        self.text = text
        self.update(Content.assemble((NOTE_MARK, "bold"), block(text.strip())))
