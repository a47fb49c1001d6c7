"""The reader app, driven headless with Pilot over a real index of a corpus written here."""

from __future__ import annotations

import asyncio
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from civicreader.index import Library
from tests.pilot import make_app, pilot_test, ready_app, screen_text, search_for, settle

# ---------------------------------------------------------------- a corpus with known shapes

HOSTILE_TITLES = ["[/b]", "[bold]x", "[/", "[0]", "[link=file:///etc/passwd]x"]

LONG_READ_PARAGRAPHS = [
    f"Paragraph {number} walks another stretch of the lane, counting gates and stiles." for number in range(1, 31)
]
LONG_READ_PARAGRAPHS[23] = "At the far end a kingfisher sat on the sluice, which nobody had seen in years."
LONG_READ_PARAGRAPHS[27] = "On the way back the kingfisher was gone, and the sluice gate had been mended."

# (author, date, paragraphs, parent id or 0)
ALLOTMENT_COMMENTS = {
    1: ("Hilda Marsh", "2011-03-14 10:05:00", ["The waiting list is longer than the plots."], 0),
    2: ("Ravi Patel", "2011-03-14 11:40:00", ["Split the plots in half, then."], 1),
    3: ("Hilda Marsh", "2011-03-14 12:15:00", ["Half plots grow half marrows."], 2),
    4: ("Owen Pryce", "2011-03-15 08:30:00", ["Nobody needs a whole marrow."], 3),
    5: ("Priya", "2011-03-16 19:00:00", ["Could the school garden take some of the list?"], 0),
}

POSTS = [
    {
        "title": "Notes from the allotment committee",
        "date": "2011-03-14 09:00:00",
        "author": "Dot Fenwick",
        "categories": ["Local democracy"],
        "tags": ["allotments"],
        "body": [
            "The allotment committee met on Tuesday in the scout hut.",
            "We agreed to ask the parish for two more water butts.",
        ],
        "comments": ALLOTMENT_COMMENTS,
    },
    {
        "title": "Volunteer rota woes",
        "date": "2011-04-02 18:30:00",
        "author": "Dot Fenwick",
        "categories": ["Volunteering"],
        "tags": [],
        "body": ["Three people on the rota, eleven shifts to fill.", "Tea urn duty remains unpopular."],
        "comments": {1: ("Priya", "2011-04-03 09:00:00", ["My allotment keeps me busy on Saturdays."], 0)},
    },
    {
        "title": "Budget night at the parish hall",
        "date": "2010-11-20 21:00:00",
        "author": "Stan Hollis",
        "categories": ["Local democracy"],
        "tags": ["budget"],
        "body": ["The precept goes up by two per cent.", "Nobody asked about the allotment rents."],
        "comments": {},
    },
    {
        "title": "The long read on hedgerows",
        "date": "2012-06-01 07:00:00",
        "author": "Stan Hollis",
        "categories": ["Nature"],
        "tags": [],
        "body": LONG_READ_PARAGRAPHS,
        "comments": {},
    },
]

HOSTILE_POSTS = [
    {
        "title": title,
        "date": f"2013-01-{number + 10:02d} 12:00:00",
        "author": "[red]Mallory[/red]",
        "categories": ["[b]Tricks"],
        "tags": [],
        "body": [f"Body of a hostile post [link=file:///etc/passwd]click[/link] number {number}."],
        "comments": {1: ("[/]", "2013-01-20 12:00:00", ["[bold]not bold[/bold] and a lone [/"], 0)},
    }
    for number, title in enumerate(HOSTILE_TITLES)
]


def wxr(blog: str, posts: list[dict]) -> str:
    """A small WordPress export (the format with threaded comments and categories)."""
    items = []
    for post in posts:
        comments = "".join(
            f"<wp:comment><wp:comment_id>{key}</wp:comment_id>"
            f"<wp:comment_author>{escape(author)}</wp:comment_author>"
            f"<wp:comment_date>{when}</wp:comment_date>"
            f"<wp:comment_content>{escape(''.join(f'<p>{p}</p>' for p in body))}</wp:comment_content>"
            f"<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>"
            "</wp:comment>"
            for key, (author, when, body, parent) in post["comments"].items()
        )
        terms = "".join(f'<category domain="category">{escape(name)}</category>' for name in post["categories"])
        terms += "".join(f'<category domain="post_tag">{escape(name)}</category>' for name in post["tags"])
        content = escape("".join(f"<p>{escape(paragraph)}</p>" for paragraph in post["body"]))
        items.append(
            f"<item><title>{escape(escape(post['title']))}</title><dc:creator>{escape(post['author'])}</dc:creator>"
            f"<content:encoded>{content}</content:encoded><wp:post_date>{post['date']}</wp:post_date>"
            f"<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>{terms}{comments}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">'
        f"<channel><title>{escape(blog)}</title><wp:wxr_version>1.2</wp:wxr_version>{''.join(items)}</channel></rss>"
    )


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "parish-pump.xml").write_text(wxr("Parish Pump", POSTS), encoding="utf-8")
    (folder / "hostile.xml").write_text(wxr("[bold]Hostile[/bold]", HOSTILE_POSTS), encoding="utf-8")
    return folder


def index_corpus(base: Path) -> tuple[Path, Path]:
    corpus = write_corpus(base / "corpus")
    index_dir = base / "index"
    library = Library(corpus, index_dir)
    report = library.update()
    library.close()
    assert not report.problems, report.problems
    return corpus, index_dir


def hold_updates(monkeypatch):
    """Make every index update wait until the event returned is set, as a slow one on a big corpus would."""
    import threading

    release = threading.Event()
    update = Library.update

    def slow_update(self, *args, **kwargs):
        release.wait(30)
        return update(self, *args, **kwargs)

    monkeypatch.setattr(Library, "update", slow_update)
    return release


def unique(messages):
    """Each message once: the hook sees a message again at every node it bubbles through."""
    return list({id(message): message for message in messages}.values())


def tree_labels(tree) -> list[str]:
    labels = []

    def walk(node, depth):
        for child in node.children:
            labels.append("  " * depth + child.label.plain)
            if child.is_expanded:
                walk(child, depth + 1)

    walk(tree.root, 0)
    return labels


# ---------------------------------------------------------------- the archive tree


@pilot_test
async def test_archive_tree_goes_blog_year_month_post_and_opens_the_post(built_index):
    from civicreader.ui.archive_tree import ArchiveTree
    from civicreader.ui.reading_pane import ReadingPane

    async with ready_app(built_index) as (app, pilot):
        tree = app.screen.query_one(ArchiveTree)
        assert app.focused is tree
        assert tree_labels(tree) == [
            "[bold]Hostile[/bold] 5 posts", "Parish Pump 4 posts", "Categories 4 categories", "People 8",
            "Most discussed", "Bookmarks", "Notes",
        ]  # fmt: skip
        await pilot.press("j", "enter")  # Parish Pump
        await settle(pilot)
        assert tree_labels(tree)[2:5] == ["  2012 1", "  2011 2", "  2010 1"]
        await pilot.press("j", "j", "enter")  # 2011
        await settle(pilot)
        assert tree_labels(tree)[4:6] == ["    April 1", "    March 1"]
        await pilot.press("j", "j", "enter")  # March
        await settle(pilot)
        assert tree_labels(tree)[6] == "      14 Notes from the allotment committee (5)", "the day only"
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        assert reader.opened.post.title == "Notes from the allotment committee"
        assert app.focused is reader
        shown = screen_text(app)
        assert "14 March 2011" in shown and "by Dot Fenwick" in shown and "categories: Local democracy" in shown


@pilot_test
async def test_categories_branch_lists_categories_with_counts_and_their_posts(built_index):
    from civicreader.ui.archive_tree import ArchiveTree

    async with ready_app(built_index) as (app, pilot):
        await pilot.press("j", "j", "enter")  # Categories, under the blogs
        await settle(pilot)
        tree = app.screen.query_one(ArchiveTree)
        assert tree_labels(tree)[3:7] == ["  [b]Tricks 5", "  Local democracy 2", "  Nature 1", "  Volunteering 1"]
        await pilot.press("j", "j", "enter")  # Local democracy
        await settle(pilot)
        assert [label.strip() for label in tree_labels(tree)[5:7]] == [
            "2011-03-14 Notes from the allotment committee (5)",
            "2010-11-20 Budget night at the parish hall",
        ]


def test_a_top_level_count_says_its_unit_and_survives_a_cut_to_fit():
    from civicreader.ui.archive_tree import CATEGORIES, POSTS, BlogBranch, CategoriesBranch, counted, fitted
    from civicreader.ui.archive_tree import label_end_length as end

    assert counted("Parish Pump", 1, unit=POSTS).plain == "Parish Pump 1 post"
    assert counted("Categories", 1_204, unit=CATEGORIES).plain == "Categories 1,204 categories"
    blog = counted("A blog whose name is far too long 2024", 12, "bold", POSTS)
    cut = fitted(blog, 24, end(BlogBranch("x"), blog))
    assert cut.plain.endswith("… 12 posts") and cut.cell_len == 24, "a number in the name is not taken for the count"
    categories = counted("Categories", 7, "italic", CATEGORIES)
    assert fitted(categories, 18, end(CategoriesBranch(), categories)).plain == "Cate… 7 categories"


def test_a_narrow_categories_branch_says_its_unread_count_is_of_posts_while_it_fits():
    from civicreader.ui.archive_tree import CATEGORIES, POSTS, CategoriesBranch, counted, with_unread_count
    from civicreader.ui.archive_tree import label_end_length as end

    def shown(label, unread, width, counts_posts):
        return with_unread_count(label, end(CategoriesBranch(), label), unread, width, counts_posts)[0].plain

    categories = counted("Categories", 286, "italic", CATEGORIES)
    assert shown(categories, 234, 29, False) == "Categories 286 ●234 posts", "80 columns: not '286 ●234'"
    assert shown(categories, 1, 29, False) == "Categories 286 ●1 post"
    assert shown(categories, 234, 22, False) == "Categories 286 ●234", "too narrow for the unit: the short form"
    assert shown(categories, 234, 40, False) == "Categories 286 categories · 234 unread"
    blog = counted("commissioning-desk", 18, unit=POSTS)
    assert shown(blog, 18, 29, True) == "commissioning-desk 18 ●18", "a count of posts needs no second unit"


# ---------------------------------------------------------------- search


@pilot_test
async def test_search_as_you_type_follows_each_keystroke_and_clearing_returns_to_the_archive(built_index):
    from textual.widgets import ContentSwitcher

    from civicreader.ui.results_list import ResultsList

    async with ready_app(built_index) as (app, pilot):
        await pilot.press("slash", *"rota")
        await settle(pilot)
        results = app.screen.query_one(ResultsList)
        assert app.screen.query_one(ContentSwitcher).current == "results-panel"
        assert [hit.title for hit in results.hits] == ["Volunteer rota woes"]
        assert "1 post matches" in screen_text(app)
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"allotment")
        await settle(pilot)
        assert {hit.title for hit in results.hits} == {
            "Notes from the allotment committee",
            "Volunteer rota woes",
            "Budget night at the parish hall",
        }
        assert "3 posts match" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one(ContentSwitcher).current == "archive"
        assert app.screen.query_one("#query").value == ""


@pilot_test
async def test_a_hit_in_a_comment_says_whose_comment_and_highlights_the_word(built_index):
    from civicreader.ui.results_list import ResultsList
    async with ready_app(built_index, size=(140, 40)) as (app, pilot):
        await search_for(pilot, "busy")
        await settle(pilot)
        results = app.screen.query_one(ResultsList)
        [hit] = results.hits
        assert (hit.matched_in, hit.commenter) == ("comment", "Priya")
        assert "in a comment by Priya" in screen_text(app)
        assert results.row_pieces(0, "match") == ["busy"]


@pilot_test
async def test_a_hit_in_the_title_shows_the_title_once_with_the_word_highlighted(built_index):
    from civicreader.ui.results_list import ResultsList
    async with ready_app(built_index, size=(140, 40)) as (app, pilot):
        await search_for(pilot, "hedgerows")
        await settle(pilot)
        results = app.screen.query_one(ResultsList)
        [hit] = results.hits
        assert hit.matched_in == "title"
        shown = results.row_text(0)
        assert shown.count("The long read on hedgerows") == 1
        assert "in the title" in shown
        assert results.row_pieces(0, "title-match") == ["hedgerows"]
        assert results.row_pieces(0, "match") == [], "no snippet repeating the title"


@pilot_test
async def test_enter_in_the_search_bar_opens_the_top_hit_scrolled_to_the_first_match(built_index):
    from civicreader.ui.reading_pane import ReadingPane

    async with ready_app(built_index, size=(120, 30)) as (app, pilot):
        await pilot.press("slash", *"kingfisher", "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        assert reader.opened.post.title == "The long read on hedgerows"
        assert app.focused is reader
        assert reader.match_position() == (1, 2)
        assert reader.scroll_y > 20
        assert "a kingfisher sat on the sluice" in screen_text(app)


@pilot_test
async def test_n_and_shift_n_step_through_the_matches_and_wrap(built_index):
    from civicreader.ui.reading_pane import ReadingPane
    from civicreader.ui.text import CURRENT_MATCH_STYLE

    async with ready_app(built_index, size=(120, 30)) as (app, pilot):
        await search_for(pilot, "kingfisher", "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)

        def current_text() -> str:
            view, _span = reader.matches[reader.current_match]
            content = view.visual
            [span] = [span for span in content.spans if span.style == CURRENT_MATCH_STYLE]
            return content.plain[span.start : span.end] + " in: " + content.plain[:20]

        assert current_text() == "kingfisher in: At the far end a kin"
        await pilot.press("n")
        await pilot.pause()
        assert reader.match_position() == (2, 2)
        assert current_text() == "kingfisher in: On the way back the "
        assert "the kingfisher was gone" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert reader.match_position() == (1, 2)
        await pilot.press("N")
        await pilot.pause()
        assert reader.match_position() == (2, 2)


@pilot_test
async def test_opening_a_post_from_the_results_list(built_index):
    from civicreader.ui.reading_pane import ReadingPane
    from civicreader.ui.results_list import ResultsList

    async with ready_app(built_index) as (app, pilot):
        await search_for(pilot, "allotment")
        await settle(pilot)
        await pilot.press("down")
        results = app.screen.query_one(ResultsList)
        assert app.focused is results
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        assert reader.opened.post.id == results.hits[1].id
        assert reader.matches, "the search words are highlighted in the post"
        await pilot.press("escape")
        assert app.focused is results


@pilot_test
async def test_clicking_a_hit_opens_that_post(built_index):
    from civicreader.ui.reading_pane import ReadingPane
    from civicreader.ui.results_list import ResultsList

    async with ready_app(built_index) as (app, pilot):
        await search_for(pilot, "allotment")
        await settle(pilot)
        results = app.screen.query_one(ResultsList)
        second_title = results.row_text(1).splitlines()[0]
        [row] = [y for y, line in enumerate(screen_text(app).splitlines()) if second_title in line]
        column = screen_text(app).splitlines()[row].index(second_title)
        await pilot.hover(offset=(column + 2, row))
        assert results.hovered == 1, "the hit under the pointer is picked out"
        await pilot.click(offset=(column + 2, row))
        await settle(pilot)
        assert app.screen.query_one(ReadingPane).opened.post.id == results.hits[1].id


@pilot_test
async def test_moving_down_a_list_longer_than_the_pane_keeps_the_cursor_in_view(built_index):
    from civicreader.ui.results_list import ResultsList

    async with ready_app(built_index, size=(100, 18)) as (app, pilot):
        await search_for(pilot, "allotment", "down")
        await settle(pilot)
        results = app.screen.query_one(ResultsList)
        first, last = (results.row_text(row).splitlines()[0] for row in (0, len(results.hits) - 1))
        assert first in screen_text(app) and last not in screen_text(app)
        await pilot.press("G")
        await settle(pilot)
        assert results.cursor == len(results.hits) - 1
        assert last in screen_text(app) and first not in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        assert results.cursor == 0 and first in screen_text(app)
        await pilot.press("space")
        assert results.cursor > 0, "a page down moves the cursor a screen on"


@pilot_test
async def test_the_hits_that_replace_the_more_row_under_the_cursor_are_brought_into_view(built_index, monkeypatch):
    from civicreader.ui import searcher
    from civicreader.ui.results_list import ResultsList

    monkeypatch.setattr(searcher, "RESULTS_PER_PAGE", 2)
    async with ready_app(built_index, size=(100, 16)) as (app, pilot):
        await search_for(pilot, "allotment", "down", "G")
        await settle(pilot)
        results = app.screen.query_one(ResultsList)
        assert len(results.hits) == 3 and results.cursor == 2
        shown = screen_text(app)
        assert all(line in shown for line in results.row_text(2).splitlines()), "the whole hit, not its first line"


@pilot_test
async def test_once_up_the_app_keeps_full_garbage_collections_out_of_typing_and_leaves_python_as_it_was(built_index):
    import gc

    thresholds = gc.get_threshold()
    async with ready_app(built_index):
        assert gc.get_freeze_count() > 0, "what the app holds once up is frozen"
        assert gc.get_threshold()[2] > thresholds[2]
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds


@pilot_test
async def test_the_next_page_of_results_comes_as_the_cursor_nears_the_end_and_once(built_index, monkeypatch):
    from civicreader.ui import searcher
    from civicreader.ui.results_list import ResultsList

    monkeypatch.setattr(searcher, "RESULTS_PER_PAGE", 2)
    async with ready_app(built_index) as (app, pilot):
        await search_for(pilot, "allotment")
        await settle(pilot)
        results = app.screen.query_one(ResultsList)
        first_page = [hit.id for hit in results.hits]
        assert len(first_page) == 2
        assert results.rows == 3 and results.has_more
        assert "▾ 1 more result (Enter)" in screen_text(app)
        await pilot.press("down", "j", "G", "k", "j")  # to the second hit and about: the next page is asked for once
        await settle(pilot)
        ids = [hit.id for hit in results.hits]
        assert ids[:2] == first_page and len(ids) == 3 and len(set(ids)) == 3
        assert results.rows == 3 and not results.has_more, "three hits, no row for more"
        assert "more result" not in screen_text(app)


@pilot_test
async def test_a_malformed_query_gets_an_inline_message_and_keeps_the_last_results(built_index):
    from civicreader.ui.results_list import ResultsList

    async with ready_app(built_index) as (app, pilot):
        await pilot.press("slash", *"rota")
        await settle(pilot)
        await pilot.press(*' "tea')
        await settle(pilot)
        assert "a quote is not closed" in screen_text(app)
        assert [hit.title for hit in app.screen.query_one(ResultsList).hits] == ["Volunteer rota woes"]


@pilot_test
async def test_did_you_mean_is_offered_and_ctrl_y_takes_it(built_index):
    async with ready_app(built_index) as (app, pilot):
        await search_for(pilot, "alotment")
        await settle(pilot)
        assert "did you mean allotment" in screen_text(app)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen.query_one("#query").value == "allotment"
        assert "3 posts match" in screen_text(app)


@pytest.mark.parametrize(
    ("size", "pickers"),
    [((80, 24), ["year", "blog", "category"]), ((120, 40), ["any year", "any blog", "any category"])],
)
@pilot_test
async def test_the_facet_pickers_read_whole_at_80_columns_with_fewer_words(built_index, size, pickers):
    app = make_app(built_index)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await search_for(pilot, "allotment")
        await settle(pilot)
        [row] = [line for line in screen_text(app).splitlines() if "▼" in line]
        shown = [part.strip() for part in row.split("╭")[0].split("▼") if part.strip()]
        assert shown == pickers
        await pilot.resize_terminal(*((120, 40) if size == (80, 24) else (80, 24)))
        await settle(pilot)
        [row] = [line for line in screen_text(app).splitlines() if "▼" in line]
        assert ("any year" in row) == (size == (80, 24)), "the prompts follow the width"


@pilot_test
async def test_choosing_a_facet_narrows_the_results(built_index):
    from textual.widgets import Select

    from civicreader.ui.results_list import ResultsList

    async with ready_app(built_index) as (app, pilot):
        await search_for(pilot, "allotment")
        await settle(pilot)
        year = app.screen.query_one("#facet-year", Select)
        await pilot.click(year)  # its values are brought up to date as it is focused, before it opens
        await pilot.pause()
        shown = screen_text(app)
        assert "2011 2" in shown and "2010 1" in shown
        await pilot.press("down", "down", "down", "enter")  # any year, 2011, 2010
        await settle(pilot)
        assert year.value == "2010"
        assert [hit.title for hit in app.screen.query_one(ResultsList).hits] == ["Budget night at the parish hall"]
        assert "1 post matches" in screen_text(app)


# ---------------------------------------------------------------- the reading pane


async def open_allotment_post(pilot):
    await search_for(pilot, "committee", "enter")
    await settle(pilot)


@pilot_test
async def test_comments_are_threaded_and_indented_by_depth_and_fold(built_index):
    from civicreader.ui.reading_pane import CommentView

    async with ready_app(built_index, size=(120, 50)) as (app, pilot):
        await open_allotment_post(pilot)
        views = list(app.screen.query(CommentView))
        assert [(view.comment.author, view.depth) for view in views] == [
            ("Hilda Marsh", 0),
            ("Ravi Patel", 1),
            ("Hilda Marsh", 2),
            ("Owen Pryce", 3),
            ("Priya", 0),
        ]
        lefts = [view.region.x for view in views]
        assert lefts[0] < lefts[1] < lefts[2] < lefts[3] and lefts[4] == lefts[0]
        assert "Hilda Marsh · 14 Mar 2011, 10:05" in screen_text(app)
        await pilot.click(views[1], offset=(3, 0))  # Ravi's header: fold his replies
        await pilot.pause()
        assert [view.display for view in views] == [True, True, False, False, True]
        assert "2 replies folded" in screen_text(app)
        await pilot.press("c")  # the thread at the top of the view: Hilda's
        await pilot.pause()
        assert [view.display for view in views] == [True, False, False, False, True]
        await pilot.press("c")
        await pilot.pause()
        assert [view.display for view in views] == [True, True, False, False, True], "inner fold kept"


@pilot_test
async def test_a_commenter_search_steps_through_that_persons_comments(built_index):
    from civicreader.ui.reading_pane import ReadingPane

    async with ready_app(built_index, size=(120, 50)) as (app, pilot):
        await search_for(pilot, "commenter:marsh", "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        assert [view.comment.author for view, _span in reader.matches] == ["Hilda Marsh", "Hilda Marsh"]
        first = reader.match_position()
        await pilot.press("n")
        await pilot.pause()
        assert reader.match_position() == (first[0] % 2 + 1, 2)


@pilot_test
async def test_brackets_step_from_the_matched_comment_even_where_the_view_cannot_scroll_further(built_index):
    from civicreader.ui.reading_pane import ReadingPane

    notes: list[str] = []
    async with ready_app(built_index, size=(80, 24)) as (app, pilot):
        app.notify = lambda message, **kwargs: notes.append(message)
        await search_for(pilot, 'commenter:"owen pryce"', "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        authors = [view.comment.author for view in reader.comment_views]
        assert reader.current_comment.comment.author == "Owen Pryce"
        assert reader.scroll_y == reader.max_scroll_y, "the post ends on screen: the view cannot go further down"
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert notes == [], "Priya's comment is below Owen's"
        assert reader.current_comment is reader.comment_views[4]
        assert reader.border_subtitle == "comment 5 of 5 (] / [)"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert notes == [] and reader.current_comment.comment.author == authors[2] == "Hilda Marsh"
        assert reader.scroll_y == min(reader.comment_views[2].virtual_region.y, reader.max_scroll_y)
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert notes == ["No more comments below."]


def test_a_comment_date_whose_year_was_inferred_is_marked_as_a_posts_is():
    from datetime import datetime

    from civicreader.ui.text import comment_date

    when = datetime(2010, 12, 28, 15, 4)
    assert comment_date(when, inferred=True) == "28 Dec 2010*, 15:04"
    assert comment_date(when) == "28 Dec 2010, 15:04"
    assert comment_date(None, inferred=True) == "undated"


@pilot_test
async def test_c_folds_the_marked_thread_the_first_with_a_header_in_view_else_the_one_the_view_is_inside(built_index):
    from civicreader.ui.reading_pane import CommentView, ReadingPane

    app = make_app(built_index)
    async with app.run_test(size=(100, 14)) as pilot:  # a pane six lines high: the thread needs scrolling
        await settle(pilot)
        await open_allotment_post(pilot)
        reader = app.screen.query_one(ReadingPane)
        _hilda, ravi, hilda_again, owen, _priya = views = list(app.screen.query(CommentView))

        def marked() -> list[CommentView]:
            return [view for view in views if view.has_class("fold-target")]

        reader.scroll_to(y=ravi.virtual_region.y, animate=False)  # Hilda's header just above the view
        await pilot.pause()
        assert marked() == [ravi]
        await pilot.press("c")
        await pilot.pause()
        assert [view.display for view in views] == [True, True, False, False, True]
        await pilot.press("c")
        await pilot.pause()
        assert all(view.display for view in views)

        # Inside Hilda's second comment's thread, its header gone by: no header with replies in view.
        reader.scroll_to(y=owen.virtual_region.y, animate=False)
        await pilot.pause()
        assert reader.scroll_y > hilda_again.virtual_region.y
        assert marked() == [hilda_again]
        await pilot.press("c")
        await settle(pilot)
        assert [view.display for view in views] == [True, True, True, False, True]
        assert hilda_again.folded
        assert reader.scroll_y <= hilda_again.virtual_region.y < reader.scroll_y + reader.size.height, "header shown"


@pilot_test
async def test_escape_walks_back_from_the_post_to_the_results_to_the_search(built_index):
    from civicreader.ui.reading_pane import ReadingPane
    from civicreader.ui.results_list import ResultsList

    async with ready_app(built_index) as (app, pilot):
        await open_allotment_post(pilot)
        assert isinstance(app.focused, ReadingPane)
        await pilot.press("escape")
        assert isinstance(app.focused, ResultsList)
        await pilot.press("escape")
        assert app.focused.id == "query"
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id != "query"


# ---------------------------------------------------------------- export, help, quit


@pilot_test
async def test_e_exports_the_open_post_and_says_where_then_refuses_to_overwrite_until_shift_e(built_index, tmp_path):
    from civicreader.config import config_path

    out = tmp_path / "exports"
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(f'export_dir = "{out}"\n', encoding="utf-8")
    app = make_app(built_index)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.notify = lambda message, **kwargs: notes.append(message)  # what the user would read
        await open_allotment_post(pilot)
        await pilot.press("e")
        await settle(pilot)
        [written] = list(out.iterdir())
        assert written.name == "2011-03-14-notes-from-the-allotment-committee.md"
        assert "Notes from the allotment committee" in written.read_text(encoding="utf-8")
        assert notes[-1] == f"Exported {written.name}\nto {out}"
        written.write_text("an older export", encoding="utf-8")
        await pilot.press("e")
        await settle(pilot)
        assert notes[-1] == f"{written.name} is already in {out}: press E to overwrite it"
        assert written.read_text(encoding="utf-8") == "an older export"
        await pilot.press("E")
        await settle(pilot)
        assert notes[-1] == f"Exported {written.name}\nto {out}"
        assert "Hilda Marsh" in written.read_text(encoding="utf-8")


@pilot_test
async def test_the_first_export_asks_where_suggesting_documents_and_remembers_the_answer(
    built_index, tmp_path, private_folders, monkeypatch
):
    from textual.widgets import Input

    from civicreader.config import config_path, load_config
    from civicreader.ui.export_folder_screen import ExportFolderScreen

    started_in = tmp_path / "where-the-app-was-started"
    started_in.mkdir()
    monkeypatch.chdir(started_in)
    documents = tmp_path / "documents"
    documents.mkdir()
    (private_folders / "xdg_config_home" / "user-dirs.dirs").write_text(
        f'XDG_DOCUMENTS_DIR="{documents}"\n', encoding="utf-8"
    )
    app = make_app(built_index)
    notes: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.notify = lambda message, **kwargs: notes.append(message)
        await open_allotment_post(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportFolderScreen)
        assert app.screen.query_one(Input).value == str(documents)
        assert "Where should exported posts go?" in screen_text(app)
        told = app.screen.query_one("#export-folder-help").visual.plain
        assert f"Remembered in {config_path()} (export_dir)" in told, "it says where the answer is kept"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ExportFolderScreen)
        assert not config_path().exists() and not any(documents.iterdir()), "cancelled: nothing written"

        await pilot.press("e")
        await settle(pilot)
        chosen = tmp_path / "my exports"
        app.screen.query_one(Input).value = "relative/folder"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportFolderScreen), "a relative folder is refused"
        assert "Give the whole path" in screen_text(app)
        app.screen.query_one(Input).value = str(chosen)
        await pilot.press("enter")
        await settle(pilot)
        [written] = list(chosen.iterdir())
        assert notes[-1] == f"Exported {written.name}\nto {chosen}"
        assert load_config().export_dir == chosen

        written.unlink()
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, ExportFolderScreen), "asked once"
        assert [path.name for path in chosen.iterdir()] == [written.name]
    assert not any(started_in.iterdir()), "nothing is written where the app was started"


def test_an_export_folder_is_a_whole_path_and_home_may_be_written_as_a_tilde(tmp_path, monkeypatch):
    from civicreader.ui.export_folder_screen import chosen_folder

    monkeypatch.setenv("HOME", str(tmp_path))
    assert chosen_folder("  ~/exports ") == tmp_path / "exports"
    assert chosen_folder("/srv/exports") == Path("/srv/exports")
    for refused in ("", "   ", "exports", "./exports", "/a\x00b"):
        assert isinstance(chosen_folder(refused), str), refused


@pilot_test
async def test_export_with_no_post_open_says_what_to_do(built_index):
    app = make_app(built_index)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.notify = lambda message, **kwargs: notes.append(message)
        await pilot.press("e")
        assert notes == ["Open a post first, then press e to export it."]


@pilot_test
async def test_question_mark_shows_the_keys_and_escape_closes_them(built_index):
    from civicreader.ui.help_screen import HelpScreen

    async with ready_app(built_index, size=(120, 64)) as (app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        assert "n / N" in shown and "next / previous match" in shown and "date:2011" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@pilot_test
async def test_q_quits_but_types_a_q_in_the_search_bar(built_index):
    async with ready_app(built_index) as (app, pilot):
        await pilot.press("slash", "q")
        await pilot.pause()
        assert app.screen.query_one("#query").value == "q"
        assert app.is_running
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


@pilot_test
async def test_the_command_palette_runs_the_same_commands(built_index):
    from civicreader.ui.help_screen import HelpScreen

    async with ready_app(built_index) as (app, pilot):
        await pilot.press("ctrl+p", *"Help")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


@pilot_test
async def test_t_switches_between_light_and_dark(built_index):
    async with ready_app(built_index) as (app, pilot):
        dark = app.current_theme.dark
        await pilot.press("t")
        assert app.current_theme.dark is not dark
        await pilot.press("t")
        assert app.current_theme.dark is dark


# ---------------------------------------------------------------- corpus text is data


@pytest.mark.parametrize("title", HOSTILE_TITLES)
@pilot_test
async def test_markup_in_titles_names_and_bodies_is_shown_literally(built_index, title):
    from civicreader.ui.archive_tree import ArchiveTree
    from civicreader.ui.reading_pane import ReadingPane

    async with ready_app(built_index, size=(140, 50)) as (app, pilot):
        tree = app.screen.query_one(ArchiveTree)
        await pilot.press("enter")  # the hostile blog
        await settle(pilot)
        await pilot.press("j", "enter", "j", "enter")  # 2013, January
        await settle(pilot)
        line = next(n for n, node in enumerate(tree_labels(tree)) if node.strip().endswith(f" {title} (1)"))
        tree.cursor_line = line
        await pilot.press("enter")
        await settle(pilot)
        post = app.screen.query_one(ReadingPane).opened.post
        assert post.title == title
        shown = screen_text(app)
        assert "[bold]Hostile[/bold] 5 posts" in shown
        assert title in shown
        assert "by [red]Mallory[/red]" in shown
        assert "categories: [b]Tricks" in shown
        assert "[link=file:///etc/passwd]click[/link]" in shown
        assert "[/] · 20 Jan 2013, 12:00" in shown
        assert "[bold]not bold[/bold] and a lone [/" in shown


@pilot_test
async def test_searching_for_hostile_text_lists_it_literally(built_index):
    from civicreader.ui.results_list import ResultsList

    async with ready_app(built_index, size=(140, 50)) as (app, pilot):
        await search_for(pilot, "hostile post")
        await settle(pilot)
        assert len(app.screen.query_one(ResultsList).hits) == len(HOSTILE_TITLES)
        shown = screen_text(app)
        for title in HOSTILE_TITLES:
            assert title in shown


# ---------------------------------------------------------------- indexing from the app


@pilot_test
async def test_a_missing_index_is_built_in_a_worker_with_progress_shown(tmp_path):
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.archive_tree import ArchiveTree
    from civicreader.ui.messages import IndexingFinished, IndexingProgress, IndexingStarted, LibraryOpened

    corpus = write_corpus(tmp_path / "corpus")
    app = CivicReaderApp(corpus, tmp_path / "index")
    seen = []
    tree_while_indexing = []

    def watch(message) -> None:
        seen.append(message)
        if isinstance(message, IndexingProgress):
            tree_while_indexing.append(tree_labels(app.screen.query_one(ArchiveTree)))

    async with app.run_test(size=(120, 40), message_hook=watch) as pilot:
        await settle(pilot)
        assert tree_while_indexing[0] == ["Building the index…"]
        kinds = [type(message) for message in unique(seen)]
        assert IndexingStarted in kinds and IndexingProgress in kinds and IndexingFinished in kinds
        assert LibraryOpened not in kinds
        [started] = [message for message in unique(seen) if isinstance(message, IndexingStarted)]
        assert started.first_time
        labels = tree_labels(app.screen.query_one(ArchiveTree))
        assert labels[:2] == ["[bold]Hostile[/bold] 5 posts", "Parish Pump 4 posts"]
        assert "9 posts in corpus" in screen_text(app)


@pilot_test
async def test_a_stale_index_is_shown_at_once_then_updated(tmp_path):
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.archive_tree import ArchiveTree
    from civicreader.ui.messages import IndexingFinished, IndexingStarted, LibraryOpened

    corpus = write_corpus(tmp_path / "corpus")
    Library(corpus, tmp_path / "index").update()
    (corpus / "hostile.xml").unlink()
    app = CivicReaderApp(corpus, tmp_path / "index")
    seen = []
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await settle(pilot)
        posted = [type(message) for message in unique(seen)]
        order = [kind for kind in posted if kind in (LibraryOpened, IndexingStarted, IndexingFinished)]
        assert order == [LibraryOpened, IndexingStarted, IndexingFinished]
        # The unread count may or may not have been painted beside it yet: the post count is what updated.
        assert tree_labels(app.screen.query_one(ArchiveTree))[0].split(" · ")[0] == "Parish Pump 4 posts"


@pilot_test
async def test_an_update_that_finishes_while_browsing_keeps_the_open_branches_and_the_cursor(tmp_path, monkeypatch):
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.archive_tree import ArchiveTree

    corpus = write_corpus(tmp_path / "corpus")
    Library(corpus, tmp_path / "index").update()
    seed_swap = {**POSTS[1], "title": "Seed swap on Saturday", "date": "2011-03-20 10:00:00", "comments": {}}
    (corpus / "more.xml").write_text(wxr("Parish Pump", [seed_swap]), encoding="utf-8")
    # The update waits until the reader has opened a branch or two, as a slow one on a big corpus would.
    release = hold_updates(monkeypatch)
    app = CivicReaderApp(corpus, tmp_path / "index")

    async def tree_settled(pilot) -> None:
        for _ in range(3):
            # Not wait_for_complete(): given no workers, it waits for all of them, the held update too.
            await asyncio.gather(*(worker.wait() for worker in app.workers if worker.group != "index"))
            await pilot.pause()

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await tree_settled(pilot)
            tree = app.screen.query_one(ArchiveTree)
            for keys in (("j", "enter"), ("j", "j", "enter"), ("j", "j", "enter"), ("j",)):  # Parish Pump/2011/March
                await pilot.press(*keys)
                await tree_settled(pilot)
            assert tree.cursor_node.label.plain == "14 Notes from the allotment committee (5)"
            release.set()
            await settle(pilot)
            labels = tree_labels(tree)
            assert labels[1:7] == [
                "Parish Pump 5 posts",
                "  2012 1",
                "  2011 3",
                "    April 1",
                "    March 2",
                "      20 Seed swap on Saturday",
            ]
            assert labels[7] == "      14 Notes from the allotment committee (5)"
            assert tree.cursor_node.label.plain == "14 Notes from the allotment committee (5)"
    finally:
        release.set()


@pilot_test
async def test_enter_during_the_first_build_says_so_then_opens_the_top_hit_once_results_arrive(tmp_path, monkeypatch):
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.reading_pane import ReadingPane

    corpus = write_corpus(tmp_path / "corpus")
    release = hold_updates(monkeypatch)
    app = CivicReaderApp(corpus, tmp_path / "index")
    notes: list[str] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            app.notify = lambda message, **kwargs: notes.append(message)
            await pilot.pause()
            await pilot.press("slash", *"kingfisher", "enter")
            await pilot.pause(0.1)
            assert notes == ["The index is still being built: the top hit opens once it is ready."]
            assert app.screen.query_one(ReadingPane).opened is None
            release.set()
            await settle(pilot)
            assert app.screen.query_one(ReadingPane).opened.post.title == "The long read on hedgerows"
            assert "Nothing matches this search." not in notes
    finally:
        release.set()


def test_a_missing_corpus_folder_is_one_line_on_stderr(tmp_path, capsys):
    from civicreader.ui.app import run_app

    with pytest.raises(SystemExit) as stopped:
        run_app(tmp_path / "nowhere", None)
    assert stopped.value.code == 1
    assert capsys.readouterr().err == f"civicreader: {tmp_path / 'nowhere'}: no such folder\n"


@pilot_test
async def test_why_an_index_could_not_be_built_stays_on_screen_and_goes_to_the_log(tmp_path):
    from civicreader.problem_log import log_path
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.archive_tree import ArchiveTree

    corpus = write_corpus(tmp_path / "corpus")
    blocked = tmp_path / "index"
    blocked.write_text("a file where the index folder should be", encoding="utf-8")
    app = CivicReaderApp(corpus, blocked)
    notes: list[str] = []
    app.notify = lambda message, **kwargs: notes.append(message)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert tree_labels(app.screen.query_one(ArchiveTree)) == ["No index (see the right)."]
        [note] = notes
        assert note.startswith("The index could not be built: ")
        reason = note.removeprefix("The index could not be built: ")
        assert str(blocked) in reason, "the reason names the folder"
        shown = screen_text(app)  # no toast: notify is replaced above, so this is what stays
        assert "The index could not be built:" in shown, "on the status line"
        assert "Logged in" in shown and reason[:20] in shown, "and in the empty reading pane"
        logged = log_path().read_text(encoding="utf-8")
        assert f"The index could not be built for {corpus}: {reason}" in logged
        assert "Traceback" in logged, "with the traceback, which the screen never shows"



@pilot_test
async def test_a_search_that_finds_nothing_says_which_of_its_words_no_post_has(built_index):
    app = make_app(built_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "allotment zyxwv rota")
        await settle(pilot)
        assert "0 posts match   no post has 'zyxwv'" in screen_text(app)
        await search_for(pilot, "rota zyxwv")
        await settle(pilot)
        assert "no post has 'zyxwv'; 1 post has all the others" in screen_text(app)


@pilot_test
async def test_a_branch_that_cannot_be_read_says_so(built_index, monkeypatch):
    from civicreader.ui.archive_tree import ArchiveTree

    read_first_level = ArchiveTree.children_of

    def unreadable(library, data):
        if data is None:  # the blogs, read as the index opens
            return read_first_level(library, data)
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(ArchiveTree, "children_of", staticmethod(unreadable))
    async with ready_app(built_index, size=(100, 24)) as (app, pilot):
        tree = app.screen.query_one(ArchiveTree)
        tree.focus()
        tree.root.children[0].expand()  # a blog: its years are read from the index
        await settle(pilot)
        assert any("Reading the archive failed: the disk went away" in notice.message
                   for notice in app._notifications)
