"""One key table (ui/keys.py): README's Keys table says what it says, and every key in it is bound."""

from __future__ import annotations

import pytest

from civicreader.ui.keys import KEY_NAMES, KEY_ROWS, bindings_for
from tests.conftest import REPO
from tests.pilot import pilot_test, search_for, settle


def readme_key_rows() -> list[tuple[str, str]]:
    """(keys, meaning) for each row of README's Keys table, the keys with their backticks taken off."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text.split("\n## Keys\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.startswith("| `") else []
        if len(cells) == 2:
            rows.append((cells[0].replace("`", ""), cells[1]))
    return rows


def key_names(shown: str) -> list[str]:
    """Textual's names for the keys a row shows: "] / [" -> right_square_bracket, left_square_bracket."""
    return [KEY_NAMES.get(key, key) for part in shown.split(", ") for key in part.split(" / ")]


def test_readmes_keys_table_is_the_key_table_row_for_row():
    assert readme_key_rows() == [(row.shown, row.meaning) for row in KEY_ROWS]


@pytest.mark.parametrize("row", KEY_ROWS, ids=lambda row: row.shown)
def test_every_key_a_row_shows_is_one_of_its_bindings(row):
    bound = {name for key in row.keys for name in key.keys.split(",")}
    assert set(key_names(row.shown)) <= bound


def test_a_widgets_bindings_are_its_rows_keys_with_their_words():
    reader = {binding.key: (binding.action, binding.description) for binding in bindings_for("reader")}
    assert reader["n"] == ("next_match", "Matches") and reader["right_square_bracket"][0] == "next_comment"
    assert not any(binding.key == "tab" for binding in bindings_for("screen")), "Textual's own keys not bound twice"


CONTEXTS = {
    "app": "#archive",
    "screen": "#archive",
    "tree": "#archive",
    "reader": "#reader",
    "search": "#query",
    "results": "#results",
}
"""What has focus while a key of each owner is checked."""
PASSED_ON = {("search", "down"): "#query"}
"""Keys a focused widget binds first but passes on (the one-line query box cannot scroll down):
checked by pressing them, which must take the focus away."""


@pilot_test
async def test_every_key_in_the_table_runs_its_action_where_it_is_said_to_work(built_index):
    from civicreader.ui.app import OWNER_WIDGETS, CivicReaderApp
    from civicreader.ui.main_screen import MainScreen
    from civicreader.ui.note_editor import NoteEditor

    corpus, index_dir = built_index
    app = CivicReaderApp(corpus, index_dir)
    owners = {"app": CivicReaderApp, "screen": MainScreen, **OWNER_WIDGETS}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        checked = 0
        # The archive's keys while it shows, then the results' once a search has replaced it.
        for owners_now in (("app", "screen", "tree", "reader", "search"), ("results",)):
            if owners_now == ("results",):
                await search_for(pilot, "allotment")
            for row in KEY_ROWS:
                for key in (key for key in row.keys if key.owner in owners_now):
                    app.screen.set_focus(app.screen.query_one(CONTEXTS[key.owner]))
                    await pilot.pause()
                    for name in key.keys.split(","):
                        where = f"{name} with {CONTEXTS[key.owner]} focused"
                        checked += 1
                        if (key.owner, name) in PASSED_ON:
                            await pilot.press(name)
                            assert app.focused is not app.screen.query_one(PASSED_ON[key.owner, name]), where
                            continue
                        active = app.screen.active_bindings.get(name)
                        assert active is not None, f"{where}: not bound"
                        assert active.binding.action == key.action, where
                        if not key.builtin:
                            assert isinstance(active.node, owners[key.owner]), where
                            assert active.binding.description == key.description, where
        # The note editor's keys, with the editor open on the open post and its text area focused.
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        for key in (key for row in KEY_ROWS for key in row.keys if key.owner == "editor"):
            checked += 1
            active = app.screen.active_bindings.get(key.keys)
            assert active is not None and active.binding.action == key.action, key.keys
            assert isinstance(active.node, NoteEditor), key.keys
        assert checked == sum(len(key.keys.split(",")) for row in KEY_ROWS for key in row.keys)
