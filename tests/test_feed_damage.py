"""Feeds that are huge or broken: read whole, or say in one line what was lost. Never an empty page without a word.

feedparser falls back on a forgiving parser when a feed is not well-formed (a download cut off,
a stray tag), and that parser can drop an item or an item's text without raising anything.
"""

from __future__ import annotations

import html
from pathlib import Path

from click.testing import CliRunner

from civicreader.cli import main
from civicreader.ingest import Page, Problem, read_file

CHANNEL = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0"><channel><title>Tenants Forum</title><link>http://tenants.example/</link>\n'
)


def item(title: str, description: str) -> str:
    return (
        f"<item><title>{title}</title><link>http://tenants.example/{title.lower()}</link>"
        f"<pubDate>Mon, 02 May 2011 10:00:00 +0000</pubDate><description>{description}</description></item>\n"
    )


def write_feed(folder: Path, text: str) -> Path:
    path = folder / "forum" / "feed.rss"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def test_a_description_past_libxml2s_10_mb_text_guard_is_read_whole(tmp_path):
    words = "repairs backlog " * 700_000  # 11.2 MB, one text node: libxml2 drops a text node past 10 MB
    path = write_feed(tmp_path, CHANNEL + item("Backlog", html.escape(words)) + "</channel></rss>\n")
    page = read_file(path, tmp_path)
    assert isinstance(page, Page), str(page)
    [post] = page.posts
    assert post.title == "Backlog"
    assert " ".join(post.body).split() == words.split()
    assert page.notes == ()


def test_a_feed_cut_off_at_its_only_item_is_a_problem_naming_the_line(tmp_path):
    path = write_feed(tmp_path, CHANNEL + "<item")
    problem = read_file(path, tmp_path)
    assert isinstance(problem, Problem)
    assert problem.reason.startswith("none of its 1 item could be read (line 3: ")
    assert problem.line == 3


def test_a_feed_cut_off_inside_a_post_says_what_was_lost(tmp_path):
    text = CHANNEL + item("Rents", "The rent rise is 4 per cent.") + "<item><title>Damp</title><description><![CDATA["
    page = read_file(write_feed(tmp_path, text + "<p>Damp in the flats on Alder Road</p>"), tmp_path)
    assert isinstance(page, Page)
    assert [post.title for post in page.posts] == ["Rents", "Damp"]
    assert page.posts[0].body == ("The rent rise is 4 per cent.",)
    assert any(note.startswith("not well-formed XML (line 4: unclosed CDATA section)") for note in page.notes)


def test_an_item_missing_from_what_the_parser_gave_is_counted(tmp_path):
    text = CHANNEL + item("Rents", "The rent rise is 4 per cent.") + "<item"
    page = read_file(write_feed(tmp_path, text), tmp_path)
    assert isinstance(page, Page)
    assert [post.title for post in page.posts] == ["Rents"]
    assert "read 1 of its 2 items" in page.notes


def test_the_command_line_names_the_broken_feed_in_one_line(tmp_path):
    path = write_feed(tmp_path, CHANNEL + "<item")
    result = CliRunner().invoke(main, ["parse", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"civicreader: {path}:3: none of its 1 item could be read")
    assert "Traceback" not in result.output
