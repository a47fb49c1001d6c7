"""Choosing the search engine: per index, remembered, switched; where tantivy differs from Whoosh; a missing extra."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from civicreader.cli import main
from civicreader.config import config_path
from civicreader.index import Library
from civicreader.index.tantivy_engine import INSTALL_HINT
from tests.index_corpus import POSTS, write_corpus, write_post


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def total(corpus: Path, index: Path, query: str) -> int:
    result = run("search", query, "--corpus", str(corpus), "--index", str(index), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["total"]


def test_an_index_remembers_its_engine_and_another_engine_rebuilds_it(corpus, tmp_path):
    index = tmp_path / "index"
    assert run("index", "--corpus", str(corpus), "--index", str(index), "--engine", "tantivy").exit_code == 0
    assert (index / "tantivy").is_dir() and not (index / "whoosh").exists()
    whoosh_total = total(corpus, index, "localism")
    again = run("index", "--corpus", str(corpus), "--index", str(index))
    assert "made by" not in again.output and (index / "tantivy").is_dir()
    switched = run("index", "--corpus", str(corpus), "--index", str(index), "--engine", "whoosh")
    assert "made by tantivy, not whoosh: rebuilt it from the corpus" in switched.output
    assert (index / "whoosh").is_dir() and not (index / "tantivy").exists()
    assert total(corpus, index, "localism") == whoosh_total == 3


def test_the_settings_choose_the_engine_of_a_new_index(corpus, tmp_path):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('engine = "tantivy"\n', encoding="utf-8")
    index = tmp_path / "index"
    assert total(corpus, index, "localism") == 3  # indexed first, with the settings' engine
    assert (index / "tantivy").is_dir()


def test_a_missing_tantivy_says_how_to_install_it_in_one_line(corpus, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tantivy", None)  # what an install without the extra has
    result = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "i"),
                                       "--engine", "tantivy"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "civicreader: the tantivy engine needs its extra: pip install 'civicreader[tantivy]'"
    ]


def test_searching_a_tantivy_index_without_the_extra_says_how_to_install_it(corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    assert run("index", "--corpus", str(corpus), "--index", str(index), "--engine", "tantivy").exit_code == 0
    monkeypatch.setitem(sys.modules, "tantivy", None)
    result = CliRunner().invoke(main, ["search", "localism", "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 1
    assert result.output.strip() == f"civicreader: {INSTALL_HINT}"


def test_a_tantivy_phrase_counts_the_stop_words_between_its_words(corpus, tmp_path):
    write_post(corpus, "ledger", "gaps", "Gaps", POSTS["grants"]["when"], ["the summer of the challenge began"])
    libraries = {engine: Library(corpus, tmp_path / engine, engine=engine) for engine in ("whoosh", "tantivy")}
    for library in libraries.values():
        library.update()
    # Whoosh numbers only the words it keeps, so the stop words between do not count; tantivy counts them.
    assert libraries["whoosh"].search('"summer challenge"').total == 1
    assert libraries["tantivy"].search('"summer challenge"').total == 0
    assert libraries["tantivy"].search('"summer challenge"~3').total == 1
    for library in libraries.values():
        library.close()


def test_a_tantivy_update_replaces_a_changed_post_and_keeps_one_generation(corpus, tmp_path):
    library = Library(corpus, tmp_path / "index", engine="tantivy")
    library.update()
    write_post(corpus, "ledger", "review", POSTS["review"]["title"], POSTS["review"]["when"], ["zeppelins only"])
    report = Library(corpus, library.index_dir).update()
    assert report.posts_written == 1
    assert library.search("zeppelin").total == 1
    assert len(list((library.index_dir / "tantivy").iterdir())) == 1  # the older generation is gone
    assert library.check() > 0
    library.close()


WORDS_OF_MANY_KINDS = [
    "हिन्दी भाषा में लेख",  # marks inside words: Python's \w and Rust's disagree on them
    "Add ½ cup of flour, e.g. at 3.5 kg per snake_case batch from www.example.org.",
    "ΟΔΟΣ ΠΑΤΗΣΙΩΝ and İstanbul, naïve café, the Ⅻ chapter.",
]


@pytest.mark.parametrize("query", ["हिन्दी", "भाषा", "लेख", "½", "cup", "e.g", "3.5", "snake_case", "snake",
                                   "www.example.org", "example", "οδος", "πατησιων", "naïve", "café", "ⅻ",
                                   '"naïve café"', "istanbul", "flour~"])
def test_tantivy_reads_the_words_of_any_script_as_whoosh_does(corpus, tmp_path, query):
    write_post(corpus, "ledger", "scripts", "Words of many kinds", POSTS["grants"]["when"], WORDS_OF_MANY_KINDS)
    totals = {}
    for engine in ("whoosh", "tantivy"):
        library = Library(corpus, tmp_path / engine, engine=engine)
        library.update()
        totals[engine] = library.search(query).total
        library.close()
    assert totals["tantivy"] == totals["whoosh"]


def test_a_new_tantivy_index_counts_the_word_list_an_update_keeps(corpus, tmp_path):
    """Tantivy counts a new index's word list itself; updates adjust it from the posts, as Whoosh's always is."""
    write_post(corpus, "ledger", "scripts", "Words of many kinds", POSTS["grants"]["when"], WORDS_OF_MANY_KINDS)
    lists = {}
    for engine in ("whoosh", "tantivy"):
        library = Library(corpus, tmp_path / engine, engine=engine)
        library.update()
        lists[engine] = library._load_words()
    assert lists["tantivy"] == lists["whoosh"]
    assert lists["tantivy"]["localism"] == 3 and "naïve" in lists["tantivy"] and "the" in lists["tantivy"]

    write_post(corpus, "ledger", "review", POSTS["review"]["title"], POSTS["review"]["when"], ["zeppelins only"])
    updated = Library(corpus, tmp_path / "tantivy")
    assert updated.update().posts_written == 1
    rebuilt = Library(corpus, tmp_path / "rebuilt", engine="tantivy")
    rebuilt.update()
    assert updated._load_words() == rebuilt._load_words()
    assert "zeppelins" in rebuilt._load_words() and "chancellor" not in rebuilt._load_words()
