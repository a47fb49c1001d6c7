"""Back and forward between the posts opened: each kept as it was shown, and where the view was in it."""

from __future__ import annotations

from civicreader.ui.reading_pane import OpenedPost

HISTORY_LENGTH = 200
"""Posts kept to go back to (each held as shown: the post and its marked matches)."""

Visit = tuple[OpenedPost, float]
"""A post as shown, and the view's scroll position in it."""


class History:
    def __init__(self) -> None:
        self.back: list[Visit] = []
        """The posts opened before, the latest last."""
        self.forward: list[Visit] = []
        """The posts gone back from, the latest last."""

    def leave(self, visit: Visit | None) -> None:
        """Another post opens (not by going back or forward): the one left, if any, is the latest to go back to."""
        if visit is not None:
            self.back.append(visit)
            del self.back[:-HISTORY_LENGTH]
        self.forward.clear()

    def step(self, backward: bool, current: Visit | None) -> Visit | None:
        """The post to show going back (or forward), `current` kept to come back to; None when there is none."""
        source, other = (self.back, self.forward) if backward else (self.forward, self.back)
        if not source:
            return None
        if current is not None:
            other.append(current)
        return source.pop()
