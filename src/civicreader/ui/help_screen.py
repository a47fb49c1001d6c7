"""The `?` screen: every key, grouped by where it works."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    (
        "Anywhere",
        (
            ("/", "search: type, and the results follow as you type"),
            ("tab / shift+tab", "next / previous pane"),
            ("escape", "back: from the post to the list, then to the search, then clear it"),
            ("e", "export the open post to Markdown (E: overwrite an earlier export)"),
            ("t", "light / dark"),
            ("?", "this help"),
            ("ctrl+p", "command palette: every command, by name"),
            ("q", "quit"),
        ),
    ),
    (
        "Search bar",
        (
            ("enter", "open the top hit"),
            ("down", "go to the results"),
            ("ctrl+y", "use the did-you-mean suggestion"),
        ),
    ),
    (
        "Query language (the same as `civicreader search`)",
        (
            ("word word", "posts with every word (stems match: 'fund' finds 'funding')"),
            ('"a phrase"', "the words side by side"),
            ("a OR b   -word", "either word; leave out posts with a word"),
            ("fund*   volunter~", "words starting with 'fund'; words spelt nearly so"),
            ("title: body: comment:", "look only in the title, the post, or the comments"),
            ("author: commenter:", "who wrote the post; who commented"),
            ("blog: category: tag:", "one blog, category or tag"),
            ("date:2011  date:2011-03", "one year, month or day"),
        ),
    ),
    (
        "Archive and results",
        (
            ("j / k, up / down", "move"),
            ("g / G", "first / last"),
            ("space / b", "page down / up"),
            ("enter", "open the post (or the branch)"),
        ),
    ),
    (
        "Reading",
        (
            ("j / k", "scroll a line"),
            ("space / b", "page down / up"),
            ("g / G", "top / bottom"),
            ("n / N", "next / previous match of the search"),
            ("c", "fold / unfold the thread marked by a bright bar (or click its header)"),
        ),
    ),
)


def help_text() -> Content:
    lines: list[Content] = []
    for group, keys in KEYS:
        lines.append(Content(group).stylize("bold $text-accent"))
        for key, meaning in keys:
            lines.append(Content.assemble((f"  {key:<24}", "bold"), " ", meaning))
        lines.append(Content(""))
    lines.append(Content("A * after a date: the page gave no year, so it was inferred.").stylize("dim"))
    lines.append(Content("(5) after a title in the archive: the post has 5 comments.").stylize("dim"))
    lines.append(Content("Press escape, ? or q to close.").stylize("dim italic"))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close"),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Content("civicreader: keys").stylize("bold"), id="help-title")
            yield Static(help_text(), id="help-keys")

    def action_scroll(self, direction: str) -> None:
        scroller = self.query_one("#help", VerticalScroll)
        if direction == "down":
            scroller.scroll_down()
        else:
            scroller.scroll_up()
