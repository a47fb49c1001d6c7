"""A post from a static site (Jekyll, Hugo, Pelican): its front matter, body and the comments kept beside it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from civicreader.ingest import Dependency, Source
from civicreader.ingest.blog_names import blog_name
from civicreader.ingest.htmltext import html_paragraphs
from civicreader.ingest.markdown.body import markdown_to_paragraphs, strip_liquid
from civicreader.ingest.markdown.front_matter import (
    as_date,
    author_names,
    first_value,
    parse_when,
    scalar_text,
    terms,
)
from civicreader.ingest.markdown.kept_comments import (
    find_comment_section,
    find_sibling_comments,
    find_staticman_comments,
    last_segment,
)
from civicreader.ingest.markdown.site_config import site_title
from civicreader.ingest.shared import permalink, unescape_once
from civicreader.model import Post, post_id

_RESPONSES_HEADER = re.compile(
    r"^\*\*\s*(?P<count>\d+|one|no)\s+(?:responses?|comments?|thoughts?|replies)\s+(?:to|on)\s+"
    r"[“\"](?P<title>.+?)[”\"]\s*\*\*\s*$",
    re.IGNORECASE,
)


def is_comment_file(meta: dict[str, Any], body: str) -> bool:
    if first_value(meta, "target", "reply_to", "in-reply-to", "in_reply_to") and not first_value(meta, "title"):
        return True
    return bool(_RESPONSES_HEADER.match(_first_line(body)))


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""


_FILENAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.*)$")
_COMMENTS_LINK = re.compile(r"^\s*\[\d+ Comments?\]\((?P<link>[^)\s]+)\)\s*$", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True)
class SitePost:
    post: Post
    pings: int
    """Pingbacks and mentions left out of the comments (as the WXR and HTML readers leave them out)."""
    depends_on: tuple[Dependency, ...]
    """The files and folders the comments were looked for in."""
    unreadable_comments: int = 0


def read_site_post(meta: dict[str, Any], body: str, source: Source, is_html: bool) -> SitePost | None:
    """A post from a static site's file, with the comments the site keeps beside it."""
    path = source.path
    stem_match = _FILENAME_DATE.match(path.stem)
    title = unescape_once(scalar_text(first_value(meta, "title")))
    when = parse_when(first_value(meta, "date", "published", "pubdate", "created"))
    if when is None and stem_match:
        try:
            when = date(int(stem_match.group(1)), int(stem_match.group(2)), int(stem_match.group(3)))
        except ValueError:
            when = None
    comments_link = _COMMENTS_LINK.search(body)
    if comments_link:
        body = body[: comments_link.start()] + body[comments_link.end() :]
    paragraphs = html_paragraphs(strip_liquid(body)) if is_html else markdown_to_paragraphs(body)
    if not paragraphs:
        return None
    post_date = as_date(when)
    slugs = _slug_candidates(meta, path, stem_match)
    staticman_comments, staticman_looked_at, unreadable = find_staticman_comments(path, slugs)
    sibling_comments, sibling_pings, sibling_looked_at = find_sibling_comments(path, slugs)
    section_comments, section_pings, section_looked_at = (
        find_comment_section(path, comments_link.group("link")) if comments_link else ((), 0, ())
    )
    comments = staticman_comments + sibling_comments + section_comments
    named_site, config_looked_at = site_title(path)
    blog = blog_name(named_site, source.blog)
    post = Post(
        id=post_id(
            blog, title, post_date.month if post_date else None, post_date.day if post_date else None, paragraphs
        ),
        blog=blog,
        title=title,
        date=post_date,
        body=paragraphs,
        authors=author_names(first_value(meta, "author", "authors")),
        categories=terms(first_value(meta, "categories", "category"), split_spaces=True),
        tags=terms(first_value(meta, "tags", "tag", "keywords"), split_spaces=False),
        comments=comments,
        sources=(source.display,),
        url=_permalink(meta),
    )
    looked_at = staticman_looked_at + sibling_looked_at + section_looked_at + config_looked_at
    return SitePost(post, sibling_pings + section_pings, looked_at, unreadable)


def _permalink(meta: dict[str, Any]) -> str:
    """The post's web address from `url` or `permalink`; a site-relative path (no host) is not an address."""
    for key in ("url", "permalink"):
        value = first_value(meta, key)
        if isinstance(value, str) and (address := permalink(value)):
            return address
    return ""


def _slug_candidates(meta: dict[str, Any], path: Path, stem_match: re.Match | None) -> set[str]:
    """Names a comment file may use for this post: its slug, file stem, folder (for index.md), url."""
    candidates = {path.stem}
    if stem_match:
        candidates.add(stem_match.group(4))
    if path.stem.lower() in ("index", "_index"):
        candidates.add(path.parent.name)
    for key in ("slug", "url", "permalink"):
        value = first_value(meta, key)
        if isinstance(value, str) and value.strip("/"):
            candidates.add(last_segment(value))
    return {candidate for candidate in candidates if candidate}
