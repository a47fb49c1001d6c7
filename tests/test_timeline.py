"""`civicreader timeline` on our sample corpus, with the counts worked out by hand from its pages."""

from __future__ import annotations

import csv
import io
import json

from civicreader.timeline import periods_between
from tests.sample_index import run_cli as run


def timeline_json(index, *args: str) -> dict:
    result = run(index, "timeline", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def periods(series: dict) -> dict[str, tuple[int, int, bool]]:
    return {p["period"]: (p["posts"], p["comments"], p["inferred"]) for p in series["periods"]}


def test_community_transport_and_library_by_year_as_counted_by_hand(sample_index):
    # The shell passes `"community transport" library` as two queries: posts with both words, and posts
    # with "library" (or "libraries": the same stem). Counted by hand with grep over sample_corpus/:
    #
    # community + transport, in a title, a body or a comment (navigation, sidebars and the site's name in
    # the header of browser copies do not count):
    #   why-we-became-a-community-interest-company (2010-05-14): "Fellgate Community Transport" in ¶1;
    #   losing-the-council-contract (2011-04-12): "Fellgate Community Transport is closing";
    #   five-things-wed-tell-a-new-community-transport-scheme (2013-11-28): its title and body.
    #   Section 19 has "Transport Act" but "community" only in a navigation link; rural-isolation has
    #   "transport" but "community" only in a navigation link; tendering-for-home-to-school-transport and
    #   the others that say transport never say community. No comment holds both words.
    # library/libraries:
    #   2011: budget-night-at-the-town-hall ("library campaigners"), the-localism-bill ("a local library",
    #   dated from its comment: inferred), and on stacks-and-shelves save-our-libraries-day,
    #   the consultation questionnaire, can-volunteers-run-a-library, the summer reading challenge and
    #   what-a-community-managed-library: 7.
    #   2012: judicial-review, opening-hours-arithmetic, e-books-licences-and-the-library: 3.
    #   2013: two-years-on, asset-transfer: 2. ("Libraries" in labels is a category, not words.)
    #   No comment in the corpus says library or libraries.
    # The archive runs from 2010 (wheels-and-wards' first post, May 2010) to 2013, so 2012 is shown for
    # "community transport" with 0, and 2010 for library with 0.
    found = timeline_json(sample_index, "community transport", "library", "--by", "year")
    assert found["by"] == "year"
    first, second = found["series"]
    assert first["query"] == "community transport"
    assert periods(first) == {
        "2010": (1, 0, False), "2011": (1, 0, False), "2012": (0, 0, False), "2013": (1, 0, False)
    }
    assert first["undated"] == {"posts": 0, "comments": 0}
    assert second["query"] == "library"
    assert periods(second) == {
        "2010": (0, 0, False), "2011": (7, 0, True), "2012": (3, 0, False), "2013": (2, 0, False)
    }
    assert second["undated"] == {"posts": 0, "comments": 0}


def test_comments_are_counted_apart_in_their_own_period(sample_index):
    # volunteer*, the posts (see tests/test_concordance.py for where each word is):
    #   2010: why-we-became-a-CIC, the Big Society post (21 July, year inferred: a yearless blog), section-19: 3
    #   2011: consultation, losing-the-contract, can-volunteers, tuesday-market-bus, summer-reading,
    #         who-counts-the-volunteers'-hours (year inferred), community-managed-library: 7
    #   2012: tendering, opening-hours, volunteer-drivers, rota-blues: 4
    #   2013: two-years-on, ten-thousand-journeys, asset-transfer, handing-over-the-chair, five-things: 5
    # and the comments that hold the word, by the comment's own date:
    #   Dave Pritchard, 22 July 2010 (Big Society); June Hebden and Tom Ashworth, 4 September 2010
    #   (section 19); Pauline Armitage and Ruth Okafor, 15 June 2011 (can-volunteers: Ruth's comment says it
    #   twice but is one comment); Mark Holden, 5 March 2012 (tendering).
    found = timeline_json(sample_index, "volunteer*", "--by", "month")
    (series,) = found["series"]
    counted = {period: value for period, value in periods(series).items() if value[:2] != (0, 0)}
    assert counted == {
        "2010-05": (1, 0, False), "2010-07": (1, 1, True), "2010-09": (1, 2, False),
        "2011-03": (1, 0, False), "2011-04": (1, 0, False), "2011-06": (1, 2, False), "2011-08": (1, 0, False),
        "2011-09": (1, 0, False), "2011-11": (2, 0, True),
        "2012-03": (1, 1, False), "2012-04": (1, 0, False), "2012-06": (1, 0, False), "2012-07": (1, 0, False),
        "2013-01": (1, 0, False), "2013-05": (1, 0, False), "2013-06": (1, 0, False), "2013-10": (1, 0, False),
        "2013-11": (1, 0, False),
    }
    # Every month from the archive's first (May 2010) to its last (November 2013), none left out.
    assert [p["period"] for p in series["periods"]] == periods_between("2010-05", "2013-11", "month")
    assert len(series["periods"]) == 43


def test_counts_agree_with_search_totals_and_year_facets(sample_index):
    for query in ("volunteer*", "council -budget", '"big society"', "commenter:maggieholroyd", "date:2011"):
        search = json.loads(run(sample_index, "search", query, "--json").stdout)
        (series,) = timeline_json(sample_index, query)["series"]
        assert sum(p["posts"] for p in series["periods"]) + series["undated"]["posts"] == search["total"]
        facets = {p["period"]: p["posts"] for p in series["periods"] if p["posts"]}
        if series["undated"]["posts"]:
            facets["undated"] = series["undated"]["posts"]
        assert facets == search["facets"]["year"]


def test_undated_posts_are_counted_apart(sample_index):
    # "The minibus that ran on goodwill" has no date at all (its "1999" is the year the bus was bought), and
    # it says "minibus"; so does "Why we became a community interest company" (2010, "four minibuses").
    (series,) = timeline_json(sample_index, "minibus title:goodwill")["series"]
    assert series["undated"]["posts"] == 1
    assert sum(p["posts"] for p in series["periods"]) == 0


def test_split_by_blog_gives_one_series_per_blog(sample_index):
    found = timeline_json(sample_index, "volunteer*", "--split", "blog")
    by_blog = {series["blog"]: series for series in found["series"]}
    assert set(by_blog) == {"commissioning-desk", "stacks-and-shelves", "wheels-and-wards"}
    # commissioning-desk: the Big Society post (2010) and who-counts (2011).
    assert periods(by_blog["commissioning-desk"])["2010"] == (1, 1, True)
    assert periods(by_blog["commissioning-desk"])["2011"] == (1, 0, True)
    assert sum(series["periods"][i]["posts"] for series in found["series"] for i in range(4)) == 19


def test_csv_has_one_row_per_period_and_query(sample_index):
    result = run(sample_index, "timeline", "community transport", "library", "--csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["query"], row["period"], row["posts"]) for row in rows] == [
        ("community transport", "2010", "1"), ("community transport", "2011", "1"),
        ("community transport", "2012", "0"), ("community transport", "2013", "1"),
        ("community transport", "undated", "0"),
        ("library", "2010", "0"), ("library", "2011", "7"), ("library", "2012", "3"), ("library", "2013", "2"),
        ("library", "undated", "0"),
    ]


def test_a_query_a_spreadsheet_would_run_is_escaped_in_csv(sample_index):
    result = run(sample_index, "timeline", "-budget", "--csv")
    assert result.exit_code == 0
    assert all(row["query"] == "'-budget" for row in csv.DictReader(io.StringIO(result.stdout)))


def test_a_bad_query_is_one_line_and_status_2(sample_index):
    result = run(sample_index, "timeline", "library", "title:")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "title:" in result.stderr


def test_an_empty_result_still_lists_every_period(sample_index):
    (series,) = timeline_json(sample_index, "zeppelin")["series"]
    assert [p["period"] for p in series["periods"]] == ["2010", "2011", "2012", "2013"]
    assert all(p["posts"] == p["comments"] == 0 for p in series["periods"])


def test_the_text_table_marks_inferred_periods(sample_index):
    result = run(sample_index, "timeline", "library")
    assert result.exit_code == 0
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()[2:] if line.strip()}
    assert rows["2011*"] == ["7", "0"] and rows["2012"] == ["3", "0"] and rows["undated"] == ["0", "0"]


def test_periods_between_crosses_years():
    assert periods_between("2010-11", "2011-02", "month") == ["2010-11", "2010-12", "2011-01", "2011-02"]
    assert periods_between("2009", "2011", "year") == ["2009", "2010", "2011"]


def test_a_timeline_asked_again_after_an_update_counts_the_new_posts(tmp_path):
    """A query's matches are kept between calls, but never past a change to the index."""
    from civicreader.index import Library
    from civicreader.timeline import timeline

    corpus = tmp_path / "corpus" / "quay-notes"
    corpus.mkdir(parents=True)
    post = "---\ntitle: {title}\ndate: {day}\n---\n\nThe {word} was painted blue.\n"
    (corpus / "2012-05-01-a.md").write_text(post.format(title="A", day="2012-05-01", word="lighthouse"))
    library = Library(tmp_path / "corpus", tmp_path / "index")
    library.update()
    counted = {p.period: p.posts for p in timeline(library, ["lighthouse"]).series[0].periods}
    assert counted == {"2012": 1}
    assert timeline(library, ["lighthouse"]).series[0].posts == 1
    (corpus / "2013-06-01-b.md").write_text(post.format(title="B", day="2013-06-01", word="lighthouse"))
    library.update()
    counted = {p.period: p.posts for p in timeline(library, ["lighthouse"]).series[0].periods}
    assert counted == {"2012": 1, "2013": 1}
    library.close()
