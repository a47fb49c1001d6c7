"""The question the first export asks: which folder exports go to (the answer is kept in config.toml)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from civicreader.textsafe import one_line


def chosen_folder(answer: str) -> Path | str:
    """The folder typed (`~` expanded), or a one-line reason it cannot be used."""
    answer = answer.strip()
    if not answer:
        return "Type a folder, or press escape to cancel."
    if "\x00" in answer:
        return "A folder name cannot hold a NUL character."
    folder = Path(answer).expanduser()
    if not folder.is_absolute():
        return "Give the whole path, from / (or ~ for your home folder)."
    return folder


class ExportFolderScreen(ModalScreen[Path | None]):
    """Dismissed with the folder chosen, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggested: Path, settings: Path) -> None:
        super().__init__()
        self.suggested = suggested
        self.settings = settings
        """The settings file the answer is kept in (named, so the user can change it later)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="export-folder"):
            yield Static(Content("Where should exported posts go?").stylize("bold"), id="export-folder-title")
            yield Input(str(self.suggested), id="export-folder-input", select_on_focus=False)
            yield Static("", id="export-folder-problem", markup=False)
            yield Static(
                Content.assemble(
                    "enter: export there · escape: cancel\nRemembered in ",
                    (one_line(str(self.settings)), "bold"),
                    " (export_dir).",
                ).stylize("dim"),
                id="export-folder-help",
            )

    @on(Input.Submitted, "#export-folder-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        folder = chosen_folder(event.value)
        if isinstance(folder, str):
            self.query_one("#export-folder-problem", Static).update(Content(folder).stylize("$text-error"))
        else:
            self.dismiss(folder)

    def action_cancel(self) -> None:
        self.dismiss(None)
