"""The app over a corpus that asks for tantivy where the extra is not installed: one line naming the install
command, on screen, never a traceback."""

from __future__ import annotations

import sys

import pytest

from civicreader.config import config_path
from civicreader.index import Library
from civicreader.index.tantivy_engine import INSTALL_HINT
from tests.index_corpus import write_corpus
from tests.pilot import make_app, pilot_test, screen_text, settle

INSTALL_COMMAND = "pip install 'civicreader[tantivy]'"


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus")


def without_tantivy(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "tantivy", None)  # what an install without the extra has


@pytest.mark.parametrize("index_exists", [False, True], ids=["new index", "tantivy index"])
@pilot_test
async def test_a_missing_tantivy_extra_is_named_on_screen_with_its_install_command(
    corpus, tmp_path, monkeypatch, index_exists
):
    index_dir = tmp_path / "index"
    if index_exists:
        Library(corpus, index_dir, engine="tantivy").update()
    else:
        config_path().parent.mkdir(parents=True, exist_ok=True)
        config_path().write_text('engine = "tantivy"\n', encoding="utf-8")
    without_tantivy(monkeypatch)
    app = make_app((corpus, index_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert INSTALL_COMMAND in shown.replace("\n", "")
        assert "Traceback" not in shown
        assert app.is_running
    assert app.return_code in (0, None)
    if index_exists:
        assert (index_dir / "tantivy").is_dir()  # the index is kept for when the extra is installed


def test_the_install_line_names_the_command():
    assert INSTALL_COMMAND in INSTALL_HINT and "\n" not in INSTALL_HINT
