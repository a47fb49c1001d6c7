"""The text-page reader: every shape of scraped page, read back whole, and junk never raises."""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.dedupe import merge_pages
from civicreader.ingest import IngestError, Problem, read_file, read_paths
from civicreader.ingest.textpage import parse_text
from tests import textpage_shapes as shapes

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def tree(comments):
    return [(c.author, c.date, c.body, tree(c.replies)) for c in comments]


@PROPERTY
@given(shapes.title, shapes.day, shapes.paragraphs, shapes.comment_trees())
def test_wordpress_single_page_reads_back(title, day, body, comments):
    page = parse_text(shapes.wordpress_single(title, day, body, comments), "blog", "page.txt")
    [post] = merge_pages([page])
    assert post.title == title
    assert post.body == tuple(body)
    assert tree(post.comments) == tree(comments)
    assert (post.date.month, post.date.day) == (day.month, day.day) if post.date else True


@PROPERTY
@given(shapes.title, shapes.day, shapes.paragraphs, shapes.comment_trees(max_depth=3),
       st.sampled_from(shapes.NAMES), st.lists(st.sampled_from(["Localism", "Health & care", "Money"]), max_size=2))
def test_blogger_page_reads_back(title, day, body, comments, author, labels):
    page = parse_text(shapes.blogger_page(title, day, body, comments, author, labels), "blog", "page.txt")
    [post] = merge_pages([page])
    assert (post.title, post.date, post.date_inferred) == (title, day, False)
    assert post.body == tuple(body)
    assert tree(post.comments) == tree(comments)
    assert post.authors == (author,)
    assert list(post.categories) == list(dict.fromkeys(labels))


@PROPERTY
@given(shapes.title, shapes.day, shapes.paragraphs, shapes.comment_trees(max_depth=4),
       st.sampled_from(shapes.NAMES))
def test_posted_on_theme_reads_back_without_chrome(title, day, body, comments, author):
    text = shapes.posted_on_theme(title, day, body, comments, author, ["Opinion", "Finance and governance"], ["a", "b"])
    [post] = merge_pages([parse_text(text, "blog", "page.txt")])
    assert (post.title, post.date) == (title, day)
    assert post.body == tuple(body)
    assert tree(post.comments) == tree(comments)
    assert post.categories == ("Opinion", "Finance and governance")
    assert post.tags == ("a", "b")
    assert post.authors == (author,)


@PROPERTY
@given(st.lists(st.tuples(shapes.title, shapes.paragraphs), min_size=2, max_size=5, unique_by=lambda t: t[0]),
       st.integers(2010, 2013), st.integers(1, 12))
def test_month_archive_gives_every_post_its_year_and_no_neighbours_text(entries, year, month):
    days = sorted(range(1, 2 + len(entries)), reverse=True)
    posts = [(title, date(year, month, days[i]), body) for i, (title, body) in enumerate(entries)]
    page = parse_text(shapes.wordpress_archive(posts, date(year, month, 1)), "blog", "archive.txt")
    merged = {post.title: post for post in merge_pages([page])}
    assert set(merged) == {title for title, _, _ in posts}
    for title, when, body in posts:
        assert merged[title].date == when
        assert merged[title].date_inferred
        assert merged[title].body == tuple(body)


@PROPERTY
@given(st.lists(st.tuples(shapes.title, shapes.day, shapes.paragraphs), min_size=2, max_size=5,
                unique_by=lambda t: t[0]),
       st.sampled_from(["Uncategorized, Weekly Notes", "Council, Budgets", "Notes"]))
def test_archive_with_dates_under_the_text_gives_one_post_per_entry(entries, category_row):
    page = parse_text(shapes.archive_dated_after_text(entries, category_row), "blog", "archive.txt")
    got = [(post.title, post.date, post.body) for post in page.posts]
    assert got == [(title, day, tuple(body)) for title, day, body in entries]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400) | st.binary(max_size=400).map(lambda b: b.decode("latin-1")))
def test_junk_text_never_raises_anything_but_ingest_error(junk):
    try:
        page = parse_text(junk, "blog", "junk.txt")
    except IngestError:
        return
    for post in page.posts:
        assert "\x1b" not in post.title and all("\x1b" not in p for p in post.body)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "Archive | July, 2010", "24 Dec", "Saturday, 11 December 2010", "Leave a Reply", "2 Responses to “x”",
    "  1. Joe December 28, 2010 at 3:04 pm #", "    • sue December 28, 2010 at 4:51 pm #", "Jo says:",
    "March 4, 2012 at 10:15 am", "Reply", "Post a Comment", "No comments:", "Posted by Al at 21:14",
    "Labels: a, b", "Continue reading", "This entry was posted in A and tagged , , .", "← Older", "",
    "A short title", "A paragraph of ordinary prose that goes on long enough to be taken for body text.",
    "Anne said...", "9 March 2011 at 08:02", "    indented words", "• a bullet", "1. a numbered item",
    "Uncategorized, Notes", "Posted on June 7, 2017", "Category Archives: Notes", "vor 3 Wochen", "Name *",
    "Serves", "4 people", "meals6 months7 months8 monthsno eggsummer lunch",
]), max_size=40))
def test_shuffled_page_parts_never_raise(lines):
    with contextlib.suppress(IngestError):
        parse_text("\n".join(lines), "blog", "mixed.txt")


def test_relative_and_yearless_comment_dates(tmp_path):
    text = "\n".join([
        "Ward budgets explained", "", "Posted on March 3, 2012 by Ann Other", "",
        "Our ward budget is small but it is ours to spend, and residents decided how this year.", "",
        "2 thoughts on “Ward budgets explained”", "",
        "Bea Smith says:", "3 weeks ago", "", "Who chose the projects?", "", "Reply", "",
        "    Ann Other says:", "    March 1 at 9:05 am", "", "    The residents' panel did.", "",
        "Leave a Reply",
    ])
    [post] = merge_pages([parse_text(text, "blog", "p.txt")])
    [first] = post.comments
    assert (first.date, first.date_text) == (None, "3 weeks ago")  # no day can be read: the words are kept
    assert first.body == ("Who chose the projects?",)
    [reply] = first.replies
    assert reply.date_text == ""
    # 1 March comes before 3 March: the reply is from the next year, never before its post
    assert reply.date == datetime(2013, 3, 1, 9, 5)


RELATIVE_PAGE = "\n".join([
    "  • Home", "  • Recipes", "", "Pear and Oat Crumble", "", "June 2, 2021", "",
    "Then the crumble that the parish kitchen made for the whole street on the longest evening of summer.", "",
    "14 comments", "",
    " 1. Robin", "    3 weeks ago", "", "    Then I baked it twice for the rota.", "", "    Reply",
    "     1. Kofi Mensah", "        2 days ago", "", "        Then the oats went in first.", "", "        Reply",
    " 2. Lena Berg", "    June 3, 2021 at 9:15 am", "", "    Then the depot took the spare one.", "", "    Reply", "",
    "Leave a Comment", "", "Name *", "", "Email *", "",
])


def test_a_list_thread_keeps_relative_comment_times_as_the_page_wrote_them():
    [post] = merge_pages([parse_text(RELATIVE_PAGE, "blog", "p.txt")])
    [robin, lena] = post.comments
    [kofi] = robin.replies
    assert [(c.author, c.date, c.date_text) for c in (robin, kofi, lena)] == [
        ("Robin", None, "3 weeks ago"), ("Kofi Mensah", None, "2 days ago"),
        ("Lena Berg", datetime(2021, 6, 3, 9, 15), ""),
    ]


def test_relative_comment_times_survive_the_index_show_and_json(tmp_path):
    from click.testing import CliRunner

    from civicreader.cli import main

    blog = tmp_path / "corpus" / "kitchen"
    blog.mkdir(parents=True)
    (blog / "crumble.txt").write_text(RELATIVE_PAGE, encoding="utf-8")
    corpus, index = str(tmp_path / "corpus"), str(tmp_path / "index")
    runner = CliRunner()
    [parsed] = json.loads(runner.invoke(main, ["parse", corpus, "--json"]).stdout)
    assert parsed["comments"][0]["date_text"] == "3 weeks ago"
    shown = runner.invoke(main, ["show", parsed["id"], "--corpus", corpus, "--index", index])
    assert shown.exit_code == 0, shown.output
    robin = next(line for line in shown.stdout.splitlines() if line.strip().startswith("#1 Robin"))
    assert robin.strip().endswith("3 weeks ago (as the page said)")
    stored = json.loads(runner.invoke(main, ["show", parsed["id"], "--corpus", corpus, "--index", index,
                                             "--json"]).stdout)
    assert stored["comments"][0]["replies"][0]["date_text"] == "2 days ago"


def test_teaser_and_full_page_merge_into_one_full_post(tmp_path):
    blog = tmp_path / "corpus" / "parish"
    blog.mkdir(parents=True)
    (blog / "archive.txt").write_text("\n".join([
        "Archive | Transport RSS feed for this section", "",
        "The minibus question", "", "5 Mar", "",
        "The minibus runs three days a week now, and the question is who pays for the fourth.", "",
        "Continue reading", "",
    ]))
    (blog / "single.txt").write_text("\n".join([
        "The minibus question", "", "5 Mar", "",
        "The minibus runs three days a week now, and the question is who pays for the fourth.", "",
        "The parish council has offered half, and the county has said nothing so far this spring.", "",
        "One Response to “The minibus question”", "",
        "  1. Gwen March 9, 2012 at 8:00 am #", "", "    We would use a fourth day for the market.", "",
        "Leave a Reply",
    ]))
    pages, problems = read_paths([tmp_path / "corpus"])
    assert problems == []
    [post] = merge_pages(pages)
    assert post.excerpt is False
    assert len(post.body) == 2
    assert post.categories == ("Transport",)
    assert post.date == date(2012, 3, 5) and post.date_inferred
    assert post.date_note == "year from the dates of its comments"
    assert len(post.sources) == 2
    assert post.blog == "parish"


def test_no_evidence_means_no_date():
    text = "A yearless note\n\n3 Jun\n\nNothing on this page says which year this was, and that is fine.\n"
    [post] = merge_pages([parse_text(text, "blog", "p.txt")])
    assert post.date is None
    assert "3 Jun" in post.date_note


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03binary\x00" * 50, "binary"),
    (b"x" * 200_001, "line"),
], ids=["empty", "binary", "one-long-line"])
def test_bad_files_are_problems_naming_the_file(tmp_path, content, reason):
    bad = tmp_path / "bad file.txt"
    bad.write_bytes(content)
    result = read_file(bad, tmp_path)
    assert isinstance(result, Problem)
    assert reason in result.reason
    assert str(bad) in str(result)
    assert "\n" not in str(result)


def test_legacy_encoding_is_decoded_not_dropped(tmp_path):
    page = tmp_path / "latin.txt"
    text = "Caf\xe9 society\n\n4 May 2011\n\nThe caf\xe9 on the high street closes at five.\n"
    page.write_bytes(text.encode("cp1252"))
    result = read_file(page, tmp_path)
    assert not isinstance(result, Problem)
    assert result.posts[0].title == "Café society"


def test_control_sequences_are_removed(tmp_path):
    text = (
        "Bell\x07 and \x1b[31mred\x1b[0m title\n\n4 May 2011\n\n"
        "Text with an \x1b]0;evil title\x07 OSC sequence in it.\n"
    )
    [post] = parse_text(text, "blog", "p.txt").posts
    assert post.title == "Bell and red title"
    assert post.body == ("Text with an OSC sequence in it.",)


def test_parse_cli_json_has_exactly_the_documented_keys(tmp_path):
    from click.testing import CliRunner

    from civicreader.cli import main

    (tmp_path / "p.txt").write_text("A title\n\n4 May 2011\n\nSome text that is the body of the post here.\n")
    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["parse", str(tmp_path), "--json"])
    assert result.exit_code == 0
    [post] = json.loads(result.stdout)
    assert list(post) == ["id", "blog", "title", "date", "date_inferred", "date_note", "authors", "categories",
                          "tags", "body", "excerpt", "comments", "sources", "url", "comment_count", "commenters",
                          "thread_depth", "first_comment", "last_comment"]
    assert post["date"] == "2011-05-04"
    assert "empty.txt: empty file" in result.stderr


def test_parse_cli_exits_non_zero_when_nothing_could_be_read(tmp_path):
    from click.testing import CliRunner

    from civicreader.cli import main

    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["parse", str(tmp_path / "empty.txt")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_parse_says_what_a_reader_left_out_in_one_line_per_file():
    from pathlib import Path

    from click.testing import CliRunner

    from civicreader.cli import main

    export = Path(__file__).parent / "fixtures" / "wxr" / "harbour-lane.wxr.xml"
    result = CliRunner().invoke(main, ["parse", str(export), "--json"])
    assert result.exit_code == 0
    [line] = [line for line in result.stderr.splitlines() if str(export) in line]
    assert "draft" in line and "pingback" in line
