"""Which blog a post belongs to: the one rule, in one place.

1. The blog's own name, wherever the file gives one: a WXR export's, feed's or Blogger backup's title, a
   saved page's site name, a Jekyll site's `_config.yml` `title` (each reader passes it to `blog_name`).
   A name with no letter or digit in it ("...") names nothing.
2. Else the folder: the corpus sub-folder the file sits in, else the corpus folder itself (`folder_blog`).
   Folders named after a format or a version-control layout ("html", "wxr", "trunk", "_posts") say how
   files were sorted, not whose they are: the next folder that means something is taken instead, the
   sub-folder below it or, for the corpus folder, the one above it; so is a folder whose name has no
   letter or digit in it.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from civicreader.model import normalise_key_text
from civicreader.textsafe import one_line

LAYOUT_FOLDERS = frozenset({
    "html", "htm", "xhtml", "markdown", "md", "mdown", "wxr", "xml", "feeds", "feed", "rss", "atom", "blogger",
    "text", "txt", "texts", "pages", "posts", "_posts", "export", "exports", "backup", "backups",
    "trunk", "branches",
})  # fmt: skip
"""Folder names (compared case-insensitively) that name a format or a layout, never a blog."""


def folder_blog(path: Path, root: Path) -> str:
    """The blog named by the file's folders: the first corpus sub-folder on its path that is not a layout
    folder, else the corpus folder (or, when that is a layout folder, the first folder above it that is not)."""
    try:
        folders = path.relative_to(root).parts[:-1]
    except ValueError:
        folders = ()
    corpus = root.resolve()
    for name in (*folders, *(folder.name for folder in (corpus, *corpus.parents))):
        cleaned = _clean(name)
        # A name with no letter or digit ("--", "★") could not be searched for with `blog:`.
        if any(ch.isalnum() for ch in cleaned) and cleaned.casefold() not in LAYOUT_FOLDERS:
            return cleaned
    return "corpus"


def _clean(name: str) -> str:
    # Folder names are corpus text too: escapes and newlines go, and a name that is not UTF-8
    # (surrogate escapes, which no JSON reader or terminal wants) is decoded with replacements.
    return one_line(os.fsencode(name).decode("utf-8", "replace"))


def blog_name(found: str | None, folder: str) -> str:
    """The blog's own name where the file gives one (with a letter or digit in it), else the folder's.

    A name that is the folder's in other words ("The Commissioning Desk" in `commissioning-desk/`)
    becomes the folder's spelling, so the blog has one name, and one id space, whichever
    format a post was read from.
    """
    from civicreader.ingest.shared import clean_line

    name = clean_line(html.unescape(found or ""))
    # A title of only punctuation ("...") names nothing, and `blog:...` could not find it.
    if not any(ch.isalnum() for ch in name) or _blog_key(name) == _blog_key(folder):
        return folder
    return name


def _blog_key(name: str) -> str:
    return normalise_key_text(name).removeprefix("the ")
