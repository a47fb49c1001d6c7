"""Where civicreader keeps things: the index (a cache, rebuilt at will), the reader's memory, config and log."""

from __future__ import annotations

import hashlib
from pathlib import Path

APP_NAME = "civicreader"


def sample_corpus() -> Path:
    """The bundled sample corpus: inside the installed package, or at the repository root."""
    packaged = Path(__file__).parent / "sample_corpus"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "sample_corpus"


def cache_dir() -> Path:
    import platformdirs

    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    import platformdirs

    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


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
