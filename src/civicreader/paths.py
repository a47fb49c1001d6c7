"""Where civicreader keeps things: the index (a cache, rebuilt at will), the reader's memory, config and log."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

APP_NAME = "civicreader"


def sample_corpus() -> Path:
    """The bundled sample corpus: inside the installed package, or at the repository root."""
    packaged = Path(__file__).parent / "sample_corpus"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "sample_corpus"


def cache_dir() -> Path:
    if (found := _xdg_folder("XDG_CACHE_HOME", ".cache")) is not None:
        return found
    import platformdirs

    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    if (found := _xdg_folder("XDG_CONFIG_HOME", ".config")) is not None:
        return found
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    import platformdirs

    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    if (found := _xdg_folder("XDG_DATA_HOME", ".local/share")) is not None:
        return found
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def _xdg_folder(variable: str, under_home: str) -> Path | None:
    """Our folder under an XDG base folder on Linux, as platformdirs gives it, in the plain cases where every
    version of it agrees: the variable an absolute path, or unset (or empty) and HOME absolute or unset (the home
    folder is then the password database's). None for the rest (another system, Android, a relative path...): ask
    platformdirs.

    Importing platformdirs (it imports tempfile, shutil, random) took 6 ms of a new process's first search,
    which needs the config folder for the index's key.
    """
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or "ANDROID_DATA" in os.environ:
        return None
    base = os.environ.get(variable, "")
    if base:
        return Path(base, APP_NAME) if os.path.isabs(base) else None
    home = os.environ.get("HOME", "") if "HOME" in os.environ else os.path.expanduser("~")
    return Path(home, under_home, APP_NAME) if os.path.isabs(home) else None


def corpus_key(corpus: Path) -> str:
    """A folder-safe name for a corpus, keyed by its absolute path: readable start, hash for uniqueness."""
    resolved = corpus.expanduser().resolve()
    digest = hashlib.sha1(str(resolved).encode()).hexdigest()[:12]
    safe_name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in resolved.name)[:40] or "corpus"
    return f"{safe_name}-{digest}"


def index_dir_for(corpus: Path) -> Path:
    """One index per corpus (a cache: it may be deleted at any time)."""
    return cache_dir() / "indexes" / corpus_key(corpus)


def memory_path_for(corpus: Path) -> Path:
    """The reader's own data for a corpus (read marks, bookmarks, notes): user data, never a cache."""
    return data_dir() / "memory" / f"{corpus_key(corpus)}.sqlite"
