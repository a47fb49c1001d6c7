"""The app's problem log: a line per problem, the traceback under it, never a stopped app."""

from __future__ import annotations

from civicreader.problem_log import log_path, record_problem


def test_a_problem_is_one_line_and_its_traceback_is_indented_under_it(private_folders):
    try:
        raise OSError("disk full\x1b[2J")
    except OSError as error:
        written = record_problem("The index could not be built\nfor /corpus", error)
    assert written == log_path()
    assert str(written).startswith(str(private_folders / "xdg_state_home"))
    first, *rest = written.read_text(encoding="utf-8").splitlines()
    assert first.endswith(" The index could not be built for /corpus")
    assert rest[0] == "    Traceback (most recent call last):"
    assert all(line.startswith("    ") for line in rest)
    assert rest[-1] == "    OSError: disk full", "terminal controls stripped"
    record_problem("a second problem")
    assert written.read_text(encoding="utf-8").splitlines()[-1].endswith(" a second problem")


def test_a_log_that_cannot_be_written_is_skipped(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file", encoding="utf-8")
    assert record_problem("anything", path=blocked / "civicreader.log") is None
