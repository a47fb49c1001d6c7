"""Tantivy evaluates a whole search itself (tantivy_search.py): it must find what the Library's own evaluation
finds over Whoosh, query kind by query kind: the same total, the same posts, the same facets, the same order
where the order is by date or thread length."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.index import IndexDamaged, Library, QueryError, ranking
from tests.index_corpus import write_corpus

QUERIES = [
    "compact", "localism", "charity charities", "small grants", "council OR chancellor", "localism -compact",
    "NOT localism", '"big society"', '"society big"', '"big society"~3', "library tuesdays", "Quill",
    "commenter:quill", "commenter:quill library", 'commenter:"martha quill"', "author:ben", "author:be*",
    "category:funding", 'category:"small charities"', "tag:forms", "blog:ledger", "title:localism",
    "comment:library body:volunteers", "date:2011", "localism date:2012", "date:[2011-03-01 to 2011-03-31]",
    "date:>2011", "date:<2011-03-10", "comments:>=1", "comments:0", "comments:[1 to 1] localism",
    "locali*", "comissioner~", "spreadsheet OR (trustees AND lottery)", "(localism OR compact) -council",
    "quarterly outputs", "zzzz", "localism zzzz", "date:2011 OR comments:>=2", "title:localism^2 compact",
]


@pytest.fixture(scope="module")
def libraries(tmp_path_factory):
    corpus = write_corpus(tmp_path_factory.mktemp("corpus"))
    found = {}
    for engine in ("whoosh", "tantivy"):
        library = Library(corpus, tmp_path_factory.mktemp(engine), engine=engine)
        library.update()
        found[engine] = library
    yield found
    for library in found.values():
        library.close()


def outcome(library: Library, query: str, **asked):
    try:
        results = library.search(query, limit=100, **asked)
    except QueryError as error:
        return str(error)
    return results.total, {hit.id for hit in results.hits}, results.facets, results.unmatched, results.others_matched


@pytest.mark.parametrize("query", QUERIES)
def test_tantivy_finds_what_whoosh_finds(libraries, query):
    assert outcome(libraries["tantivy"], query) == outcome(libraries["whoosh"], query)


@pytest.mark.parametrize("filters", [{"year": "2011"}, {"blog": "ledger"}, {"category": "Funding"},
                                     {"year": "undated"}, {"year": "2011", "category": "Funding"}])
def test_facet_filters_narrow_alike(libraries, filters):
    for query in ("localism", "compact OR council", "", "NOT localism"):
        assert outcome(libraries["tantivy"], query, filters=filters) == outcome(
            libraries["whoosh"], query, filters=filters)


def test_posts_chosen_or_left_out_by_id_narrow_alike(libraries):
    every = [hit.id for hit in libraries["whoosh"].search("", limit=100).hits]
    some = set(every[: len(every) // 2])
    for engine in ("tantivy", "whoosh"):
        assert {hit.id for hit in libraries[engine].search("", limit=100, only_ids=some).hits} == some
        assert not {hit.id for hit in libraries[engine].search("", limit=100, without_ids=some).hits} & some
    assert libraries["tantivy"].search("localism", only_ids=set()).total == 0


@pytest.mark.parametrize("sort", ["date", "comments"])
def test_orders_by_date_and_by_thread_length_agree(libraries, sort):
    def order(engine: str) -> list:
        hits = libraries[engine].search("", sort=sort, limit=100).hits
        if sort == "date":
            return [hit.date for hit in hits]
        return [(len(hit.discussion) if hit.discussion else 0, hit.date) for hit in hits]

    assert order("tantivy") == order("whoosh")


def test_a_bare_date_query_lists_the_newest_first(libraries):
    hits = libraries["tantivy"].search("date:2011", limit=100).hits
    dates = [hit.date for hit in hits]
    assert dates and dates == sorted(dates, reverse=True)


def test_tantivy_ranks_without_the_librarys_term_score_evaluation(libraries, monkeypatch):
    def refuse(*_, **__):
        raise AssertionError("evaluated in Python")

    expected = outcome(libraries["whoosh"], "localism OR compact")
    monkeypatch.setattr(ranking._Evaluator, "scores", refuse)
    assert outcome(libraries["tantivy"], "localism OR compact") == expected
    with pytest.raises(IndexDamaged, match="evaluated in Python"):
        libraries["whoosh"].search("compact")


def test_pages_of_hits_follow_on(libraries):
    whole = [hit.id for hit in libraries["tantivy"].search("localism OR compact OR council", limit=100).hits]
    paged = [hit.id for offset in range(0, len(whole), 2)
             for hit in libraries["tantivy"].search("localism OR compact OR council", limit=2, offset=offset).hits]
    assert paged == whole


UPDATE_ONLY = (
    "sqlite3", "pickle", "uuid", "concurrent.futures", "civicreader.ingest", "civicreader.dedupe", "civicreader.people",
    "civicreader.index.update", "civicreader.index.parallel", "civicreader.index.page_cache",
    "civicreader.index.manifest_shards", "civicreader.index.people", "civicreader.index.whoosh_engine",
    "civicreader.discussion", "shutil",
)
"""What updating the index or listing people needs, and a search does not: importing them took about 20 of the 90 ms
of a new process's first search at 20,000 posts."""


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_a_new_process_searches_without_importing_the_update_machinery(libraries, engine):
    library = libraries[engine]
    script = (
        "import json, sys\n"
        "import civicreader.index\n"
        "imported = sorted(name for name in sys.modules if name.startswith('civicreader.index.'))\n"
        "from pathlib import Path\n"
        "from civicreader.index import Library\n"
        f"library = Library(Path({str(library.corpus)!r}), Path({str(library.index_dir)!r}))\n"
        "results = library.search('localism', limit=20)\n"
        "print(json.dumps([imported, results.total, results.hits[0].snippet, sorted(sys.modules)]))\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    package_alone, total, snippet, modules = json.loads(shown.stdout)
    assert package_alone == []  # the package imports a module only when one of its names is asked for
    assert (total, snippet) == (library.search("localism").total, library.search("localism").hits[0].snippet)
    loaded = [name for name in UPDATE_ONLY if name in modules]
    if engine == "whoosh":  # what Whoosh itself imports, and our side of it
        assert loaded == ["pickle", "concurrent.futures", "civicreader.index.whoosh_engine", "shutil"]
    else:
        assert loaded == []
    if engine == "tantivy":  # of Whoosh, only its stemmer
        assert [name for name in modules if name.startswith("whoosh")] == ["whoosh", "whoosh.lang",
                                                                            "whoosh.lang.porter"]


WORDS = ["localism", "compact", "council", "library", "society", "big", "quill", "forms", "volunteers",
         "charity", "outcomes", "treasury", "zzzz", "the"]
FIELDS = ["", "", "", "title:", "body:", "comment:", "commenter:", "category:", "tag:"]
word = st.builds(lambda field, text, suffix: field + text + suffix, st.sampled_from(FIELDS), st.sampled_from(WORDS),
                 st.sampled_from(["", "", "*", "~"]))
# No phrases here: tantivy counts the stop words between a phrase's words and Whoosh does not (README: "Engines"),
# so "council localism" finds "council will not. Localism" on Whoosh only; QUERIES holds phrases that agree.
term = st.one_of(word, st.sampled_from(["date:2011", "date:>2011-06", "comments:>=1", "comments:0"]))
query = st.recursive(term, lambda inner: st.one_of(
    st.builds(lambda a, b: f"{a} {b}", inner, inner),
    st.builds(lambda a, b: f"({a} OR {b})", inner, inner),
    st.builds(lambda a, b: f"{a} -{b}", inner, inner),
    st.builds(lambda a: f"NOT {a}", inner),
), max_leaves=5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query)
def test_any_query_finds_the_same_posts_on_both_engines(libraries, text):
    assert outcome(libraries["tantivy"], text) == outcome(libraries["whoosh"], text)
