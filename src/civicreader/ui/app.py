"""The civicreader app: `run_app` opens the reader on a corpus (the CLI's default command)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from civicreader.ui.help_screen import HelpScreen
from civicreader.ui.main_screen import MainScreen

STYLES = Path(__file__).resolve().parent.parent / "styles.tcss"


class CivicReaderApp(App):
    TITLE = "civicreader"
    CSS_PATH = STYLES
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Keys"),
        Binding("t", "toggle_theme", "Light/dark"),
    ]

    def __init__(self, corpus: Path, index_dir: Path | None = None) -> None:
        super().__init__()
        self.corpus = corpus
        self.index_dir = index_dir

    def get_default_screen(self) -> Screen:
        return MainScreen(self.corpus, self.index_dir)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Every key and the query language (?)", self.action_help)
        yield SystemCommand("Light / dark", "Switch between the light and dark theme (t)", self.action_toggle_theme)
        if isinstance(screen, MainScreen):
            yield SystemCommand("Search", "Go to the search bar (/)", screen.focus_search)
            yield SystemCommand("Export post", "Export the open post to Markdown (e)", screen.action_export)
            yield SystemCommand(
                "Export post, overwrite",
                "Export the open post, replacing an earlier export (E)",
                lambda: screen.action_export(overwrite=True),
            )
            yield SystemCommand(
                "Next match", "Go to the next match in the post (n)", lambda: screen.action_reader("next_match")
            )
            yield SystemCommand(
                "Previous match",
                "Go to the previous match in the post (N)",
                lambda: screen.action_reader("previous_match"),
            )
            yield SystemCommand(
                "Next comment",
                "Put the next comment's header at the top of the post (])",
                lambda: screen.action_reader("next_comment"),
            )
            yield SystemCommand(
                "Previous comment",
                "Put the previous comment's header at the top of the post ([)",
                lambda: screen.action_reader("previous_comment"),
            )
            yield SystemCommand(
                "Copy source paths",
                "Copy the full paths of the open post's files to the clipboard (y)",
                lambda: screen.action_reader("copy_sources"),
            )
            yield SystemCommand(
                "Fold thread",
                "Fold or unfold the comment thread marked by a bright bar in the post (c)",
                lambda: screen.action_reader("toggle_thread"),
            )


def run_app(corpus: Path | None, index_dir: Path | None) -> None:
    from civicreader.paths import sample_corpus
    from civicreader.textsafe import one_line

    corpus = (corpus or sample_corpus()).expanduser()
    if not corpus.is_dir():
        print(f"civicreader: {one_line(str(corpus))}: no such folder", file=sys.stderr)
        sys.exit(1)
    CivicReaderApp(corpus.resolve(), index_dir).run()
