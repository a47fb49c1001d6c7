"""Blogger backups: the Atom file from Settings > Back up content (`kind#post`, `kind#comment`).

Published posts with their labels (kept as categories: a Blogger label is what readers
browse by); comments attached to their post through `thr:in-reply-to` and threaded under the
comment a `rel="related"` link names, as Blogger's threaded comments are exported. Settings,
the template, pages and drafts are skipped and counted in the page's notes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from civicreader.ingest import IngestError, Page, Source
from civicreader.ingest.blog_names import blog_name
from civicreader.ingest.htmltext import html_paragraphs
from civicreader.ingest.shared import (
    by_date,
    cap_threads,
    clean_line,
    counted,
    counted_notes,
    element_text,
    export_post,
    html_line,
    local_name,
    naive_local,
    parse_xml,
    permalink,
    xml_head,
)
from civicreader.model import Comment, Post

FORMAT = "blogger"

DATE_NOTE = "from the Blogger backup"
_KIND_SCHEME = "schemas.google.com/g/2005#kind"
# Backups made since 2020 say what an entry is in elements of this namespace instead of kind#
# categories: blogger:type POST/PAGE/COMMENT, blogger:status LIVE/DRAFT/..., blogger:parent.
_SCHEMA_2018 = b"schemas.google.com/blogger/2018"


def sniff(head: bytes, path: Path) -> bool:
    head = xml_head(head)
    return head.startswith(b"<") and b"<feed" in head and (b"g/2005#kind" in head or _SCHEMA_2018 in head)


@dataclass
class _Entry:
    element: object
    kind: str
    draft: bool
    key: str
    replies: list[str] = field(default_factory=list)


def read(source: Source) -> Page:
    root, repair_note = parse_xml(source.data, "Blogger backup")
    if local_name(root) != "feed":
        raise IngestError("no <feed> element: not a Blogger backup this reader can use")
    blog = blog_name(element_text(_first(root, "title")), source.blog)
    skipped: Counter[str] = Counter()
    posts: dict[str, _Entry] = {}
    comments: dict[str, _Entry] = {}
    order: list[_Entry] = []
    for element in root:
        if local_name(element) != "entry":
            continue
        entry = _entry(element)
        if entry.kind == "post" and not entry.draft:
            posts.setdefault(entry.key, entry)
            order.append(entry)
        elif entry.kind == "comment" and not entry.draft:
            comments.setdefault(entry.key, entry)
        else:
            skipped[_skip_reason(entry)] += 1
    orphans = _thread(posts, comments)
    built, cap_note = cap_threads(
        _post(entry, blog, comments, source) for entry in order if posts.get(entry.key) is entry
    )
    notes = (repair_note,) if repair_note else ()
    notes += counted_notes("skipped", skipped)
    if orphans:
        notes += (f"left out {counted(orphans, 'comment')} on pages, drafts or posts not in the file",)
    return Page(path=source.display, posts=built, clues=(None,) * len(built), notes=notes + cap_note)


def _entry(element) -> _Entry:
    kind = element_text(_first(element, "type")).strip().lower()
    status = element_text(_first(element, "status")).strip().upper()
    for category in _all(element, "category"):
        if (category.get("scheme") or "").endswith(_KIND_SCHEME):
            kind = (category.get("term") or "").rsplit("#", 1)[-1]
    draft = bool(status and status != "LIVE") or any(
        local_name(flag) == "draft" and element_text(flag).strip().lower() == "yes"
        for control in _all(element, "control")
        for flag in control
    )
    return _Entry(element=element, kind=kind, draft=draft, key=_short_id(element_text(_first(element, "id"))))


def _skip_reason(entry: _Entry) -> str:
    if entry.kind == "post":
        return "draft"
    if entry.kind == "comment":
        return "deleted or unpublished comment"
    return {"settings": "setting", "template": "template", "page": "page"}.get(entry.kind, "other entry")


def _short_id(atom_id: str) -> str:
    """'tag:blogger.com,1999:blog-123.post-456' -> '456': comments' links name entries by that number."""
    atom_id = atom_id.strip()
    return atom_id.rsplit("post-", 1)[-1] if "post-" in atom_id else atom_id


def _thread(posts: dict[str, _Entry], comments: dict[str, _Entry]) -> int:
    """Hang every comment under its parent comment or its post; return how many had neither."""
    orphans = 0
    for key, comment in comments.items():
        parent = _parent_comment(comment.element)
        post = _in_reply_to(comment.element)
        if parent and parent in comments and parent != key and not _is_ancestor(key, parent, comments):
            comments[parent].replies.append(key)
        elif post in posts:
            posts[post].replies.append(key)
        else:
            orphans += 1
    return orphans


def _is_ancestor(key: str, candidate: str, comments: dict[str, _Entry]) -> bool:
    """Would hanging `key` under `candidate` close a loop (a broken export)?"""
    seen: set[str] = set()
    stack = [key]
    while stack:
        current = stack.pop()
        if current == candidate:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(comments[current].replies)
    return False


def _parent_comment(element) -> str:
    parent = _first(element, "parent")  # the 2018 schema: the post, or the comment replied to
    if parent is not None:
        return _short_id(element_text(parent))
    for link in _all(element, "link"):
        href = link.get("href") or ""
        if link.get("rel") == "related" and "/comments/default/" in href:
            return href.rstrip("/").rsplit("/", 1)[-1]
    return ""


def _in_reply_to(element) -> str:
    for reply in _all(element, "in-reply-to"):
        return _short_id(reply.get("ref") or "")
    parent = _first(element, "parent")
    return _short_id(element_text(parent)) if parent is not None else ""


def _post(entry: _Entry, blog: str, comments: dict[str, _Entry], source: Source) -> Post:
    element = entry.element
    title = html_line(element_text(_first(element, "title")))
    written = naive_local(element_text(_first(element, "published")))
    body = html_paragraphs(element_text(_first(element, "content")))
    labels = (
        clean_line(category.get("term"))
        for category in _all(element, "category")
        if not (category.get("scheme") or "").endswith(_KIND_SCHEME)
    )
    return export_post(
        blog,
        title,
        written,
        body,
        DATE_NOTE,
        source,
        author=_author(element),
        categories=labels,
        comments=_comments(entry.replies, comments),
        url=_alternate_link(element),
    )


def _alternate_link(element) -> str:
    """The post's page on the blog: Blogger's `rel="alternate"` link."""
    for link in _all(element, "link"):
        if link.get("rel") == "alternate" and "html" in (link.get("type") or "text/html"):
            return permalink(link.get("href"))
    return ""


def _comments(keys: list[str], comments: dict[str, _Entry]) -> tuple[Comment, ...]:
    """The comment trees under `keys`, built leaves first without recursion, siblings by date."""
    ordered: list[str] = []
    stack = list(keys)
    seen: set[str] = set()
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        ordered.append(key)
        stack.extend(comments[key].replies)
    built: dict[str, Comment] = {}
    for key in reversed(ordered):
        entry = comments[key]
        built[key] = Comment(
            author=_author(entry.element) or "Anonymous",
            date=naive_local(element_text(_first(entry.element, "published"))),
            body=html_paragraphs(element_text(_first(entry.element, "content"))),
            replies=by_date(built[reply] for reply in entry.replies if reply in built),
        )
    return by_date(built[key] for key in keys if key in built)


def _author(element) -> str:
    author = _first(element, "author")
    return clean_line(element_text(_first(author, "name"))) if author is not None else ""


def _first(parent, name: str):
    if parent is None:
        return None
    for child in parent:
        if local_name(child) == name:
            return child
    return None


def _all(parent, name: str):
    return [child for child in parent if local_name(child) == name]
