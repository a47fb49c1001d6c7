"""`civicreader cite` and the discussion figures of `show`, run on the sample corpus as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
from click.testing import CliRunner

from civicreader.cli import main
from civicreader.paths import sample_corpus


@pytest.fixture(scope="module")
def index(sample_index) -> Path:
    result = CliRunner().invoke(main, ["index", "--corpus", str(sample_corpus()), "--index", str(sample_index)])
    assert result.exit_code == 0, result.output
    return sample_index


@pytest.fixture(scope="module")
def ids(index) -> dict[str, str]:
    result = CliRunner().invoke(main, ["parse", "--json", str(sample_corpus())])
    return {post["title"]: post["id"] for post in json.loads(result.stdout)}


def run(index: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--corpus", str(sample_corpus()), "--index", str(index)])


def test_cite_a_merged_posts_comment(index, ids):
    result = run(index, "cite", ids["Full cost recovery is not a luxury"], "--comment", "2")
    assert result.exit_code == 0, result.output
    assert "maggieholroyd, comment 2 of 8 March 2011" in result.stdout
    assert "8 March [2011] (year inferred)" in result.stdout
    assert "archive-march-2011.txt" in result.stdout
    assert "full-cost-recovery-is-not-a-luxury.txt" in result.stdout


def test_cite_with_a_permalink_in_bibtex(index, ids):
    result = run(index, "cite", ids["Budget night at the town hall"], "--paragraph", "1", "--format", "bibtex")
    assert result.exit_code == 0, result.output
    (entry,) = bibtexparser.parse_string(result.stdout).entries
    assert entry["url"] == "https://commissioningdesk.wordpress.com/2011/02/17/budget-night-at-the-town-hall/"
    assert entry["author"] == "{Helen Marsden}"


def test_a_comment_that_does_not_exist_is_one_line_and_status_1(index, ids):
    result = run(index, "cite", ids["Budget night at the town hall"], "--comment", "99")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "has 2 comments: there is no comment 99" in result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_post_and_both_options(index, ids):
    assert run(index, "cite", "000000000000").exit_code == 1
    both = run(index, "cite", ids["Budget night at the town hall"], "--comment", "1", "--paragraph", "1")
    assert both.exit_code == 2


def test_show_numbers_comments_as_cite_counts_them(index, ids):
    post_id = ids["Budget night at the town hall"]
    shown = run(index, "show", post_id).stdout.splitlines()
    second = next(line.strip() for line in shown if line.strip().startswith("#2 "))
    author = second.removeprefix("#2 ").split("  ")[0]
    assert run(index, "cite", post_id, "--comment", "2").stdout.startswith(f"{author}, comment 2 of")


def test_show_json_carries_the_discussion(index, ids):
    """'Consortia' on the sample: six comments by three people, four levels deep, 14 to 16 September 2011."""
    consortia = ids["Consortia: marriage of convenience or shotgun wedding?"]
    shown = json.loads(run(index, "show", consortia, "--json").stdout)
    assert shown["comment_count"] == 6
    assert shown["commenters"] == 3
    assert shown["thread_depth"] == 4
    assert (shown["first_comment"], shown["last_comment"]) == ("2011-09-14", "2011-09-16")
    assert shown["url"] == ""
