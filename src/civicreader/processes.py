"""Worker processes that start whatever the app has done to `sys.stderr`.

multiprocessing starts a resource tracker before the first worker and hands it
`sys.stderr.fileno()`. Textual replaces `sys.stderr` with a capture whose `fileno()` is -1, and
the start failed with "bad value(s) in fds_to_keep": the app could not build a big index.
"""

from __future__ import annotations

import sys
import threading

_SWAP = threading.Lock()


def spawn_context():
    """multiprocessing's spawn context (the caller may be a thread of the UI, so never fork), with its
    resource tracker running, so that starting a worker no longer looks at `sys.stderr`."""
    import multiprocessing
    from multiprocessing import resource_tracker

    context = multiprocessing.get_context("spawn")
    stream = sys.stderr
    if _has_descriptor(stream):
        return context
    with _SWAP:
        stand_in = _WithoutDescriptor(stream)
        sys.stderr = stand_in
        try:
            # The tracker keeps the descriptors 0-2 it inherits; it is only told of a stderr that is elsewhere.
            resource_tracker.ensure_running()
        finally:
            if sys.stderr is stand_in:  # else the app put its own back meanwhile: leave that
                sys.stderr = stream
    return context


def _has_descriptor(stream) -> bool:
    """False for a stream that claims an invalid descriptor, as Textual's capture does; True for one
    that says it has none (multiprocessing copes with that)."""
    try:
        return stream.fileno() >= 0
    except Exception:
        return True


class _WithoutDescriptor:
    """The stream as it was (writes still go where the app sends them), saying it has no descriptor."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def fileno(self) -> int:
        import io

        raise io.UnsupportedOperation("fileno")

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
