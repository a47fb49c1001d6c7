"""Which files the Markdown reader takes, and which of them are site data or comments."""

from __future__ import annotations

import re
from pathlib import Path

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mkdn"}
HTML_SUFFIXES = {".html", ".htm"}
DATA_SUFFIXES = {".yml", ".yaml"}
SITE_DATA_SUFFIXES = {*DATA_SUFFIXES, ".toml"}
"""Static sites' settings and data (`_config.yml`, `config.toml`, `_data/*.yml`): never posts themselves."""


FRONT_MATTER_START = re.compile(rb"\A(?:\xef\xbb\xbf)?(---|\+\+\+)[ \t]*\r?\n")
_PELICAN_START = re.compile(rb"\A(?:\xef\xbb\xbf)?title:[ \t]*\S", re.IGNORECASE)


def sniff(head: bytes, path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in SITE_DATA_SUFFIXES:
        return True
    match = FRONT_MATTER_START.match(head)
    if suffix in MARKDOWN_SUFFIXES:
        return bool(match or _PELICAN_START.match(head))
    if not match:
        return False
    # Any other name: front matter that closes and names a title or date is a post.
    delimiter = match.group(1)
    rest = head[match.end() :]
    closed = re.search(rb"^" + re.escape(delimiter) + rb"[ \t]*\r?$", rest, re.MULTILINE)
    names_post = re.search(rb"^(title|date)[ \t]*[:=]", rest[: closed.start()] if closed else b"", re.MULTILINE)
    return bool(closed and names_post)


def is_staticman_comment_path(path: Path) -> bool:
    parts = [part.lower() for part in path.parts]
    return len(parts) >= 4 and parts[-4:-2] == ["_data", "comments"]
