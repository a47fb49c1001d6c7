"""Saved HTML pages of blog posts: WordPress and Blogger themes, Wayback Machine copies.

The page is decoded (mojibake repaired where the tell-tale pairs show), scripts, styles and
the Wayback toolbar are dropped, and the post is found by the markup the big blog engines
write: `entry-title`/`post-title`, `entry-content`/`post-body`, `time`/`abbr.published`,
`rel="category tag"`, Blogger's labels and date header; a page without them falls back to
the block with the most paragraph text and the heading before it. Comments are every
`li.comment` (WordPress `ol.commentlist`, Blogger `comment-thread`) or Epoch plugin comment,
nested under the comment that holds them, to any depth; pingbacks and trackbacks are left out.
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime
from pathlib import Path

from civicreader.ingest import DateClue, IngestError, Page, Source
from civicreader.ingest.blog_names import blog_name
from civicreader.ingest.decode import decode, looks_binary
from civicreader.ingest.htmltext import element_paragraphs
from civicreader.ingest.shared import (
    cap_depth,
    cap_threads,
    clean_line,
    counted,
    naive_local,
    permalink,
    xml_head,
)
from civicreader.model import Comment, Post, post_id
from civicreader.textsafe import strip_controls

FORMAT = "html"

_HTML_START = re.compile(rb"^(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)

DROPPED = (
    "//script | //style | //noscript | //template | //iframe | //form | //svg | //comment()"
    " | //*[@id='wm-ipp-base' or @id='wm-ipp' or @id='donato' or @id='wm-ipp-print']"
)
NOISE_CLASSES = (
    "sharedaddy", "jp-relatedposts", "share", "sharing", "social", "addtoany", "related",
    "yarpp", "post-footer", "post-share-buttons", "navigation", "nav-links", "wp-block-buttons",
    "screen-reader-text", "entry-meta", "entry-footer", "post-meta", "comments", "comment-respond",
    "single-post-head", "postmetadata", "post-info", "postinfo", "byline",
)  # fmt: skip
BODY_CLASSES = ("entry-content", "post-body", "post-content", "entry-body", "article-content", "storycontent",
                "post-entry", "entry")  # fmt: skip
TITLE_CLASSES = ("entry-title", "post-title")
COMMENT_META_CLASSES = (
    "comment-author", "comment-meta", "commentmetadata", "reply", "comment-reply", "comment-actions",
    "comment-header", "epoch-comment-meta", "epoch-comment-actions", "comment-awaiting-moderation",
    "avatar-image-container", "comment-replies", "comment-replybox-single", "comment-footer",
)  # fmt: skip
_MONTH_WORDS = {
    "januar": "January", "jänner": "January", "februar": "February", "märz": "March", "maerz": "March",
    "mai": "May", "juni": "June", "juli": "July", "oktober": "October", "dezember": "December",
    "janvier": "January", "février": "February", "mars": "March", "avril": "April", "juin": "June",
    "juillet": "July", "août": "August", "septembre": "September", "octobre": "October",
    "novembre": "November", "décembre": "December",
}  # fmt: skip
_CONNECTIVES = re.compile(r"\b(?:um|at|à|a las|om|alle|kl\.?|uhr|o'clock)\b|@", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SAYS_ONLY = re.compile(r"^\W*(?:says|said|sagt|schreibt|dit)\W*$", re.IGNORECASE)
_OLD_COMMENT_ID = re.compile(r"(?:li-)?comment-\d+$")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/")
_FEED_SUFFIX = re.compile(r"\s*(?:»|-|–|:)?\s*(?:RSS|Atom)?\s*(?:Feed|RSS)(?:\s*\(.*\))?\s*$", re.I)
_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " » ", " :: ", ": ", " : ")


def sniff(head: bytes, path: Path) -> bool:
    head = xml_head(head)
    return bool(_HTML_START.match(head)) and not looks_binary(head)


def read(source: Source) -> Page:
    root = _parse(source.data)
    for junk in root.xpath(DROPPED):
        _drop(junk)
    archive = _archive_posts(root, source)
    if archive:
        return Page(path=source.display, posts=archive, clues=(None,) * len(archive), ordered=True)
    body = _body_element(root)
    if body is None:
        raise IngestError("no blog post found in this page (no post body)")
    container = _container(body)
    title = _title(root, container, body)
    blog = blog_name(_site_name(root, title), source.blog)
    day, note = _post_date(root, container, body)
    paragraphs = _body_paragraphs(body)
    if paragraphs and not title and len(paragraphs[0]) <= 200 and "\n" not in paragraphs[0]:
        title, paragraphs = paragraphs[0], paragraphs[1:]  # a theme that prints the title inside the text block
    if not title and not paragraphs:
        raise IngestError("no blog post found in this page (no title and no text)")
    comments, pings = _comments(root)
    month_day = (day.month, day.day) if day else _month_day_only(root, container)
    clue = None
    if day is None and month_day:
        clue = _year_clue(month_day, paragraphs, cap_depth(comments)[0])
        note = f"{month_day[1]} {MONTH_ABBREVIATIONS[month_day[0] - 1]} on the page; no year found"
    post = Post(
        id=post_id(blog, title, month_day[0] if month_day else None, month_day[1] if month_day else None, paragraphs),
        blog=blog,
        title=title,
        date=day,
        body=paragraphs,
        date_note=note,
        authors=_authors(root, container),
        categories=_categories(container),
        tags=_tags(container),
        comments=comments,
        sources=(source.display,),
        url=_canonical_link(root),
    )
    posts, cap_note = cap_threads([post])
    notes = (f"left out {counted(pings, 'pingback')}",) if pings else ()
    return Page(path=source.display, posts=posts, clues=(clue,), notes=notes + cap_note)


MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month_day_only(root, container) -> tuple[int, int] | None:
    """A day and month the page shows without a year ("24 Dec", WordPress.com themes): dedupe infers the year."""
    from civicreader.ingest import dates

    xpath = (
        f".//*[{_cls('entry-date')}] | .//*[{_cls('post-date')}] | .//*[{_cls('posted-on')}]"
        f" | .//*[{_cls('date')}] | .//*[{_cls('postdate')}] | .//*[{_cls('date-header')}] | .//time"
    )
    for scope in (container, root):
        for element in scope.xpath(xpath):
            if _in_comments(element):
                continue
            loose = dates.parse_short(clean_line(element.text_content()))
            if loose:
                return loose.month, loose.day
    return None


def _year_clue(month_day: tuple[int, int], paragraphs: tuple[str, ...], comments) -> DateClue:
    from civicreader.ingest import dates

    comment_dates = tuple(
        (comment.date.year, comment.date.month, comment.date.day)
        for top in comments
        for _, comment in top.walk()
        if comment.date
    )
    return DateClue(
        month=month_day[0],
        day=month_day[1],
        comment_dates=comment_dates,
        body_years=tuple(dates.years_mentioned(" ".join(paragraphs))),
    )


def _archive_posts(root, source: Source) -> tuple[Post, ...]:
    """Every post of a home, label or month page: several bodies, each in its own titled post block.

    Only on pages without comments (a post's own page shows them, an archive page does not),
    so a single post with an odd extra `entry-content` block is never split up.
    """
    if any(_is_comment_item(element) for element in root.iter()):
        return ()
    bodies = _post_bodies(root)
    if len(bodies) < 2:
        return ()
    containers = [_container(body) for body in bodies]
    titles = [_own_title(container, body) for container, body in zip(containers, bodies, strict=True)]
    if len({id(container) for container in containers}) < len(containers) or not all(titles):
        return ()
    blog = blog_name(_site_name(root, ""), source.blog)
    headers = _date_headers_before(root, containers)
    posts: list[Post] = []
    for body, container, title in zip(bodies, containers, titles, strict=True):
        day, note = _post_date_within(container)
        if day is None and headers.get(id(container)):
            day, note = headers[id(container)].date(), "from the page"
        paragraphs, teaser = _teaser_aware(body)
        posts.append(
            Post(
                id=post_id(blog, title, day.month if day else None, day.day if day else None, paragraphs),
                blog=blog,
                title=title,
                date=day,
                body=paragraphs,
                date_note=note,
                authors=_authors(root, container, page_author=False),
                categories=_categories(container),
                tags=_tags(container),
                excerpt=teaser,
                sources=(source.display,),
            )
        )
    return tuple(posts)


def _post_bodies(root) -> list:
    for name in BODY_CLASSES:
        found = [el for el in root.xpath(f"//*[{_cls(name)}]") if not _in_comments(el)]
        if found:
            return [el for el in found if not any(_inside(el, other) for other in found if other is not el)]
    return []


def _own_title(container, body) -> str:
    for name in TITLE_CLASSES:
        for element in container.xpath(f".//*[{_cls(name)}]"):
            if not _inside(element, body) and clean_line(element.text_content()):
                return clean_line(element.text_content())
    return ""


def _date_headers_before(root, containers) -> dict[int, datetime]:
    """Blogger prints one date header above all of a day's posts: the last one before each post."""
    wanted = {id(container) for container in containers}
    found: dict[int, datetime] = {}
    last: datetime | None = None
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if _has_class(element, "date-header"):
            last = text_datetime(element.text_content()) or last
        elif id(element) in wanted and last:
            found[id(element)] = last
    return found


def _post_date_within(container) -> tuple[date | None, str]:
    for value in container.xpath(
        f".//time/@datetime | .//abbr[{_cls('published')}]/@title | .//*[{_cls('published')}]/@title"
    ):
        when = naive_local(value) if re.match(r"\s*\d{4}-\d\d-\d\d", value) else None
        if when:
            return when.date(), "from the page"
    for element in container.xpath(
        f".//*[{_cls('entry-date')}] | .//*[{_cls('post-date')}] | .//*[{_cls('post-timestamp')}] | .//time"
    ):
        when = text_datetime(element.text_content())
        if when:
            return when.date(), "from the page"
    return None, ""


_READ_MORE = re.compile(r"(?:read more|continue reading|weiterlesen|lire la suite|mehr lesen)\W*$", re.IGNORECASE)


def _teaser_aware(body) -> tuple[tuple[str, ...], bool]:
    """The body's paragraphs, and whether it is a teaser (a "Read more" link ends it, which is dropped)."""
    paragraphs = _body_paragraphs(body)
    marked = bool(body.xpath(f".//a[{_cls('more-link')}] | .//*[{_cls('jump-link')}]"))
    if paragraphs and _READ_MORE.search(paragraphs[-1]) and len(paragraphs[-1]) < 80:
        return paragraphs[:-1], True
    return paragraphs, marked


def _parse(data: bytes):
    import lxml.html
    from lxml import etree

    declared = _CHARSET.search(data[:4096])
    text = decode(data, declared.group(1).decode("ascii", "replace") if declared else None)
    # lxml refuses a whole page for one stray control character; no page needs them.
    text = strip_controls(_XML_DECLARATION.sub("", text, count=1))
    try:
        root = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(no_network=True, recover=True))
    except (etree.ParserError, ValueError) as error:
        raise IngestError(f"not a readable HTML page ({error})") from None
    return root


def _drop(element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _has_class(element, *names: str) -> bool:
    tokens = set((element.get("class") or "").split())
    return any(name in tokens for name in names)


def _in_comments(element) -> bool:
    return any(_is_comment_item(ancestor) or ancestor.get("id") == "comments" for ancestor in element.iterancestors())


def _body_element(root):
    for name in BODY_CLASSES:
        found = [el for el in root.xpath(f"//*[{_cls(name)}]") if not _in_comments(el)]
        if found:
            return max(found, key=lambda el: len(el.text_content()))
    found = root.xpath("//*[@itemprop='articleBody']")
    if found:
        return found[0]
    return _densest_block(root)


def _densest_block(root):
    """The element whose own paragraphs hold the most text, outside the comments."""
    best, best_size = None, 0
    for element in root.iter():
        if not isinstance(element.tag, str) or _in_comments(element):
            continue
        size = sum(len(child.text_content()) for child in element if child.tag == "p")
        if size > best_size:
            best, best_size = element, size
    return best


def _container(body):
    """The post around its body: the nearest ancestor holding a title, else the body's parent."""
    for ancestor in body.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        if _has_class(ancestor, "hentry", "post", "type-post") or ancestor.tag == "article":
            return ancestor
        if any(ancestor.xpath(f".//*[{_cls(name)}]") for name in TITLE_CLASSES):
            return ancestor
    parent = body.getparent()
    return parent if parent is not None else body


def _title(root, container, body) -> str:
    for name in TITLE_CLASSES:
        for element in container.xpath(f".//*[{_cls(name)}]"):
            if not _inside(element, body) and clean_line(element.text_content()):
                return clean_line(element.text_content())
    heading = _heading_before(root, body)
    if heading:
        return heading
    og_title = root.xpath("//meta[@property='og:title']/@content")
    return clean_line(og_title[0]) if og_title else ""


def _inside(element, ancestor) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def _heading_before(root, body) -> str:
    last = ""
    for element in root.iter():
        if element is body:
            break
        if element.tag in ("h1", "h2", "h3") and not _has_class(element, "logo", "site-title", "widgettitle"):
            text = clean_line(element.text_content())
            if text:
                last = text
    return last


def _site_name(root, title: str) -> str:
    site = root.xpath("//meta[@property='og:site_name']/@content")
    if site and clean_line(site[0]):
        return site[0]
    page_title = clean_line("".join(root.xpath("//title//text()")))
    for separator in _TITLE_SEPARATORS:
        if separator not in page_title:
            continue
        first, _, rest = page_title.partition(separator)
        head, _, last = page_title.rpartition(separator)
        for name, other in ((last, head), (first, rest)):
            if clean_line(name) and _same_text(other, title):
                return name
    for xpath in (
        "//*[@id='Header1']//h1",
        "//*[@id='Header1']//img/@alt",
        "//*[@id='header']//h1",
        f"//*[{_cls('site-title')}] | //*[@id='site-title']",
        "//link[@rel='alternate' and contains(@type, 'rss')]/@title",
    ):
        for found in root.xpath(xpath):
            name = clean_line(found if isinstance(found, str) else found.text_content())
            if "comment" in name.casefold() or "kommentar" in name.casefold():
                continue  # a post's own comment feed, not the blog's
            name = _FEED_SUFFIX.sub("", name)
            if name and not _same_text(name, title):
                return name
    return ""


def _same_text(one: str, other: str) -> bool:
    fold = " ".join(one.casefold().split()), " ".join(other.casefold().split())
    return bool(fold[0]) and fold[0] == fold[1]


def _post_date(root, container, body) -> tuple[date | None, str]:
    scopes = [container, root]
    for scope in scopes:
        for value in scope.xpath(
            ".//time[not(ancestor::li)]/@datetime"
            f" | .//abbr[{_cls('published')}]/@title | .//*[{_cls('published')}]/@title"
            " | .//*[@itemprop='datePublished']/@content | .//*[@itemprop='datePublished']/@datetime"
        ):
            when = naive_local(value) if re.match(r"\s*\d{4}-\d\d-\d\d", value) else None
            if when:
                return when.date(), "from the page"
        if scope is container:
            continue
        for value in root.xpath("//meta[@property='article:published_time']/@content"):
            when = naive_local(value)
            if when:
                return when.date(), "from the page"
    for xpath in (
        f".//*[{_cls('date-header')}]",
        f".//*[{_cls('entry-date')}] | .//*[{_cls('post-date')}] | .//*[{_cls('postdate')}]"
        f" | .//*[{_cls('post-timestamp')}] | .//*[{_cls('timestamp')}]",
        f".//*[{_cls('date')}] | .//time",
    ):
        for scope in (container, root):
            for element in scope.xpath(xpath):
                if _in_comments(element):
                    continue
                when = text_datetime(element.text_content())
                if when:
                    return when.date(), "from the page"
    when = _date_in_text(" ".join(container.itertext())[:800])
    if when:
        return when.date(), "from the page"
    for url in root.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"):
        match = _URL_DATE.search(url)
        if match:
            try:
                return date(*map(int, match.groups())), "from the page's address"
            except ValueError:
                continue
    return None, ""


def _canonical_link(root) -> str:
    """The address the page names as its own: `link rel="canonical"`, else Open Graph's `og:url`."""
    for value in root.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"):
        if permalink(value):
            return permalink(value)
    return ""


_MONTH_NAMES = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|januar|jänner|februar|märz|mai|juni|juli|"
    r"oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre"
)
_DATE_IN_TEXT = re.compile(
    rf"\b\d{{1,2}}(?:\.|st|nd|rd|th)?\s+(?:{_MONTH_NAMES}),?\s+(?:19|20)\d\d\b"
    rf"|\b(?:{_MONTH_NAMES})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b"
    r"|\b\d{1,2}\.\d{1,2}\.(?:19|20)\d\d\b",
    re.IGNORECASE,
)


def _date_in_text(text: str) -> datetime | None:
    """The first written-out date in a stretch of text (a theme's "26 Mai, 2008 | author" line)."""
    match = _DATE_IN_TEXT.search(text)
    return text_datetime(match.group(0)) if match else None


def text_datetime(text: str) -> datetime | None:
    """A date written out on a page ("6. Juni 2015 um 10:23", "March 10, 2017 at 12:20 AM"); it must name a year."""
    text = clean_line(text)
    if not text or not _YEAR.search(text) or len(text) > 80:
        return None
    words = [_MONTH_WORDS.get(word.casefold().strip(".,"), word) for word in text.split()]
    text = _CONNECTIVES.sub(" ", " ".join(words))
    day_first = bool(re.search(r"\b\d{1,2}\.\s*(?:\d|[A-Za-z])", text))
    from dateutil import parser

    try:
        when = parser.parse(text.replace(". ", " "), fuzzy=True, dayfirst=day_first, default=datetime(1900, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if when.year == 1900 or not 1990 <= when.year <= 2100:
        return None
    return when.replace(tzinfo=None)


def _body_paragraphs(body) -> tuple[str, ...]:
    body = copy.deepcopy(body)
    for element in list(body.iter()):
        if element is not body and isinstance(element.tag, str) and _has_class(element, *NOISE_CLASSES):
            _drop(element)
    return element_paragraphs(body)


def _authors(root, container, page_author: bool = True) -> tuple[str, ...]:
    for xpath in (
        f".//*[{_cls('author')}]//*[{_cls('fn')}] | .//*[{_cls('post-author')}]//*[{_cls('fn')}]",
        ".//a[@rel='author']",
        f".//*[{_cls('author')}]//a | .//*[{_cls('byline')}]//a",
        ".//*[@itemprop='author']//*[@itemprop='name']",
    ):
        for element in container.xpath(xpath):
            name = clean_line(element.text_content())
            if name and not _in_comments(element):
                return (name,)
    meta = root.xpath("//meta[@name='author']/@content") if page_author else []
    return (clean_line(meta[0]),) if meta and clean_line(meta[0]) else ()


def _categories(container) -> tuple[str, ...]:
    names = container.xpath(
        ".//a[contains(concat(' ', @rel, ' '), ' category ')]//text()"
        f" | .//*[{_cls('post-labels')}]//a//text() | .//*[{_cls('cat-links')}]//a//text()"
    )
    return _unique(names)


def _tags(container) -> tuple[str, ...]:
    names = container.xpath(
        ".//a[@rel='tag' and not(contains(concat(' ', @rel, ' '), ' category '))"
        f" and not(ancestor::*[{_cls('post-labels')}])]//text()"
        f" | .//*[{_cls('tags-links')}]//a//text()"
    )
    return _unique(names)


def _unique(names) -> tuple[str, ...]:
    kept: list[str] = []
    for name in names:
        name = clean_line(name)
        if name and name not in kept:
            kept.append(name)
    return tuple(kept)


# --- comments ---------------------------------------------------------------------------------


def _is_comment_item(element) -> bool:
    if not isinstance(element.tag, str):
        return False
    if element.tag == "li" and _has_class(element, "comment", "pingback", "trackback"):
        return True
    if element.tag == "li" and _OLD_COMMENT_ID.match(element.get("id") or ""):
        return True  # themes from before comment_class() (2008) mark comments by id alone
    # The Epoch plugin wraps each comment and the replies under it in `div#comment-N[data-comment-id]`.
    return (
        element.tag == "div" and bool(element.get("data-comment-id")) and element.get("id", "").startswith("comment-")
    )


def _is_ping(element) -> bool:
    return _has_class(element, "pingback", "trackback")


def _comments(root) -> tuple[tuple[Comment, ...], int]:
    """Every comment on the page, each under the comment that holds it; and how many pings were left out."""
    items = [element for element in root.iter() if _is_comment_item(element)]
    if not items:
        return _old_blogger_comments(root), 0
    pings = 0
    children: dict[object, list] = {}
    for item in items:
        children.setdefault(_holder(item), []).append(item)
    built: dict[object, Comment] = {}
    for item in reversed(items):  # document order puts a comment before the replies it holds
        if _is_ping(item):
            pings += 1
        else:
            replies = tuple(built[reply] for reply in children.get(item, ()) if reply in built)
            built[item] = _comment(item, _by_date(replies))
        _drop(item)  # read: its holder's searches need not wade through it again
    return _by_date(tuple(built[item] for item in children.get(None, ()) if item in built)), pings


def _by_date(comments: tuple[Comment, ...]) -> tuple[Comment, ...]:
    """Oldest first, as the exports order them (some themes show the newest first); undated: as found."""
    if any(comment.date is None for comment in comments):
        return comments
    return tuple(sorted(comments, key=lambda comment: comment.date))


def _own(item, xpath: str) -> list:
    """Elements under a comment that belong to it, not to a reply nested inside it."""
    return [element for element in item.xpath(xpath) if _holder(element) is item]


def _holder(element):
    return next((a for a in element.iterancestors() if _is_comment_item(a)), None)


def _comment(item, replies: tuple[Comment, ...]) -> Comment:
    author = ""
    for xpath in (
        f".//*[{_cls('fn')}]",
        f".//cite[{_cls('user')}]",
        f".//*[{_cls('epoch-author-link')}]",
        f".//*[{_cls('comment-author')}]",
        ".//cite",
    ):
        found = _own(item, xpath)
        if found:
            author = re.sub(r"\s+(?:says|sagt|dit|schreibt|said)\s*:?\s*$", "", clean_line(found[0].text_content()))
            if author:
                break
    return Comment(author=author or "Anonymous", date=_comment_date(item), body=_comment_body(item), replies=replies)


def _comment_date(item) -> datetime | None:
    for element in _own(item, ".//time"):
        value = element.get("datetime") or ""
        when = naive_local(value) if re.match(r"\s*\d{4}-\d\d-\d\d", value) else None
        when = when or text_datetime(element.text_content())
        if when:
            return when
    for xpath in (
        f".//*[{_cls('comment-meta')}]//a | .//*[{_cls('commentmetadata')}]//a",
        f".//*[{_cls('datetime')}] | .//*[{_cls('comment-date')}] | .//*[{_cls('comment-time')}]",
        f".//*[{_cls('comment-meta')}] | .//*[{_cls('commentmetadata')}] | .//small",
    ):
        for element in _own(item, xpath):
            when = text_datetime(element.text_content())
            if when:
                return when
    return None


def _comment_body(item) -> tuple[str, ...]:
    for name in ("comment-content", "epoch-comment-content", "comment-text", "comment-body"):
        found = _own(item, f".//*[{_cls(name)}]")
        if found:
            return _without_meta(found[0])
    # No body wrapper (themes before 2008): the item holds the name, "Says:", the date and the text.
    paragraphs = _without_meta(item, also=lambda inner: inner.tag == "cite" or _has_class(inner, "fn"))
    return tuple(paragraph for paragraph in paragraphs if not _SAYS_ONLY.match(paragraph))


def _without_meta(element, also=lambda inner: False) -> tuple[str, ...]:
    element = copy.deepcopy(element)
    for inner in list(element.iter()):
        if inner is element or not isinstance(inner.tag, str):
            continue
        if _has_class(inner, *COMMENT_META_CLASSES, "children") or _is_comment_item(inner) or also(inner):
            _drop(inner)
    return element_paragraphs(element)


def _old_blogger_comments(root) -> tuple[Comment, ...]:
    """Classic Blogger templates: `dl#comments-block` of dt (author) / dd (body) / dd (footer) triples."""
    comments: list[Comment] = []
    for block in root.xpath("//dl[@id='comments-block']"):
        author, body = "", ()
        for element in block:
            if element.tag == "dt":
                author = re.sub(r"\s+(?:said|sagte|a dit)\.*:?\s*$", "", clean_line(element.text_content()))
            elif element.tag == "dd" and _has_class(element, "comment-body"):
                body = element_paragraphs(element)
            elif element.tag == "dd" and _has_class(element, "comment-footer"):
                comments.append(Comment(author or "Anonymous", text_datetime(element.text_content()), body))
                author, body = "", ()
    return tuple(comments)
