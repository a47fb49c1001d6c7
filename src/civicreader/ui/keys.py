"""Every key of the app in one table: the widgets' BINDINGS, the `?` screen, the command palette and
README's Keys table are all made from (or checked against) `KEY_GROUPS`.

A row is what a reader looks up ("n / N": what they do); under it, each widget that binds one of its
keys (`owner`) and the action it runs. Keys Textual binds itself (tab, ctrl+p, enter in an input or a
tree) are listed as `builtin`, so the help tells of them and the test checks them, without binding them twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

OWNERS = ("app", "screen", "search", "tree", "results", "reader", "editor")
"""Who binds a key: the app, the main screen, one of its widgets, or the note editor (see `bindings_for`)."""


@dataclass(frozen=True)
class Key:
    owner: str
    keys: str
    """Textual's key names, comma-separated as in a Binding ("down,j")."""
    action: str
    description: str = ""
    """The footer's word for it (and the palette's, with `command`)."""
    show: bool = False
    key_display: str | None = None
    priority: bool = False
    command: tuple[str, str] | None = None
    """(name, what it does) in the command palette; None: not there."""
    builtin: bool = False
    """Bound by Textual itself, listed here to be described and checked."""

    def binding(self) -> Binding:
        return Binding(
            self.keys, self.action, self.description, show=self.show, key_display=self.key_display,
            priority=self.priority,
        )


@dataclass(frozen=True)
class KeyRow:
    shown: str
    """The keys as the help screen and README write them: "n / N"."""
    meaning: str
    """What they do: the same words in the help screen and in README's Keys table."""
    keys: tuple[Key, ...]


KEY_GROUPS: tuple[tuple[str, tuple[KeyRow, ...]], ...] = (
    (
        "Anywhere",
        (
            KeyRow(
                "/",
                "search: results follow as you type",
                (
                    # Priority: the app runs it as the key arrives, so the keys typed after it (a burst: a
                    # fast typist, or keys held up while the index opens) go to the search bar.
                    Key("screen", "slash", "focus_search", "Search", show=True, priority=True,
                        command=("Search", "Go to the search bar")),
                ),
            ),
            KeyRow(
                "escape",
                "back: from the post to the list, from the list to the search, then clear it",
                (Key("screen", "escape", "back", "Back"), Key("search", "escape", "dismiss", "Back")),
            ),
            KeyRow(
                "tab / shift+tab",
                "next / previous pane",
                (Key("screen", "tab", "app.focus_next", builtin=True),
                 Key("screen", "shift+tab", "app.focus_previous", builtin=True)),
            ),
            KeyRow(
                "e",
                "export the open post to Markdown (E overwrites an earlier export); the first export asks which "
                "folder, and remembers it",
                (
                    Key("screen", "e", "export", "Export", show=True,
                        command=("Export post", "Export the open post to Markdown")),
                    Key("screen", "E", "export(True)", "Export, overwrite",
                        command=("Export post, overwrite", "Export the open post, replacing an earlier export")),
                ),
            ),
            KeyRow(
                "T",
                "show or hide the timeline strip of the current search (see below); `left` / `right` pick a "
                "period, `enter` narrows the results to it, `escape` widens them again",
                (Key("screen", "T", "toggle_timeline", "Timeline",
                     command=("Timeline", "Show or hide the search's posts month by month")),),
            ),
            KeyRow(
                "K",
                "switch the results to concordance lines of the current search and back; `enter` opens the post "
                "at that line's occurrence, `<` / `>` sort by the word left / right of the match (again: time "
                "order)",
                (Key("screen", "K", "toggle_concordance", "Concordance",
                     command=("Concordance", "Show the search's matches as keyword-in-context lines")),),
            ),
            KeyRow(
                "R",
                "index what changed in the corpus since the app opened it",
                (Key("screen", "R", "look_again", "Look again",
                     command=("Look at the corpus again", "Index the files added, changed or removed since")),),
            ),
            KeyRow(
                "?",
                "every key, on one screen",
                (Key("app", "question_mark", "help", "Keys", show=True,
                     command=("Help", "Every key and the query language")),),
            ),
            KeyRow(
                "ctrl+p",
                "command palette: every command by name",
                (Key("app", "ctrl+p", "command_palette", builtin=True),),
            ),
            KeyRow("q", "quit", (Key("app", "q", "quit", "Quit", show=True),)),
            KeyRow(
                "t",
                "light / dark",
                (Key("app", "t", "toggle_theme", "Light/dark", show=True,
                     command=("Light / dark", "Switch between the light and dark theme")),),
            ),
        ),
    ),
    (
        "Search bar",
        (
            KeyRow(
                "enter",
                "open the top hit (from the search bar), the selected post (lists) or branch (tree)",
                (
                    Key("search", "enter", "submit", builtin=True),
                    Key("results", "enter", "choose", "Open"),
                    Key("tree", "enter", "select_cursor", builtin=True),
                ),
            ),
            KeyRow(
                "ctrl+y",
                "take the did-you-mean suggestion",
                # Not in the footer: the status line offers it, and a footer that changes costs a relayout.
                (Key("search", "ctrl+y", "use_suggestion", "Did you mean"),),
            ),
        ),
    ),
    (
        "Archive, results and reading",
        (
            KeyRow(
                "j / k, up / down",
                "move, or scroll a line in the reading pane",
                (
                    Key("search", "down", "leave_down", "To results"),
                    Key("tree", "j", "cursor_down", "Down"),
                    Key("tree", "k", "cursor_up", "Up"),
                    Key("tree", "down", "cursor_down", builtin=True),
                    Key("tree", "up", "cursor_up", builtin=True),
                    Key("results", "down,j", "cursor_down", "Down"),
                    Key("results", "up,k", "cursor_up", "Up"),
                    Key("reader", "j", "scroll_down", "Down"),
                    Key("reader", "k", "scroll_up", "Up"),
                    Key("reader", "down", "scroll_down", builtin=True),
                    Key("reader", "up", "scroll_up", builtin=True),
                ),
            ),
            KeyRow(
                "g / G",
                "first / last, top / bottom",
                (
                    Key("tree", "g", "scroll_home", "First"),
                    Key("tree", "G", "scroll_end", "Last"),
                    Key("results", "home,g", "first", "First"),
                    Key("results", "end,G", "last", "Last"),
                    Key("reader", "g", "scroll_home", "Top"),
                    Key("reader", "G", "scroll_end", "Bottom"),
                ),
            ),
            KeyRow(
                "space / b",
                "page down / up",
                (
                    Key("tree", "space", "page_down", "Page down"),
                    Key("tree", "b", "page_up", "Page up"),
                    Key("results", "pagedown,space", "page_down", "Page down"),
                    Key("results", "pageup,b", "page_up", "Page up"),
                    Key("reader", "space", "page_down", "Page down"),
                    Key("reader", "b", "page_up", "Page up"),
                ),
            ),
            KeyRow(
                "o",
                "open or close the branch under the cursor (tree)",
                (Key("tree", "o", "toggle_node", "Open/close branch"),),
            ),
        ),
    ),
    (
        "Reading",
        (
            KeyRow(
                "n / N",
                "next / previous match of the search in the open post",
                (
                    # One footer entry for the pair: at 80 columns the footer has no room for both and `? Keys`.
                    Key("reader", "n", "next_match", "Matches", show=True, key_display="n/N",
                        command=("Next match", "Go to the next match in the post")),
                    Key("reader", "N", "previous_match", "Prev match",
                        command=("Previous match", "Go to the previous match in the post")),
                ),
            ),
            KeyRow(
                "] / [",
                "next / previous comment in the reading pane: its header goes to the top, a long comment is skipped",
                (
                    Key("reader", "right_square_bracket", "next_comment", "Next comment",
                        command=("Next comment", "Put the next comment's header at the top of the post")),
                    Key("reader", "left_square_bracket", "previous_comment", "Previous comment",
                        command=("Previous comment", "Put the previous comment's header at the top of the post")),
                ),
            ),
            KeyRow(
                "y",
                "copy the open post's source files (full paths) to the clipboard, through the terminal (OSC 52: "
                "some terminals and tmux set-ups ignore it); the header shows them cut to fit",
                (Key("reader", "y", "copy_sources", "Copy source paths",
                     command=("Copy source paths", "Copy the full paths of the open post's files to the clipboard")),),
            ),
            KeyRow(
                "Y",
                "copy a citation to the clipboard (OSC 52, as `y`): of the post while its title is in view, else of "
                "the paragraph or comment at the top of the view (`]` puts a comment there); the format is "
                "`citation_format` in `config.toml`",
                (Key("reader", "Y", "copy_citation", "Copy citation",
                     command=("Copy citation", "Copy a citation of the open post, or of the passage in view")),),
            ),
            KeyRow(
                "m",
                "mark the open post unread, or read again (a post open for a moment and a half is marked read)",
                (Key("screen", "m", "toggle_read", "Read/unread",
                     command=("Mark read / unread", "Mark the open post unread, or read")),),
            ),
            KeyRow(
                "u",
                "open the next unread post, in the archive's order after the open one",
                (Key("screen", "u", "next_unread", "Next unread",
                     command=("Next unread", "Open the next post not yet read")),),
            ),
            KeyRow(
                "B",
                "bookmark the open post, or take its bookmark off; the archive's Bookmarks branch lists them",
                (Key("screen", "B", "toggle_bookmark", "Bookmark",
                     command=("Bookmark", "Bookmark the open post, or take its bookmark off")),),
            ),
            KeyRow(
                "a",
                "write or edit a note on the comment `]` took you to, else the paragraph or comment in view (as `Y` "
                "chooses it; the first paragraph while the title is in view); notes show under their passage, the "
                "archive's Notes branch lists them",
                (Key("screen", "a", "edit_note", "Note",
                     command=("Note", "Write or edit a note on the paragraph or comment in view")),),
            ),
            KeyRow(
                "ctrl+s / escape",
                "in the note editor: save the note (saving it empty removes it) / close it without saving",
                (Key("editor", "ctrl+s", "save", "Save", show=True),
                 Key("editor", "escape", "cancel", "Cancel", show=True)),
            ),
            KeyRow(
                "H / L",
                "back to the post opened before, where you were in it / forward again (also backspace, alt+left "
                "/ alt+right)",
                (Key("screen", "backspace,alt+left,H", "history_back", "Back in history",
                     command=("Back", "Go back to the post opened before")),
                 Key("screen", "alt+right,L", "history_forward", "Forward in history",
                     command=("Forward", "Go forward to the post you went back from"))),
            ),
            KeyRow(
                "c",
                "fold or unfold the thread marked with a bar: the first comment with replies whose header is in "
                "view, else the thread the view is inside (or click a comment's header)",
                (Key("reader", "c", "toggle_thread", "Fold thread", show=True,
                     command=("Fold thread", "Fold or unfold the comment thread marked by a bright bar in the post")),),
            ),
        ),
    ),
)

KEY_ROWS: tuple[KeyRow, ...] = tuple(row for _group, rows in KEY_GROUPS for row in rows)
KEY_NAMES = {"/": "slash", "?": "question_mark", "]": "right_square_bracket", "[": "left_square_bracket"}
"""Textual's names of the keys written as characters in `KeyRow.shown`."""


def bindings_for(owner: str) -> list[Binding]:
    """The BINDINGS of `owner`, in table order."""
    assert owner in OWNERS, owner
    return [key.binding() for row in KEY_ROWS for key in row.keys if key.owner == owner and not key.builtin]


def commands() -> list[tuple[str, str, Key]]:
    """(name, what it does with its key in brackets, key) for every command in the palette."""
    found = []
    for row in KEY_ROWS:
        for key in row.keys:
            if key.command:
                name, meaning = key.command
                shown = key.keys.split(",")[-1]
                shown = next((char for char, name_ in KEY_NAMES.items() if name_ == shown), shown)
                found.append((name, f"{meaning} ({shown})", key))
    return found
