"""Markdown (and HTML) posts with front matter: Jekyll, Hugo, Pelican, and our own export.

Front matter is YAML between `---` lines or TOML between `+++` lines (Pelican's `Title:` header
lines too). The body, Markdown or HTML, becomes plain paragraphs; Liquid tags are dropped.

The package, by what it reads:
- `files`: which files are ours (posts, site data, Staticman comments): `sniff`;
- `front_matter`: the header and its values; `body`: Markdown or HTML to paragraphs;
- `site_post`: a static-site post; `kept_comments`: the comments sites keep beside their posts
  (Staticman data files, webmention files, a WordPress comment section kept as Markdown);
- `export_format`: our own export, written and read back exactly, id included.

Comment files are not posts: read on their own they give an empty page (no note: their words
are counted with their post's). The post's page names them (and the folders where new ones
would appear) in `depends_on`, so the index reads the post again when its comments change.
Pingbacks ("[...] excerpt [...]") and webmentions that only link to the post are left out and
counted in the page's notes, as the WXR and HTML readers do.
"""

from __future__ import annotations

from civicreader.ingest import IngestError, Page, Source
from civicreader.ingest.markdown.export_format import read_own_export
from civicreader.ingest.markdown.files import HTML_SUFFIXES, SITE_DATA_SUFFIXES, is_staticman_comment_path, sniff
from civicreader.ingest.markdown.front_matter import is_draft, parse_front_matter, split_front_matter
from civicreader.ingest.markdown.kept_comments import dependency_state
from civicreader.ingest.markdown.site_post import is_comment_file, read_site_post

__all__ = ["FORMAT", "dependency_state", "read", "sniff"]
"""The reader interface `civicreader.ingest` calls."""

FORMAT = "markdown"

MAX_LINE_BYTES = 200_000
"""markdown-it's inline parser is far worse than linear on one enormous line (~20 s a megabyte):
a post's raw-HTML body on one line stays well under this."""


def read(source: Source) -> Page:
    """A static-site post, our own export, or an empty page for a comment or data file."""
    from civicreader.ingest.decode import decode

    path = source.path
    if path.suffix.lower() in SITE_DATA_SUFFIXES:
        if is_staticman_comment_path(path):
            return Page(path=source.display, posts=())  # read with its post: nothing to tell
        return Page(path=source.display, posts=(), notes=("site settings or data, not a post",))
    longest = max(map(len, source.data.split(b"\n")))
    if longest > MAX_LINE_BYTES:
        raise IngestError(f"a line of {longest:,} bytes: not a blog post")
    exported = read_own_export(source)
    if exported is not None:
        return Page(path=source.display, posts=(exported,))
    text = decode(source.data).replace("\r\n", "\n").replace("\r", "\n")
    split = split_front_matter(text)
    if split is None:
        raise IngestError("no front matter (--- or +++) at the start")
    kind, front, body = split
    meta, note = parse_front_matter(kind, front)
    notes = (note,) if note else ()
    if is_comment_file(meta, body):
        return Page(path=source.display, posts=(), notes=notes)  # read with its post
    if is_draft(meta):
        return Page(path=source.display, posts=(), notes=(*notes, "skipped 1 draft"))
    found = read_site_post(meta, body, source, is_html=path.suffix.lower() in HTML_SUFFIXES)
    if found is None:
        return Page(path=source.display, posts=(), notes=(*notes, "no post text (front matter only)"))
    if found.pings:
        notes = (*notes, f"left out {found.pings} pingback{'' if found.pings == 1 else 's'}")
    unreadable = found.unreadable_comments
    if unreadable:
        notes = (*notes, f"left out {unreadable} comment file{'' if unreadable == 1 else 's'}: not valid YAML")
    return Page(path=source.display, posts=(found.post,), notes=notes, depends_on=found.depends_on)
