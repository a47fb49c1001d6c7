"""Our ranking against Whoosh's own: `Library.search` combines term score lists itself (for speed), so
it must find exactly the documents Whoosh's matchers find, scored as Whoosh's BM25F scores them.

The oracle is Whoosh run on the same compiled query, which reaches into the index module's internals:
that is the point of the comparison.
"""

from __future__ import annotations

import pytest

from civicreader.index import Library, _QueryCompiler
from civicreader.index.query_nodes import whoosh_query
from civicreader.paths import sample_corpus

QUERIES = [
    "library",
    "volunteers council",
    "volunteers OR council",
    "volunteers NOT council",
    "council -library",
    "(ward OR hospital) AND (driver OR drivers)",
    "title:library",
    "comment:thanks",
    "commenter:sowden",
    "author:okafor",
    "author:okaf*",
    "commenter:sow*",
    "category:commissioning",
    "blog:stacks",
    "volunt*",
    "commision~",
    "volunters~2",
    "library date:2011",
    "council date:[2011-03-01 to 2012-06-30]",
    "council date:>2012",
    "date:2012",
    "NOT council",
    "council OR (library NOT volunteers)",
]
PHRASES = ['"open day"', '"the library"', '"reading challenge"', '"summer challenge"~3']


@pytest.fixture(scope="module")
def library(sample_index):
    library = Library(sample_corpus(), sample_index)
    library.update()
    yield library
    library.close()


def whoosh_ranking(library: Library, query: str) -> dict[str, float]:
    from whoosh import index
    from whoosh.scoring import BM25F

    compiled = _QueryCompiler(library._words).compile(query)
    dates = None if compiled.date_filter is None else whoosh_query(compiled.date_filter)
    with index.open_dir(str(library._whoosh_dir)).searcher(weighting=BM25F()) as searcher:
        results = searcher.search(whoosh_query(compiled.query), limit=None, filter=dates)
        return {searcher.stored_fields(docnum)["id"]: score for score, docnum in results.top_n}


def our_ranking(library: Library, query: str) -> dict[str, float]:
    results = library.search(query, limit=10_000)
    assert results.total == len(results.hits)
    return {hit.id: hit.score for hit in results.hits}


@pytest.mark.parametrize("query", QUERIES)
def test_same_matches_and_scores_as_whoosh(library, query):
    expected = whoosh_ranking(library, query)
    found = our_ranking(library, query)
    assert found.keys() == expected.keys()
    if "NOT" not in query and " -" not in query and not query.startswith("date:"):
        # Whoosh adds a constant for a NOT inside an AND and scores a date alone as one: order is all that counts.
        assert found == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("query", PHRASES)
def test_phrases_find_what_whoosh_finds(library, query):
    expected = whoosh_ranking(library, query)
    assert expected, "the phrase is in the sample corpus"
    assert our_ranking(library, query).keys() == expected.keys()


def test_most_queries_find_something(library):
    assert sum(bool(whoosh_ranking(library, query)) for query in QUERIES) >= len(QUERIES) - 1
