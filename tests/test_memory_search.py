"""`is:unread`, `is:read`, `is:bookmarked`, `has:note` and `note:` in a query, answered from the reader's memory."""

from __future__ import annotations

import pytest

from civicreader.index import Library
from civicreader.memory import MemoryConditions, open_memory, split_memory_terms
from civicreader.memory_search import search_remembering
from tests.index_corpus import POSTS, write_corpus


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    corpus = write_corpus(tmp_path_factory.mktemp("corpus"))
    library = Library(corpus, tmp_path_factory.mktemp("index"))
    library.update()
    yield library
    library.close()


@pytest.fixture
def ids(library):
    """Post id by POSTS key."""
    found = {hit.title: hit.id for hit in library.search("", limit=100).hits}
    return {name: found[post["title"]] for name, post in POSTS.items()}


def titles(results) -> set[str]:
    return {hit.title for hit in results.hits}


def test_the_memory_words_leave_the_query_and_say_what_they_ask():
    rest, conditions = split_memory_terms('grants IS:unread -has:note note:"who said" title:x')
    assert rest == "grants title:x"
    assert conditions == MemoryConditions(wanted=("unread", "note:who said"), unwanted=("note",))
    assert split_memory_terms("thesis:read") == ("thesis:read", MemoryConditions())


def test_read_unread_bookmarked_and_noted_posts_are_found(library, ids, tmp_path):
    memory = open_memory(tmp_path / "m.sqlite")
    memory.mark_read([ids["grants"], ids["review"]])
    memory.set_bookmark(ids["review"], True)
    memory.set_note(ids["grants"], "Compare with the lottery rules", paragraph=1)
    every = {post["title"] for post in POSTS.values()}

    def found(query: str) -> set[str]:
        return titles(search_remembering(library, query, memory, limit=100))

    read = {POSTS["grants"]["title"], POSTS["review"]["title"]}
    assert found("is:read") == read
    assert found("is:unread") == every - read
    assert found("-is:unread") == read
    assert found("is:bookmarked") == {POSTS["review"]["title"]}
    assert found("has:note") == {POSTS["grants"]["title"]}
    assert found("note:lottery") == {POSTS["grants"]["title"]}
    assert found("note:absent") == set()
    assert found("-has:note is:read") == {POSTS["review"]["title"]}
    # The index's own words still narrow: the read post about grants, not the review.
    assert POSTS["grants"]["title"] in titles(library.search("charity", limit=100))
    assert found("charity is:read") == {POSTS["grants"]["title"]}
    assert found("is:unread -is:bookmarked") == every - read


def test_a_query_is_said_back_as_typed_and_a_suggestion_keeps_the_memory_words(library, tmp_path):
    memory = open_memory(tmp_path / "m.sqlite")
    results = search_remembering(library, 'charaty is:unread -note:"two words"', memory, limit=5)
    assert results.query == 'charaty is:unread -note:"two words"'
    assert results.suggestion == 'charity is:unread -note:"two words"'
    assert search_remembering(library, "charity is:unread", memory, limit=5).suggestion is None
