"""`civicreader index`, `search` and `show` as a user runs them, and a writer killed mid-build."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from civicreader.cli import main
from civicreader.index import Library
from civicreader.paths import sample_corpus
from tests.conftest import ENGINES, SEEDS, needs_shared
from tests.index_corpus import POSTS, write_corpus, write_post


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def search_json(corpus: Path, *query: str, index: Path | None = None) -> dict:
    extra = ["--index", str(index)] if index else []
    result = run("search", *query, "--corpus", str(corpus), *extra, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_index_builds_then_updates_only_what_changed(corpus, tmp_path):
    index = tmp_path / "index"
    first = run("index", "--corpus", str(corpus), "--index", str(index))
    assert first.exit_code == 0
    assert f"{len(POSTS)} posts indexed" in first.stdout
    assert f"{len(POSTS)} files added" in first.stdout
    (corpus / "ledger" / "review.txt").unlink()
    second = run("index", "--corpus", str(corpus), "--index", str(index))
    assert "0 files added, 0 changed, 1 removed" in second.stdout
    assert f"{len(POSTS) - 1} posts indexed" in second.stdout


def test_search_indexes_first_when_there_is_no_index(corpus):
    data = search_json(corpus, "localism")
    assert data["total"] == 3
    assert {hit["title"] for hit in data["hits"]} == {POSTS[n]["title"] for n in ("review", "compact", "localism")}
    assert set(data["facets"]) == {"year", "blog", "category"}
    assert Library(corpus).exists()


def test_search_follows_a_changed_corpus_without_an_explicit_index_run(corpus):
    assert search_json(corpus, "quango")["total"] == 0
    changed = dict(POSTS["wards"], body=["A quango took over the wards."])
    write_post(corpus, name="wards", **changed)
    assert search_json(corpus, "quango")["total"] == 1


def test_search_accepts_unquoted_words_and_minus_terms(corpus):
    data = search_json(corpus, "localism", "-compact")
    assert data["total"] == 2


def test_search_options_sort_and_limit(corpus):
    data = search_json(corpus, "localism OR bureaucracy")
    result = run("search", "localism OR bureaucracy", "--corpus", str(corpus), "--json", "--sort", "date",
                 "--limit", "2")
    limited = json.loads(result.stdout)
    assert limited["total"] == data["total"] == 5
    assert [hit["date"] for hit in limited["hits"]] == ["2013-12-08", "2012-01-05"]


def test_search_prints_readable_hits_with_a_suggestion(corpus):
    result = run("search", "bureacracy", "--corpus", str(corpus))
    assert result.exit_code == 0
    assert "0 posts match" in result.stdout
    assert "did you mean: bureaucracy" in result.stdout
    found = run("search", "spreadsheet", "--corpus", str(corpus))
    assert POSTS["grants"]["title"] in found.stdout
    assert "in a comment by Owen Ashdown" in found.stdout



def test_search_names_the_word_that_matched_nothing(corpus):
    result = run("search", "spreadsheet", "qwzxv", "--corpus", str(corpus))
    assert result.exit_code == 0
    assert "0 posts match" in result.stdout
    assert "no post has 'qwzxv'; 1 post has all the others" in result.stdout
    assert "spreadsheet'" not in result.stdout.split("no post has", 1)[1]
    found = json.loads(run("search", "spreadsheet", "qwzxv", "--json", "--corpus", str(corpus)).stdout)
    assert (found["unmatched"], found["others_matched"]) == (["qwzxv"], 1)


@pytest.mark.parametrize(
    "query", ['"unbalanced', "date:[2011 to", "title:", "(((", "date:>9999", "date:<0001", "date:{9999 to}",
              "date:[to 0001-01-01}", "date:>=0000"]
)
def test_a_malformed_query_is_one_line_on_stderr(corpus, query):
    result = run("search", query, "--corpus", str(corpus))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "bad query" in line]
    assert len(lines) == 1
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_show_prints_the_post_with_its_thread(corpus):
    post_id = search_json(corpus, "spreadsheet")["hits"][0]["id"]
    result = run("show", post_id, "--corpus", str(corpus))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == POSTS["grants"]["title"]
    martha = next(i for i, line in enumerate(lines) if line.strip().startswith("#1 Martha Quill"))
    owen = next(i for i, line in enumerate(lines) if line.strip().startswith("#2 Owen Ashdown"))
    assert martha < owen
    # the reply sits deeper than the comment it answers
    indent = lambda line: len(line) - len(line.lstrip())  # noqa: E731
    assert indent(lines[owen]) > indent(lines[martha])


def test_show_marks_a_comment_date_whose_year_was_inferred(tmp_path):
    # The community transport post's comments give day and month only; their year comes from the post.
    result = run("show", "2f60a55737f4", "--corpus", str(sample_corpus()), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0, result.output
    sarah = next(line for line in result.stdout.splitlines() if "Sarah Lund" in line)
    assert sarah.strip().endswith("(year inferred)")


def test_show_json_is_the_post_as_parse_gives_it(corpus):
    parsed = {post["id"]: post for post in json.loads(run("parse", str(corpus), "--json").stdout)}
    post_id = search_json(corpus, "compact")["hits"][0]["id"]
    shown = json.loads(run("show", post_id, "--corpus", str(corpus), "--json").stdout)
    assert shown == parsed[post_id]


def test_show_an_unknown_id(corpus):
    result = run("show", "000000000000", "--corpus", str(corpus))
    assert result.exit_code == 1
    assert "no post with id" in result.stderr


def test_a_missing_corpus_is_one_line(tmp_path):
    result = run("search", "x", "--corpus", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "no corpus folder" in result.stderr


@needs_shared(SEEDS)
@pytest.mark.parametrize(
    ("query", "title_word"),
    [
        ("commissioners", "missing conversation"),
        ('"big society" women', "where are the women"),
        ("commenter:taylor", "missing conversation"),
        ("date:[2010-12-01 to 2010-12-31] whizzy", "whizzy"),
        ("bureacracy~", "bureaucracy"),
    ],
)
def test_questions_about_the_seed_pages(query, title_word):
    data = search_json(SEEDS, query)
    assert any(title_word in hit["title"].lower() for hit in data["hits"]), data


@needs_shared(SEEDS)
def test_a_misspelling_in_the_seeds_gets_its_suggestion():
    assert search_json(SEEDS, "bureacracy")["suggestion"] == "bureaucracy"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_a_writer_killed_mid_build_leaves_the_last_good_index(tmp_path, engine):
    corpus = write_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    assert run("index", "--corpus", str(corpus), "--index", str(index), "--engine", engine).exit_code == 0
    paragraph = " ".join(f"filler{n} text about the annual budget round" for n in range(15))
    for number in range(300):
        write_post(corpus, "bulk", f"bulk-{number}", f"Bulk post number {number}", POSTS["grants"]["when"],
                   [paragraph, f"marker{number} appears once"])
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    writer = subprocess.Popen(
        [sys.executable, "-m", "civicreader", "index", "--corpus", str(corpus), "--index", str(index)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )
    try:
        for line in writer.stderr:
            if line.startswith("indexing posts: ") and "/" in line:
                break
        else:
            pytest.fail("the writer finished without reaching the indexing phase")
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.wait(30)
    assert writer.returncode == -signal.SIGKILL

    survivor = Library(corpus, index)
    assert survivor.exists()
    assert survivor.search("localism").total == 3
    assert survivor.search("marker5").total == 0
    assert survivor.blogs() == {"ledger": 4, "wards": 1}
    survivor.close()

    again = run("index", "--corpus", str(corpus), "--index", str(index))
    assert again.exit_code == 0
    assert f"{len(POSTS) + 300} posts indexed" in again.stdout
    assert search_json(corpus, "marker299", index=index)["total"] == 1


def test_an_index_kept_inside_its_corpus_is_never_read_as_corpus(corpus):
    where = ["--corpus", str(corpus), "--index", str(corpus / "the-index")]
    first = run("index", *where)
    assert first.exit_code == 0 and first.stderr.count("civicreader:") == 0, first.stderr
    again = run("index", *where)
    assert "0 files added, 0 changed, 0 removed" in again.stdout
    assert again.stderr.count("civicreader:") == 0, again.stderr
    searched = run("search", "spreadsheet", *where)
    assert searched.exit_code == 0 and "reading files" not in searched.stderr  # no update: nothing changed


def test_a_folder_tagged_as_a_cache_is_not_corpus(corpus, tmp_path):
    from civicreader.ingest import CACHE_TAG, CACHE_TAG_SIGNATURE

    before = json.loads(run("parse", str(corpus), "--json").stdout)
    cache = corpus / "ledger" / "thumbnails"
    cache.mkdir()
    (cache / CACHE_TAG).write_bytes(CACHE_TAG_SIGNATURE + b"\n# made by some tool\n")
    (cache / "not-a-post.txt").write_text("Posted on March 3, 2011 by Nobody\n\nCached words.\n", encoding="utf-8")
    after = run("parse", str(corpus), "--json")
    assert json.loads(after.stdout) == before and after.stderr == ""
