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


# ---- a site name the pages' title lines agree on

TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " » ", " :: ", ": ")
"""Between a post's title and its site's name on a page's title line ("Post title | Site name")."""
MAX_SITE_WORDS = 8
MAX_SITE_CHARS = 80
MASTHEAD_LINES = 60
PAGE, SITE, NAMED, MASTHEAD = "page", "site", "named", "masthead"
"""Kinds of `title_line_keys` and `folder_keys`: one text page of one post; a site name its title line may hold;
the name a file of a folder gives its blog; the short lines near the top of one text page."""


def title_line_keys(blog: str, title_line: str, path: str) -> set[tuple[str, ...]]:
    """What a scraped page of one post says about its site's name, as keys kept with the page's other keys
    (dedupe.page_keys), so that `agreed_site_names` can weigh every page without reading one again."""
    found: set[tuple[str, ...]] = {(PAGE, blog, path)}
    for site, post_title in _title_line_parts(title_line):
        found.add((SITE, blog, site, normalise_key_text(post_title), path))
    return found


def folder_keys(page) -> set[tuple]:
    """What a page says about its folder's name: the name the file itself gives its blog, or the lines at the
    top of a scraped page (its masthead), kept with the page's keys for `agreed_site_names`."""
    folder = page.folder
    if not folder or not page.posts:
        return set()
    found: set[tuple] = {(NAMED, folder, post.blog) for post in page.posts if post.blog != folder}
    if page.masthead and page.posts[0].blog == folder:
        found.add((MASTHEAD, folder, page.path, *sorted({normalise_key_text(line) for line in page.masthead})))
    return found


def masthead_lines(lines: list[str]) -> tuple[str, ...]:
    """The short lines among the first of a scraped page, where the site's name stands on a line of its own."""
    found: dict[str, None] = {}
    seen = 0
    for line in lines:
        if not line.strip():
            continue
        text = " ".join(line.split())
        if _site_shaped(text):
            found[text] = None
        seen += 1
        if seen >= MASTHEAD_LINES:
            break
    return tuple(found)


def _title_line_parts(line: str) -> list[tuple[str, str]]:
    """(a possible site name, the rest) at either end of a title line, around its first kind of separator."""
    for separator in TITLE_SEPARATORS:
        if separator in line:
            head, _, tail = line.partition(separator)
            rest, _, last = line.rpartition(separator)
            return [(site, other) for site, other in ((last, rest), (head, tail)) if _site_shaped(site)]
    return []


def _site_shaped(text: str) -> bool:
    return (len(text) <= MAX_SITE_CHARS and len(text.split()) <= MAX_SITE_WORDS
            and any(ch.isalpha() for ch in text))


def agreed_site_names(keys) -> dict[str, str]:
    """folder blog -> the site name its pages' title lines agree on, from `title_line_keys` among `keys`.

    A name is taken only when it stands beside the titles of two or more different posts, on at least half
    of the blog's text pages of one post: one post's title ("Plan B – The missing conversation") is never
    a blog's name, nor is the first half of a few serial titles ("Budget: part 1", "Budget: part 2").
    """
    pages: dict[str, set[str]] = {}
    beside: dict[tuple[str, str], set[str]] = {}
    spellings: dict[tuple[str, str], dict[str, int]] = {}
    named: dict[str, dict[str, dict[str, int]]] = {}
    mastheads: dict[str, list[tuple[str, ...]]] = {}
    for key in keys:
        if key[0] == PAGE:
            pages.setdefault(key[1], set()).add(key[2])
        elif key[0] == NAMED:
            spelling = named.setdefault(key[1], {}).setdefault(normalise_key_text(key[2]), {})
            spelling[key[2]] = spelling.get(key[2], 0) + 1
        elif key[0] == MASTHEAD:
            mastheads.setdefault(key[1], []).append(key[3:])
        elif key[0] == SITE:
            _, blog, site, post_title, _ = key
            folded = (blog, normalise_key_text(site))
            beside.setdefault(folded, set()).add(post_title)
            spelling = spellings.setdefault(folded, {})
            spelling[site] = spelling.get(site, 0) + 1
    best: dict[str, tuple[int, str]] = {}
    for (blog, folded), titles in beside.items():
        support = len(titles)
        if support >= 2 and 2 * support >= len(pages.get(blog, ())) and support > best.get(blog, (0, ""))[0]:
            spelling = spellings[(blog, folded)]
            best[blog] = (support, max(spelling, key=lambda name: (spelling[name], name)))
    for blog, names in named.items():
        if blog not in best and (site := _shown_in_mastheads(names, mastheads.get(blog, ()))):
            best[blog] = (0, site)
    return {blog: agreed for blog, (_, site) in best.items() if (agreed := blog_name(site, blog)) != blog}


def _shown_in_mastheads(names: dict[str, dict[str, int]], mastheads) -> str | None:
    """The name (of those other files of the folder give its blog) that stands on a line of its own at the
    top of at least half of the folder's scraped pages: a site's HTML page and its text copy are one blog."""
    support = {key: sum(key in lines for lines in mastheads) for key in names}
    key = max(support, key=lambda name: (support[name], name), default=None)
    if key is None or not support[key] or 2 * support[key] < len(mastheads):
        return None
    spelling = names[key]
    return max(spelling, key=lambda name: (spelling[name], name))


def named_by_site(page, names: dict[str, str]):
    """The page with its posts moved to the blog `names` gives their folder blog (see `agreed_site_names`),
    the site's name taken off the end of a title that carried it ("Post title | Site name")."""
    from dataclasses import replace

    from civicreader.model import post_id

    if not names or not any(post.blog in names for post in page.posts):
        return page
    clues = page.clues or (None,) * len(page.posts)
    posts = []
    for post, clue in zip(page.posts, clues, strict=False):
        site = names.get(post.blog)
        if site is None:
            posts.append(post)
            continue
        title = _without_site(post.title, site)
        when = post.date or clue
        month, day = (when.month, when.day) if when else (None, None)
        same_id = post.id == post_id(post.blog, post.title, month, day, post.body)
        posts.append(replace(post, blog=site, title=title,
                             id=post_id(site, title, month, day, post.body) if same_id else post.id))
    return replace(page, posts=tuple(posts))


def _without_site(title: str, site: str) -> str:
    key = normalise_key_text(site)
    for site_part, rest in _title_line_parts(title):
        if normalise_key_text(site_part) == key and any(ch.isalnum() for ch in rest):
            return rest
    return title
