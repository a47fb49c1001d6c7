"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2): the export from Tools > Export.

Published posts only; pages, attachments, menu items, other post types and unpublished
posts are counted in the page's notes. Comments are threaded by `comment_parent` to any
depth; only approved ones are kept, and pingbacks and trackbacks are left out (counted in
the notes): they are links from other sites, not what anybody said in the thread.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from civicreader.ingest import IngestError, Page, Source
from civicreader.ingest.blog_names import blog_name
from civicreader.ingest.htmltext import html_paragraphs, strip_shortcodes
from civicreader.ingest.shared import (
    by_date,
    cap_threads,
    clean_line,
    counted_notes,
    element_text,
    export_post,
    html_line,
    local_name,
    naive_local,
    namespace_kind,
    parse_xml,
    permalink,
    reaching_top,
    unescape_once,
    unique,
    xml_head,
)
from civicreader.model import Comment, Post

FORMAT = "wxr"

DATE_NOTE = "from the export"
TAG_DOMAINS = ("post_tag", "tag")
"""`post_tag` since WXR 1.1; WXR 1.0 (WordPress 2.x) wrote `tag`."""


def sniff(head: bytes, path: Path) -> bool:
    head = xml_head(head)
    return head.startswith(b"<") and b"wordpress.org/export/" in head


def read(source: Source) -> Page:
    root, repair_note = parse_xml(source.data, "WordPress export")
    channel = root if local_name(root) == "channel" else _first(root, "", "channel")
    if channel is None:
        raise IngestError("no <channel> element: not a WordPress export this reader can use")
    blog = blog_name(_text(channel, "", "title"), source.blog)
    display_names = _display_names(channel)
    skipped: Counter[str] = Counter()
    left_out: Counter[str] = Counter()
    posts: list[Post] = []
    for item in _children(channel, "", "item"):
        post_type = _text(item, "wp", "post_type").strip()
        status = _text(item, "wp", "status").strip() or "publish"
        if not post_type:
            skipped["incomplete item"] += 1  # a file cut off mid-item
            continue
        if post_type != "post":
            skipped[clean_line(post_type).replace("_", " ")] += 1
            continue
        if status != "publish":
            skipped[f"{clean_line(status)} post"] += 1
            continue
        posts.append(_post(item, blog, display_names, left_out, source))
    capped, cap_note = cap_threads(posts)
    notes = (repair_note,) if repair_note else ()
    notes += counted_notes("skipped", skipped) + counted_notes("left out", left_out)
    return Page(path=source.display, posts=capped, clues=(None,) * len(capped), notes=notes + cap_note)


def _post(item, blog: str, display_names: dict[str, str], left_out: Counter[str], source: Source) -> Post:
    title = html_line(_text(item, "", "title"))
    written = naive_local(_text(item, "wp", "post_date")) or naive_local(_text(item, "", "pubDate"))
    content = _text(item, "content", "encoded")
    body = html_paragraphs(strip_shortcodes(content), autop=True)
    excerpt = False
    if not body:
        body = html_paragraphs(strip_shortcodes(_text(item, "excerpt", "encoded")), autop=True)
        excerpt = bool(body)
    creator = clean_line(_text(item, "dc", "creator"))
    categories, tags = _terms(item)
    return export_post(
        blog,
        title,
        written,
        body,
        DATE_NOTE,
        source,
        author=display_names.get(creator, creator),
        categories=categories,
        tags=tags,
        excerpt=excerpt,
        comments=_thread(_children(item, "wp", "comment"), left_out),
        url=permalink(_text(item, "", "link")),
    )


def _terms(item) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Categories and tags; custom taxonomies (series, formats) are not what readers browse by."""
    found = [(term.get("domain"), unescape_once(element_text(term))) for term in _children(item, "", "category")]
    categories = unique(name for domain, name in found if domain in (None, "", "category"))
    return categories, unique(name for domain, name in found if domain in TAG_DOMAINS)


def _thread(elements: Iterable, left_out: Counter[str]) -> tuple[Comment, ...]:
    """Approved comments as trees: each reply under its `comment_parent`, siblings by date."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    order: list[str] = []
    for position, element in enumerate(elements):
        fields = _wp_fields(element)
        kind = fields.get("comment_type", "").strip() or "comment"
        approved = fields.get("comment_approved", "").strip()
        if kind in ("pingback", "trackback"):
            left_out[kind] += 1
            continue
        if approved != "1":
            left_out[_unapproved(approved)] += 1
            continue
        key = fields.get("comment_id", "").strip() or f"#{position}"
        if key in found:
            key = f"{key}#{position}"
        found[key] = (fields.get("comment_parent", "").strip(), fields)
        order.append(key)
    parents = {key: parent for key, (parent, _) in found.items()}
    children: dict[str | None, list[str]] = {}
    threaded = reaching_top(parents)
    for key in order:
        parent = parents[key] if key in threaded else None
        children.setdefault(parent if parent in found else None, []).append(key)
    built: dict[str, Comment] = {}
    for key in _bottom_up(children):
        fields = found[key][1]
        replies = tuple(built.pop(reply) for reply in children.get(key, ()))
        built[key] = Comment(
            author=clean_line(fields.get("comment_author", "")) or "Anonymous",
            date=naive_local(fields.get("comment_date", "")),
            body=html_paragraphs(fields.get("comment_content", ""), autop=True),
            replies=by_date(replies),
        )
    return by_date(tuple(built[key] for key in children.get(None, ())))


def _wp_fields(element) -> dict[str, str]:
    """The text of an element's first `wp:` child of each name, its children looked through once
    (a comment has seven fields, and an export can hold a hundred thousand comments)."""
    fields: dict[str, str] = {}
    for child in element:
        if namespace_kind(child) == "wp":
            name = local_name(child)
            if name not in fields:
                fields[name] = element_text(child)
    return fields


def _bottom_up(children: dict[str | None, list[str]]) -> list[str]:
    """Every comment key, replies before their parent, without recursion (threads can be deep)."""
    ordered: list[str] = []
    stack = list(children.get(None, ()))
    while stack:
        key = stack.pop()
        ordered.append(key)
        stack.extend(children.get(key, ()))
    ordered.reverse()
    return ordered


def _unapproved(approved: str) -> str:
    return {"spam": "spam comment", "trash": "deleted comment"}.get(approved, "unapproved comment")


def _display_names(channel) -> dict[str, str]:
    names: dict[str, str] = {}
    for author in _children(channel, "wp", "author"):
        login = clean_line(_text(author, "wp", "author_login"))
        shown = clean_line(_text(author, "wp", "author_display_name"))
        if login and shown:
            names[login] = shown
    return names


def _children(parent, kind: str, name: str):
    return [child for child in parent if local_name(child) == name and namespace_kind(child) == kind]


def _first(parent, kind: str, name: str):
    for child in parent:
        if local_name(child) == name and namespace_kind(child) == kind:
            return child
    return None


def _text(parent, kind: str, name: str) -> str:
    return element_text(_first(parent, kind, name))
