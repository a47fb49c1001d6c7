"""The People branch with a person opened, and the notice the citation key gives, fixed as pictures.

Review `snapshot_report.html` before `--snapshot-update`: a changed picture must be a wanted one.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from civicreader.ui.archive_tree import ArchiveTree
from civicreader.ui.people_branches import MostDiscussedBranch, PeopleBranch
from tests.pilot import make_app, settle
from tests.test_ui import index_corpus

SIZE = (120, 36)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    return index_corpus(tmp_path_factory.mktemp("ui-people-snapshot-corpus"))


async def open_top_branch(pilot, kind) -> ArchiveTree:
    await settle(pilot)
    pilot.app.screen.query_one(Input).cursor_blink = False
    tree = pilot.app.screen.query_one(ArchiveTree)
    tree.move_cursor(next(node for node in tree.root.children if isinstance(node.data, kind)))
    await pilot.press("enter")
    await settle(pilot)
    return tree


def test_people_branch_with_a_person_opened(snap_compare, built_index):
    async def run_before(pilot):
        await open_top_branch(pilot, PeopleBranch)
        await pilot.press("j", "j", "j", "j", "j", "enter")  # Priya, the fifth person
        await settle(pilot)

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=SIZE)


def test_citation_copied_from_a_comment(snap_compare, built_index):
    async def run_before(pilot):
        await open_top_branch(pilot, MostDiscussedBranch)
        await pilot.press("j", "enter")  # the allotment post, five comments
        await settle(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "Y")
        await settle(pilot)

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=(80, 16))
