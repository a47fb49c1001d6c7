"""The look of the main screens, fixed with pytest-textual-snapshot over the corpus of test_ui.py.

Review `snapshot_report.html` before `--snapshot-update`: a changed picture must be a wanted one.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.pilot import make_app, settle
from tests.test_ui import index_corpus

SIZE = (120, 36)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    return index_corpus(tmp_path_factory.mktemp("ui-snapshot-corpus"))


async def ready(pilot) -> None:
    await settle(pilot)
    pilot.app.screen.query_one(Input).cursor_blink = False


def test_archive_with_a_blog_opened(snap_compare, built_index):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("j", "enter", "j", "j", "enter")  # Parish Pump, 2011
        await settle(pilot)

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=SIZE)


def test_search_results_with_facets_and_a_highlighted_snippet(snap_compare, built_index):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("slash", *"allotment")
        await settle(pilot)

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=SIZE)


def test_a_post_opened_from_search_with_its_threaded_comments(snap_compare, built_index):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("slash", *"marrow", "enter")
        await settle(pilot)

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=(120, 44))


def test_a_malformed_query_and_a_suggestion(snap_compare, built_index):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("slash", *'alotment "rota')
        await settle(pilot)

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=SIZE)


def test_hostile_titles_in_the_archive(snap_compare, built_index):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("enter", "j", "enter", "j", "enter")  # the hostile blog, 2013, January
        await settle(pilot)

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=SIZE)


def test_help_screen(snap_compare, built_index):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=(120, 60))


def test_results_with_the_cursor_in_the_light_theme(snap_compare, built_index):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("slash", *"allotment", "down", "j", "t")
        await settle(pilot)

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=SIZE)
