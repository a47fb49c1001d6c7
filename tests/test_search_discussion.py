"""Discussion in search: `comments:` in the query language, `--sort comments`, and the figures in each hit."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from civicreader.cli import main
from civicreader.index import Library, QueryError
from civicreader.paths import sample_corpus


@pytest.fixture(scope="module")
def library(sample_index):
    library = Library(sample_corpus(), sample_index)
    library.update()
    yield library
    library.close()


def counts(library, query: str, **options) -> list[int]:
    return [hit.discussion["comment_count"] for hit in library.search(query, limit=100, **options).hits]


def test_comments_at_least_n_keeps_to_the_longer_threads(library):
    """The sample's longest threads, as their pages say: "7 Responses to 'Losing the council contract…'" and
    "6 thoughts on 'Consortia…'"; every other post has five comments or fewer."""
    found = library.search("comments:>=6", limit=100)
    assert {hit.title for hit in found.hits} == {
        "Losing the council contract, keeping the drivers",
        "Consortia: marriage of convenience or shotgun wedding?",
    }
    assert all(count >= 5 for count in counts(library, "comments:>=5"))
    assert all(count > 5 for count in counts(library, "comments:>5"))
    assert all(count < 2 for count in counts(library, "comments:<2"))
    assert set(counts(library, "comments:[3 to 4]")) == {3, 4}
    assert set(counts(library, "comments:0")) == {0}


def test_comments_combine_with_words_and_other_fields(library):
    found = library.search("volunteers comments:>=3 blog:wheels-and-wards", limit=100)
    assert found.total > 0
    assert all(hit.blog == "wheels-and-wards" and hit.discussion["comment_count"] >= 3 for hit in found.hits)
    every = library.search("comments:>=0", limit=1).total
    assert library.search("comments:>=3", limit=1).total + library.search("comments:<3", limit=1).total == every


@pytest.mark.parametrize("query", ["comments:many", "comments:>=ten", "comments:[a to b]", "comments:1*"])
def test_a_comment_count_that_is_not_a_number_is_a_one_line_error(library, query):
    with pytest.raises(QueryError, match="comments:") as error:
        library.search(query)
    assert "\n" not in str(error.value)


def test_sort_by_comments_puts_the_longest_threads_first(library):
    ordered = counts(library, "", sort="comments")
    assert ordered == sorted(ordered, reverse=True)
    assert ordered[:2] == [7, 6]


def test_search_json_hits_carry_the_discussion(tmp_path):
    index = tmp_path / "index"
    result = CliRunner().invoke(
        main, ["search", "shotgun", "--json", "--corpus", str(sample_corpus()), "--index", str(index)]
    )
    assert result.exit_code == 0, result.output
    (hit,) = [hit for hit in json.loads(result.stdout)["hits"] if hit["title"].startswith("Consortia")]
    assert (hit["comment_count"], hit["commenters"], hit["thread_depth"]) == (6, 3, 4)
    assert (hit["first_comment"], hit["last_comment"]) == ("2011-09-14", "2011-09-16")
    ranked = CliRunner().invoke(
        main,
        [
            "search",
            "comments:>=1",
            "--sort",
            "comments",
            "--json",
            "--corpus",
            str(sample_corpus()),
            "--index",
            str(index),
        ],
    )
    figures = [hit["comment_count"] for hit in json.loads(ranked.stdout)["hits"]]
    assert figures == sorted(figures, reverse=True) and figures[0] == 7
    bad = CliRunner().invoke(main, ["search", "comments:lots", "--corpus", str(sample_corpus()), "--index", str(index)])
    assert bad.exit_code == 2 and "comments:lots is not a number" in bad.stderr


def test_most_discussed_is_every_post_with_comments_longest_first(library):
    longest = library.most_discussed(100)
    figures = [summary.comment_count for summary in longest]
    assert figures == sorted(figures, reverse=True) and 0 not in figures
    assert len(longest) == library.search("comments:>=1", limit=1).total


def test_the_number_of_commented_posts_is_read_from_the_outline_and_the_catalogue_alike(library):
    fresh = Library(library.corpus, library.index_dir)  # the index not open: the first screen's way, the outline
    from_outline = fresh.commented_posts()
    fresh.close()
    library.search("council", limit=1)  # open: the catalogue's way
    assert from_outline == library.commented_posts() == library.search("comments:>=1", limit=1).total > 0
