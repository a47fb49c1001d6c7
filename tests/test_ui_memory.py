"""Read marks in the app: a post open for a moment is read, unread posts are marked and counted, `m` and `u`."""

from __future__ import annotations

import time

from civicreader.memory import open_memory
from civicreader.paths import memory_path_for
from tests.test_ui import make_app, pilot_test, screen_text, search_for, settle


def read_in_memory(built_index) -> set[str]:
    corpus, _index = built_index
    memory = open_memory(memory_path_for(corpus))
    try:
        return memory.read_ids()
    finally:
        memory.close()


async def dwell(pilot, seconds: float) -> None:
    await pilot.pause(seconds)
    await settle(pilot)


@pilot_test
async def test_a_post_open_for_a_moment_is_read_and_stays_read_after_quitting(built_index, monkeypatch):
    from civicreader.ui.reading_pane import ReadingPane

    monkeypatch.setattr("civicreader.ui.main_screen.READ_AFTER_SECONDS", 0.2)
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Parish Pump 4 posts · 4 unread" in screen_text(app)
        await search_for(pilot, "allotment committee")
        assert "● Notes from the allotment committee" in screen_text(app)
        await pilot.press("enter")
        await dwell(pilot, 0.4)
        opened = app.screen.query_one(ReadingPane).opened.post
        assert read_in_memory(built_index) == {opened.id}
        assert "● Notes from the allotment committee" not in screen_text(app)
        assert "Notes from the allotment committee" in screen_text(app)

    again = make_app(built_index)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Parish Pump 4 posts · 3 unread" in screen_text(again)


@pilot_test
async def test_passing_through_a_post_does_not_mark_it_read(built_index, monkeypatch):
    from civicreader.ui.reading_pane import ReadingPane

    # Generous: the two posts must be opened within the delay even on a busy machine.
    monkeypatch.setattr("civicreader.ui.main_screen.READ_AFTER_SECONDS", 4.0)
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "allotment", "enter")
        await settle(pilot)
        await pilot.press("escape", "j", "enter")  # back to the list, the next hit
        await settle(pilot)
        second = app.screen.query_one(ReadingPane).opened.post
        await dwell(pilot, 4.5)
        assert read_in_memory(built_index) == {second.id}


@pilot_test
async def test_m_marks_the_open_post_unread_and_read_again(built_index, monkeypatch):
    from civicreader.ui.reading_pane import ReadingPane

    monkeypatch.setattr("civicreader.ui.main_screen.READ_AFTER_SECONDS", 0.1)
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "allotment committee", "enter")
        await dwell(pilot, 0.3)
        post = app.screen.query_one(ReadingPane).opened.post
        assert read_in_memory(built_index) == {post.id}
        assert "● Notes from the allotment committee" not in screen_text(app)
        await pilot.press("m")
        await dwell(pilot, 0.3)  # longer than the delay: unread on purpose stays unread
        assert read_in_memory(built_index) == set()
        assert "● Notes from the allotment committee" in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert read_in_memory(built_index) == {post.id}


@pilot_test
async def test_u_opens_the_unread_posts_one_after_another_in_archive_order(built_index, monkeypatch):
    from civicreader.ui.reading_pane import ReadingPane

    monkeypatch.setattr("civicreader.ui.main_screen.READ_AFTER_SECONDS", 0.05)
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        order = app.screen.reader_memory.archive_order
        assert len(order) == 9
        opened = []
        for _ in order:
            await pilot.press("u")
            await settle(pilot)
            opened.append(app.screen.query_one(ReadingPane).opened.post.id)
            await dwell(pilot, 0.15)
        assert opened == list(order)
        assert read_in_memory(built_index) == set(order)
        await pilot.press("u")
        await dwell(pilot, 0.2)
        assert app.screen.query_one(ReadingPane).opened.post.id == order[-1]
        assert "Every post is read." in [notice.message for notice in app._notifications]


def bookmarks_in_memory(built_index) -> list[str]:
    corpus, _index = built_index
    memory = open_memory(memory_path_for(corpus))
    try:
        return memory.bookmarks()
    finally:
        memory.close()


@pilot_test
async def test_b_bookmarks_the_open_post_and_the_bookmarks_branch_lists_it(built_index):
    from civicreader.ui.archive_tree import ArchiveTree, BookmarksBranch
    from civicreader.ui.reading_pane import ReadingPane

    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Bookmarks 0" in screen_text(app)
        await search_for(pilot, "allotment committee", "enter")
        await settle(pilot)
        post = app.screen.query_one(ReadingPane).opened.post
        await pilot.press("B")
        await settle(pilot)
        assert bookmarks_in_memory(built_index) == [post.id]
        await pilot.press("escape", "escape", "escape")  # back to the archive
        await settle(pilot)
        tree = app.screen.query_one(ArchiveTree)
        branch = next(node for node in tree.root.children if isinstance(node.data, BookmarksBranch))
        branch.expand()
        await settle(pilot)
        assert [child.data.summary.id for child in branch.children] == [post.id]
        assert "Bookmarks 1" in screen_text(app)

    again = make_app(built_index)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Bookmarks 1" in screen_text(again)
        await search_for(pilot, "allotment committee", "enter")
        await settle(pilot)
        await pilot.press("B")  # off again
        await settle(pilot)
        assert bookmarks_in_memory(built_index) == []


@pilot_test
async def test_back_and_forward_return_to_each_post_where_the_reader_was(built_index):
    from civicreader.ui.reading_pane import ReadingPane

    app = make_app(built_index)
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        await search_for(pilot, "allotment committee", "enter")
        await settle(pilot)
        first = reader.opened.post.id
        await pilot.press("j", "j", "j")  # a few lines into the first post
        await settle(pilot)
        place = reader.scroll_y
        assert place > 0
        await pilot.press("u")  # the next post not read yet, after this one
        await settle(pilot)
        second = reader.opened.post.id
        assert second != first
        await pilot.press("H")
        await settle(pilot)
        assert reader.opened.post.id == first
        assert reader.scroll_y == place
        await pilot.press("L")
        await settle(pilot)
        assert reader.opened.post.id == second
        await pilot.press("alt+left")
        await settle(pilot)
        assert reader.opened.post.id == first
        await pilot.press("H")
        await settle(pilot)
        assert reader.opened.post.id == first, "nothing before the first post"
        assert "No earlier post." in [notice.message for notice in app._notifications]


@pilot_test
async def test_u_pressed_before_the_unread_posts_are_counted_opens_the_first_once_they_are(built_index, monkeypatch):
    import threading

    from civicreader.ui import unread
    from civicreader.ui.reading_pane import ReadingPane

    counting_may_finish = threading.Event()
    real_counts = unread.unread_counts

    def slow_counts(places, read_ids):
        counting_may_finish.wait(10)
        return real_counts(places, read_ids)

    monkeypatch.setattr(unread, "unread_counts", slow_counts)
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):  # not settle(): it would wait for the held count
            await pilot.pause(0.02)
            if app.screen.memory is not None and app.screen.access.ready:
                break
        assert not app.screen.reader_memory.archive_order
        await pilot.press("u")
        await pilot.pause(0.2)
        assert app.screen.query_one(ReadingPane).opened is None
        assert "Every post is read." not in [notice.message for notice in app._notifications]
        counting_may_finish.set()
        await dwell(pilot, 0.2)
        first = app.screen.reader_memory.archive_order[0]
        assert app.screen.query_one(ReadingPane).opened.post.id == first


@pilot_test
async def test_a_narrow_archive_keeps_blog_names_whole_and_counts_unread_posts_in_short(built_index):
    app = make_app(built_index)
    async with app.run_test(size=(72, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Parish Pump 4 ●4" in text
        assert "unread" not in text


@pilot_test
async def test_the_first_frame_with_the_blogs_shows_their_unread_counts_when_the_memory_opened_first(
        built_index, monkeypatch):
    import threading

    import civicreader.memory
    from civicreader.ui import unread
    from civicreader.ui.archive_tree import ArchiveTree

    memory_open = threading.Event()
    real_open, real_children = civicreader.memory.open_memory, ArchiveTree.children_of
    real_counts = unread.unread_counts
    counts_made = []

    def opening(*args, **kwargs):
        memory = real_open(*args, **kwargs)
        memory_open.set()
        return memory

    def top_level_after_the_memory(library, data):
        if data is None:
            memory_open.wait(10)
            time.sleep(0.1)  # past the worker's message, so the marks are set
        return real_children(library, data)

    def counting(places, read_ids):
        counts_made.append(len(read_ids))
        return real_counts(places, read_ids)

    monkeypatch.setattr(civicreader.memory, "open_memory", opening)
    monkeypatch.setattr(ArchiveTree, "children_of", staticmethod(top_level_after_the_memory))
    monkeypatch.setattr(unread, "unread_counts", counting)
    first_frames: list[str] = []
    real_show = ArchiveTree.show_top_level

    def show_top_level(tree, top_level):
        real_show(tree, top_level)
        tree.app.call_after_refresh(lambda: first_frames.append(screen_text(tree.app)))

    monkeypatch.setattr(ArchiveTree, "show_top_level", show_top_level)
    from civicreader.index import Library

    real_prepare, searchers_readied = Library.prepare_search, []

    def prepare_search(library):
        searchers_readied.append(True)
        return real_prepare(library)

    monkeypatch.setattr(Library, "prepare_search", prepare_search)
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Parish Pump 4 posts · 4 unread" in first_frames[0]
        assert counts_made == [0], "counted once, with the archive's top level"
        await dwell(pilot, 0.3)
        assert searchers_readied, "the search is readied once the counts are shown, before any search"


@pilot_test
async def test_a_first_build_counts_unread_posts_even_when_the_memory_opens_after_it(tmp_path, monkeypatch):
    import civicreader.memory
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.messages import IndexingFinished
    from tests.test_ui import write_corpus

    real_open = civicreader.memory.open_memory
    finished = []

    def after_the_build(*args, **kwargs):
        for _ in range(500):  # the build posts IndexingFinished first
            if finished:
                break
            time.sleep(0.01)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(civicreader.memory, "open_memory", after_the_build)
    app = CivicReaderApp(write_corpus(tmp_path / "corpus"), tmp_path / "index")

    def watch(message) -> None:
        if isinstance(message, IndexingFinished):
            finished.append(message)

    async with app.run_test(size=(120, 40), message_hook=watch) as pilot:
        await settle(pilot)
        await dwell(pilot, 0.3)
        assert finished
        assert "Parish Pump 4 posts · 4 unread" in screen_text(app)
