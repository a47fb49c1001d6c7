"""`civicreader export` as a user runs it: one post by id, or every post a search finds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from civicreader.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    for site in ("jekyll-site", "webmentions", "wp-comments"):
        shutil.copytree(FIXTURES / site, folder / site)
    return folder


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def posts_in(corpus: Path) -> dict[str, dict]:
    result = run("parse", str(corpus), "--json")
    assert result.exit_code == 0, result.output
    return {post["title"]: post for post in json.loads(result.stdout)}


def test_export_by_id_writes_a_file_that_parses_back_to_the_same_post(corpus, tmp_path):
    original = posts_in(corpus)["Reading room hours & the winter timetable"]
    out = tmp_path / "notes"
    index = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    result = run("export", original["id"], *index, "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert written == {
        "id": original["id"],
        "path": str(out.resolve() / "2012-03-14-reading-room-hours-the-winter-timetable.md"),
    }
    shown = run("show", original["id"], *index, "--json")
    back = run("parse", written["path"], "--json")
    assert json.loads(back.stdout) == [json.loads(shown.stdout)]
    assert json.loads(back.stdout)[0]["comments"][0]["replies"][0]["author"] == "Mira Holt"

    again = run("export", original["id"], *index, "--out", str(out))
    assert again.exit_code == 1
    assert again.stderr.count("\n") == 1 and "already exists" in again.stderr and "--force" in again.stderr
    forced = run("export", original["id"], *index, "--out", str(out), "--force")
    assert forced.exit_code == 0 and forced.stdout.strip() == written["path"]


def test_export_defaults_to_the_current_folder(corpus, tmp_path, monkeypatch):
    post_id = posts_in(corpus)["The quiet carriage"]["id"]
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = run("export", post_id, "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0, result.output
    assert [path.name for path in here.iterdir()] == ["2010-09-30-the-quiet-carriage.md"]


def test_export_follows_the_settings_file(corpus, tmp_path, monkeypatch):
    from civicreader.config import Config, save_config

    post_id = posts_in(corpus)["The quiet carriage"]["id"]
    save_config(Config(export_dir=tmp_path / "from-settings"))
    monkeypatch.chdir(tmp_path)
    result = run("export", post_id, "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()) == tmp_path / "from-settings" / "2010-09-30-the-quiet-carriage.md"


def test_unknown_id_is_one_line_and_non_zero(corpus, tmp_path):
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert run("index", *where).exit_code == 0
    result = run("export", "ffffffffffff", *where)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no post with id 'ffffffffffff'" in result.stderr


def test_export_query_writes_every_match(corpus, tmp_path):
    out = tmp_path / "batch"
    args = ["--corpus", str(corpus), "--index", str(tmp_path / "index"), "--out", str(out), "--json"]
    result = run("export", "--query", "quiet OR lamp", *args)
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert sorted(Path(item["path"]).name for item in written) == [
        "2010-09-30-the-quiet-carriage.md",
        "2012-11-05-who-looks-after-the-lamp-posts.md",
    ]
    titles = {post["title"] for path in out.iterdir() for post in json.loads(run("parse", str(path), "--json").stdout)}
    assert titles == {"The quiet carriage", "Who looks after the lamp posts?"}


@pytest.mark.parametrize("args", [[], ["abc", "--query", "x", "--out", "o"], ["--query", "x"]])
def test_id_or_query_is_required(args):
    result = run("export", *args)
    assert result.exit_code == 2
    assert "Error:" in result.output
