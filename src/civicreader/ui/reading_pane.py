"""The reading pane: the post's header, its paragraphs, then its comments, threaded.

Matches of the search that opened the post are highlighted; `n` / `N` move through them.
Threads fold with `c` (the thread marked in the view, see `fold_target`) or a click on a comment's header.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import ClassVar

from textual import on
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import Click, Resize
from textual.message import Message
from textual.widget import AwaitMount, Widget
from textual.widgets import Static

from civicreader.cite import CitationError
from civicreader.discussion import discussion
from civicreader.model import Comment, Post
from civicreader.textsafe import one_line
from civicreader.ui.keys import bindings_for
from civicreader.ui.matches import BlockKey, Span, comment_text
from civicreader.ui.note_view import NoteView
from civicreader.ui.text import (
    CURRENT_MATCH_STYLE,
    MATCH_STYLE,
    block,
    comment_when,
    highlighted,
    joined,
    line,
    packed,
    post_date,
    shortened_path,
)

MAX_INDENT_LEVEL = 8
"""Deeper replies line up at this level (their header says how deep they are)."""

FIRST_BATCH = 24
"""Comments mounted with the post: more than fill a tall pane (each takes three lines or more)."""
BATCH = 25
"""Comments mounted a frame after the last batch, until the thread is all there."""
MOUNTED_UNASKED = 1000
"""Past this many comments, the next batch waits until the reader scrolls near the end of those mounted
(or a key asks for a comment further down): each batch lays out all those above it again, and a
hundred thousand comments would keep the app busy for hours."""

COMMENT_INDENT, READING_MEASURE, COMMENT_BAR = 2, 100, 2
"""As styles.tcss lays comments out: columns of indent a level, the widest a block gets, the bar and its gap."""

@dataclass(frozen=True)
class OpenedPost:
    post: Post
    matches: dict[BlockKey, list[Span]] = field(default_factory=dict)
    """Spans of the search terms in each block's text (see ui/matches.py)."""
    sources: tuple[str, ...] = ()
    """The post's files as the user should see them (relative to the corpus)."""
    notes: Mapping[tuple[str, int], str] = field(default_factory=dict)
    """The reader's notes on it: text by ("paragraph", n) or ("comment", n), numbered from 1."""


def with_reply_counts(comments: list[tuple[int, Comment]]) -> list[tuple[int, Comment, int]]:
    """(depth, comment, how many replies sit under it at any depth) for a walked thread, in one pass
    (walking each comment's replies again cost the square of a long chain)."""
    counted: list[tuple[int, Comment, int]] = []
    open_threads: list[int] = []
    """The positions of the comments whose replies are still being passed, outermost first."""
    for position, (depth, comment) in enumerate(comments):
        while open_threads and comments[open_threads[-1]][0] >= depth:
            start = open_threads.pop()
            counted[start] = (*counted[start][:2], position - start - 1)
        counted.append((depth, comment, 0))
        open_threads.append(position)
    for start in open_threads:
        counted[start] = (*counted[start][:2], len(comments) - start - 1)
    return counted


class Block(Static):
    """A piece of the post whose matches can be painted, the current one apart."""

    def __init__(self, text: Content, spans: list[tuple[int, int]], *, text_start: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.base_text = text
        self.spans = spans
        self.text_start = text_start
        """Where the searchable text starts inside `text` (after a comment's header)."""
        self.current: tuple[int, int] | None = None
        """The span painted as the current match, if it is in this block."""

    def on_mount(self) -> None:
        self.paint()

    def paint(self, current: tuple[int, int] | None = None) -> None:
        self.current = current
        content = highlighted(
            self.base_text, (span for span in self.spans if span != current), MATCH_STYLE, -self.text_start
        )
        if current:
            content = highlighted(content, [current], CURRENT_MATCH_STYLE, -self.text_start)
        self.update(content)

    def line_of(self, offset: int) -> int:
        """The wrapped line (within this block) that holds character `offset` of the searchable text."""
        width = self.content_region.width or self.size.width or 80
        target = offset + self.text_start
        seen = 0
        for number, wrapped in enumerate(self.base_text.wrap(width)):
            seen += len(wrapped.plain) + 1
            if seen > target:
                return number
        return 0


class CommentView(Block):
    """One comment: a header line (author, date, fold mark) over its paragraphs."""

    @dataclass
    class ToggleRequested(Message):
        comment: CommentView

    def __init__(
        self,
        comment: Comment,
        depth: int,
        spans: list[tuple[int, int]],
        replies: int,
        header_width: int | None = None,
    ) -> None:
        self.comment = comment
        self.depth = depth
        self.replies = replies
        self.folded = False
        self.body: Content | None = None
        """The paragraphs, built when first painted: a long thread's comments wait to be mounted."""
        self.header_width = header_width
        """The width the header is laid out for (a guess until the comment is laid out); None: all on one line."""
        super().__init__(Content(""), spans, classes=f"comment depth-{min(depth, MAX_INDENT_LEVEL)}")

    def paint(self, current: tuple[int, int] | None = None) -> None:
        if self.body is None:
            self.body = block(comment_text(self.comment))
            header = self._header()
            self.base_text = self._with_body(header)
            self.text_start = len(header.plain) + 1
        super().paint(current)

    def _header(self) -> Content:
        """Author, date and notes; too narrow for one line, it breaks between them, not inside a date."""
        mark = "▸ " if self.folded else ("▾ " if self.replies else "• ")
        when = comment_when(self.comment.date, self.comment.date_inferred, self.comment.date_text)
        parts = [line(self.comment.author or "anonymous", "bold"), when]
        if self.depth > MAX_INDENT_LEVEL:
            parts.append(Content(f"reply level {self.depth}"))
        if self.folded:
            parts.append(Content(f"{self.replies} {'reply' if self.replies == 1 else 'replies'} folded"))
        return packed(parts, self.header_width, lead=Content(mark).stylize("$text-accent"))

    def _with_body(self, header: Content) -> Content:
        return Content("\n").join([header, self.body]) if self.body.plain else header

    def _rebuild(self) -> None:
        header = self._header()
        self.base_text = self._with_body(header)
        self.text_start = len(header.plain) + 1
        self.paint(self.current)

    def set_folded(self, folded: bool) -> None:
        self.folded = folded
        self.set_class(folded, "folded")
        self._rebuild()

    def on_resize(self, event: Resize) -> None:
        width = self.content_size.width
        if width == self.header_width:
            return
        self.header_width = width
        if self._header().plain != self.base_text.plain[: self.text_start - 1]:
            self._rebuild()  # only then: laying a long thread out again is what costs

    @property
    def header_lines(self) -> int:
        """How many lines the header takes: more than one where the pane is too narrow for it."""
        return self.base_text.plain[: self.text_start - 1].count("\n") + 1

    def on_click(self, event: Click) -> None:
        if event.y < self.header_lines and self.replies:
            self.post_message(self.ToggleRequested(self))


class SourceList(Widget):
    """The post's files, one a line, each cut in the middle to fit the pane (never wrapped inside a name).

    The tooltip holds them whole; `y` copies them, and an export lists them in its front matter.
    """

    DEFAULT_CSS = "SourceList { height: auto; }"

    def __init__(self, sources: tuple[str, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sources = tuple(one_line(source) for source in sources)
        self.tooltip = Content("\n".join(self.sources))

    def render(self) -> Content:
        label = "source: " if len(self.sources) == 1 else "sources: "
        room = max(self.content_size.width - len(label), 1)
        lines = [
            Content.assemble((label if number == 0 else " " * len(label), "dim"), shortened_path(source, room))
            for number, source in enumerate(self.sources)
        ]
        return Content("\n").join(lines)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.sources)


class ReadingPane(VerticalScroll, can_focus=True):
    """Shows an `OpenedPost`; owns the reading keys."""

    BINDING_GROUP_TITLE = "Reading"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("reader")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.opened: OpenedPost | None = None
        self.matches: list[tuple[Block | int, tuple[int, int]]] = []
        """Each match's block and span; a comment not made yet by its number (see `_resolve_matches`)."""
        self.current_match: int | None = None
        self._held: tuple[Callable[[], None], float] | None = None
        """While the view is kept where a match or `G` put it as the page is laid out: how to put it there again,
        and the scroll offset it was put at."""
        self._thread: list[tuple[int, Comment, int]] = []
        """Every comment of the open post in thread order: (depth, comment, replies under it)."""
        self.comment_views: list[CommentView] = []
        """The views of the comments mounted (or being mounted), in thread order: the first of `_thread`.
        The rest are made as they are mounted: a hundred thousand widgets took ten seconds to make."""
        self._unresolved = 0
        """The first entry of `matches` that may still name a comment by its number."""
        self._folded_any = False
        self.current_comment: CommentView | None = None
        """The comment `]`, `[` or the current match took the reader to (see `comment_in_view`)."""
        self.citation_format = "text"
        """How `Y` writes a citation (the `citation_format` setting): text, markdown, bibtex or csl-json."""
        self.note_views: dict[tuple[str, int], NoteView] = {}
        """The notes shown, by their place ("paragraph", n) or ("comment", n)."""

    def compose(self):
        yield Static(
            Content("Choose a post in the archive, or press / and type to search.").stylize("dim italic"),
            id="reader-welcome",
        )

    def show_notice(self, notice: Content) -> None:
        """Say something in place of the welcome while no post is open (why the index could not be built)."""
        for welcome in self.query("#reader-welcome").results(Static):
            welcome.update(notice)

    async def show(self, opened: OpenedPost, scroll_y: float | None = None) -> None:
        """Replace what is shown with this post; scroll to `scroll_y` when given (going back to a post), else to
        its first match when it has any."""
        self.opened = opened
        self.matches = []
        self.current_match = None
        self._held = None
        self.current_comment = None
        self.border_subtitle = None
        self.border_title = None
        post = opened.post
        blocks: list[Static] = [
            Block(line(post.title or "(untitled)"), opened.matches.get(("title",), []), id="post-title")
        ]
        blocks.append(Static(self._meta(opened), id="post-meta", classes="above-sources" if opened.sources else ""))
        if opened.sources:
            blocks.append(SourceList(opened.sources, id="post-sources"))
        if post.excerpt:
            blocks.append(
                Static(Content("Only an excerpt: no page held the full text.").stylize("italic"), classes="notice")
            )
        self.note_views = {}
        for number, paragraph in enumerate(post.body):
            view = Block(block(paragraph), opened.matches.get(("body", number), []), classes="paragraph")
            blocks.append(view)
            blocks.extend(self._note_under(view, ("paragraph", number + 1)))
        self._thread = with_reply_counts(list(post.walk_comments()))
        if self._thread:
            count = len(self._thread)
            blocks.append(Static(Content(f"{count} comment{'s' if count != 1 else ''}"), id="comments-heading"))
        self.comment_views = []
        self._unresolved = 0
        self._folded_any = False
        for view in blocks:
            if isinstance(view, Block):
                self.matches.extend((view, span) for span in sorted(view.spans))
        for number in sorted(key[1] for key in opened.matches if key[0] == "comment"):
            self.matches.extend((number, span) for span in sorted(opened.matches[("comment", number)]))
        first_match = next((n for n, (view, _span) in enumerate(self.matches) if view is not blocks[0]), None)
        # The first screen (down to the first match) is mounted now; the rest a batch a frame after it,
        # since laying out hundreds of comments at once kept a long thread blank for seconds.
        first_screen = FIRST_BATCH
        if first_match is not None and isinstance(self.matches[first_match][0], int):
            first_screen += self.matches[first_match][0]
        first_comments = self._make_views(first_screen)
        await self.remove_children()
        await self.mount_all([*blocks, *first_comments])
        self.scroll_home(animate=False)
        if scroll_y is not None:
            self.call_after_refresh(self._restore_scroll, scroll_y, opened)
        elif first_match is not None:
            self.call_after_refresh(self._go_to_match, first_match)
        self.call_after_refresh(self._mark_fold_target)
        if self._waiting:
            self.call_after_refresh(self._mount_next_batch, opened)

    def _restore_scroll(self, scroll_y: float, opened: OpenedPost) -> None:
        """Put the view back at `scroll_y`, waiting for the batches of comments that reach down to it."""
        if opened is not self.opened:
            return
        self.scroll_to(y=scroll_y, animate=False, immediate=True)
        if self.scroll_y < scroll_y and self._waiting:
            self.call_after_refresh(self._restore_scroll, scroll_y, opened)

    @property
    def _waiting(self) -> bool:
        """Whether comments of the open post are still to be mounted."""
        return len(self.comment_views) < len(self._thread)

    def _make_views(self, end: int) -> list[Widget]:
        """Views for the comments from the last one made down to `end` (not included), each with its note."""
        start = len(self.comment_views)
        matches = self.opened.matches if self.opened else {}
        made: list[Widget] = []
        for number, (depth, comment, replies) in enumerate(self._thread[start:end], start):
            spans = matches.get(("comment", number), [])
            view = CommentView(comment, depth, spans, replies, self._comment_width(depth))
            self.comment_views.append(view)
            made.append(view)
            made.extend(self._note_under(view, ("comment", number + 1)))
        self._resolve_matches()
        return made

    def _note_under(self, view: Block, place: tuple[str, int]) -> list[NoteView]:
        """The note on this paragraph or comment, to go under it (none when it has none)."""
        text = self.opened.notes.get(place) if self.opened else None
        if not text:
            return []
        depth = view.depth if isinstance(view, CommentView) else None
        note = self.note_views[place] = NoteView(place, text, comment_depth=depth)
        view.add_class("noted")
        return [note]

    def show_note(self, place: tuple[str, int], text: str) -> None:
        """Show the note on a passage of the open post as it now is (empty text: no note)."""
        if self.opened is None:
            return
        notes = dict(self.opened.notes)
        if text.strip():
            notes[place] = text
        else:
            notes.pop(place, None)
        self.opened = replace(self.opened, notes=notes)
        kind, number = place
        anchors = list(self.query(".paragraph")) if kind == "paragraph" else self.comment_views
        anchor = anchors[number - 1] if 0 < number <= len(anchors) else None
        shown = self.note_views.get(place)
        if shown is not None and text.strip():
            shown.show_text(text)
        elif shown is not None:
            del self.note_views[place]
            shown.remove()
            if anchor is not None:
                anchor.remove_class("noted")
        elif anchor is not None and anchor.is_mounted:
            # A comment not mounted yet gets its note when it is (from `opened.notes`).
            self.mount_all(self._note_under(anchor, place), after=anchor)

    def _resolve_matches(self) -> None:
        """Name the comments made since by their views in `matches` (they come in thread order)."""
        while self._unresolved < len(self.matches):
            target, span = self.matches[self._unresolved]
            if isinstance(target, int):
                if target >= len(self.comment_views):
                    return
                self.matches[self._unresolved] = (self.comment_views[target], span)
            self._unresolved += 1

    def _comment_width(self, depth: int) -> int | None:
        """The width a comment at `depth` will have, by the rules in styles.tcss (indent, measure, bar) and
        with the scroll bar a thread shows: its header is built for it, not built again once laid out."""
        if not self.size.width:
            return None
        room = self.scrollable_content_region.width
        if not self.show_vertical_scrollbar:
            room -= self.styles.scrollbar_size_vertical
        return min(room - COMMENT_INDENT * min(depth, MAX_INDENT_LEVEL), READING_MEASURE) - COMMENT_BAR

    def _mount_next_batch(self, opened: OpenedPost) -> None:
        if opened is not self.opened or not self._waiting:
            return  # another post was opened meanwhile, or an action mounted the rest
        mounting = self._mount_comments(len(self.comment_views) + BATCH)
        if self._waiting and len(self.comment_views) < MOUNTED_UNASKED:
            self.call_next(self._after_mount, mounting, partial(self._mount_next_batch, opened))

    def _mount_comments(self, end: int) -> AwaitMount:
        views = self._make_views(end)
        if self._folded_any:
            self._apply_folds()
        return self.mount_all(views)

    def _mount_through(self, number: int | None, then: Callable[[], object]) -> bool:
        """Mount the waiting comments down to comment `number` (all of them when None), then call `then`
        once they are laid out. False, and nothing done, when there was nothing to wait for."""
        if not self._waiting or (number is not None and number < len(self.comment_views)):
            return False
        end = len(self._thread) if number is None else number + FIRST_BATCH
        self.call_next(self._after_mount, self._mount_comments(end), then)
        if self._waiting and self.opened and len(self.comment_views) < MOUNTED_UNASKED:
            self.call_next(self._after_mount, None, partial(self._mount_next_batch, self.opened))
        return True

    async def _after_mount(self, mounting: AwaitMount | None, then: Callable[[], object]) -> None:
        if mounting is not None:
            await mounting
        self.call_after_refresh(then)

    @staticmethod
    def _meta(opened: OpenedPost) -> Content:
        post = opened.post
        when = Content(post_date(post.date, post.date_inferred)).stylize("bold")
        if post.date_inferred:
            note = f"year inferred: {post.date_note}" if post.date_note else "year inferred"
            when = Content.assemble(when, "  ", line(note, "italic $text-warning"))
        lines = [when]
        byline = []
        if post.authors:
            byline.append(Content.assemble("by ", line(", ".join(post.authors), "bold")))
        byline.append(Content.assemble("in ", line(post.blog, "bold")))
        lines.append(joined(byline))
        labels = []
        if post.categories:
            labels.append(Content.assemble(("categories: ", "dim"), line(", ".join(post.categories))))
        if post.tags:
            labels.append(Content.assemble(("tags: ", "dim"), line(", ".join(post.tags))))
        if labels:
            lines.append(joined(labels))
        talk = discussion(post)
        if talk.comments:
            lines.append(Content(talk.describe()).stylize("dim"))
        if post.url:
            lines.append(line(post.url, "dim"))
        return Content("\n").join(lines)

    def _go_to_match(self, index: int) -> None:
        if not self.matches:
            return
        index %= len(self.matches)
        if self.current_match is not None and self.current_match < len(self.matches):
            shown = self.matches[self.current_match][0]
            if isinstance(shown, Block):
                shown.paint()
        self.current_match = index
        self._held = None
        self.border_subtitle = f"match {index + 1} of {len(self.matches)} (n / N)"
        view, span = self.matches[index]
        if isinstance(view, int) and self._mount_through(view, partial(self._go_to_match, index)):
            return  # it is painted and scrolled to once it has a place on the page
        assert isinstance(view, Block)  # made when mounted, and named by its view since
        view.paint(span)
        if isinstance(view, CommentView):
            self.current_comment = view
        self._scroll_to_match(index)

    def _scroll_to_match(self, index: int) -> None:
        view, span = self.matches[index]
        top = view.virtual_region.y + view.line_of(span[0])
        # A match on the first screen leaves the title in view; a later one goes a third of the way down.
        target = 0 if top < self.size.height - 2 else top - self.size.height // 3
        self.scroll_to(y=target, animate=False, immediate=True)
        self._held = (partial(self._scroll_to_match, index), self.scroll_y)

    def watch_virtual_size(self) -> None:
        if self._held is not None:
            self.call_next(self._keep_held_place)

    def _keep_held_place(self) -> None:
        """Keep the view where a match or `G` put it while the page grows around it (comments mounted, headers
        above it laid out again for the pane's width, a long thread's last comments), until the reader scrolls
        away."""
        if self._held is None:
            return
        put_back, placed_at = self._held
        if abs(self.scroll_y - placed_at) >= 1:
            self._held = None
        else:
            put_back()

    def action_next_match(self) -> None:
        if self.matches:
            self._go_to_match(0 if self.current_match is None else self.current_match + 1)
        else:
            self.notify("No words of a search to step through in this post.")

    def action_previous_match(self) -> None:
        if self.matches:
            self._go_to_match(-1 if self.current_match is None else self.current_match - 1)
        else:
            self.notify("No words of a search to step through in this post.")

    def action_scroll_end(self) -> None:
        """The end of the whole thread: the comments still waiting are mounted first."""
        if not self._mount_through(None, self._to_end):
            self._to_end()

    def _to_end(self) -> None:
        self.scroll_end(animate=False, immediate=True)
        self._held = (self._to_end, self.scroll_y)

    def comment_in_view(self) -> CommentView | None:
        """The comment the reader was last taken to (by `]`, `[` or a match), while its header is in view."""
        view = self.current_comment
        if view is None or not view.is_mounted or not view.display:
            return None
        top = self.scroll_y
        return view if top <= view.virtual_region.y < top + self.scrollable_content_region.height else None

    def action_next_comment(self) -> None:
        """Put the next comment's header at the top: a long comment is skipped, not paged through.

        "Next" counts from the comment the reader was taken to while it is in view (at the end of
        a post the view cannot move, but the reader can), else from the top of the view.
        """
        shown = [view for view in self.comment_views if view.display]
        current = self.comment_in_view()
        if current is not None:
            later = shown[shown.index(current) + 1 :]
        else:
            top = round(self.scroll_y)
            later = [view for view in shown if not view.is_mounted or view.virtual_region.y > top]
        if later:
            self._go_to_comment(later[0])
        elif not self._mount_through(len(self.comment_views), self.action_next_comment):
            self.notify("No more comments below." if self.comment_views else "This post has no comments.")

    def action_previous_comment(self) -> None:
        shown = [view for view in self.comment_views if view.display]
        current = self.comment_in_view()
        if current is not None:
            earlier = shown[: shown.index(current)]
        else:
            top = round(self.scroll_y)
            earlier = [view for view in shown if view.is_mounted and view.virtual_region.y < top]
        if earlier:
            self._go_to_comment(earlier[-1])
        else:
            self.notify("No comments above." if self.comment_views else "This post has no comments.")

    def _go_to_comment(self, view: CommentView) -> None:
        if not view.is_mounted:
            self.call_after_refresh(self._go_to_comment, view)  # made and being mounted: it soon has a place
            return
        self.current_comment = view
        self._held = None
        self.scroll_to(y=view.virtual_region.y, animate=False, immediate=True)
        shown = [other for other in self.comment_views if other.display]
        self.border_subtitle = f"comment {shown.index(view) + 1} of {len(shown)} (] / [)"

    def action_copy_sources(self) -> None:
        paths = [one_line(path) for path in self.opened.post.sources] if self.opened else []
        if not paths:
            self.notify("No post open, or it names no file.")
            return
        self.app.copy_to_clipboard("\n".join(paths))
        what = "The file's path" if len(paths) == 1 else f"The paths of its {len(paths)} files"
        self.notify(f"{what} copied to the clipboard (where the terminal lets an app set it).")

    def action_copy_citation(self) -> None:
        """Copy a citation of the post, or of the paragraph or comment at the top of the view (see ui/citing.py)."""
        from civicreader.ui.citing import citation_text

        try:
            text, what = citation_text(self, self.citation_format)
        except CitationError as error:
            self.notify(one_line(str(error)), severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(text)
        self.notify(
            f"Citation of {one_line(what)} copied as {self.citation_format} (where the terminal lets an app set it).",
            markup=False,
        )

    def match_position(self) -> tuple[int, int] | None:
        """(current, total) for a status line, 1-based."""
        if self.current_match is None:
            return None
        return self.current_match + 1, len(self.matches)

    def fold_target(self) -> CommentView | None:
        """The thread `c` folds or unfolds; marked on screen, so the key does what the reader expects.

        The first comment with replies whose header is in view; failing that, the thread the view is
        inside: the innermost comment with replies that holds the first comment in view.
        """
        top = self.scroll_y
        bottom = top + self.scrollable_content_region.height
        ancestors: list[CommentView] = []
        inside: CommentView | None = None
        first_in_view = True
        for view in self.query(CommentView):
            if not view.display:
                continue
            while ancestors and ancestors[-1].depth >= view.depth:
                ancestors.pop()
            region = view.virtual_region
            if region.y >= bottom:
                break
            if region.bottom > top:
                if view.replies and region.y >= top:
                    return view
                if first_in_view:
                    first_in_view = False
                    inside = next((thread for thread in reversed([*ancestors, view]) if thread.replies), None)
            ancestors.append(view)
        return inside

    def _mark_fold_target(self) -> None:
        target = self.fold_target()
        for view in self.query(CommentView):
            view.set_class(view is target, "fold-target")

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._mark_fold_target()
        self._title_on_frame()
        if self._waiting and self.opened and new_value >= self.max_scroll_y - self.size.height:
            self._mount_next_batch(self.opened)  # past MOUNTED_UNASKED: the next batch as the reader nears it

    def _title_on_frame(self) -> None:
        """Once the title has scrolled away, it goes on the pane's frame: deep in a thread, the reader
        still sees which post it is."""
        titles = self.query("#post-title")
        scrolled_past = bool(titles) and self.scroll_y >= titles.first().virtual_region.bottom
        self.border_title = line(self.opened.post.title or "(untitled)") if scrolled_past and self.opened else None

    def action_toggle_thread(self) -> None:
        target = self.fold_target()
        if target is None:
            self.notify("No thread with replies in view.")
            return
        self._toggle(target)
        if target.virtual_region.y < self.scroll_y:
            # Folding a thread that starts above the view: show its header, or the reader is lost.
            self.call_after_refresh(self.scroll_to_widget, target, animate=False, top=True)

    @on(CommentView.ToggleRequested)
    def _toggle_requested(self, message: CommentView.ToggleRequested) -> None:
        self._toggle(message.comment)

    def _toggle(self, view: CommentView) -> None:
        view.set_folded(not view.folded)
        self._folded_any = True
        self.call_after_refresh(self._mark_fold_target)
        self._apply_folds()

    def _apply_folds(self) -> None:
        """Hide every reply under a folded comment, mounted or waiting; an inner fold outlasts an outer one."""
        folded_at: int | None = None
        """The depth of the folded comment whose replies are being passed, if any."""
        for number, view in enumerate(self.comment_views, 1):
            if folded_at is not None and view.depth <= folded_at:
                folded_at = None
            view.display = folded_at is None
            if (note := self.note_views.get(("comment", number))) is not None:
                note.display = view.display
            if folded_at is None and view.folded:
                folded_at = view.depth
