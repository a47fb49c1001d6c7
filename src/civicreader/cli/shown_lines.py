"""The batched line printer `show` prints a post through."""

from __future__ import annotations


class ShownLines:
    """Lines wrapped here and printed a few hundred at a time, styled only on a terminal.

    A thread can have a hundred thousand comments: laid out by Rich one by one, `show` took a minute.
    """

    def __init__(self, console) -> None:
        self.console = console
        self.lines: list = []

    def add(self, text: str, indent: int = 0, style: str = "") -> None:
        """`text` wrapped to the width at `indent` columns; its line breaks kept."""
        import textwrap

        from rich.text import Text

        pad = " " * indent
        room = max(self.console.width - indent, 20)
        for line in text.split("\n"):
            for piece in textwrap.wrap(line, room) or [""]:
                self.append(Text(pad + piece, style=style))

    def append(self, line) -> None:
        self.lines.append(line)
        if len(self.lines) >= 500:
            self.flush()

    def flush(self) -> None:
        if self.console.is_terminal:
            self.console.print(*self.lines, sep="\n", soft_wrap=True)
        else:
            self.console.file.write("".join(f"{line.plain}\n" for line in self.lines))
        self.lines.clear()
