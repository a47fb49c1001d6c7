"""Where civicreader keeps things: the index (a cache, rebuilt from the corpus at will), config and its log."""

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


def index_dir_for(corpus: Path) -> Path:
    """One index per corpus, keyed by the corpus folder's absolute path."""
    resolved = corpus.expanduser().resolve()
    digest = hashlib.sha1(str(resolved).encode()).hexdigest()[:12]
    safe_name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in resolved.name)[:40] or "corpus"
    return cache_dir() / "indexes" / f"{safe_name}-{digest}"
