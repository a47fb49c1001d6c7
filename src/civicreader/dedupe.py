"""Merge the same post read from several pages into one, then infer the years pages left out.

Evidence for a missing year, in order of trust (the order issue #3 sets):
1. the page's archive header (applied by the reader, as it is the page's own statement);
2. the same post seen with a full date on another page;
3. its comments: a comment is never older than its post;
4. its neighbours on archive pages (newest first: going down, the year stays or steps back);
5. a year the body mentions, taken only where it fits the bounds the neighbours set.
No evidence: no date, never a made-up one.

Once a post's date is settled, the comments its pages dated without a year get one (marked
`date_inferred`): the post's year, or the next when the comment's day comes earlier in the year.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from civicreader.ingest import DateClue, Page, Problem, date_comments
from civicreader.ingest.blog_names import agreed_site_names, folder_keys, named_by_site, title_line_keys
from civicreader.model import Comment, Post, normalise_key_text

# trust ranks: lower is stronger
STATED, OTHER_PAGE, COMMENTS, NEIGHBOURS, BODY_IN_BOUNDS, BODY = range(6)


@dataclass
class Group:
    """Every appearance of one post, with what each page said about its date."""

    appearances: list[Post] = field(default_factory=list)
    appearance_clues: list[DateClue | None] = field(default_factory=list)
    """Aligned with `appearances`."""
    clues: list[DateClue] = field(default_factory=list)
    year: int | None = None
    trust: int = 99
    note: str = ""
    month_day: tuple[int, int] | None = None


def merge_pages(pages: list[Page], site_names: dict[str, str] | None = None) -> list[Post]:
    """One Post per id, every source listed, years inferred; newest first, undated last.

    Posts of a folder blog move to the site name its pages agree on: `site_names`, or else what these pages
    agree on (see `blog_names.agreed_site_names`).
    """
    if site_names is None:
        site_names = agreed_site_names(key for page in pages for key in page_keys(page))
    pages = [named_by_site(page, site_names) for page in pages]
    groups: dict[str, Group] = {}
    for page in pages:
        clues = page.clues or (None,) * len(page.posts)
        for post, clue in zip(page.posts, clues, strict=False):
            group = groups.setdefault(post.id, Group())
            group.appearances.append(post)
            group.appearance_clues.append(clue)
            if clue:
                group.clues.append(clue)
                group.month_day = (clue.month, clue.day)
    _fold_undated_into_dated(groups)
    _infer_years(groups, pages)
    return sort_posts(_merge_group(post_id, group) for post_id, group in groups.items())


def page_keys(page: Page | Problem) -> frozenset[tuple]:
    """What links a page to others in `merge_pages`: its post ids and (blog, title)s; and what its title line
    says of its site's name (one key of the page's own, linking it to no other)."""
    if not isinstance(page, Page):
        return frozenset()
    keys: set[tuple] = set()
    for post in page.posts:
        keys.add(("id", post.id))
        keys.add(("title", normalise_key_text(post.blog), normalise_key_text(post.title)))
        if page.folder and post.blog != page.folder:
            # A folder's text pages may take this file's name for their blog: link them by title already.
            keys.add(("title", normalise_key_text(page.folder), normalise_key_text(post.title)))
    if page.title_line:
        keys |= title_line_keys(page.posts[0].blog, page.title_line, page.path)
    return frozenset(keys | folder_keys(page))


def linked_pages(touched: set[str], old_keys: set[tuple], keys: dict[str, frozenset[tuple]],
                 post_pages: Mapping[str, Collection[str]]) -> set[str]:
    """Every page that shares, directly or through others, a post id or a title with a touched page.

    merge_pages joins pages only through these (same id, an undated post folded into the dated one
    of the same title, neighbours on one archive page), so pages outside this set merge as before.
    `keys` are each page's `page_keys`, `old_keys` those of touched pages before they changed, and
    `post_pages` the pages each merged post came from.
    """
    by_key: dict[tuple, list[str]] = {}
    for relative, its_keys in keys.items():
        for key in its_keys:
            by_key.setdefault(key, []).append(relative)
    linked = set(touched)
    frontier = set(old_keys)
    for relative in touched:
        frontier |= keys.get(relative, frozenset())
    for rels in post_pages.values():
        if not touched.isdisjoint(rels):
            for relative in rels:
                if relative not in linked:
                    linked.add(relative)
                    frontier |= keys.get(relative, frozenset())
    while frontier:
        for relative in by_key.get(frontier.pop(), ()):
            if relative not in linked:
                linked.add(relative)
                frontier |= keys[relative]
    return linked


def _fold_undated_into_dated(groups: dict[str, Group]) -> None:
    """A page that shows no date for a post another page dates: one post, under the dated id."""
    by_title: dict[tuple[str, str], list[str]] = {}
    for post_id, group in groups.items():
        first = group.appearances[0]
        title = normalise_key_text(first.title)
        if title:
            by_title.setdefault((normalise_key_text(first.blog), title), []).append(post_id)
    for ids in by_title.values():
        undated = [i for i in ids if not _has_day(groups[i])]
        dated = [i for i in ids if _has_day(groups[i])]
        if len(dated) == 1 and undated:
            target = groups[dated[0]]
            for post_id in undated:
                folded = groups.pop(post_id)
                target.appearances += folded.appearances
                target.appearance_clues += folded.appearance_clues


def _has_day(group: Group) -> bool:
    return group.month_day is not None or any(post.date for post in group.appearances)


# --- years ------------------------------------------------------------------------------------

def _infer_years(groups: dict[str, Group], pages: list[Page]) -> None:
    for group in groups.values():
        stated = [post for post in group.appearances if post.date and not post.date_inferred]
        header = [post for post in group.appearances if post.date and post.date_inferred]
        if stated:
            group.year, group.trust = stated[0].date.year, STATED
        elif header:
            group.year, group.trust, group.note = header[0].date.year, STATED, header[0].date_note
        elif group.clues:
            _year_from_comments(group)

    orders = [[post.id for post in page.posts] for page in pages if page.ordered and len(page.posts) > 1]
    while _settle_one_round(groups, orders):
        pass


def _settle_one_round(groups: dict[str, Group], orders: list[list[str]]) -> bool:
    """Give years where the evidence allows, strongest kind first; True when anything changed."""
    bounds = list(_bounds(groups, orders))
    # a year the body mentions, where it fits the neighbours: between two of them, or at or after
    # the older one (a post often names its own year; with only a newer neighbour, an earlier year
    # in the text is more likely a past event, "since the 2008 crash")
    changed = False
    for group_id, low, high, _, _ in bounds:
        group = groups[group_id]
        if low is None:
            continue
        year = _body_year(group, low, high)
        if year is not None:
            group.year, group.trust = year, BODY_IN_BOUNDS
            group.note = "year from a year the body mentions, between its neighbours on an archive page"
            changed = True
    if changed:
        return True
    for group_id, low, high, low_trust, high_trust in bounds:
        group = groups[group_id]
        if low is not None and high is not None and low > high:
            continue  # the neighbours contradict each other: say nothing rather than guess
        if low is not None and high is not None:
            year = low if low_trust <= high_trust else high
        else:
            year = low if low is not None else high
        group.year, group.trust, group.note = year, NEIGHBOURS, "year from its neighbours on an archive page"
        changed = True
    if changed:
        return True
    # last and weakest: a year the body mentions, one post at a time (the most recent year first,
    # as posts name their own year or earlier ones), so its neighbours can then follow from it
    candidates = [
        (max(years), group_id)
        for group_id, group in groups.items()
        if group.year is None and group.month_day and (years := [y for c in group.clues for y in c.body_years])
    ]
    if candidates:
        year, group_id = max(candidates)
        group = groups[group_id]
        group.year, group.trust, group.note = year, BODY, "year from a year the body mentions"
        return True
    return False


def _body_year(group: Group, low: int, high: int | None) -> int | None:
    fitting = [y for clue in group.clues for y in clue.body_years if y >= low and (high is None or y <= high)]
    return max(fitting) if fitting else None


def _year_from_comments(group: Group) -> None:
    month, day = group.month_day or (0, 0)
    dates = sorted({d for clue in group.clues for d in clue.comment_dates})
    if not dates or not month:
        return
    year, c_month, c_day = dates[0]
    group.year = year if (month, day) <= (c_month, c_day) else year - 1
    group.trust = COMMENTS
    group.note = "year from the dates of its comments"


def _bounds(groups: dict[str, Group], orders: list[list[str]]):
    """For each undated post on an archive page: the lowest and highest year its neighbours allow."""
    for order in orders:
        # The nearest dated neighbour above (newer) and below (older) each position, in two passes:
        # a scan outwards from every post is quadratic, and archive pages can list thousands.
        above = _nearest_dated(groups, order)
        below = _nearest_dated(groups, order[::-1])[::-1]
        for position, group_id in enumerate(order):
            group = groups.get(group_id)
            if group is None or group.year is not None or group.month_day is None:
                continue
            low = high = None
            low_trust = high_trust = 99
            newer, older = above[position], below[position]
            if newer is not None:
                high = newer.year if group.month_day <= newer.month_day else newer.year - 1
                high_trust = newer.trust
            if older is not None:
                low = older.year if group.month_day >= older.month_day else older.year + 1
                low_trust = older.trust
            if low is not None or high is not None:
                yield group_id, low, high, low_trust, high_trust


def _nearest_dated(groups: dict[str, Group], order: list[str]) -> list[Group | None]:
    """For each position, the closest group before it that has a year and a day, or None."""
    nearest: list[Group | None] = []
    last = None
    for group_id in order:
        nearest.append(last)
        group = groups.get(group_id)
        if group and group.year is not None and group.month_day:
            last = group
    return nearest


# --- merging ----------------------------------------------------------------------------------

def _merge_group(post_id: str, group: Group) -> Post:
    when, inferred, note = _settled_date(group)
    posts = group.appearances
    if when is not None:
        posts = [
            replace(post, comments=date_comments(post.comments, clue.yearless_comments, when))
            if clue and clue.yearless_comments
            else post
            for post, clue in zip(posts, group.appearance_clues, strict=True)
        ]
    full = [post for post in posts if not post.excerpt] or posts
    best = max(full, key=lambda post: sum(len(p) for p in post.body))
    return replace(
        best,
        id=post_id,
        title=max((post.title for post in posts), key=len),
        date=when,
        date_inferred=inferred,
        date_note=note,
        authors=_union(post.authors for post in posts),
        categories=_union(post.categories for post in posts),
        tags=_union(post.tags for post in posts),
        url=best.url or next((post.url for post in posts if post.url), ""),
        excerpt=all(post.excerpt for post in posts),
        comments=_merge_comments(posts),
        sources=_union(post.sources for post in posts),
    )


def _settled_date(group: Group) -> tuple[date | None, bool, str]:
    """The post's date, whether its year was inferred, and how it was found."""
    posts = group.appearances
    stated = next((post for post in posts if post.date and not post.date_inferred), None)
    dated = stated or next((post for post in posts if post.date), None)
    when: date | None = dated.date if dated else None
    inferred = bool(dated and dated.date_inferred)
    note = (dated.date_note if dated else "") or ""
    if stated and len({post.sources for post in posts}) > 1 and any(not post.date for post in posts):
        note = f"from {_short(stated.sources[0])}"
    if when is None and group.year is not None and group.month_day:
        month, day = group.month_day
        try:
            when = date(group.year, month, day)
            inferred, note = True, group.note
        except ValueError:
            when = None
    if when is None and not note:
        note = next((post.date_note for post in posts if post.date_note), "no date found")
    return when, inferred, note


def _short(source: str) -> str:
    return source.rsplit("/", 1)[-1]


def _union(lists: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for values in lists:
        for value in values:
            seen.setdefault(value.casefold(), value)
    return tuple(seen.values())


def _comment_key(comment: Comment) -> tuple[str, str]:
    return normalise_key_text(comment.author), normalise_key_text(" ".join(comment.body))[:200]


def _merge_comments(posts: list[Post]) -> tuple[Comment, ...]:
    """The fullest thread, plus any comment another page has that it lacks; each comment once."""
    threads = sorted((post.comments for post in posts if post.comments), key=_thread_size, reverse=True)
    if len(threads) < 2:
        return threads[0] if threads else ()
    merged = list(threads[0])
    seen = {_comment_key(c) for comment in merged for _, c in comment.walk()}
    for thread in threads[1:]:
        for comment in thread:
            if _comment_key(comment) not in seen:
                merged.append(comment)
                seen.update(_comment_key(c) for _, c in comment.walk())
    return tuple(merged)


def _thread_size(comments: tuple[Comment, ...]) -> int:
    return sum(1 for comment in comments for _ in comment.walk())


def sort_posts(posts: Iterable[Post]) -> list[Post]:
    posts = list(posts)
    dated = sorted((p for p in posts if p.date), key=lambda p: (p.date, p.title), reverse=True)
    undated = sorted((p for p in posts if not p.date), key=lambda p: (p.blog, p.title))
    return dated + undated
