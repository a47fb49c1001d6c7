"""`R`: the app looks at the corpus again without a restart, and shows what another process's update wrote."""

from __future__ import annotations

import asyncio
import contextlib

from civicreader.index import Library
from tests.pilot import pilot_test, screen_text, settle
from tests.test_ui import POSTS, hold_updates, tree_labels, unique, write_corpus, wxr

SEED_SWAP = {**POSTS[1], "title": "Seed swap on Saturday", "date": "2011-03-20 10:00:00", "comments": {}}


def notices(app) -> list[str]:
    return [notice.message for notice in app._notifications]


@contextlib.asynccontextmanager
async def app_over_an_index(tmp_path):
    """(app, pilot, corpus, messages seen) of the app, settled, over a corpus indexed before it opened."""
    from civicreader.ui.app import CivicReaderApp

    corpus = write_corpus(tmp_path / "corpus")
    Library(corpus, tmp_path / "index").update()
    app = CivicReaderApp(corpus, tmp_path / "index")
    seen = []
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await settle(pilot)
        yield app, pilot, corpus, seen


@pilot_test
async def test_R_indexes_a_file_added_while_the_app_was_open_and_keeps_the_open_branch(tmp_path):
    from civicreader.ui.archive_tree import ArchiveTree
    from civicreader.ui.messages import IndexingFinished, IndexingStarted
    from civicreader.ui.reading_pane import ReadingPane

    async with app_over_an_index(tmp_path) as (app, pilot, corpus, seen):
        tree = app.screen.query_one(ArchiveTree)
        await pilot.press("j", "enter")  # Parish Pump, open
        await settle(pilot)
        assert tree_labels(tree)[1].startswith("Parish Pump 4 posts")
        (corpus / "more.xml").write_text(wxr("Parish Pump", [SEED_SWAP]), encoding="utf-8")
        await pilot.press("R")
        await settle(pilot)
        labels = tree_labels(tree)
        assert labels[1].startswith("Parish Pump 5 posts") and labels[2:4] == ["  2012 1", "  2011 3"]
        assert [kind for kind in map(type, unique(seen)) if kind in (IndexingStarted, IndexingFinished)] == [
            IndexingStarted, IndexingFinished]
        assert any(notice.startswith("Index ready: 10 posts (1 file read)") for notice in notices(app))
        await pilot.press("slash", *"seed swap", "enter")
        await settle(pilot)
        assert app.screen.query_one(ReadingPane).opened.post.title == "Seed swap on Saturday"


@pilot_test
async def test_R_shows_what_another_process_wrote_and_says_the_index_is_up_to_date(tmp_path):
    from civicreader.ui.archive_tree import ArchiveTree
    from civicreader.ui.messages import IndexingStarted

    async with app_over_an_index(tmp_path) as (app, pilot, corpus, seen):
        (corpus / "more.xml").write_text(wxr("Parish Pump", [SEED_SWAP]), encoding="utf-8")
        other = Library(corpus, tmp_path / "index")  # `civicreader index` in another terminal
        other.update()
        other.close()
        assert tree_labels(app.screen.query_one(ArchiveTree))[1].startswith("Parish Pump 4 posts")
        await pilot.press("R")
        await settle(pilot)
        assert tree_labels(app.screen.query_one(ArchiveTree))[1].startswith("Parish Pump 5 posts")
        assert "10 posts in corpus" in screen_text(app)
        assert "The index is up to date with the corpus: 10 posts." in notices(app)
        assert IndexingStarted not in map(type, seen)


@pilot_test
async def test_R_while_the_index_is_being_updated_leaves_the_update_to_finish(tmp_path, monkeypatch):
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.archive_tree import ArchiveTree

    corpus = write_corpus(tmp_path / "corpus")
    Library(corpus, tmp_path / "index").update()
    (corpus / "more.xml").write_text(wxr("Parish Pump", [SEED_SWAP]), encoding="utf-8")
    release = hold_updates(monkeypatch)
    app = CivicReaderApp(corpus, tmp_path / "index")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(3):
                await asyncio.gather(*(worker.wait() for worker in app.workers if worker.group != "index"))
                await pilot.pause()
            await pilot.press("R")
            await pilot.pause()
            assert "The index is being updated already." in notices(app)
            release.set()
            await settle(pilot)
            assert tree_labels(app.screen.query_one(ArchiveTree))[1].startswith("Parish Pump 5 posts")
    finally:
        release.set()
