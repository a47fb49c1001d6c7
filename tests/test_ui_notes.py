"""Notes in the app: `a` opens the editor on the passage in view, notes show under their passage, the Notes branch."""

from __future__ import annotations

from textual.widgets import TextArea

from civicreader.memory import open_memory
from civicreader.paths import memory_path_for
from tests.pilot import make_app, pilot_test, screen_text, search_for, settle


def notes_in_memory(built_index):
    corpus, _index = built_index
    memory = open_memory(memory_path_for(corpus))
    try:
        return memory.notes()
    finally:
        memory.close()


def add_note_behind_the_apps_back(built_index, post_id: str, text: str, **place) -> None:
    corpus, _index = built_index
    memory = open_memory(memory_path_for(corpus))
    try:
        memory.set_note(post_id, text, title="A post long gone", passage="Its words", **place)
    finally:
        memory.close()


async def open_allotment_post(pilot):
    await search_for(pilot, "allotment committee", "enter")
    await settle(pilot)
    from civicreader.ui.reading_pane import ReadingPane

    return pilot.app.screen.query_one(ReadingPane)


async def write_in_editor(pilot, text: str, *, clear: bool = False) -> None:
    from civicreader.ui.note_editor import NoteEditor

    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NoteEditor)
    area = pilot.app.screen.query_one(TextArea)
    if clear:
        area.clear()
    area.insert(text)
    await pilot.press("ctrl+s")
    await settle(pilot)


def shown_after(reader, anchor_class: str, number: int):
    """The widget right under paragraph or comment `number` (from 1) in the reading pane."""
    anchors = list(reader.query(anchor_class)) if anchor_class == ".paragraph" else reader.comment_views
    children = list(reader.children)
    return children[children.index(anchors[number - 1]) + 1]


@pilot_test
async def test_a_writes_a_note_on_the_passage_in_view_and_it_shows_under_it(built_index):
    from civicreader.ui.note_view import NoteView

    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reader = await open_allotment_post(pilot)
        post = reader.opened.post
        await write_in_editor(pilot, "Ask the clerk for the minutes")
        assert [(n.post_id, n.paragraph, n.comment, n.text) for n in notes_in_memory(built_index)] == [
            (post.id, 1, None, "Ask the clerk for the minutes")
        ]
        under = shown_after(reader, ".paragraph", 1)
        assert isinstance(under, NoteView) and under.text == "Ask the clerk for the minutes"
        assert "✎ note  Ask the clerk for the minutes" in screen_text(app)
        assert "Note saved." in [notice.message for notice in app._notifications]


@pilot_test
async def test_a_again_opens_the_note_filled_edits_it_and_an_empty_save_removes_it(built_index):
    from civicreader.ui.note_editor import NoteEditor
    from civicreader.ui.note_view import NoteView

    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reader = await open_allotment_post(pilot)
        await write_in_editor(pilot, "First thought")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "First thought"
        await pilot.press("escape")
        await settle(pilot)
        await write_in_editor(pilot, "; second thought")
        assert [n.text for n in notes_in_memory(built_index)] == ["First thought; second thought"]
        assert reader.query(NoteView).first().text == "First thought; second thought"
        await write_in_editor(pilot, "", clear=True)
        assert notes_in_memory(built_index) == []
        assert not reader.query(NoteView)
        assert "Note removed." in [notice.message for notice in app._notifications]


@pilot_test
async def test_escape_closes_the_editor_without_saving(built_index):
    from civicreader.ui.note_view import NoteView

    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reader = await open_allotment_post(pilot)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one(TextArea).insert("Not to be kept")
        await pilot.press("escape")
        await settle(pilot)
        assert notes_in_memory(built_index) == []
        assert not reader.query(NoteView)


@pilot_test
async def test_the_editor_has_a_save_button(built_index):
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_allotment_post(pilot)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one(TextArea).insert("Saved by the button")
        await pilot.click("#note-editor-save")
        await settle(pilot)
        assert [n.text for n in notes_in_memory(built_index)] == ["Saved by the button"]


@pilot_test
async def test_a_note_on_a_comment_shows_under_that_comment(built_index):
    from civicreader.ui.note_view import NoteView

    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reader = await open_allotment_post(pilot)
        await pilot.press("right_square_bracket")  # the first comment to the top of the view
        await settle(pilot)
        await write_in_editor(pilot, "Priya again")
        (note,) = notes_in_memory(built_index)
        assert (note.paragraph, note.comment) == (None, 1)
        first_comment = next(reader.opened.post.walk_comments())[1]
        assert note.passage == "\n\n".join(first_comment.body)
        under = shown_after(reader, ".comment", 1)
        assert isinstance(under, NoteView) and under.text == "Priya again"


@pilot_test
async def test_notes_written_earlier_show_when_the_post_opens(built_index):
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reader = await open_allotment_post(pilot)
        post_id = reader.opened.post.id
    add_note_behind_the_apps_back(built_index, post_id, "Written from a script", paragraph=2)

    again = make_app(built_index)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reader = await open_allotment_post(pilot)
        assert shown_after(reader, ".paragraph", 2).text == "Written from a script"
        assert "✎ note  Written from a script" in screen_text(again)


@pilot_test
async def test_markup_and_control_characters_in_a_note_are_shown_inert(built_index):
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_allotment_post(pilot)
        await write_in_editor(pilot, "[bold red]loud[/] \x1b[31mred\x1b[0m [link=http://x]here[/link]")
        shown = screen_text(app)
        assert "[bold red]loud[/] red [link=http://x]here[/link]" in shown
        assert "\x1b" not in shown


@pilot_test
async def test_the_notes_branch_lists_every_note_and_opens_the_post_at_its_passage(built_index):
    from civicreader.ui.archive_tree import ArchiveTree
    from civicreader.ui.note_branches import NoteLeaf, NotesBranch

    add_note_behind_the_apps_back(built_index, "gone0000post", "Kept though its post is gone", paragraph=1)
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Notes 1" in screen_text(app)
        reader = await open_allotment_post(pilot)
        post_id = reader.opened.post.id
        await pilot.press("j", "j", "j", "j", "j", "j")
        await write_in_editor(pilot, "On the second paragraph")
        place = notes_in_memory(built_index)
        await pilot.press("escape", "escape", "escape")
        await settle(pilot)
        tree = app.screen.query_one(ArchiveTree)
        branch = next(node for node in tree.root.children if isinstance(node.data, NotesBranch))
        assert "Notes 2" in screen_text(app)
        branch.expand()
        await settle(pilot)
        leaves = [child.data for child in branch.children]
        ours = next(note for note in place if note.post_id == post_id)
        assert leaves == [
            NoteLeaf(post_id, ours.paragraph, ours.comment, False),
            NoteLeaf("gone0000post", 1, None, True),
        ]
        text = screen_text(app)
        assert "¶ 1 orphaned A post long gone · Its words" in text
        # Open the first post elsewhere, then the note's leaf: the post opens at the note's passage.
        tree.move_cursor(branch.children[0])
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert reader.opened.post.id == post_id
        current = reader.matches[reader.current_match][0]
        assert current is list(reader.query(".paragraph"))[ours.paragraph - 1]
        # The orphaned one: said, not opened.
        tree.focus()
        tree.move_cursor(branch.children[1])
        await pilot.press("enter")
        await settle(pilot)
        assert reader.opened.post.id == post_id
        assert any("no longer in the corpus" in notice.message for notice in app._notifications)
        assert {note.post_id for note in notes_in_memory(built_index)} == {post_id, "gone0000post"}


@pilot_test
async def test_e_exports_the_open_post_with_its_notes(built_index, tmp_path):
    from civicreader.config import config_path
    from civicreader.ingest import Source
    from civicreader.ingest.markdown.export_format import exported_notes

    out = tmp_path / "exports"
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(f'export_dir = "{out}"\n', encoding="utf-8")
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_allotment_post(pilot)
        await write_in_editor(pilot, "Ask the clerk for the minutes")
        await pilot.press("e")
        await settle(pilot)
    [written] = list(out.iterdir())
    text = written.read_text(encoding="utf-8")
    assert "\n## Notes\n\n### On paragraph 1\n" in text
    [note] = exported_notes(Source(written, written.read_bytes(), "x"))
    assert (note.paragraph, note.text) == (1, "Ask the clerk for the minutes")


WRITER = """
import sys
from pathlib import Path
from civicreader.memory import open_memory
memory = open_memory(Path(sys.argv[1]))
for number in range(60):
    memory.set_note("script-post", f"script note {number}", comment=number + 1)
    memory.mark_read([f"script-{number}"])
"""


@pilot_test
async def test_the_app_and_another_process_writing_at_once_lose_nothing(built_index, monkeypatch):
    import subprocess
    import sys


    monkeypatch.setattr("civicreader.ui.main_screen.READ_AFTER_SECONDS", 0.1)
    corpus, _index = built_index
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        other = subprocess.Popen([sys.executable, "-c", WRITER, str(memory_path_for(corpus))])
        reader = await open_allotment_post(pilot)
        await write_in_editor(pilot, "From the app")
        await pilot.press("right_square_bracket")
        await write_in_editor(pilot, "From the app, on a comment")
        await pilot.pause(0.3)
        await settle(pilot)
        assert other.wait(timeout=120) == 0
        post_id = reader.opened.post.id
    memory = open_memory(memory_path_for(corpus))
    try:
        assert {note.text for note in memory.notes(post_id)} == {"From the app", "From the app, on a comment"}
        assert len(memory.notes("script-post")) == 60
        assert memory.read_ids() == {post_id, *(f"script-{n}" for n in range(60))}
    finally:
        memory.close()


@pilot_test
async def test_the_palette_and_the_help_screen_offer_the_note_key_from_the_key_table(built_index):
    from civicreader.ui.help_screen import HelpScreen
    from civicreader.ui.note_editor import NoteEditor
    from tests.test_ui_reading import run_from_palette

    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_allotment_post(pilot)
        await run_from_palette(pilot, "Note")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = [(str(row.query_one(".help-key").content), str(row.query_one(".help-meaning").content))
                for row in app.screen.query(".help-row")]
        assert any(key == "a" and meaning.startswith("write or edit a note") for key, meaning in rows)
        assert any(key == "ctrl+s / escape" and meaning.startswith("in the note editor") for key, meaning in rows)
