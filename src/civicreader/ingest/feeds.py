"""RSS and Atom feeds (WordPress, Blogger, TypePad, any), read with feedparser.

A post's text is the fullest content the feed carries (`content:encoded`, Atom `content`);
a post with only a summary is marked `excerpt`. Comment feeds saved beside a feed (what the
posts' `wfw:commentRss` or Atom `replies` links point to) are attached to their post; read on
their own they yield no posts, only a note, so their comments are never counted twice.

A feed that is not well-formed is read by feedparser's forgiving parser, which may lose items or
their text (a feed cut off mid-item): the page's notes say so, and a feed whose items all came
to nothing is a problem, never an empty page without a word.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from xml.sax import SAXParseException

from civicreader.ingest import HEAD_BYTES, IngestError, Page, Source
from civicreader.ingest.blog_names import blog_name
from civicreader.ingest.htmltext import html_paragraphs
from civicreader.ingest.shared import (
    by_date,
    cap_depth,
    clean_line,
    counted,
    declares_entities,
    export_post,
    html_line,
    naive_local,
    permalink,
    reaching_top,
    xml_head,
)
from civicreader.model import Comment, Post

FORMAT = "feeds"

DATE_NOTE = "from the feed"
FEED_ROOTS = ("rss", "feed", "rdf:rdf", "rdf")
SIBLING_LIMIT = 200
"""Comment feeds are looked for among at most this many files beside the feed."""
SIBLING_MAX_BYTES = 16 * 1024 * 1024

_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.DOTALL | re.IGNORECASE)
# What the head of a comment feed shows (WordPress titles, comment permalinks); a post feed's
# `wfw:commentRss` namespace alone does not count.
_COMMENT_FEED_HINT = re.compile(rb"comments (?:on|for)\b|#comment-|showComment=", re.IGNORECASE)
_ROOT = re.compile(rb"<([A-Za-z][\w:.-]*)")
_TRUNCATED = re.compile(r"(\[(?:…|\.\.\.|&hellip;)\]|…|\.\.\.|read more|continue reading[^.]*)\W*$", re.IGNORECASE)
TEASER_TAIL_CHARS = 2000
"""A teaser's end is looked for in this much of a summary's end: a regular expression anchored at the
end still tries every position, which takes seconds on a 50 MB description."""
# An item or entry start tag, with any prefix (`<item>`, `<item rdf:about=...>`, `<atom:entry>`).
_ITEM_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)(?![\w.:-])")
_TAG = re.compile(r"<[^>]*>")


def sniff(head: bytes, path: Path) -> bool:
    return root_tag(head) in FEED_ROOTS


def root_tag(head: bytes) -> str:
    """The first element's name, lower case, after the XML declaration, comments and doctype."""
    head = xml_head(head)
    position = 0
    while True:
        skipped = _PROLOG.match(head, position)
        if not skipped or skipped.end() == position:
            break
        position = skipped.end()
    root = _ROOT.match(head, position)
    return root.group(1).decode("ascii", "replace").lower() if root else ""


def read(source: Source) -> Page:
    parsed = _parse(source.data)
    if _is_comment_feed(parsed):
        title = clean_line(parsed.feed.get("title"))
        note = f"comment feed{f' ({title})' if title else ''}: its comments go with its post's feed"
        return Page(path=source.display, posts=(), notes=(note,))
    blog = blog_name(parsed.feed.get("title"), source.blog)
    wants_comments = any(_comment_links(entry) for entry in parsed.entries)
    comment_feeds = _sibling_comment_feeds(source.path) if wants_comments else []
    posts: list[Post] = []
    attached = 0
    textless = 0
    atom = (parsed.get("version") or "").startswith("atom")
    for entry in parsed.entries:
        comments = _comments_for(entry, comment_feeds)
        attached += sum(1 for comment in comments for _ in comment.walk())
        post = _post(entry, blog, comments, source, atom)
        textless += not post.body and _has_text(entry)
        posts.append(post)
    notes = _damage_notes(source.data, parsed, posts, textless)
    excerpts = sum(1 for post in posts if post.excerpt)
    if excerpts:
        notes += (f"{excerpts} of {counted(len(posts), 'post')} only as a summary",)
    if attached:
        notes += (f"{counted(attached, 'comment')} from comment feeds beside it",)
    return Page(path=source.display, posts=tuple(posts), clues=(None,) * len(posts), notes=notes)


def _damage_notes(data: bytes, parsed, posts: list[Post], textless: int) -> tuple[str, ...]:
    """What the forgiving parser could not read, in words; IngestError when it read nothing at all."""
    items = len(_ITEM_START.findall(data))
    error = parsed.get("bozo_exception")
    error = error if isinstance(error, SAXParseException) else None
    reason = f"line {error.getLineNumber()}: {clean_line(error.getMessage())}" if error is not None else ""
    if items and not posts:
        raise IngestError(
            f"none of its {counted(items, 'item')} could be read ({reason or 'the feed parser found no entries'})",
            error.getLineNumber() if error is not None else None,
        )
    notes: tuple[str, ...] = ()
    if error is not None:
        notes += (f"not well-formed XML ({reason}): read as far as it could be",)
    if len(posts) < items:
        notes += (f"read {len(posts)} of its {items} items",)
    if textless:
        notes += (f"the text of {counted(textless, 'post')} could not be read",)
    return notes


def _has_text(entry) -> bool:
    """Did the entry carry words (not only tags, images and spaces)?"""
    values = [item.get("value") or "" for item in entry.get("content") or ()] + [entry.get("summary") or ""]
    return any(html.unescape(_TAG.sub(" ", value)).strip() for value in values)


def _parse(data: bytes):
    import feedparser

    data = xml_head(data)
    if declares_entities(data):
        raise IngestError("declares its own XML entities, which no feed needs (an entity bomb?); not read")
    # Sanitising is left to htmltext, which keeps only text (feedparser's own pass doubles the time).
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and not parsed.feed.get("title"):
        error = parsed.get("bozo_exception")
        line = error.getLineNumber() if hasattr(error, "getLineNumber") else None
        reason = clean_line(str(error)) if error else "no feed entries"
        raise IngestError(f"not a readable feed ({reason})", line)
    return parsed


def _post(entry, blog: str, comments: tuple[Comment, ...], source: Source, atom: bool) -> Post:
    title = _title(entry)
    written = naive_local(entry.get("published") or entry.get("updated") or entry.get("created"))
    body, excerpt = _body(entry, atom)
    categories = (
        clean_line(tag.get("term") or tag.get("label"))
        for tag in entry.get("tags") or ()
        if "schemas.google.com" not in (tag.get("scheme") or "")
    )
    return export_post(
        blog,
        title,
        written,
        body,
        DATE_NOTE,
        source,
        author=_author(entry),
        categories=categories,
        excerpt=excerpt,
        comments=comments,
        url=permalink(entry.get("link")),
    )


def _author(entry) -> str:
    """The name alone: feedparser's `author` adds the e-mail in brackets where the feed has one."""
    detail = entry.get("author_detail") or {}
    return clean_line(detail.get("name") or entry.get("author"))


def _title(entry) -> str:
    detail = entry.get("title_detail") or {}
    title = entry.get("title") or ""
    if "html" in (detail.get("type") or ""):
        return html_line(title)
    return clean_line(title)


def _body(entry, atom: bool) -> tuple[tuple[str, ...], bool]:
    """The fullest text the entry carries, and whether it is only a summary.

    An Atom `summary` is a summary by definition; an RSS `description` alone is often the
    whole post, so it counts as a summary only where it ends the way teasers do ("[…]").
    """
    contents = [item for item in entry.get("content") or () if (item.get("value") or "").strip()]
    if contents:
        fullest = max(contents, key=lambda item: len(item.get("value") or ""))
        return _paragraphs(fullest.get("value"), fullest.get("type")), False
    detail = entry.get("summary_detail") or {}
    summary = entry.get("summary") or ""
    body = _paragraphs(summary, detail.get("type"))
    teaser = atom or _TRUNCATED.search(summary.rstrip()[-TEASER_TAIL_CHARS:]) is not None
    return body, bool(body) and teaser


def _paragraphs(value: str | None, kind: str | None) -> tuple[str, ...]:
    value = value or ""
    if kind == "text/plain":
        return html_paragraphs(html.escape(value), autop=True)
    return html_paragraphs(value)


def _is_comment_feed(parsed) -> bool:
    title = (parsed.feed.get("title") or "").strip().lower()
    if title.startswith(("comments on:", "comments for", "comments on ")):
        return True
    links = [entry.get("link") or "" for entry in parsed.entries]
    return bool(links) and all("#comment" in link or "showComment=" in link for link in links)


def _comment_links(entry) -> set[str]:
    links = {entry.get("wfw_commentrss") or ""}
    for link in entry.get("links") or ():
        if link.get("rel") == "replies" and "xml" in (link.get("type") or ""):
            links.add(link.get("href") or "")
    return {_normal_url(link) for link in links if link}


def _normal_url(url: str) -> str:
    url = url.strip().split("#", 1)[0]
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/").lower()


def _sibling_comment_feeds(path: Path) -> list:
    """Comment feeds in the same folder, parsed; the folder may hold anything, so bounded."""
    found = []
    try:
        siblings = sorted(path.parent.iterdir())[:SIBLING_LIMIT]
    except OSError:
        return found
    for sibling in siblings:
        if sibling == path:
            continue
        try:
            status = sibling.stat()
        except OSError:
            continue
        if sibling.is_file() and status.st_size <= SIBLING_MAX_BYTES:
            parsed = _comment_feed_at(str(sibling), status.st_mtime_ns, status.st_size)
            if parsed is not None:
                found.append(parsed)
    return found


@lru_cache(maxsize=256)
def _comment_feed_at(path: str, mtime_ns: int, size: int):
    """The parsed comment feed at `path`, or None; cached by (path, mtime, size), as every post
    feed in a folder looks at the same siblings."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
            if not _COMMENT_FEED_HINT.search(head) or not sniff(head, Path(path)):
                return None
            handle.seek(0)
            data = handle.read()
        parsed = _parse(data)
    except (OSError, IngestError):
        return None
    return parsed if _is_comment_feed(parsed) else None


def _comments_for(entry, comment_feeds: list) -> tuple[Comment, ...]:
    wanted = _comment_links(entry)
    post_link = _normal_url(entry.get("link") or "")
    for parsed in comment_feeds:
        own = {_normal_url(link.get("href") or "") for link in parsed.feed.get("links") or ()}
        items = [_normal_url(item.get("link") or "") for item in parsed.entries]
        if own & wanted or (post_link and items and all(item == post_link for item in items)):
            return cap_depth(_comment_tree(parsed.entries, (parsed.get("version") or "").startswith("atom")))[0]
    return ()


def _comment_tree(entries, atom: bool) -> tuple[Comment, ...]:
    """Comments of one post; threaded where the feed names a parent (Blogger's `related` link)."""
    keys: list[str] = []
    known: set[str] = set()
    for index, entry in enumerate(entries):
        key = _comment_key(entry)
        keys.append(key if key and key not in known else f"{key}#{index}")
        known.add(keys[-1])
    parents: dict[str, str] = {}
    for key, entry in zip(keys, entries, strict=True):
        for link in entry.get("links") or ():
            if link.get("rel") == "related" and "/comments/" in (link.get("href") or ""):
                parents[key] = (link.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
    threaded = reaching_top(parents)
    children: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        parent = parents.get(key)
        children.setdefault(parent if parent in known and key in threaded else "", []).append(index)
    built: dict[int, Comment] = {}
    order: list[int] = []
    stack = list(children.get("", ()))
    while stack:
        index = stack.pop()
        order.append(index)
        stack.extend(children.get(keys[index], ()))
    for index in reversed(order):
        entry = entries[index]
        written = naive_local(entry.get("published") or entry.get("updated"))
        body, _ = _body(entry, atom)
        built[index] = Comment(
            author=_author(entry) or "Anonymous",
            date=written,
            body=body,
            replies=by_date(built[child] for child in children.get(keys[index], ())),
        )
    return by_date(built[index] for index in children.get("", ()))


def _comment_key(entry) -> str:
    return (entry.get("id") or entry.get("link") or "").rsplit("-", 1)[-1].rsplit("/", 1)[-1]
