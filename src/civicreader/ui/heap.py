"""Garbage collection on the app's terms: not in the middle of typing.

A full collection walks every object Python tracks. With Textual, its styles and an open index
that is some 80,000 objects, and each walk took 40-90 ms on the UI thread; Python started one
about every second query, always while someone was typing (that was the whole tail of the
keystroke-to-results latency). Most of the garbage is Textual's: rendered lines that refer to
themselves, kept in caches long enough to reach the oldest generation.

So: once the app is up, what it holds then is frozen (never walked again); full collections no
longer start on their own every few hundred allocations but run when typing pauses; and a much
higher automatic threshold still bounds memory for someone who never pauses.
"""

from __future__ import annotations

import gc

PAUSE_SECONDS = 0.5
"""How long the keyboard must rest before the garbage is collected."""
AUTOMATIC_THRESHOLDS = (700, 10, 100)
"""Python's defaults but the last: a full collection every 100 (not 10) middle ones."""


_thresholds_before: tuple[int, ...] | None = None
"""Python's thresholds as the app found them; None while nothing is frozen by the app."""


def freeze_what_lasts() -> None:
    """Freeze every object alive now (the app, its styles, the open index). Once.

    No collection first: it would hold the interpreter for 50-100 ms just as the first screen is
    painted, to free the little garbage start-up leaves (a few thousand objects, kept instead).
    """
    global _thresholds_before
    if not gc.isenabled() or gc.get_freeze_count():
        return
    gc.freeze()
    _thresholds_before = gc.get_threshold()
    gc.set_threshold(*AUTOMATIC_THRESHOLDS)


def release() -> None:
    """Leave the collector as the app found it (the app may live inside a longer process: tests, a bench)."""
    global _thresholds_before
    if _thresholds_before is not None:
        gc.unfreeze()
        gc.set_threshold(*_thresholds_before)
        _thresholds_before = None


def collect() -> None:
    """A full collection, for when nobody is waiting for the screen."""
    if gc.isenabled():
        gc.collect()
