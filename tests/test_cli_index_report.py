"""`civicreader index --json` and `--problems`, and an update that names a bad file once, not on every run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from civicreader.cli import main
from tests.index_corpus import POSTS, write_corpus, write_post

UNCLOSED = "front matter opened with --- is never closed"


@pytest.fixture
def corpus(tmp_path):
    root = write_corpus(tmp_path / "corpus", names=("grants", "review", "wards"))
    write_unclosed(root / "ledger" / "draft.md")
    return root


def write_unclosed(path: Path) -> None:
    path.write_text("---\ntitle: A draft with no end to its header\n\nSome words.\n", encoding="utf-8")


def index(corpus: Path, *extra: str):
    result = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(corpus.parent / "index"),
                                       *extra], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def index_json(corpus: Path, *extra: str) -> dict:
    return json.loads(index(corpus, "--json", *extra).stdout)


def test_json_counts_files_and_posts_and_names_the_bad_file_with_its_line(corpus):
    first = index_json(corpus)
    assert (first["added"], first["changed"], first["removed"], first["unchanged"]) == (4, 0, 0, 0)
    assert first["posts"] == 3
    assert first["problems"] == [
        {"file": str(corpus / "ledger" / "draft.md"), "line": 1, "reason": UNCLOSED, "new": True}
    ]
    assert first["seconds"] >= first["read_seconds"] >= 0
    assert first["rebuilt_because"] is None


def test_json_after_an_edit_counts_what_changed_and_marks_old_problems_not_new(corpus):
    index(corpus)
    post = POSTS["grants"]
    write_post(corpus, **dict(post, name="grants", title="Small grants, again"))
    (corpus / "ledger" / "review.txt").unlink()
    write_post(corpus, name="extra", **dict(POSTS["compact"], blog="ledger"))
    second = index_json(corpus)
    assert (second["added"], second["changed"], second["removed"], second["unchanged"]) == (1, 1, 1, 2)
    assert second["posts"] == 3
    assert [(problem["line"], problem["new"]) for problem in second["problems"]] == [(1, False)]


def test_json_keeps_stdout_to_one_object(corpus):
    result = index(corpus, "--json")
    assert json.loads(result.stdout)["added"] == 4
    assert "skipped" not in result.stderr


def test_a_bad_file_is_named_when_read_and_only_counted_after(corpus):
    bad = corpus / "ledger" / "draft.md"
    first = index(corpus)
    assert f"civicreader: skipped {bad}:1: {UNCLOSED}" in first.stderr.splitlines()
    again = index(corpus)
    assert "skipped" not in again.stderr
    assert "civicreader: 1 file still unreadable: see `civicreader index --problems`" in again.stderr.splitlines()
    assert "0 files added, 0 changed, 0 removed, 4 unchanged" in again.stdout


def test_a_newly_broken_file_is_named_and_the_old_one_counted(corpus):
    index(corpus)
    newly = corpus / "ledger" / "later.md"
    write_unclosed(newly)
    result = index(corpus)
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert skipped == [f"civicreader: skipped {newly}:1: {UNCLOSED}"]
    assert "civicreader: 1 file still unreadable: see `civicreader index --problems`" in result.stderr.splitlines()


def test_search_on_a_changed_corpus_does_not_name_old_problems_again(corpus):
    index(corpus)
    write_post(corpus, name="extra", **dict(POSTS["compact"], blog="ledger"))
    result = CliRunner().invoke(main, ["search", "localism", "--corpus", str(corpus),
                                       "--index", str(corpus.parent / "index"), "--json"])
    assert result.exit_code == 0
    assert "skipped" not in result.stderr
    assert "1 file still unreadable" in result.stderr


def test_problems_lists_each_file_with_its_line(corpus):
    other = corpus / "wards" / "broken.md"
    other.parent.mkdir(exist_ok=True)
    write_unclosed(other)
    index(corpus)
    listed = index(corpus, "--problems")
    assert listed.stdout.splitlines() == sorted(f"{path}:1: {UNCLOSED}" for path in (corpus / "ledger" / "draft.md",
                                                                                       other))
    assert "still unreadable" not in listed.stderr
    as_json = json.loads(index(corpus, "--problems", "--json").stdout)
    assert sorted(problem["file"] for problem in as_json) == sorted([str(corpus / "ledger" / "draft.md"), str(other)])
    assert {(problem["line"], problem["reason"]) for problem in as_json} == {(1, UNCLOSED)}


def test_problems_is_empty_once_the_file_is_mended(corpus):
    index(corpus)
    (corpus / "ledger" / "draft.md").write_text("---\ntitle: Mended\ndate: 2011-05-01\n---\n\nNow it reads.\n",
                                                 encoding="utf-8")
    mended = index(corpus)
    assert "still unreadable" not in mended.stderr and "skipped" not in mended.stderr
    assert index(corpus, "--problems").stdout == ""
    assert json.loads(index(corpus, "--problems", "--json").stdout) == []


def test_problems_on_a_corpus_never_indexed_builds_first(corpus):
    listed = index(corpus, "--problems")
    assert listed.stdout.splitlines() == [f"{corpus / 'ledger' / 'draft.md'}:1: {UNCLOSED}"]
    assert "0 files added" not in listed.stdout


def test_check_json_says_the_index_is_sound(corpus):
    index(corpus)
    checked = index_json(corpus, "--check")
    assert checked["sound"] is True and checked["files_checked"] > 0


def test_check_refuses_problems_or_rebuild(corpus):
    result = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--check", "--problems"])
    assert result.exit_code == 2
    assert "--check changes nothing" in result.stderr
