"""The look of notes: under their passages in the reading pane, and the editor over it (pytest-textual-snapshot).

Review `snapshot_report.html` before `--snapshot-update`: a changed picture must be a wanted one.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from civicreader.memory import open_memory
from civicreader.paths import memory_path_for
from tests.pilot import make_app, search_for, settle
from tests.test_ui import index_corpus

SIZE = (120, 36)


@pytest.fixture(scope="module")
def built_index(tmp_path_factory):
    return index_corpus(tmp_path_factory.mktemp("ui-notes-snapshot-corpus"))


async def open_post_with_notes(pilot) -> None:
    """Open the allotment post, then write notes on its first paragraph and first comment into the memory."""
    from civicreader.ui.reading_pane import ReadingPane

    await settle(pilot)
    pilot.app.screen.query_one(Input).cursor_blink = False
    await search_for(pilot, "allotment committee", "enter")
    await settle(pilot)
    reader = pilot.app.screen.query_one(ReadingPane)
    memory = open_memory(memory_path_for(pilot.app.corpus))
    try:
        memory.set_note(reader.opened.post.id, "Ask the clerk for the [minutes] of this meeting.", paragraph=1)
        memory.set_note(reader.opened.post.id, "Priya: the same plot-holder as in 2010?", comment=1)
    finally:
        memory.close()
    await pilot.press("escape", "enter")  # open it again: its notes come with it
    await settle(pilot)


def test_notes_under_their_passages(snap_compare, built_index):
    assert snap_compare(make_app(built_index), run_before=open_post_with_notes, terminal_size=SIZE)


def test_the_note_editor_over_the_post(snap_compare, built_index):
    async def run_before(pilot):
        await open_post_with_notes(pilot)
        await pilot.press("a")
        await settle(pilot)

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=SIZE)
