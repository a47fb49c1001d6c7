"""A widget with nothing to show that does one of the screen's jobs in workers (keeping the index, the reader's
memory, searching, exporting).

A widget and not a plain object: Textual gathers a class's `@on` handlers through its metaclass and runs workers
for a node in the DOM, so a mixin on the screen would lose them. It is never displayed. A worker's
Worker.StateChanged does not bubble, so one that fails here is passed up as `WorkFailed` and the screen reports
it as it reports its own.
"""

from __future__ import annotations

from textual.widget import Widget
from textual.worker import Worker, WorkerState

from civicreader.ui.messages import WorkFailed


def pass_failure_up(widget: Widget, event: Worker.StateChanged) -> None:
    """For any widget running workers of the screen's: a failed one is reported by the screen."""
    if event.state == WorkerState.ERROR:
        widget.post_message(WorkFailed(event.worker))


class Backstage(Widget):
    DEFAULT_CSS = "Backstage { display: none; }"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        pass_failure_up(self, event)
