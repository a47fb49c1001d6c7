"""The `?` screen: every key, grouped by where it works."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from civicreader.ui.keys import KEY_GROUPS

QUERY_LANGUAGE = (
    ("word word", "posts with every word (stems match: 'fund' finds 'funding')"),
    ('"a phrase"', "the words side by side"),
    ("a OR b   -word", "either word; leave out posts with a word"),
    ("fund*   volunter~", "words starting with 'fund'; words spelt nearly so"),
    ("title: body: comment:", "look only in the title, the post, or the comments"),
    ("author: commenter:", "who wrote the post; who commented"),
    ("blog: category: tag:", "one blog, category or tag"),
    ("date:2011  date:2011-03", "one year, month or day"),
    ("comments:>=10", "at least 10 comments; also comments:0, comments:[5 to 20]"),
    ("is:unread is:read is:bookmarked", "posts you have not read, have read, have bookmarked"),
    ("has:note  note:word", "posts you wrote a note on; those whose notes hold the word"),
)
QUERY_LANGUAGE_AFTER = "Search bar"
"""The key group the query language follows on the screen."""


def help_groups():
    """(title, ((keys, meaning), ...)) for each group: the key table's, with the query language among them."""
    for title, rows in KEY_GROUPS:
        yield title, tuple((row.shown, row.meaning) for row in rows)
        if title == QUERY_LANGUAGE_AFTER:
            yield "Query language (the same as `civicreader search`)", QUERY_LANGUAGE


def help_rows() -> ComposeResult:
    """A row per key: the meaning wraps in its own column, so a narrow terminal keeps the keys readable."""
    for group, keys in help_groups():
        yield Static(Content(group).stylize("bold $text-accent"), classes="help-group")
        for key, meaning in keys:
            with Horizontal(classes="help-row"):
                yield Static(Content(key).stylize("bold"), classes="help-key")
                yield Static(Content(meaning), classes="help-meaning")
    notes = [
        "A * after a date: the page gave no year, so it was inferred.",
        "(5) after a title in the archive: the post has 5 comments.",
    ]
    yield Static(Content("\n".join(notes)).stylize("dim"), classes="help-notes")


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close"),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
    ]

    def compose(self) -> ComposeResult:
        scroller = VerticalScroll(id="help")
        # On the frame, not at the end of the text: a short terminal shows it without scrolling.
        scroller.border_subtitle = "escape, ? or q: close · j / k: scroll"
        with scroller:
            yield Static(Content("civicreader: keys").stylize("bold"), id="help-title")
            yield from help_rows()

    def action_scroll(self, direction: str) -> None:
        scroller = self.query_one("#help", VerticalScroll)
        if direction == "down":
            scroller.scroll_down()
        else:
            scroller.scroll_up()
