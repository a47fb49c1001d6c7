"""Shared fixtures: tests never touch a user's real folders."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
CORPORA = SHARED / "corpora"
SAMPLE_CORPUS = REPO / "sample_corpus"


@pytest.fixture(autouse=True)
def private_folders(tmp_path_factory, monkeypatch):
    """Point every XDG folder (platformdirs follows them) at a fresh temporary folder."""
    base = tmp_path_factory.mktemp("xdg")
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        folder = base / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    return base


def needs_shared(path: Path):
    """Skip cleanly where ../shared is absent (a user's clone has none)."""
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is not here (no ../shared beside the repo)")


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus, index folder) of the UI tests' corpus (tests/test_ui.py), indexed once; tests only read it."""
    from tests.test_ui import index_corpus

    return index_corpus(tmp_path_factory.mktemp("ui-corpus"))
