"""Shared fixtures: tests never touch a user's real folders."""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
CORPORA = SHARED / "corpora"
SAMPLE_CORPUS = REPO / "sample_corpus"
ENGINES = ("whoosh", "tantivy")
"""The search engines the behaviour tests run on, Whoosh (the default) first."""


XDG = ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")


def pytest_configure(config):
    """XDG folders for the session too: fixtures wider than a test (indexes built once) run before any test's."""
    base = Path(tempfile.mkdtemp(prefix="civicreader-tests-"))
    atexit.register(shutil.rmtree, base, ignore_errors=True)
    for name in XDG:
        (base / name.lower()).mkdir()
        os.environ[name] = str(base / name.lower())


@pytest.fixture(autouse=True)
def private_folders(tmp_path_factory, monkeypatch):
    """Point every XDG folder (platformdirs follows them) at a fresh temporary folder.

    The session's key for sealing indexes comes along, so an index a wider fixture built is not rebuilt.
    """
    from civicreader.index.integrity import KEY_NAME, index_key

    session_key = index_key()
    base = tmp_path_factory.mktemp("xdg")
    for name in XDG:
        folder = base / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    key = base / "xdg_config_home" / "civicreader" / KEY_NAME
    key.parent.mkdir()
    key.write_bytes(session_key)
    key.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return base


def needs_shared(path: Path):
    """Skip cleanly where ../shared is absent (a user's clone has none)."""
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is not here (no ../shared beside the repo)")


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus, index folder) of the UI tests' corpus (tests/test_ui.py), indexed once; tests only read it."""
    from tests.test_ui import index_corpus

    return index_corpus(tmp_path_factory.mktemp("ui-corpus"))


@pytest.fixture(autouse=True)
def posts_read_only_when_a_test_says(monkeypatch):
    """A post open for a moment is marked read (a timer): in tests it would change the screen at a moment set by
    the machine's speed, so it waits an hour unless a test sets the delay itself."""
    monkeypatch.setattr("civicreader.ui.main_screen.READ_AFTER_SECONDS", 3600.0)


@pytest.fixture(scope="session")
def sample_index_built(tmp_path_factory):
    """An index of the bundled sample corpus, built once for the session: modules copy it, never change it."""
    from tests.sample_index import build_sample_index

    folder = tmp_path_factory.mktemp("sample-index-built")
    build_sample_index(folder).close()
    return folder


@pytest.fixture(scope="module")
def sample_index(sample_index_built, tmp_path_factory):
    """A copy of the sample corpus's index for one test module, which may change it (the corpus is not copied:
    the index stays up to date with it)."""
    return Path(shutil.copytree(sample_index_built, tmp_path_factory.mktemp("sample-index") / "index", symlinks=True))
