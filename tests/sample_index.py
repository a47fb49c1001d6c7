"""One index of the bundled sample corpus for a test module, kept outside the user's folders."""

from __future__ import annotations

from pathlib import Path

from civicreader.index import Library
from tests.conftest import SAMPLE_CORPUS


def build_sample_index(folder: Path) -> Library:
    library = Library(SAMPLE_CORPUS, folder)
    library.update()
    return library
