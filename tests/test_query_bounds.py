"""Every query a user can type or paste costs bounded work, says what it left out, and can be cancelled.

Did-you-mean built about 54·n strings of n characters for a word of n: 5,000 characters took 11.6 s
and 1.4 GB. The timings per class are in bench/hostile_queries.py; here, what each bound does.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from click.testing import CliRunner

from civicreader.cli import main
from civicreader.index import (
    MAX_EXPANDED_TERMS,
    MAX_PHRASE_WORDS,
    MAX_QUERY_TERMS,
    MAX_WORD_CHARS,
    Library,
    SearchCancelled,
)
from tests.index_corpus import POSTS, write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def library(corpus, tmp_path_factory):
    library = Library(corpus, tmp_path_factory.mktemp("index"))
    library.update()
    yield library
    library.close()


class WordsLookedUp:
    """The vocabulary's `near`, counted: each call is one correction or fuzzy expansion tried."""

    def __init__(self, library: Library, monkeypatch) -> None:
        vocabulary = library._words()
        self.words: list[str] = []
        real = vocabulary.near

        def near(word: str, max_edits: int = 1):
            self.words.append(word)
            return real(word, max_edits)

        monkeypatch.setattr(vocabulary, "near", near)


def test_a_word_longer_than_any_known_word_is_neither_corrected_nor_expanded(library, monkeypatch):
    looked_up = WordsLookedUp(library, monkeypatch)
    long_word = "bureaucracy" * (2 * MAX_WORD_CHARS)
    for query in (long_word, f"title:{long_word}", f"{long_word}~2", f"{long_word}*"):
        results = library.search(query)
        assert results.total == 0 and results.suggestion is None
        assert any(f"longer than {MAX_WORD_CHARS} characters" in note for note in results.notes), query
    assert looked_up.words == []
    # A word of a sane length still gets its suggestion.
    assert library.search("bureacracy").suggestion == "bureaucracy"


def test_only_the_first_fuzzy_terms_are_expanded_and_the_note_says_so(library, monkeypatch):
    looked_up = WordsLookedUp(library, monkeypatch)
    others = [f"quorum{chr(97 + number % 26)}{chr(97 + number // 26)}~2" for number in range(300)]
    results = library.search(" OR ".join(["bureacracy~2", *others]))
    assert POSTS["grants"]["title"] in {hit.title for hit in results.hits}
    assert len(looked_up.words) <= MAX_EXPANDED_TERMS
    assert any(f"first {MAX_EXPANDED_TERMS}" in note and "~" in note for note in results.notes)


def test_a_query_of_thousands_of_words_is_searched_by_its_first_ones(library):
    many = " OR ".join(["spreadsheet"] + [f"zz{number}word" for number in range(2_000)])
    results = library.search(many)
    assert {hit.title for hit in results.hits} == {POSTS["grants"]["title"]}
    assert len(results.terms) <= MAX_QUERY_TERMS
    assert any(f"first {MAX_QUERY_TERMS} words" in note for note in results.notes)


def test_a_phrase_of_thousands_of_words_is_searched_by_its_first_ones(library):
    phrase = '"' + " ".join(["small grants monitoring"] * 700) + '"'
    results = library.search(phrase)
    assert results.total == 0  # the words are there, never in that order
    assert any(f"first {MAX_PHRASE_WORDS} words" in note for note in results.notes)


def test_a_query_that_needs_no_note_has_none(library):
    assert library.search("localism compact").notes == ()


def test_the_cli_prints_the_note_and_json_carries_it(corpus, tmp_path):
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    long_word = "x" * (MAX_WORD_CHARS + 1)
    shown = CliRunner().invoke(main, ["search", long_word, *where], catch_exceptions=False)
    assert shown.exit_code == 0
    assert f"longer than {MAX_WORD_CHARS} characters" in shown.output
    as_json = CliRunner().invoke(main, ["search", long_word, "--json", *where], catch_exceptions=False)
    assert "longer than" in " ".join(__import__("json").loads(as_json.stdout)["notes"])


class SetAfter(threading.Event):
    """An event that is set once it has been looked at `checks` times: cancelled mid-search."""

    def __init__(self, checks: int) -> None:
        super().__init__()
        self.checks = checks

    def is_set(self) -> bool:
        self.checks -= 1
        return self.checks < 0 or super().is_set()


def test_a_search_stops_when_cancelled_part_way(library):
    query = " ".join(f"(localism OR compact OR wards OR grants{number})" for number in range(20))
    library.search(query)  # not cancelled: it runs to its end
    with pytest.raises(SearchCancelled):
        library.search(query, cancel=SetAfter(3))
    assert library.search("localism").total == 3  # the library is still usable


def test_the_apps_search_is_cancelled_by_the_next_one(tmp_path, monkeypatch):
    import asyncio

    from textual import events
    from textual.worker import WorkerCancelled

    from civicreader.ui.search_bar import SearchBar
    from tests.pilot import ready_app
    from tests.test_ui import index_corpus

    async def settle_past_cancelled(pilot) -> None:
        for _ in range(3):
            with contextlib.suppress(WorkerCancelled):  # the replaced search: what this test is about
                await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    built = index_corpus(tmp_path)
    real_search = Library.search
    seen: list[tuple[str, threading.Event | None]] = []

    def search(self, query, **options):
        seen.append((query, options.get("cancel")))
        if query == "allotment" and options.get("cancel") is not None:  # as slow as a search can be
            assert options["cancel"].wait(30), "the first search was never cancelled"
        return real_search(self, query, **options)

    monkeypatch.setattr(Library, "search", search)

    async def scenario() -> None:
        async with ready_app(built, size=(100, 30)) as (app, pilot):
            await pilot.press("slash")
            app.post_message(events.Paste("allotment"))
            await pilot.pause(0.3)
            app.post_message(events.Paste(" marrow"))
            await settle_past_cancelled(pilot)
            assert [query for query, _ in seen][-2:] == ["allotment", "allotment marrow"]
            assert seen[-2][1].is_set() and not seen[-1][1].is_set()
            assert not [worker.error for worker in app.workers if worker.error]
            assert "1 post matches" in str(app.screen.query_one(SearchBar).query_one("#search-status").render())

    asyncio.run(scenario())


def test_the_app_says_what_a_search_left_out(tmp_path):
    import asyncio

    from civicreader.ui.search_bar import SearchBar
    from tests.pilot import ready_app, search_for
    from tests.test_ui import index_corpus

    built = index_corpus(tmp_path)

    async def scenario() -> None:
        async with ready_app(built, size=(160, 30)) as (app, pilot):
            await search_for(pilot, "allotment " + "q" * 5_000)
            status = str(app.screen.query_one(SearchBar).query_one("#search-status").render())
            assert "0 posts match" in status and f"longer than {MAX_WORD_CHARS} characters" in status

    asyncio.run(scenario())
