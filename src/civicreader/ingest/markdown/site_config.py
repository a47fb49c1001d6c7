"""A static site's own name, from the `title` of Jekyll's `_config.yml` beside its `_posts` folder."""

from __future__ import annotations

from pathlib import Path

from civicreader.ingest import Dependency

MAX_CONFIG_BYTES = 1024 * 1024
"""Bigger than any real site settings file: anything larger is not read."""


def site_title(path: Path) -> tuple[str | None, tuple[Dependency, ...]]:
    """The site's title for a post under a Jekyll `_posts` folder (None when there is no readable one),
    and the settings file as a dependency, so a title added or changed later renames the blog."""
    root = next((folder.parent for folder in path.parents if folder.name == "_posts"), None)
    if root is None:
        return None, ()
    config = root / "_config.yml"
    return _read_title(config), (Dependency(str(config)),)


def _read_title(config: Path) -> str | None:
    import yaml

    try:
        if config.stat().st_size > MAX_CONFIG_BYTES:
            return None
        # safe_load builds only plain data: a settings file cannot run code.
        settings = yaml.safe_load(config.read_bytes())
    except (OSError, yaml.YAMLError, ValueError):
        return None
    title = settings.get("title") if isinstance(settings, dict) else None
    return title if isinstance(title, str) else None
