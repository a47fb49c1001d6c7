"""The People and Most discussed branches of the archive, the discussion line and the citation key `Y`.

Over the corpus of test_ui.py: Dot Fenwick and Stan Hollis wrote two posts each, "[red]Mallory[/red]" the
five hostile ones; Hilda Marsh commented twice, Priya twice (once on each of Dot's posts), Ravi Patel and
Owen Pryce once, and "[/]" once on each hostile post.
"""

from __future__ import annotations

from civicreader.cite import cite
from civicreader.ui.archive_tree import ArchiveTree
from civicreader.ui.people_branches import MostDiscussedBranch, PeopleBranch
from civicreader.ui.reading_pane import CommentView, ReadingPane
from tests.pilot import make_app, pilot_test, ready_app, screen_text, settle
from tests.test_ui import tree_labels


def branch(tree: ArchiveTree, kind):
    return next(node for node in tree.root.children if isinstance(node.data, kind))


async def open_branch(pilot, kind) -> ArchiveTree:
    tree = pilot.app.screen.query_one(ArchiveTree)
    node = branch(tree, kind)
    tree.move_cursor(node)
    await pilot.press("enter")
    await settle(pilot)
    return tree


@pilot_test
async def test_people_branch_lists_everyone_by_how_much_they_wrote(built_index):
    async with ready_app(built_index) as (app, pilot):
        tree = app.screen.query_one(ArchiveTree)
        assert tree_labels(tree)[2:] == ["Categories 4 categories", "People 8", "Most discussed", "Bookmarks", "Notes"]
        await open_branch(pilot, PeopleBranch)
        people = [label.strip() for label in tree_labels(tree)[4:12]]
        assert people == [
            "[/] 5 comments",
            "[red]Mallory[/red] 5 posts",
            "Dot Fenwick 2 posts",
            "Hilda Marsh 2 comments",
            "Priya 2 comments",
            "Stan Hollis 2 posts",
            "Owen Pryce 1 comment",
            "Ravi Patel 1 comment",
        ]
        assert "[red]Mallory[/red] 5 posts" in screen_text(app), "a name with markup is shown as written"


@pilot_test
async def test_choosing_a_person_lists_what_they_wrote_newest_first_and_enter_opens_the_post_at_it(built_index):
    async with ready_app(built_index, size=(100, 24)) as (app, pilot):
        tree = await open_branch(pilot, PeopleBranch)
        priya = next(node for node in branch(tree, PeopleBranch).children if node.data.name == "Priya")
        tree.move_cursor(priya)
        await pilot.press("enter")
        await settle(pilot)
        assert [child.label.plain for child in priya.children] == [
            "2011-04-03 comment on Volunteer rota woes · Parish Pump",
            "2011-03-16 comment on Notes from the allotment committee · Parish Pump",
        ]
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        assert reader.opened.post.title == "Notes from the allotment committee"
        priyas = reader.comment_views[4]
        assert priyas.comment.author == "Priya"
        top, bottom = reader.scroll_y, reader.scroll_y + reader.scrollable_content_region.height
        assert top <= priyas.virtual_region.y < bottom, "the post opens at her comment"
        await pilot.press("Y")
        await settle(pilot)
        assert app.clipboard == cite(reader.opened.post, comment=5), "Y cites the comment it opened at"


@pilot_test
async def test_most_discussed_lists_the_longest_threads_first(built_index):
    async with ready_app(built_index) as (_, pilot):
        tree = await open_branch(pilot, MostDiscussedBranch)
        listed = [child.label.plain for child in branch(tree, MostDiscussedBranch).children]
        assert listed[0] == "2011-03-14 Notes from the allotment committee (5)"
        counts = [int(label.rsplit("(", 1)[1].rstrip(")")) for label in listed]
        assert counts == sorted(counts, reverse=True) and len(listed) == 7, "posts without comments are left out"


@pilot_test
async def test_the_header_says_how_much_discussion_a_post_drew(built_index):
    async with ready_app(built_index) as (app, pilot):
        await open_branch(pilot, MostDiscussedBranch)
        await pilot.press("j", "enter")
        await settle(pilot)
        # Hilda, Ravi, Hilda, Owen, Priya: five comments by four people, four levels deep, 14 to 16 March.
        assert "5 comments by 4 people, 4 levels deep, 2011-03-14 to 2011-03-16" in screen_text(app)


@pilot_test
async def test_y_copies_a_citation_of_the_post_then_of_the_comment_in_view(built_index):
    async with ready_app(built_index, size=(80, 16)) as (app, pilot):
        await open_branch(pilot, MostDiscussedBranch)
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        post = reader.opened.post
        await pilot.press("Y")
        await settle(pilot)
        assert app.clipboard == cite(post)
        assert app.clipboard.startswith(
            "Dot Fenwick, “Notes from the allotment committee”, Parish Pump, 14 March 2011."
        )
        notices = [notice.message for notice in app._notifications]
        assert any(
            message.startswith("Citation of “Notes from the allotment committee” copied as text") for message in notices
        )
        await pilot.press("right_square_bracket", "right_square_bracket")  # the second comment's header at the top
        await settle(pilot)
        second = reader.comment_views[1]
        assert round(reader.scroll_y) == second.virtual_region.y
        await pilot.press("Y")
        await settle(pilot)
        assert app.clipboard == cite(post, comment=2)
        assert app.clipboard.startswith(
            "Ravi Patel, comment 2 of 14 March 2011 on “Notes from the allotment committee”"
        )
        assert any("Citation of comment 2 by Ravi Patel" in notice.message for notice in app._notifications)


@pilot_test
async def test_y_writes_the_format_the_settings_name(built_index):
    from civicreader.config import Config, save_config

    corpus, _ = built_index
    save_config(Config(export_dir=corpus, citation_format="bibtex"))
    async with ready_app(built_index, size=(100, 24)) as (app, pilot):
        await open_branch(pilot, MostDiscussedBranch)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("Y")
        await settle(pilot)
        assert app.clipboard.startswith("@online{fenwick2011-")
        assert isinstance(app.screen.query_one(ReadingPane).comment_views[0], CommentView)


@pilot_test
async def test_y_with_no_post_open_says_what_to_do(built_index):
    async with ready_app(built_index, size=(100, 24)) as (app, pilot):
        app.screen.query_one(ReadingPane).focus()
        await pilot.press("Y")
        await settle(pilot)
        assert any("Open a post first" in notice.message for notice in app._notifications)


@pilot_test
async def test_a_prolific_commenters_writings_come_a_page_at_a_time_as_the_cursor_reaches_the_end(tmp_path):
    from civicreader.index import Library
    from civicreader.ui.people_branches import PAGE, MoreWritings, WritingLeaf
    from tests.test_ui import wxr

    comments = {
        key: ("Gus Prolific", f"2012-03-{1 + key % 28:02d} 10:{key % 60:02d}:00", [f"Remark {key}."], 0)
        for key in range(1, PAGE + 51)
    }
    post = {
        "title": "Open thread", "author": "Dot Fenwick", "date": "2012-03-01 09:00:00", "body": ["Say anything."],
        "categories": [], "tags": [], "comments": comments,
    }
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "thread.xml").write_text(wxr("Parish Pump", [post]), encoding="utf-8")
    library = Library(corpus, tmp_path / "index")
    library.update()
    library.close()
    app = make_app((corpus, tmp_path / "index"))
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        tree = await open_branch(pilot, PeopleBranch)
        gus = branch(tree, PeopleBranch).children[0]
        assert gus.data.name == "Gus Prolific"
        tree.move_cursor(gus)
        await pilot.press("enter")
        await settle(pilot)
        assert len(gus.children) == PAGE + 1, "a first page, then a leaf standing for the rest"
        assert isinstance(gus.children[-1].data, MoreWritings)
        await pilot.pause()
        assert "Gus Prolific 250 comments" in screen_text(app) and "comment on Open thre" in screen_text(app)

        tree.move_cursor(gus.children[-2])
        await pilot.press("j")  # onto the "more…" leaf: the rest comes in its place
        await settle(pilot)
        assert len(gus.children) == PAGE + 50
        assert all(isinstance(child.data, WritingLeaf) for child in gus.children)
        numbers = [child.data.writing.comment for child in gus.children]
        assert sorted(numbers) == list(range(1, PAGE + 51)), "every comment once, none lost at the page's edge"
        assert tree.cursor_node is gus.children[PAGE], "the cursor stays on the line it moved to"
