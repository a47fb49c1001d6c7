"""The note editor: a small modal over the reading pane, on one paragraph or comment of the open post."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from civicreader.textsafe import one_line
from civicreader.ui.keys import bindings_for

PASSAGE_SHOWN = 200
"""Characters of the passage quoted above the editor: enough to see which one it is, in three lines at most."""


class NoteEditor(ModalScreen[str | None]):
    """Dismissed with the note's text (empty: remove the note), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("editor")

    def __init__(self, where: str, passage: str, text: str = "") -> None:
        super().__init__()
        self.where = where
        """"paragraph 3" or "comment 2, by Alice": what the note is on."""
        self.passage = passage
        self.text = text

    def compose(self) -> ComposeResult:
        frame = Vertical(id="note-editor")
        # On the frame: a short terminal shows it whatever the editor holds.
        frame.border_subtitle = "ctrl+s: save · escape: cancel · saved empty, the note is removed"
        with frame:
            title = "Edit the note on " if self.text else "A note on "
            yield Static(Content.assemble((title, "bold"), (one_line(self.where), "bold")), id="note-editor-title")
            passage = one_line(self.passage)
            if len(passage) > PASSAGE_SHOWN:
                passage = passage[: PASSAGE_SHOWN - 1].rstrip() + "…"
            yield Static(Content(passage), id="note-editor-passage")
            yield TextArea(self.text, id="note-editor-text", soft_wrap=True, tab_behavior="focus")
            with Horizontal(id="note-editor-buttons"):
                yield Button("Save", id="note-editor-save", variant="primary")
                yield Button("Cancel", id="note-editor-cancel")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#note-editor-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#note-editor-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
