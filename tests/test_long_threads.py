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


def export(title: str, comments: int, chained: bool) -> str:
    """A WXR export of one post with `comments` comments: each a reply to the one before, or all to the post."""
    rows = "".join(
        f"<wp:comment><wp:comment_id>{key}</wp:comment_id><wp:comment_author>Reader {key}</wp:comment_author>"
        f"<wp:comment_date>2012-01-01 {key // 3600:02d}:{key // 60 % 60:02d}:{key % 60:02d}</wp:comment_date>"
        f"<wp:comment_content>Comment {key} on the plan.</wp:comment_content><wp:comment_approved>1"
        f"</wp:comment_approved><wp:comment_parent>{key - 1 if chained else 0}</wp:comment_parent></wp:comment>"
        for key in range(1, comments + 1)
    )
    return (
        f'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title><item><title>{title}</title>'
        "<wp:post_date>2012-01-01 00:00:00</wp:post_date><wp:post_type>post</wp:post_type>"
        f"<wp:status>publish</wp:status>{rows}</item></channel></rss>"
    )


def test_show_prints_every_reply_of_a_deep_chain_on_a_narrow_terminal(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "chain.xml").write_text(export("Chained", 40, chained=True), encoding="utf-8")
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    runner = CliRunner()
    found = json.loads(runner.invoke(main, ["search", "chained", "--json", *where], catch_exceptions=False).stdout)
    shown = runner.invoke(main, ["show", found["hits"][0]["id"], *where], env={"COLUMNS": "60"})
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    # Indented four columns a level, reply 15 and the deeper ones had no room left and printed blank.
    assert [line.strip() for line in lines if line.strip().startswith("Comment ")] == [
        f"Comment {key} on the plan." for key in range(1, 41)
    ]
    assert sum("(reply level 39)" in line for line in lines) == 1


@given(st.lists(st.integers(0, 4), max_size=30))
def test_reply_counts_are_the_replies_under_each_comment(steps):
    from civicreader.model import Comment
    from civicreader.ui.reading_pane import with_reply_counts

    # A thread from a walk's depths: each comment at most one level below the one before it.
    depths = []
    for step in steps:
        depths.append(min(step, depths[-1] + 1) if depths else 0)
    roots: list[list] = []
    open_levels: list[list] = []
    for number, depth in enumerate(depths):
        node = [f"c{number}", []]
        del open_levels[depth:]
        (open_levels[-1][1] if open_levels else roots).append(node)
        open_levels.append(node)

    def build(node) -> Comment:
        return Comment(node[0], None, (node[0],), tuple(build(child) for child in node[1]))

    walked = [pair for root in roots for pair in build(root).walk()]
    assert [(depth, comment.author) for depth, comment in walked] == [(d, f"c{n}") for n, d in enumerate(depths)]
    assert [replies for _, _, replies in with_reply_counts(walked)] == [
        sum(1 for _ in comment.walk()) - 1 for _, comment in walked
    ]


def test_the_app_opens_a_thread_of_thousands_making_only_the_comments_it_shows(tmp_path):
    import asyncio

    from civicreader.index import Library
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.reading_pane import BATCH, MOUNTED_UNASKED, ReadingPane

    comments = 3 * MOUNTED_UNASKED
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "crowded.xml").write_text(export("Crowded", comments, chained=False), encoding="utf-8")
    library = Library(corpus, tmp_path / "index")
    library.update()
    [hit] = library.search("crowded").hits
    library.close()

    async def scenario() -> None:
        app = CivicReaderApp(corpus, tmp_path / "index")
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            reader = app.screen.query_one(ReadingPane)
            app.screen.open_post(hit.id, {})
            await app.workers.wait_for_complete()
            made = -1
            while made != len(reader.comment_views):  # mounted a batch a frame, until they stop coming
                made = len(reader.comment_views)
                await pilot.pause(0.5)
            shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
            assert f"{comments} comments" in shown and "Comment 1 on the plan." in shown
            # Every widget made is laid out with all the others: making 100,000 took ten seconds and a gigabyte.
            made = len(reader.comment_views)
            assert MOUNTED_UNASKED <= made <= MOUNTED_UNASKED + BATCH
            reader.scroll_end(animate=False, immediate=True)
            await pilot.pause(0.2)
            assert len(reader.comment_views) > made, "the reader scrolled near the end: more follow"

    asyncio.run(scenario())
