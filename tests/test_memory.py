"""The reader's memory (read marks, bookmarks, notes): kept apart from the index, safe with two writers."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from civicreader.cli import main
from civicreader.memory import SCHEMA_VERSION, MemoryStoreError, open_memory
from civicreader.paths import memory_path_for
from tests.index_corpus import write_corpus


def test_a_fresh_file_is_in_wal_mode_at_the_current_schema(tmp_path):
    path = tmp_path / "m.sqlite"
    open_memory(path).close()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_marks_bookmarks_and_notes_outlive_the_connection(tmp_path):
    path = tmp_path / "m.sqlite"
    memory = open_memory(path)
    memory.mark_read(["a", "b"])
    memory.mark_read(["b"], read=False)
    assert memory.toggle_bookmark("c") is True
    memory.set_note("a", "check the date", paragraph=2, passage="The second paragraph.", title="A")
    memory.set_note("a", "who is she?", comment=1)
    memory.close()

    again = open_memory(path)
    assert again.read_ids() == {"a"}
    assert again.bookmarked_ids() == {"c"}
    notes = again.notes("a")
    assert [(n.paragraph, n.comment, n.text) for n in notes] == [(2, None, "check the date"), (None, 1, "who is she?")]
    assert notes[0].passage == "The second paragraph."
    assert again.noted_ids() == {"a"}
    assert again.notes_matching(["CHECK", "date"]) == {"a"}
    assert again.notes_matching(["date", "absent"]) == set()


def test_writing_a_note_again_replaces_it_and_empty_text_removes_it(tmp_path):
    memory = open_memory(tmp_path / "m.sqlite")
    memory.set_note("a", "first", paragraph=1)
    created = memory.notes("a")[0].created
    memory.set_note("a", "second", paragraph=1, created=created)
    assert [n.text for n in memory.notes("a")] == ["second"]
    assert memory.notes("a")[0].created == created
    memory.set_note("a", "  ", paragraph=1)
    assert memory.notes() == []


def test_a_note_belongs_to_one_paragraph_or_one_comment(tmp_path):
    memory = open_memory(tmp_path / "m.sqlite")
    with pytest.raises(ValueError):
        memory.set_note("a", "x")
    with pytest.raises(ValueError):
        memory.set_note("a", "x", paragraph=1, comment=1)


@pytest.mark.parametrize("damage", ["garbage", "foreign"])
def test_a_damaged_or_foreign_file_is_moved_aside_and_named(tmp_path, damage):
    path = tmp_path / "m.sqlite"
    if damage == "garbage":
        path.write_bytes(b"this is not a database at all" * 100)
    else:
        foreign = sqlite3.connect(path)
        foreign.execute("CREATE TABLE recipes (name TEXT)")
        foreign.execute("INSERT INTO recipes VALUES ('bread')")
        foreign.commit()
        foreign.close()
    original = path.read_bytes()
    memory = open_memory(path)
    assert memory.moved_aside is not None
    assert "\n" not in memory.moved_aside
    kept = [p for p in tmp_path.glob("m.sqlite.damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1
    assert str(kept[0]) in memory.moved_aside
    assert kept[0].read_bytes() == original
    memory.mark_read(["a"])
    assert memory.read_ids() == {"a"}


def test_a_file_from_a_newer_version_is_left_untouched(tmp_path):
    path = tmp_path / "m.sqlite"
    open_memory(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    with pytest.raises(MemoryStoreError, match="newer"):
        open_memory(path)
    assert not list(tmp_path.glob("*.damaged-*"))


WRITER = """
import sys
from pathlib import Path
from civicreader.memory import open_memory
memory = open_memory(Path(sys.argv[1]))
for number in range(int(sys.argv[3])):
    memory.mark_read([f"{sys.argv[2]}-{number}"])
    memory.set_note(f"{sys.argv[2]}-{number}", f"note {number}", paragraph=1)
    memory.toggle_bookmark(f"shared-{number}")
"""


def test_two_writer_processes_lose_nothing(tmp_path):
    path = tmp_path / "m.sqlite"
    writes = 60
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(writes)]) for name in "xy"]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    memory = open_memory(path)
    assert memory.read_ids() == {f"{name}-{n}" for name in "xy" for n in range(writes)}
    assert len(memory.notes()) == 2 * writes
    # Each shared bookmark was toggled twice, once by each writer: every toggle landed, so none is left on.
    assert memory.bookmarked_ids() == set()


def test_two_connections_in_one_process_see_each_others_writes(tmp_path):
    first, second = open_memory(tmp_path / "m.sqlite"), open_memory(tmp_path / "m.sqlite")
    first.mark_read(["a"])
    second.set_note("a", "seen", comment=3)
    assert second.read_ids() == {"a"}
    assert first.notes("a")[0].comment == 3


def test_where_names_the_memory_file_in_the_users_data_folder(tmp_path, private_folders):
    corpus = tmp_path / "blog"
    corpus.mkdir()
    result = CliRunner().invoke(main, ["--corpus", str(corpus), "where", "--json"])
    found = json.loads(result.stdout)
    assert found["memory"] == str(memory_path_for(corpus))
    assert found["memory"].startswith(str(private_folders / "xdg_data_home" / "civicreader"))


def test_the_index_rebuilt_or_deleted_leaves_the_memory_alone(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    runner = CliRunner()
    assert runner.invoke(main, ["--corpus", str(corpus), "index"]).exit_code == 0
    memory = open_memory(memory_path_for(corpus))
    memory.mark_read(["some-post"])
    memory.set_note("some-post", "keep me", paragraph=1)
    index = json.loads(runner.invoke(main, ["--corpus", str(corpus), "where", "--json"]).stdout)["index"]
    assert runner.invoke(main, ["--corpus", str(corpus), "index", "--rebuild"]).exit_code == 0
    shutil.rmtree(index)
    assert runner.invoke(main, ["--corpus", str(corpus), "index"]).exit_code == 0
    again = open_memory(memory_path_for(corpus))
    assert again.read_ids() == {"some-post"}
    assert [note.text for note in again.notes()] == ["keep me"]
