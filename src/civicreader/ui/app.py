"""The civicreader app: `run_app` opens the reader on a corpus (the CLI's default command)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.actions import SkipAction
from textual.actions import parse as parse_action
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen

from civicreader.ui.archive_tree import ArchiveTree
from civicreader.ui.help_screen import HelpScreen
from civicreader.ui.keys import Key, bindings_for, commands
from civicreader.ui.main_screen import MainScreen
from civicreader.ui.reading_pane import ReadingPane
from civicreader.ui.results_list import ResultsList
from civicreader.ui.search_bar import SearchBar

STYLES = Path(__file__).resolve().parent.parent / "styles.tcss"
OWNER_WIDGETS = {"search": SearchBar, "tree": ArchiveTree, "results": ResultsList, "reader": ReadingPane}
"""The widget of the main screen that owns each key of ui/keys.py (the app and the screen aside)."""


class CivicReaderApp(App):
    TITLE = "civicreader"
    CSS_PATH = STYLES
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("app")

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
        for name, meaning, key in commands():
            if key.owner == "app" or isinstance(screen, MainScreen):
                yield SystemCommand(name, meaning, partial(self._run_command, screen, key))

    def _run_command(self, screen: Screen, key: Key) -> None:
        """Run a key's action on its owner, as the key would.

        Called, not sent through `run_action`: that is a coroutine, and the palette's callbacks
        dropped it unawaited, so these commands did nothing.
        """
        owners = {"app": self, "screen": screen}
        target = owners.get(key.owner) or screen.query_one(OWNER_WIDGETS[key.owner])
        _namespace, action, arguments = parse_action(key.action)
        with suppress(SkipAction):  # "/" with the search bar focused: nothing to do
            getattr(target, f"action_{action}")(*arguments)


def run_app(corpus: Path | None, index_dir: Path | None) -> None:
    from civicreader.paths import sample_corpus
    from civicreader.textsafe import one_line

    corpus = (corpus or sample_corpus()).expanduser()
    if not corpus.is_dir():
        print(f"civicreader: {one_line(str(corpus))}: no such folder", file=sys.stderr)
        sys.exit(1)
    CivicReaderApp(corpus.resolve(), index_dir).run()
