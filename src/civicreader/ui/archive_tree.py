"""The archive tree: blog, year, month, post (with counts), and a branch for categories.

Filled lazily: a branch asks the index for its children the first time it opens, in a
thread worker, so the tree is instant however large the archive is.
"""

from __future__ import annotations

import re
from calendar import month_name
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode
from textual.worker import Worker, get_current_worker

from civicreader.textsafe import one_line
from civicreader.ui import note_branches, people_branches
from civicreader.ui.backstage import pass_failure_up
from civicreader.ui.keys import bindings_for
from civicreader.ui.library_access import IndexNotReady, LibraryAccess
from civicreader.ui.note_branches import NoteLeaf, NotesBranch
from civicreader.ui.people_branches import (
    MoreWritings,
    MostDiscussedBranch,
    PeopleBranch,
    PersonBranch,
    WritingLeaf,
)
from civicreader.ui.text import short_date


@dataclass(frozen=True)
class BlogBranch:
    blog: str


@dataclass(frozen=True)
class YearBranch:
    blog: str
    year: int | None


@dataclass(frozen=True)
class MonthBranch:
    blog: str
    year: int
    month: int


@dataclass(frozen=True)
class CategoriesBranch:
    pass


@dataclass(frozen=True)
class CategoryBranch:
    category: str


@dataclass(frozen=True)
class BookmarksBranch:
    """The posts the reader bookmarked, most recent first (from their memory, not the index)."""


@dataclass(frozen=True)
class PostLeaf:
    summary: object
    """A civicreader.index.PostSummary."""


Branch = (
    BookmarksBranch | NotesBranch | BlogBranch | YearBranch | MonthBranch | CategoriesBranch | CategoryBranch
    | PeopleBranch | PersonBranch | MostDiscussedBranch
)  # fmt: skip
NodeData = Branch | PostLeaf | WritingLeaf | MoreWritings | NoteLeaf


@dataclass
class Place:
    """The open branches and the cursor, as paths from the top (see `node_path`)."""

    expanded: set[tuple]
    cursor: tuple | None
    reopening: set[int] = field(default_factory=set)
    """Ids of the nodes opened to put the place back, whose children are still loading."""


def node_key(data: NodeData) -> object:
    """What names a node across reloads: a post by its id (its comment count may have changed)."""
    if isinstance(data, WritingLeaf):
        return ("writing", data.writing.post_id, data.writing.comment)
    return ("post", data.summary.id) if isinstance(data, PostLeaf) else data


def node_path(node: TreeNode[NodeData]) -> tuple:
    path = []
    while node.parent is not None:
        path.append(node_key(node.data))
        node = node.parent
    return tuple(reversed(path))


def counted(name: str, count: int, style: str = "", unit: tuple[str, str] | None = None) -> Text:
    """A branch label: the name (literal, one line) and a dim count, with its `unit` (singular, plural) if given.

    The top level says what it counts, since side by side its branches count different things.
    """
    number = f" {count:,}"
    if unit:
        number += " " + (unit[0] if count == 1 else unit[1])
    return Text.assemble((one_line(name) or "(unnamed)", style), (number, "dim"))


UNREAD_MARK = "● "
"""Before the title of a post not yet read (read posts keep the column blank)."""
POSTS, CATEGORIES = ("post", "posts"), ("category", "categories")
_COUNT_AT_END = re.compile(r" [\d,]+(?: (?:posts?|categor(?:y|ies)))?$")


def post_label(summary, day_only: bool = False) -> Text:
    """Date, title and comment count; `day_only` under a month's branch, which says the year and month."""
    when = short_date(summary.date, summary.date_inferred)
    if day_only and summary.date is not None:
        when = f"{summary.date.day:>2}" + ("*" if summary.date_inferred else "")
    label = Text.assemble((when, "dim"), " ", one_line(summary.title) or "(untitled)")
    label.append_text(post_label_end(summary))
    return label


def post_label_end(summary) -> Text:
    """What follows a post's title in its label: the comment count, a mark for an excerpt."""
    end = Text()
    if summary.comment_count:
        end.append(f" ({summary.comment_count})", "dim")
    if summary.excerpt:
        end.append(" [excerpt]", "dim italic")
    return end


def label_end_length(data: NodeData | None, label: Text) -> int:
    """How many characters at the end of a label must stay when it is cut to fit: its count(s)."""
    if isinstance(data, PostLeaf):
        return len(post_label_end(data.summary).plain)
    if isinstance(data, NoteLeaf):
        return 0  # the title says more than the passage: cut from the end
    if (kept := people_branches.kept_end(data, label)) is not None:
        return kept
    if data is None:
        return 0
    count = _COUNT_AT_END.search(label.plain)
    return len(count.group()) if count else 0


def fitted(label: Text, width: int, keep_end: int) -> Text:
    """`label` in `width` cells: cut before its last `keep_end` characters, with an ellipsis, when too long."""
    if label.cell_len <= width:
        return label
    end = label[len(label.plain) - keep_end :] if keep_end else Text()
    if end.cell_len >= width - 1:
        # Too narrow for the name and the count: the start of the label is what tells nodes apart.
        head = label.copy()
        head.truncate(width, overflow="ellipsis")
        return head
    head = label[: len(label.plain) - keep_end]
    head.truncate(width - end.cell_len, overflow="ellipsis")
    return Text.assemble(head, end)


def with_unread_count(
    label: Text, keep_end: int, unread: int, width: int, counts_posts: bool = True
) -> tuple[Text, int]:
    """A branch's label with how many of its posts are unread, and the length of its end that must stay.

    " · 18 unread" where the name still fits whole; else the count loses its unit and the unread count is the
    unread mark and a number ("commissioning-desk 18 ●18"), since at 80 columns the long form left five letters
    of a blog's name and none of "Categories". A branch counting something other than posts (`counts_posts`
    False: Categories) keeps the unread count's unit while it fits ("Categories 286 ●234 posts"): "286 ●234"
    read as 234 of its 286 categories.
    """
    suffix = f" · {unread:,} unread"
    if label.cell_len + len(suffix) <= width:
        return Text.assemble(label, (suffix, "bold")), keep_end + len(suffix)
    head, count = label[: len(label.plain) - keep_end], label[len(label.plain) - keep_end :]
    words = count.plain.split()
    number = count[: count.plain.index(words[0]) + len(words[0])] if words else Text()
    compact = f" {UNREAD_MARK.strip()}{unread:,}"
    if not counts_posts and head.cell_len + number.cell_len + len(compact) + len(POSTS[1]) + 1 <= width:
        compact += " " + (POSTS[0] if unread == 1 else POSTS[1])
    return Text.assemble(head, number, (compact, "bold")), len(number.plain) + len(compact)


class ArchiveTree(Tree[NodeData]):
    """Browse the archive; Enter on a post posts `PostChosen`."""

    BINDING_GROUP_TITLE = "Archive"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("tree")

    @dataclass
    class PostChosen(Message):
        tree: ArchiveTree
        post_id: str
        comment: int = 0
        """Open the post at this comment (numbered from 1, in thread order); 0 at its top."""
        paragraph: int = 0
        """Or at this paragraph (from 1)."""

        @property
        def control(self) -> ArchiveTree:
            return self.tree

    class _ChildrenLoaded(Message, bubble=False):
        def __init__(
            self, node: TreeNode[NodeData] | None, children: list[tuple[Text, NodeData, bool]], generation: int
        ) -> None:
            super().__init__()
            self.node = node
            """None for the top level."""
            self.children = children
            self.generation = generation

    def __init__(self, *, id: str | None = None) -> None:
        # Before Tree's own __init__, which renders the root's label.
        self.read_ids: Collection[str] | None = None
        """Posts the reader has read (from their memory); None until it is open: no post is marked unread."""
        self.unread: Mapping[object, int] = {}
        """Unread posts per branch, by the branch's data (see ui/unread.py)."""
        self.bookmarks: tuple[str, ...] = ()
        """Bookmarked post ids, most recent first: the Bookmarks branch lists them."""
        self.notes: tuple = ()
        """The reader's notes (civicreader.memory.Note): the Notes branch lists them."""
        super().__init__("Archive", id=id)
        self.show_root = False
        self.auto_expand = True
        self.guide_depth = 3
        self.access: LibraryAccess | None = None
        """Set by the screen before `reload`."""
        self._loaded: set[int] = set()
        self._generation = 0
        """Bumped whenever new content for the whole tree is asked for: answers for an older tree are dropped."""
        self._place: Place | None = None
        """Where the user was before a reload: put back as the branches load again."""

    def show_marks(self, read_ids: Collection[str], unread: Mapping[object, int]) -> None:
        """Mark unread posts and count them per branch, as the reader's memory says (attributes down)."""
        self.read_ids, self.unread = read_ids, unread
        for node in self._tree_lines_nodes():
            node.refresh()

    def show_bookmarks(self, bookmarks: tuple[str, ...]) -> None:
        """List these posts under Bookmarks (attributes down); an open Bookmarks branch is read again."""
        self.bookmarks = bookmarks
        self._reload_branch(BookmarksBranch)

    def show_notes(self, notes: tuple) -> None:
        """List these notes under Notes (attributes down); an open Notes branch is read again."""
        self.notes = notes
        self._reload_branch(NotesBranch)

    def _reload_branch(self, kind: type) -> None:
        for node in self.root.children:
            if isinstance(node.data, kind):
                node.refresh()
                if node.id in self._loaded:
                    self._load_children(node, self._generation)

    def _tree_lines_nodes(self) -> list[TreeNode[NodeData]]:
        found: list[TreeNode[NodeData]] = []
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            found.append(node)
            if node.is_expanded:
                stack.extend(node.children)
        return found

    def render_line(self, y: int) -> Strip:
        node = self.get_node_at_line(y + self.scroll_offset.y)
        if node is not None and isinstance(node.data, MoreWritings) and node.id not in self._loaded:
            # On screen (scrolled to, or the cursor reached it): the next page comes in its place.
            self._loaded.add(node.id)
            self.call_later(self._load_children, node, self._generation)
        return super().render_line(y)

    def render_label(self, node: TreeNode[NodeData], base_style, style) -> Text:
        """The label, cut with an ellipsis where the pane is too narrow (keeping its count), not cropped mid-word."""
        label = super().render_label(node, base_style, style)
        keep_end = label_end_length(node.data, label)
        depth = 0
        ancestor = node.parent
        while ancestor is not None and ancestor is not self.root:
            depth += 1
            ancestor = ancestor.parent
        # Room for a vertical scrollbar is kept whether or not it shows: a label that fitted must not
        # be cropped when the list grows long enough to need one.
        room = max(self.size.width - depth * self.guide_depth - self.styles.scrollbar_size_vertical, 1)
        if self.read_ids is not None and node.data is not None:
            if isinstance(node.data, PostLeaf):
                # A column of its own, so dates stay aligned whether a post is read or not.
                unread = node.data.summary.id not in self.read_ids
                label = Text.assemble(UNREAD_MARK if unread else "  ", label)
                if unread:
                    label.stylize("bold")
            elif isinstance(node.data, BookmarksBranch | NotesBranch):
                count = len(self.bookmarks if isinstance(node.data, BookmarksBranch) else self.notes)
                suffix = f" {count:,}"
                label.append(suffix, "dim")
                keep_end += len(suffix)
            elif unread := self.unread.get(node_key(node.data)):
                counts_posts = not isinstance(node.data, CategoriesBranch)
                label, keep_end = with_unread_count(label, keep_end, unread, room, counts_posts)
        if node is self.cursor_node:
            # Dim on the cursor's bar (dates, counts) fell to about 2.5:1 in the dark theme.
            label.stylize("not dim")
        return fitted(label, room, keep_end)

    def process_label(self, label) -> Text:
        # A plain str label would go through Rich's markup parser; only Text is accepted here.
        if isinstance(label, str):
            label = Text(one_line(label))
        return label.split()[0] if label.plain else label

    def show_message(self, message: str) -> None:
        """Replace the tree's content with a one-line note (while indexing, or when empty)."""
        self._generation += 1
        self._clear()
        self.root.add_leaf(Text(message, "dim italic"))

    def _clear(self) -> None:
        self.clear()
        self._loaded.clear()

    def reload(self) -> None:
        """Read the index again (after it changed), keeping the open branches and the cursor where they were.

        The old tree stays on screen until the new top level arrives; the branches that were open
        open again as their children load, and the cursor goes back to its post or branch (or to the
        nearest branch above it that is still there).
        """
        self._place = self._current_place()
        self._generation += 1
        self._load_children(None, self._generation)

    def show_top_level(self, children: list[tuple[Text, NodeData | None, bool]]) -> None:
        """Fill the top level with children read by the caller's worker (`children_of(library, None)`)."""
        self._generation += 1
        self.post_message(self._ChildrenLoaded(None, children, self._generation))

    def _current_place(self) -> Place:
        expanded: set[tuple] = set()

        def walk(node: TreeNode[NodeData]) -> None:
            for child in node.children:
                if child.is_expanded and child.data is not None:
                    expanded.add(node_path(child))
                    walk(child)

        walk(self.root)
        cursor = self.cursor_node
        return Place(expanded, node_path(cursor) if cursor is not None and cursor.data is not None else None)

    @on(Tree.NodeExpanded)
    def _expand(self, event: Tree.NodeExpanded[NodeData]) -> None:
        event.stop()
        if event.node.id not in self._loaded and event.node.data is not None:
            self._loaded.add(event.node.id)
            self._load_children(event.node, self._generation)

    @on(Tree.NodeSelected)
    def _select(self, event: Tree.NodeSelected[NodeData]) -> None:
        if isinstance(event.node.data, PostLeaf):
            event.stop()
            self.post_message(self.PostChosen(self, event.node.data.summary.id))
        elif isinstance(event.node.data, WritingLeaf):
            event.stop()
            writing = event.node.data.writing
            self.post_message(self.PostChosen(self, writing.post_id, writing.comment))
        elif isinstance(event.node.data, NoteLeaf):
            event.stop()
            leaf = event.node.data
            if leaf.orphaned:
                self.notify("That post is no longer in the corpus; its note is kept (civicreader notes lists it).")
            else:
                self.post_message(self.PostChosen(self, leaf.post_id, leaf.comment or 0, leaf.paragraph or 0))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        pass_failure_up(self, event)  # a branch that cannot be read says so, not a tree that stays empty

    @work(thread=True, group="archive-tree", exit_on_error=False, description="Reading the archive")
    def _load_children(self, node: TreeNode[NodeData] | None, generation: int) -> None:
        if self.access is None:
            return
        try:
            with self.access as library:
                if node is not None and isinstance(node.data, BookmarksBranch):
                    children = [(post_label(s), PostLeaf(s), False) for s in library.summaries(self.bookmarks)]
                    if not children:
                        children = [(Text("No bookmarks yet: B bookmarks the open post.", "dim italic"), None, False)]
                elif node is not None and isinstance(node.data, NotesBranch):
                    children = note_branches.children(library, self.notes)
                else:
                    children = list(self.children_of(library, node.data if node else None))
        except IndexNotReady:
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self._ChildrenLoaded(node, children, generation))

    @staticmethod
    def children_of(library, data: NodeData | None):
        """(label, data, is_branch) for the children of a node, read from the index."""
        if data is None:
            blogs = library.blogs()
            for blog, count in sorted(blogs.items(), key=lambda item: item[0].casefold()):
                yield counted(blog, count, "bold", POSTS), BlogBranch(blog), True
            categories = library.categories()
            if categories:
                yield counted("Categories", len(categories), "italic", CATEGORIES), CategoriesBranch(), True
            yield from people_branches.top_level(library)
            if not blogs:
                yield Text("The index holds no posts.", "dim italic"), None, False
            else:
                yield Text("Bookmarks", "italic"), BookmarksBranch(), True
                yield Text("Notes", "italic"), NotesBranch(), True
        elif isinstance(data, BlogBranch):
            years = library.years(data.blog)
            for year in sorted(years, key=lambda y: (y is None, -(y or 0))):
                yield counted(str(year) if year else "undated", years[year]), YearBranch(data.blog, year), True
        elif isinstance(data, YearBranch):
            if data.year is None:
                for summary in library.posts_in(data.blog, None):
                    yield post_label(summary), PostLeaf(summary), False
                return
            months = library.months(data.blog, data.year)
            for month in sorted(months, reverse=True):
                yield counted(month_name[month], months[month]), MonthBranch(data.blog, data.year, month), True
        elif isinstance(data, MonthBranch):
            for summary in library.posts_in(data.blog, data.year, data.month):
                yield post_label(summary, day_only=True), PostLeaf(summary), False
        elif isinstance(data, CategoriesBranch):
            categories = library.categories()
            for category in sorted(categories, key=str.casefold):
                yield counted(category, categories[category]), CategoryBranch(category), True
        elif isinstance(data, CategoryBranch):
            for summary in library.posts_in_category(data.category):
                yield post_label(summary), PostLeaf(summary), False
        else:
            yield from people_branches.children_of(library, data)

    @on(_ChildrenLoaded)
    def _add_children(self, message: _ChildrenLoaded) -> None:
        if message.generation != self._generation:
            return
        place = self._place
        if message.node is None:
            self._clear()
            node = self.root
        elif isinstance(message.node.data, MoreWritings):
            node = message.node.parent
            message.node.remove()
            place = None
        else:
            node = message.node
            node.remove_children()
            if place is not None and node.id not in place.reopening:
                place = None  # the user opened this branch: leave the cursor alone
        added = []
        for label, data, is_branch in message.children:
            added.append(node.add(label, data) if is_branch else node.add_leaf(label, data))
        if place is not None:
            place.reopening.discard(node.id)
            self._put_back(place, added)
        if node is self.root and self.cursor_line < 0 and self.root.children:
            self.cursor_line = 0

    def _put_back(self, place: Place, added: list[TreeNode[NodeData]]) -> None:
        """Reopen the branches among `added` that were open, and move the cursor to its old node or nearest."""
        for child in added:
            if child.data is None:
                continue
            path = node_path(child)
            if place.cursor is not None and place.cursor[: len(path)] == path:
                # Deeper matches arrive later and move it again; the exact node, if still there, wins.
                self.call_after_refresh(self.move_cursor, child)
            if path in place.expanded:
                place.reopening.add(child.id)
                child.expand()
        if not place.reopening:
            self._place = None
