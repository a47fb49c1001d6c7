"""`civicreader people` on our sample corpus, checked against a count made by hand."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from civicreader.cli import main
from civicreader.paths import sample_corpus

# Counted by hand from the files in sample_corpus/stacks-and-shelves/ (the blog every one of these people
# wrote in, and no other), one post each however many pages show it:
#
# Posts ("Posted by ..." on a page; `author` of a live post entry in blog-backup.xml):
#   Ruth Okafor 8: Save Our Libraries day (2011_02), Can volunteers run a library? (2011_06, and its teaser on
#     label_volunteers), The summer reading challenge (2011_09), The judicial review route (2012_01), The
#     self-service machine (2013_03), Handing over the chair (2013_10, and its teaser on label_volunteers),
#     Rota blues (only on label_volunteers), Two years on (two-years-on_fullpage).
#   Ken Battersby 6: The consultation questionnaire (2011_03), What a community managed library signs up to
#     (2011_11), Opening hours (2012_04, and again in blog-backup.xml), E-books (2012_10), Asset transfer
#     (2013_06), Book sale (blog-backup.xml only). The backup's "AGM agenda (draft)" is a draft: not a post.
#
# Comments ("Name said..." on Blogger pages, "Name • 3 weeks ago" / "Name → Other •" in the Disqus copy,
# comment entries in the backup; the backup's Jean Crossley comment on Opening hours is the page's one):
#   Derek Sowden 5: 2011_11 (1), 2012_01 (2, the second a reply), 2013_10 (1), Two years on (1).
#   Ruth Okafor 4: 2011_06 (1), 2012_01 (1 reply), 2013_10 (1 reply), Two years on (1 reply to Sue Lister).
#   Ken Battersby 4: 2012_10 (1 reply), 2013_06 (1), Two years on (1 reply), the backup's "Kept one back" (1).
#   Anonymous 4: 2011_02, 2011_06, 2012_01, 2012_10 (one each).
#   Sue Lister 3: 2011_02 (1), Two years on (2).
#   Hannah Pearce 2 (2011_11, 2013_06), Jean Crossley 2 (2012_04, 2013_06), Marjorie Kell 2 (both in the
#   backup, on Book sale), Pauline Armitage 2 (2011_06, 2013_10), Margaret Hirst 1 (2011_02),
#   Neil Hartley 1 (2012_10).
HAND_COUNT = {
    "Ruth Okafor": (8, 4),
    "Ken Battersby": (6, 4),
    "Derek Sowden": (0, 5),
    "Anonymous": (0, 4),
    "Sue Lister": (0, 3),
    "Hannah Pearce": (0, 2),
    "Jean Crossley": (0, 2),
    "Marjorie Kell": (0, 2),
    "Pauline Armitage": (0, 2),
    "Margaret Hirst": (0, 1),
    "Neil Hartley": (0, 1),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("index")


def run(index: Path, *args: str, corpus: Path | None = None):
    return CliRunner().invoke(
        main, ["people", *args, "--corpus", str(corpus or sample_corpus()), "--index", str(index)]
    )


def people_json(index: Path, *args: str, corpus: Path | None = None) -> list[dict]:
    result = run(index, "--json", *args, corpus=corpus)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_counts_agree_with_a_count_by_hand(index):
    found = people_json(index)
    in_the_blog = {row["name"]: row for row in found if "stacks-and-shelves" in row["blogs"]}
    assert {name: (row["posts"], row["comments"]) for name, row in in_the_blog.items()} == HAND_COUNT
    assert all(row["blogs"] == ["stacks-and-shelves"] for row in in_the_blog.values())


def test_dates_and_replies_of_one_person_by_hand(index):
    """Derek Sowden: first comment 26 Nov 2011 (2011_11), last 31 Oct 2013 (2013_10). A top-level comment
    answers the post's author: three of Ruth's posts (2012_01, 2013_10, Two years on) and one of Ken's
    (2011_11). His second 2012_01 comment sits under his own first (Blogger threads every reply one level
    down, under the comment that opened the thread): answering himself is not counted."""
    derek = next(row for row in people_json(index) if row["name"] == "Derek Sowden")
    assert (derek["first"], derek["last"]) == ("2011-11-26", "2013-10-31")
    assert derek["replied_to"] == [["Ruth Okafor", 3], ["Ken Battersby", 1]]


def test_sorts(index):
    by_name = [row["name"] for row in people_json(index, "--sort", "name")]
    assert by_name == sorted(by_name, key=str.casefold)
    by_posts = [row["posts"] for row in people_json(index, "--sort", "posts")]
    assert by_posts == sorted(by_posts, reverse=True)
    by_comments = [row["comments"] for row in people_json(index, "--sort", "comments")]
    assert by_comments == sorted(by_comments, reverse=True)
    firsts = [row["first"] for row in people_json(index, "--sort", "first")]
    dated = [day for day in firsts if day]
    assert dated == sorted(dated) and firsts[: len(dated)] == dated  # undated last
    lasts = [row["last"] for row in people_json(index, "--sort", "last") if row["last"]]
    assert lasts == sorted(lasts, reverse=True)


def test_csv_has_the_same_rows(index):
    result = run(index, "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {row["name"]: (int(row["posts"]), int(row["comments"])) for row in rows} == {
        row["name"]: (row["posts"], row["comments"]) for row in people_json(index)
    }
    ruth = next(row for row in rows if row["name"] == "Ruth Okafor")
    assert ruth["blogs"] == "stacks-and-shelves"


def test_text_table_and_both_formats(index):
    result = run(index)
    assert result.exit_code == 0 and "Ruth Okafor" in result.stdout
    assert run(index, "--json", "--csv").exit_code == 2


KIND = "<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#"


def blogger_entry(number: int, kind: str, author: str, text: str) -> str:
    """One entry of a Blogger backup: post 11, or a comment on it."""
    thread = "xmlns:thr='http://purl.org/syndication/thread/1.0'"
    reply = f"<thr:in-reply-to {thread} ref='tag:blogger.com,1999:blog-1.post-11'/>"
    return (
        f"<entry><id>tag:blogger.com,1999:blog-1.post-{number}</id><published>2012-07-01T10:00:00Z</published>"
        f"{KIND}{kind}'/><title type='text'>{text}</title><content type='html'>{text}</content>"
        f"<author><name>{author}</name></author>{reply if kind == 'comment' else ''}</entry>"
    )


def test_hostile_names_are_inert_and_compared_after_normalisation(tmp_path):
    """A Blogger backup whose commenters spell one name with a zero-width space, a bidi override,
    full-width letters and markup: one person, shown without the invisible characters."""
    corpus = tmp_path / "corpus"
    (corpus / "quay").mkdir(parents=True)
    names = ["Dora Quayle", "Dora\u200b Quayle", "\u202eDora Quayle", "Ｄｏｒａ Quayle", "[bold]Dora[/bold]"]
    entries = [blogger_entry(11, "post", "Ed", "Regatta")]
    entries += [blogger_entry(20 + n, "comment", name, f"Comment {n}") for n, name in enumerate(names)]
    (corpus / "quay" / "backup.xml").write_text(
        "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Quay</title>"
        f"{''.join(entries)}</feed>",
        encoding="utf-8",
    )
    found = {row["name"]: row for row in people_json(tmp_path / "index", corpus=corpus)}
    assert found["Dora Quayle"]["comments"] == 4
    assert found["[bold]Dora[/bold]"]["comments"] == 1
    text = run(tmp_path / "index", corpus=corpus).stdout
    assert "\u200b" not in text and "\u202e" not in text and "\x1b" not in text
    assert "[bold]Dora[/bold]" in text


def test_an_update_keeps_people_in_step(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus() / "stacks-and-shelves", corpus / "stacks-and-shelves")
    index = tmp_path / "index"
    before = {row["name"]: row for row in people_json(index, corpus=corpus)}
    assert before["Derek Sowden"]["comments"] == 5
    (corpus / "stacks-and-shelves" / "2013_10_handing-over-chair.txt").unlink()
    # Handing over the chair is also a teaser on label_volunteers (no comments there): the post stays,
    # Derek's comment on it goes.
    after = {row["name"]: row for row in people_json(index, corpus=corpus)}
    assert after["Derek Sowden"]["comments"] == 4
    assert after["Ruth Okafor"]["posts"] == 8
    assert after["Ruth Okafor"]["comments"] == 3
    assert after["Pauline Armitage"]["comments"] == 1


def test_similar_lists_pairs_and_merges_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus() / "commissioning-desk", corpus / "commissioning-desk")
    page = corpus / "commissioning-desk" / "the-localism-bill-and-the-community-right-to-challenge.txt"
    assert "Peter Harland" in page.read_text(encoding="utf-8")
    page.write_text(page.read_text(encoding="utf-8").replace("Peter Harland", "Maggie Holroyd"), encoding="utf-8")
    result = run(tmp_path / "index", "--similar", "--json", corpus=corpus)
    assert result.exit_code == 0, result.output
    assert {"names": ["Maggie Holroyd", "maggieholroyd"], "why": "the same letters"} in json.loads(result.stdout)
    names = {row["name"] for row in people_json(tmp_path / "index", corpus=corpus)}
    assert {"Maggie Holroyd", "maggieholroyd"} <= names
