"""Threads of any shape are read in time linear in their size: each parent link is followed once.

A reply chain (each comment a reply to the one before) made the old per-comment walk up to the
top cost the square of its length: 8,000 replies took 14.5 s. The timings are in
bench/long_threads.py; here, the work is counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from civicreader.cli import main
from civicreader.ingest.shared import reaching_top


def walks_to_the_top(key: str, parents: Mapping[str, str]) -> bool:
    """The definition, one key at a time: its parents end at a comment with none, never looping."""
    seen = {key}
    current = parents.get(key)
    while current in parents:
        if current in seen:
            return False
        seen.add(current)
        current = parents[current]
    return True


class CountedParents(Mapping):
    """Parent links that count how often they are looked up."""

    def __init__(self, links: dict[str, str]) -> None:
        self.links = links
        self.lookups = 0

    def __getitem__(self, key: str) -> str:
        self.lookups += 1
        return self.links[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.links)

    def __len__(self) -> int:
        return len(self.links)


keys = st.sampled_from([str(number) for number in range(12)])


@given(st.dictionaries(keys, keys | st.just("0") | st.just("")))
def test_reaching_top_is_every_comment_whose_parents_end(parents):
    assert reaching_top(parents) == {key for key in parents if walks_to_the_top(key, parents)}


def test_a_cycle_and_what_hangs_below_it_do_not_reach_the_top():
    parents = {"a": "b", "b": "a", "c": "a", "d": "0", "e": "d", "f": "f"}
    assert reaching_top(parents) == {"d", "e"}


def test_a_long_reply_chain_follows_each_parent_link_a_few_times_at_most():
    replies = 20_000
    chain = CountedParents({str(key): str(key - 1) for key in range(1, replies + 1)})
    assert reaching_top(chain) == set(chain.links)
    # The old walk, one comment at a time, looked up replies²/2 links: 200 million here.
    assert chain.lookups <= 4 * replies


def chain_export(replies: int) -> str:
    comments = "".join(
        f"<wp:comment><wp:comment_id>{key}</wp:comment_id><wp:comment_author>Reader {key}</wp:comment_author>"
        f"<wp:comment_date>2012-01-01 00:{key // 60 % 60:02d}:{key % 60:02d}</wp:comment_date>"
        f"<wp:comment_content>Reply {key} to the plan.</wp:comment_content><wp:comment_approved>1"
        f"</wp:comment_approved><wp:comment_parent>{key - 1}</wp:comment_parent></wp:comment>"
        for key in range(1, replies + 1)
    )
    return (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title><item><title>Chained</title>'
        "<wp:post_date>2012-01-01 00:00:00</wp:post_date><wp:post_type>post</wp:post_type>"
        f"<wp:status>publish</wp:status>{comments}</item></channel></rss>"
    )


def test_show_prints_every_reply_of_a_deep_chain_on_a_narrow_terminal(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "chain.xml").write_text(chain_export(40), encoding="utf-8")
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    runner = CliRunner()
    found = json.loads(runner.invoke(main, ["search", "chained", "--json", *where], catch_exceptions=False).stdout)
    shown = runner.invoke(main, ["show", found["hits"][0]["id"], *where], env={"COLUMNS": "60"})
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    # Indented four columns a level, reply 15 and the deeper ones had no room left and printed blank.
    assert [line.strip() for line in lines if line.strip().startswith("Reply ")] == [
        f"Reply {key} to the plan." for key in range(1, 41)
    ]
    assert sum("(reply level 39)" in line for line in lines) == 1
