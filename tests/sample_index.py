"""One index of the bundled sample corpus for a test module, kept outside the user's folders, and the CLI run on it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from civicreader.cli import main
from civicreader.index import Library
from tests.conftest import SAMPLE_CORPUS


def build_sample_index(folder: Path) -> Library:
    library = Library(SAMPLE_CORPUS, folder)
    library.update()
    return library


def run_cli(index, *args: str):
    return CliRunner().invoke(main, [*args, "--index", str(index)], catch_exceptions=False)
