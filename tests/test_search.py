"""The query language, ranking, snippets, facets and did-you-mean, through `Library.search`."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.index import Library, QueryError
from tests.conftest import ENGINES
from tests.index_corpus import POSTS, comment, write_corpus, write_post


@pytest.fixture(scope="module", params=ENGINES)
def library(request, tmp_path_factory):
    corpus = write_corpus(tmp_path_factory.mktemp("corpus"))
    library = Library(corpus, tmp_path_factory.mktemp("index"), engine=request.param)
    library.update()
    yield library
    library.close()


def titles(results) -> set[str]:
    return {hit.title for hit in results.hits}


def title_of(*names: str) -> set[str]:
    return {POSTS[name]["title"] for name in names}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("localism", {"review", "compact", "localism"}),
        ("localism compact", {"compact"}),
        ("compact OR wards", {"compact", "wards"}),
        ("localism NOT compact", {"review", "localism"}),
        ("localism -compact", {"review", "localism"}),
        ('"big society"', {"review"}),
        ("big society", {"review", "localism"}),
        ("volunt*", {"review", "localism"}),
        ("commissioner", {"grants", "compact"}),
        ("commissioners", {"grants", "compact"}),
        ("bureacracy~", {"grants", "wards"}),
        ("title:compact", {"compact"}),
        ("body:compact", {"compact"}),
        ("comment:tuesdays", {"localism"}),
        ("tuesdays", {"localism"}),
        ("author:sample", {"compact", "localism"}),
        ('author:"ben sample"', {"compact", "localism"}),
        ("commenter:quill", {"grants", "localism"}),
        ("category:funding", {"grants", "compact"}),
        ('category:"small charities"', {"grants"}),
        ("tag:libraries", {"localism"}),
        ("blog:wards", {"wards"}),
        ("date:2011", {"grants", "compact"}),
        ("date:2011-03", {"grants", "compact"}),
        ("date:2011-03-14", {"grants"}),
        ("date:[2011-03-01 to 2011-03-10]", {"compact"}),
        ("date:[2010-01-01 TO 2011-03-02]", {"review", "compact"}),
        ("date:>2011", {"localism", "wards"}),
        ("date:>=2012-01-05", {"localism", "wards"}),
        ("date:<2011", {"review"}),
        ("localism date:2012", {"localism"}),
        ("(compact OR localism) -date:2012", {"review", "compact"}),
    ],
)
def test_query_language_finds_exactly_the_right_posts(library, query, expected):
    results = library.search(query, limit=50)
    assert titles(results) == title_of(*expected)
    assert results.total == len(expected)


def test_a_hyphenated_word_is_not_a_negation(library):
    # "four-week" must search both words, not exclude "week"
    assert titles(library.search("four-week")) == title_of("wards")


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ('"unbalanced', "quote"),
        ("date:[2011 to", "bracket"),
        ("title:", "title:"),
        ("(((", "parenthesis"),
        ("date:2011-13", "date"),
        ("date:yesterday", "date"),
        ("colour:red", "unknown field"),
        ("date:[2011 to 2012] )", "parenthesis"),
    ],
)
def test_malformed_queries_get_a_one_line_message(library, query, fragment):
    with pytest.raises(QueryError) as caught:
        library.search(query)
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message


QUERY_ALPHABET = st.sampled_from(
    ['"', "(", ")", "[", "]", "{", "}", ":", "*", "~", "-", "+", "^", " ", "to", "OR", "AND", "NOT", "date",
     "title", "comment", "2011", "03", "compact", "x", "é", "\\", "/", ">", "<", "="]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(QUERY_ALPHABET, max_size=12).map("".join))
def test_any_query_gives_results_or_a_query_error_never_a_crash(library, query):
    try:
        results = library.search(query)
    except QueryError as error:
        assert "\n" not in str(error)
    else:
        assert results.total >= len(results.hits)


def test_titles_weigh_more_than_bodies(library):
    # "bureaucracy" is in the title of one post and in the body of another, once each
    results = library.search("bureaucracy")
    assert [hit.title for hit in results.hits] == [POSTS["grants"]["title"], POSTS["wards"]["title"]]


def test_total_and_facets_count_every_match_not_only_the_page_shown(library):
    results = library.search("localism OR bureaucracy", limit=1)
    assert len(results.hits) == 1
    assert results.total == 5
    assert results.facets["year"] == {"2010": 1, "2011": 2, "2012": 1, "2013": 1}
    assert results.facets["blog"] == {"ledger": 4, "wards": 1}
    assert results.facets["category"]["Funding"] == 2
    assert results.facets["category"]["Health"] == 1


def test_filters_narrow_like_facet_choices(library):
    everything = library.search("localism OR bureaucracy")
    in_2011 = library.search("localism OR bureaucracy", filters={"year": "2011"})
    assert titles(in_2011) == title_of("grants", "compact")
    assert library.search("localism OR bureaucracy", filters={"blog": "wards"}).total == 1
    funding = library.search("localism OR bureaucracy", filters={"category": "Funding", "year": "2011"})
    assert funding.total == 2 < everything.total


def test_offset_pages_through_the_same_ranking(library):
    everything = [hit.id for hit in library.search("localism OR bureaucracy", limit=10).hits]
    pages = [hit.id for offset in range(0, 5, 2) for hit in library.search(
        "localism OR bureaucracy", limit=2, offset=offset).hits]
    assert pages == everything


def test_sort_by_date_is_newest_first(library):
    results = library.search("localism OR bureaucracy", sort="date")
    dates = [hit.date for hit in results.hits]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == 5


def test_snippets_highlight_the_matched_words_and_say_where(library):
    results = library.search("spreadsheet trustees")
    [hit] = results.hits
    assert hit.matched_in == "comment"
    marked = {hit.snippet[start:end].lower() for start, end in hit.highlights}
    assert marked <= {"spreadsheet", "trustees"}
    assert hit.commenter in ("Martha Quill", "Owen Ashdown")
    assert "\n" not in hit.snippet


@pytest.mark.parametrize("query", ["outcomes", "commissioners", "spreadsheet", "chancellor", "localism"])
def test_a_snippet_is_one_line_with_single_spaces_and_its_marks_on_the_words(library, query):
    hits = library.search(query).hits
    assert hits
    for hit in hits:
        assert "\n" not in hit.snippet and "  " not in hit.snippet, hit.snippet
        assert hit.highlights
        for start, end in hit.highlights:
            assert hit.snippet[start:end].isalpha()
            assert hit.snippet[start:end].lower()[:5] == query[:5]


def test_a_stemmed_match_highlights_the_word_as_written(library):
    [hit, *_] = library.search("body:commissioner").hits
    assert hit.matched_in == "body"
    assert {hit.snippet[start:end] for start, end in hit.highlights} <= {"commissioners", "commissioner"}
    assert hit.highlights


def test_a_commenter_query_shows_that_commenters_words(library):
    [hit] = library.search("commenter:bloggs").hits
    assert (hit.matched_in, hit.commenter) == ("comment", "Joe Bloggs")
    assert hit.snippet.startswith("Volunteering")


def test_a_hit_that_matched_elsewhere_still_names_the_commenter_the_query_asked_for(library):
    # So the app opens the post with that person's comments to step through, as well as the title's words.
    [hit] = library.search("commenter:bloggs title:spending").hits
    assert (hit.matched_in, hit.commenter) == ("title", "Joe Bloggs")
    [hit] = library.search("title:spending").hits
    assert hit.commenter is None


def test_a_title_match_says_so(library):
    [hit] = library.search("title:winter").hits
    assert hit.matched_in == "title"
    assert [hit.snippet[start:end] for start, end in hit.highlights] == ["Winter"]


def test_misspelling_gets_a_suggestion_and_known_words_do_not(library):
    misspelt = library.search("bureacracy of care")
    assert misspelt.total == 0
    assert misspelt.suggestion == "bureaucracy of care"
    assert library.search("bureaucracy").suggestion is None
    # a word found only through stemming is known, not misspelt
    assert library.search("commissioner").suggestion is None


def test_fuzzy_terms_are_reported_for_highlighting(library):
    results = library.search("bureacracy~")
    assert "bureaucracy" in results.terms


def test_highlight_spans_match_with_stemming(library):
    text = "Two Commissioners met one commissioner; commission is different."
    spans = library.highlight_spans(text, ["commissioner"])
    assert [text[start:end] for start, end in spans] == ["Commissioners", "commissioner"]


def test_to_dict_has_the_json_shape(library):
    data = library.search("compact").to_dict()
    assert set(data) == {"query", "total", "hits", "facets", "suggestion", "notes", "unmatched",
                         "others_matched"}
    assert set(data["hits"][0]) == {"id", "title", "date", "blog", "score", "snippet", "highlights", "matched_in",
                                    "commenter", "date_inferred", "comment_count", "commenters", "thread_depth",
                                    "first_comment", "last_comment"}
    assert set(data["facets"]) == {"year", "blog", "category"}


def test_an_empty_query_lists_every_post(library):
    assert library.search("").total == len(POSTS)


def test_field_names_ignore_case_and_a_colon_before_a_space_is_punctuation(library):
    assert titles(library.search("Title:Compact")) == title_of("compact")
    assert titles(library.search("compact: still matters")) == title_of("compact")


@pytest.mark.parametrize("query", ["the", "NOT", "-", "OR", "a OR the", '""', "()", "~"])
def test_queries_of_only_stop_words_or_operators_find_nothing(library, query):
    assert library.search(query).total == 0


def test_a_dangling_operator_is_ignored(library):
    assert library.search("localism -").total == library.search("AND localism").total == 3


def test_a_comment_snippet_is_the_one_comment_with_most_matched_words(library):
    [hit] = library.search("(comment:spreadsheet OR comment:week OR comment:trustees) blog:ledger").hits
    assert hit.commenter == "Owen Ashdown"
    assert "trustees" not in hit.snippet
    assert {hit.snippet[start:end] for start, end in hit.highlights} == {"spreadsheet", "week"}


def test_total_is_exact_when_many_posts_match_an_or(tmp_path):
    # Whoosh's top-N collector drops documents that cannot reach the top N from OR branches, so a
    # total counted by it falls short once enough posts match; every one of these must be counted.
    corpus = tmp_path / "corpus"
    expected = set()
    for number in range(60):
        words = ["filler"] * (number % 7 + 1)
        if number % 3:
            words += ["alpha"] * (number % 5 + 1)
        if number % 4 == 0:
            words += ["beta"] * (number % 9 + 1)
        if "alpha" in words or "beta" in words:
            expected.add(f"Post number {number}")
        write_post(corpus, "many", f"p{number}", f"Post number {number}", date(2011, 1 + number % 12, 1 + number % 28),
                   [" ".join(words) + "."])
    library = Library(corpus, tmp_path / "index")
    library.update()
    for limit in (1, 5, 100):
        results = library.search("alpha OR beta", limit=limit)
        assert results.total == len(expected)
        assert sum(results.facets["year"].values()) == len(expected)
    assert {hit.title for hit in library.search("alpha OR beta", limit=100).hits} == expected


@pytest.mark.parametrize("query", ["", "date:2011", "date:>2010", "NOT nothing"])
def test_a_query_with_no_words_to_rank_lists_newest_first(tmp_path, query):
    corpus = tmp_path / "corpus"
    pages = {number: write_post(corpus, "dates", f"p{number}", f"Post {number}", date(2011, number, 1), ["Words."])
             for number in range(1, 7)}
    library = Library(corpus, tmp_path / "index")
    library.update()
    # Rewritten posts go to the end of the index, wherever their dates fall.
    for number in (6, 2, 4):
        pages[number].write_text(pages[number].read_text(encoding="utf-8").replace("Words.", "New words."),
                                 encoding="utf-8")
    library.update()
    dates = [hit.date for hit in library.search(query).hits]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == 6


@pytest.fixture(scope="module")
def namesakes(tmp_path_factory):
    """One thread where three people share a surname, the first of them commenting first."""
    corpus = tmp_path_factory.mktemp("namesakes")
    write_post(corpus, "parish", "hall", "Mending the village hall", date(2013, 6, 1),
               ["The fund is short by a third."],
               comments=[comment("Jane Bloggs", datetime(2013, 6, 2, 9, 0), "Hold a quiz night for the roof."),
                         comment("Fred Bloggs", datetime(2013, 6, 2, 10, 0), "Ask the brewery to sponsor it."),
                         comment("Joe Bloggs", datetime(2013, 6, 2, 11, 0), "The roof can wait a winter."),
                         comment("Jane Doe", datetime(2013, 6, 3, 8, 0), "A roof appeal worked in Ashby.")])
    write_post(corpus, "parish", "deer", "Deer on the common", date(2013, 7, 1),
               ["A doe and her fawn crossed the lane at dusk, and the doe came back alone."])
    library = Library(corpus, tmp_path_factory.mktemp("namesakes-index"))
    library.update()
    yield library
    library.close()


@pytest.mark.parametrize(
    ("query", "who", "said"),
    [
        ('commenter:"fred bloggs"', "Fred Bloggs", "Ask the brewery"),
        ('commenter:"joe bloggs"', "Joe Bloggs", "The roof can wait"),
        ('commenter:"jane doe"', "Jane Doe", "A roof appeal"),
        ('commenter:"jane bloggs"', "Jane Bloggs", "Hold a quiz night"),
        ('commenter:"joe bloggs" roof', "Joe Bloggs", "The roof can wait"),
        ('commenter:"jane doe" roof', "Jane Doe", "A roof appeal"),
    ],
)
def test_a_commenter_is_named_by_the_whole_name_not_a_word_shared_with_another(namesakes, query, who, said):
    [hit] = namesakes.search(query).hits
    assert (hit.matched_in, hit.commenter) == ("comment", who)
    assert hit.snippet.startswith(said)


def test_a_query_of_several_words_that_matches_nothing_says_which_word_no_post_has(library):
    results = library.search("localism xyzzy the volunteering")
    assert results.total == 0
    assert results.unmatched == ("xyzzy",)
    assert results.to_dict()["unmatched"] == ["xyzzy"]
    assert results.unmatched_note().startswith("no post has 'xyzzy';")


def test_words_that_each_match_but_never_together_are_not_called_unmatched(library):
    results = library.search("chancellor spreadsheet")
    assert results.total == 0 and results.unmatched == ()
    assert library.search("xyzzy").unmatched == (), "one word: the count says it all"
    assert library.search("localism").unmatched == ()


def test_a_plain_word_finds_the_posts_a_person_of_that_name_commented_on_ranked_below_the_text(namesakes):
    [in_text, by_name] = namesakes.search("doe").hits
    assert in_text.title == "Deer on the common"
    assert (by_name.title, by_name.matched_in, by_name.commenter) == ("Mending the village hall", "comment", "Jane Doe")
    assert by_name.snippet.startswith("A roof appeal")
    assert in_text.score > by_name.score
    assert [hit.title for hit in namesakes.search('"jane doe"').hits] == ["Mending the village hall"]
    assert namesakes.search("-bloggs").total == 1, "NOT a name leaves out the posts that person commented on"


def _two_commenters(corpus):
    write_post(corpus, "parish", "hall", "Mending the village hall", date(2013, 6, 1), ["The fund is short."],
               categories=["Small", "Charities"], tags=["village hall", "fund raising"],
               comments=[comment("Fred Bloggs", datetime(2013, 6, 2, 9, 0), "Hold a quiz night."),
                         comment("Jane Doe", datetime(2013, 6, 2, 10, 0), "Ask the brewery.")])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_quoted_name_never_runs_from_one_persons_name_into_the_next(tmp_path, engine):
    corpus = tmp_path / "corpus"
    _two_commenters(corpus)
    library = Library(corpus, tmp_path / "index", engine=engine)
    library.update()
    for across in ('commenter:"bloggs jane"', 'category:"small charities"', 'tag:"hall fund"'):
        assert library.search(across).total == 0, across
    for whole in ('commenter:"fred bloggs"', 'commenter:"jane doe"', 'tag:"fund raising"', "category:charities"):
        assert library.search(whole).total == 1, whole
    library.close()


def test_an_index_written_before_names_were_kept_apart_is_rebuilt(tmp_path, monkeypatch):
    from civicreader.index import schema, store, update

    corpus = tmp_path / "corpus"
    _two_commenters(corpus)
    with monkeypatch.context() as old_layout:  # the layout before: names one after another, version 9
        old_layout.setattr(schema, "NAME_GAP", 0)
        old_layout.setattr(store, "FORMAT_VERSION", 9)
        old_layout.setattr(update, "FORMAT_VERSION", 9)
        old = Library(corpus, tmp_path / "index")
        old.update()
        assert old.search('commenter:"bloggs jane"').total == 1
        old.close()
    library = Library(corpus, tmp_path / "index")
    assert "older layout (9; this version writes" in library.update().rebuilt_because
    assert library.search('commenter:"bloggs jane"').total == 0
    library.close()


@pytest.mark.parametrize(
    ("query", "note", "others"),
    [
        ("localism xyzzy the volunteering", "no post has 'xyzzy'; 2 posts have all the others", 2),
        ("compact xyzzy", "no post has 'xyzzy'; 1 post has all the others", 1),
        ("chancellor xyzzy spreadsheet", "no post has 'xyzzy'; 0 posts have all the others", 0),
        ("xyzzy plugh localism", "no post has 'xyzzy' or 'plugh'; 3 posts have the other words", 3),
        ("xyzzy plugh", "no post has 'xyzzy' or 'plugh'", None),
    ],
)
def test_a_query_that_matches_nothing_says_how_many_posts_have_all_its_other_words(library, query, note, others):
    results = library.search(query)
    assert results.total == 0
    assert results.unmatched_note() == note
    assert results.to_dict()["others_matched"] == others
    if others:
        assert library.search(query, filters={"blog": "nowhere"}).unmatched_note().endswith(
            "0 posts have all the others" if "plugh" not in query else "0 posts have the other words"
        ), "counted under the same facet filters as the search"
