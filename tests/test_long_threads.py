"""Threads of any shape are read in time linear in their size: each parent link is followed once.

A reply chain (each comment a reply to the one before) made the old per-comment walk up to the
top cost the square of its length: 8,000 replies took 14.5 s. The timings are in
bench/long_threads.py; here, the work is counted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from hypothesis import given
from hypothesis import strategies as st

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
