"""What a reader sees of a post and the archive at the sizes people use (80x24 up to 200x50).

A corpus written here with the shapes that used to read badly: a file deep in folders with a long
name, titles longer than the archive pane, a thread deep enough that its headers no longer fit.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from civicreader.index import Library
from tests.pilot import make_app, pilot_test, ready_app, screen_text, search_for, settle
from tests.test_ui import wxr

DEEP_FOLDER = "saved-by-the-parish-clerk/exports-from-the-old-site/weekly"
EXPORT_NAME = "harbour-users-association-full-export-with-every-comment.xml"
LONG_TITLE = "What the harbour dredging consultation did and did not ask the mooring holders"

# (author, date, paragraphs, parent id or 0): each reply one level deeper than the last.
HARBOUR_COMMENTS = {
    1: ("Morwenna Tregothnan-Pascoe", "2012-05-02 08:15:00", ["The silt survey was done at neap tide."], 0),
    2: ("Jory Penhaligon-Rowe", "2012-05-02 09:40:00", ["Which flatters the depth by a good foot."], 1),
    3: ("Morwenna Tregothnan-Pascoe", "2012-05-02 10:05:00", ["Exactly the point I made at the meeting."], 2),
    4: ("Harbourmaster's office", "2012-05-03 16:20:00", ["A spring-tide survey is booked for June."], 3),
    5: ("Kitto", "2012-05-04 12:00:00", ["Will the results be published before the vote?"], 0),
}

HARBOUR_POSTS = [
    {
        "title": LONG_TITLE,
        "date": "2012-05-01 19:00:00",
        "author": "Elowen Carne",
        "categories": ["Harbour"],
        "tags": ["dredging"],
        "body": [
            "The consultation paper runs to forty pages and asks nine questions.",
            "None of the nine asks how often a boat touches the bottom at low water.",
        ],
        "comments": HARBOUR_COMMENTS,
    },
]


@pytest.fixture(scope="session")
def harbour_index(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("ui-reading")
    corpus = base / "corpus"
    folder = corpus / DEEP_FOLDER
    folder.mkdir(parents=True)
    (folder / EXPORT_NAME).write_text(wxr("Harbour Users", HARBOUR_POSTS), encoding="utf-8")
    index_dir = base / "index"
    library = Library(corpus, index_dir)
    report = library.update()
    library.close()
    assert not report.problems, report.problems
    return corpus, index_dir


def lines_with(app, text: str) -> list[str]:
    return [line for line in screen_text(app).splitlines() if text in line]


async def open_harbour_post(pilot) -> None:
    await search_for(pilot, "dredging", "enter")
    await settle(pilot)


# ---------------------------------------------------------------- the post's header


@pilot_test
async def test_a_long_source_path_stays_on_one_line_cut_in_the_middle_and_y_copies_it_whole(harbour_index):
    from civicreader.ui.reading_pane import ReadingPane

    async with ready_app(harbour_index, size=(80, 24)) as (app, pilot):
        await open_harbour_post(pilot)
        await pilot.press("g")
        await pilot.pause()
        [source_line] = lines_with(app, "source:")
        # The file name is too long for the pane: both its ends are on the line, the middle elided.
        assert "source: …/harbour-users" in source_line and "comment.xml" in source_line
        assert not lines_with(app, "every-comment"), "no piece of the name wrapped onto a line of its own"

        relative = f"{DEEP_FOLDER}/{EXPORT_NAME}"
        assert app.screen.query_one("#post-sources").tooltip.plain == relative

        await pilot.press("y")
        await pilot.pause()
        corpus, _index = harbour_index
        assert app.clipboard == str(corpus / relative)
        assert app.screen.query_one(ReadingPane).opened.post.sources == (str(corpus / relative),)


@pilot_test
async def test_a_wide_pane_keeps_the_file_name_whole_and_cuts_only_folders(harbour_index):
    async with ready_app(harbour_index, size=(200, 50)) as (app, pilot):
        await open_harbour_post(pilot)
        await pilot.press("g")
        await pilot.pause()
        [source_line] = lines_with(app, "source:")
        assert f"source: {DEEP_FOLDER[:20]}" in source_line and f"…/{EXPORT_NAME}" in source_line


# ---------------------------------------------------------------- comments


@pilot_test
async def test_a_comment_header_too_wide_for_the_pane_breaks_between_name_and_date_not_inside_them(harbour_index):
    from civicreader.ui.reading_pane import CommentView, ReadingPane

    async with ready_app(harbour_index, size=(80, 24)) as (app, pilot):
        await open_harbour_post(pilot)
        reader = app.screen.query_one(ReadingPane)
        views = list(app.screen.query(CommentView))
        deep = views[2]  # Morwenna again, two levels in: her name and the date no longer fit on one line
        reader.scroll_to_widget(deep, animate=False, top=True)
        await pilot.pause()
        assert lines_with(app, "Morwenna Tregothnan-Pascoe")
        [date_line] = lines_with(app, "2 May 2012, 10:05")
        assert "Morwenna" not in date_line, "the header took two lines here: it should break before the date"

        reader.scroll_to_widget(views[1], animate=False, top=True)
        await pilot.pause()
        await pilot.click(views[1], offset=(3, 0))  # Jory's header: fold the replies below it
        await pilot.pause()
        assert lines_with(app, "2 replies folded"), "the fold note is whole on its line"
        assert lines_with(app, "2 May 2012, 09:40")


@pilot_test
async def test_a_header_that_fits_stays_on_one_line_and_is_laid_out_again_when_the_terminal_narrows(harbour_index):
    from civicreader.ui.reading_pane import CommentView, ReadingPane

    async with ready_app(harbour_index) as (app, pilot):
        await open_harbour_post(pilot)
        assert lines_with(app, "Morwenna Tregothnan-Pascoe · 2 May 2012, 08:15")
        app.screen.query_one(ReadingPane).scroll_end(animate=False)  # below the header's discussion line
        await pilot.pause()
        assert lines_with(app, "Kitto · 4 May 2012, 12:00")

        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        deep = list(app.screen.query(CommentView))[2]
        app.screen.query_one(ReadingPane).scroll_to_widget(deep, animate=False, top=True)
        await pilot.pause()
        [date_line] = lines_with(app, "2 May 2012, 10:05")
        assert "Morwenna" not in date_line

        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert lines_with(app, "Morwenna Tregothnan-Pascoe · 2 May 2012, 10:05")


# ---------------------------------------------------------------- the archive


@pilot_test
async def test_a_title_too_long_for_the_archive_pane_ends_in_an_ellipsis_and_keeps_its_comment_count(
    harbour_index,
):
    from civicreader.ui.archive_tree import ArchiveTree

    async with ready_app(harbour_index, size=(80, 24)) as (app, pilot):
        await pilot.press("enter", "j", "enter", "j", "enter")  # Harbour Users, 2012, May
        await settle(pilot)
        pane = app.screen.query_one(ArchiveTree).content_region
        [post_line] = lines_with(app, "What")
        in_tree = post_line[pane.x : pane.right]
        assert "What" in in_tree
        assert in_tree.rstrip().endswith("… (5)")


@pilot_test
async def test_on_a_wide_terminal_the_text_keeps_a_readable_measure(harbour_index):
    from civicreader.ui.reading_pane import CommentView, ReadingPane

    async with ready_app(harbour_index, size=(200, 50)) as (app, pilot):
        await open_harbour_post(pilot)
        reader = app.screen.query_one(ReadingPane)
        assert reader.content_region.width > 110
        for view in [*reader.query(".paragraph"), *reader.query(CommentView), reader.query_one("#post-meta")]:
            assert view.region.width <= 100


# ---------------------------------------------------------------- keys: the footer and the help


@pilot_test
async def test_at_80_columns_the_reading_footer_still_shows_where_the_keys_are(harbour_index):
    async with ready_app(harbour_index, size=(80, 24)) as (app, pilot):
        await search_for(pilot, "consultation", "enter")  # in the title and in the first paragraph
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "n/N Matches" in footer and "c Fold thread" in footer and "? Keys" in footer
        reader = app.screen.query_one("ReadingPane")
        assert reader.match_position() == (2, 2)
        await pilot.press("N")  # still a key, though the footer names it beside n
        await pilot.pause()
        assert reader.match_position() == (1, 2)


@pilot_test
async def test_help_on_a_small_terminal_says_how_to_close_it_and_wraps_meanings_beside_their_keys(harbour_index):
    from civicreader.ui.help_screen import HelpScreen
    from civicreader.ui.keys import KEY_ROWS

    async with ready_app(harbour_index, size=(80, 24)) as (app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = screen_text(app).splitlines()
        assert any("escape, ? or q: close" in line for line in lines), "visible without scrolling"
        [escape_line] = [number for number, line in enumerate(lines) if "back: from the post" in line]
        key_column = lines[escape_line].index("back: from the post")
        continued = lines[escape_line + 1]
        [meaning] = [row.meaning for row in KEY_ROWS if row.shown == "escape"]
        rest = continued[key_column:].split("│")[0].strip()
        assert rest and rest in meaning and not meaning.startswith(rest), "the meaning goes on in the next line"
        # Only what lies inside the help box's left border counts: the archive shows through beside it.
        inside_the_box = continued[: key_column - 1].rsplit("│", 1)[-1]
        assert not inside_the_box.strip(), "a wrapped meaning starts in its column"


@pilot_test
async def test_every_comment_is_set_apart_by_a_blank_line_replies_and_a_new_thread_after_them_too(harbour_index):
    from civicreader.ui.reading_pane import CommentView

    async with ready_app(harbour_index) as (app, pilot):
        await open_harbour_post(pilot)
        views = list(app.screen.query(CommentView))
        assert [view.depth for view in views] == [0, 1, 2, 3, 0]
        for above, below in pairwise(views):
            assert below.virtual_region.y == above.virtual_region.bottom + 1, (above.comment.author, below.depth)


def contrast(first, second) -> float:
    """The WCAG contrast ratio of two opaque textual Colors."""

    def luminance(color) -> float:
        def channel(value: int) -> float:
            value /= 255
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pilot_test
async def test_thread_bars_and_the_fold_target_bar_can_be_seen_in_both_themes(harbour_index):
    from civicreader.ui.reading_pane import CommentView, ReadingPane

    async with ready_app(harbour_index) as (app, pilot):
        await open_harbour_post(pilot)
        reader = app.screen.query_one(ReadingPane)
        views = list(app.screen.query(CommentView))
        target = next(view for view in views if view.has_class("fold-target"))
        other = next(view for view in views if not view.has_class("fold-target"))
        for theme in ("dark", "light"):
            assert app.current_theme.dark == (theme == "dark")
            background = reader.styles.background
            bar = background + other.styles.border_left[1]
            marked = background + target.styles.border_left[1]
            assert contrast(bar, background) >= 2, (theme, bar, background)
            assert contrast(marked, background) >= 2.8, (theme, marked, background)
            assert marked != bar
            await pilot.press("t")
            await pilot.pause()


# ---------------------------------------------------------------- keys typed ahead


async def burst(pilot, text: str) -> None:
    """Keys as a terminal delivers a quick burst: all queued before the app has handled the first."""
    from textual import events

    names = {"/": "slash", " ": "space", "]": "right_square_bracket", "[": "left_square_bracket"}
    for character in text:
        pilot.app.post_message(events.Key(names.get(character, character), character))
    await settle(pilot)


@pilot_test
async def test_keys_typed_right_after_slash_land_in_the_search_bar(harbour_index):
    from civicreader.ui.search_bar import SearchBar

    async with ready_app(harbour_index, size=(80, 24)) as (app, pilot):
        await burst(pilot, "/harbour")
        bar = app.screen.query_one(SearchBar)
        assert bar.query_text == "harbour"
        assert app.focused is bar.input
        await burst(pilot, "/x")  # in the search bar, a / is a character of the query
        assert bar.query_text == "harbour/x"


# ---------------------------------------------------------------- the index status


@pilot_test
async def test_building_the_index_reports_one_file_and_one_unreadable_file_in_the_singular(tmp_path):
    from civicreader.ui.app import CivicReaderApp

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour.xml").write_text(wxr("Harbour Users", HARBOUR_POSTS), encoding="utf-8")
    (corpus / "broken.xml").write_text(
        '<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><wp:wxr_version>1.2</wp:wxr_version>'
        "<no-channel-here/></rss>",
        encoding="utf-8",
    )
    app = CivicReaderApp(corpus, tmp_path / "index")
    said = []
    app.notify = lambda message, **kwargs: said.append(message)  # what the user would read
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert any("Index ready: 1 post (2 files read)" in message for message in said), said
        assert any("1 file could not be read:" in message for message in said), said
        assert lines_with(app, " 1 post in corpus")


@pilot_test
async def test_brackets_put_the_next_or_previous_comment_at_the_top_skipping_folded_replies(harbour_index):
    from civicreader.ui.reading_pane import CommentView, ReadingPane

    notes = []
    app = make_app(harbour_index)
    app.notify = lambda message, **kwargs: notes.append(message)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_harbour_post(pilot)
        reader = app.screen.query_one(ReadingPane)
        views = list(app.screen.query(CommentView))
        await pilot.press("g", "right_square_bracket")
        await pilot.pause()
        assert reader.scroll_y == views[0].virtual_region.y
        await burst(pilot, "]]")  # as fast as a key held down: each goes on from the last
        assert reader.scroll_y == min(views[2].virtual_region.y, reader.max_scroll_y)
        await burst(pilot, "[[[")
        assert reader.scroll_y == views[0].virtual_region.y
        assert notes == ["No comments above."]

        await pilot.press("c")  # folds the thread at the top: Morwenna's, three replies
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert reader.scroll_y == min(views[4].virtual_region.y, reader.max_scroll_y)


@pilot_test
async def test_the_source_path_reads_clearly_in_both_themes(harbour_index):
    from textual.color import Color

    async with ready_app(harbour_index) as (app, pilot):
        await open_harbour_post(pilot)
        sources = app.screen.query_one("#post-sources")
        for theme in ("dark", "light"):
            assert app.current_theme.dark == (theme == "dark")
            [path] = [segment for segment in sources.render_line(0) if ".xml" in segment.text]
            assert not path.style.dim
            ink, paper = Color.from_rich_color(path.style.color), Color.from_rich_color(path.style.bgcolor)
            assert contrast(ink, paper) >= 4.5, (theme, ink, paper)
            await pilot.press("t")
            await pilot.pause()


@pilot_test
async def test_once_the_title_scrolls_away_it_shows_on_the_frame(harbour_index):
    from civicreader.ui.reading_pane import ReadingPane

    async with ready_app(harbour_index, size=(80, 24)) as (app, pilot):
        await open_harbour_post(pilot)
        reader = app.screen.query_one(ReadingPane)
        frame_top = reader.region.y
        reader.scroll_home(animate=False)
        await pilot.pause()
        assert "What the harbour" not in screen_text(app).splitlines()[frame_top]
        reader.scroll_end(animate=False)
        await pilot.pause()
        top_border = screen_text(app).splitlines()[frame_top]
        assert "What the harbour dredging" in top_border and "…" in top_border  # cut to the frame's width
        reader.scroll_home(animate=False)
        await pilot.pause()
        assert reader.border_title is None


@pilot_test
async def test_the_archive_keeps_its_guides_visible_and_its_cursor_row_undimmed_in_both_themes(harbour_index):
    from textual.color import Color

    from civicreader.ui.archive_tree import ArchiveTree

    async with ready_app(harbour_index) as (app, pilot):
        await pilot.press("enter", "j", "enter", "j", "enter", "j")  # the cursor on the post
        await settle(pilot)
        tree = app.screen.query_one(ArchiveTree)
        for theme in ("dark", "light"):
            assert app.current_theme.dark == (theme == "dark")
            paper = tree.styles.background
            guides = Color.from_rich_color(tree.get_component_rich_style("tree--guides", partial=True).color)
            assert contrast(guides, paper) >= 1.8, (theme, guides, paper)
            cursor_row = tree.render_line(tree.cursor_line - round(tree.scroll_y))
            assert [segment.text for segment in cursor_row if segment.style and segment.style.dim] == []
            await pilot.press("k")  # off the post: its row is dimmed again
            await pilot.pause()
            post_row = tree.render_line(tree.cursor_line + 1 - round(tree.scroll_y))
            assert " 1" in [segment.text for segment in post_row if segment.style and segment.style.dim], "the day"
            await pilot.press("j")
            await pilot.pause()
            await pilot.press("t")
            await pilot.pause()


async def run_from_palette(pilot, command: str) -> None:
    """Open the command palette, paste the command's name (typing it is slower), run the top match."""
    from textual import events

    await pilot.press("ctrl+p")
    await pilot.pause()
    pilot.app.screen.focused.post_message(events.Paste(command))
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


@pilot_test
async def test_the_command_palette_steps_to_the_next_match_and_copies_the_source_paths(harbour_index):
    async with ready_app(harbour_index) as (app, pilot):
        await search_for(pilot, "consultation", "enter")
        await settle(pilot)
        reader = app.screen.query_one("ReadingPane")
        assert reader.match_position() == (2, 2)
        await run_from_palette(pilot, "Next match")
        assert reader.match_position() == (1, 2)

        await run_from_palette(pilot, "Copy source paths")
        await pilot.pause()
        corpus, _index = harbour_index
        assert app.clipboard == str(corpus / DEEP_FOLDER / EXPORT_NAME)


@pilot_test
async def test_a_click_on_any_line_of_a_header_broken_over_two_folds_its_thread(harbour_index):
    from civicreader.ui.reading_pane import CommentView, ReadingPane

    async with ready_app(harbour_index, size=(80, 24)) as (app, pilot):
        await open_harbour_post(pilot)
        views = list(app.screen.query(CommentView))
        jory = views[1]
        app.screen.query_one(ReadingPane).scroll_to_widget(jory, animate=False, top=True)
        await pilot.pause()
        assert jory.header_lines == 2
        await pilot.click(jory, offset=(5, 1))  # the date, on the header's second line
        await pilot.pause()
        assert jory.folded and [view.display for view in views] == [True, True, False, False, True]
        await pilot.click(jory, offset=(5, jory.header_lines))  # the body's first line: not the header
        await pilot.pause()
        assert jory.folded


@pilot_test
async def test_the_file_being_indexed_shows_on_the_status_line_cut_to_fit_before_the_bar(harbour_index):
    from civicreader.ui.index_status import IndexStatus

    async with ready_app(harbour_index, size=(80, 24)) as (app, pilot):
        status = app.screen.query_one(IndexStatus)
        status.start("Updating the index…")
        await pilot.pause()
        status.progress(12, 116, f"{DEEP_FOLDER}/{EXPORT_NAME}")
        await pilot.pause()
        [status_line] = lines_with(app, "Indexing 12/116")
        name_end = status_line.index("comment.xml") + len("comment.xml")
        assert "Indexing 12/116 …/harbour" in status_line
        assert status_line[name_end] == " " and status_line[name_end + 1] in "━╺╸", "a gap, then the bar"


# ---------------------------------------------------------------- a long thread

LONG_THREAD_SIZE = 564
CROWDED_THREAD = 60
"""The first thread: a question with 59 direct answers, longer than the comments shown with the post."""
CHAIN = 12
"""After it, chains of replies each one level deeper than the last, deeper than the indents go."""
MARKED = (500, 510)
"""The comments (1-based, in thread order) that hold the word searched for."""


def long_thread_comments() -> dict:
    comments = {}
    for key in range(1, LONG_THREAD_SIZE + 1):
        if key == 1 or (key > CROWDED_THREAD and (key - CROWDED_THREAD - 1) % CHAIN == 0):
            parent = 0
        elif key <= CROWDED_THREAD:
            parent = 1
        else:
            parent = key - 1
        words = f"Comment {key} weighs the ferry timetable against the tide tables once more."
        paragraphs = [words, f"Second thoughts from commenter {key}, on the landing stage and the fares."]
        if key in MARKED:
            paragraphs.append("Nobody had counted the samphire growing on the slipway.")
        when = (datetime(2012, 6, 1) + timedelta(hours=key)).strftime("%Y-%m-%d %H:%M:%S")  # thread order
        comments[key] = (f"Ferry user {key}", when, paragraphs, parent)
    return comments


@pytest.fixture(scope="session")
def long_thread_index(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("long-thread")
    corpus = base / "corpus"
    corpus.mkdir()
    post = {
        "title": "Should the ferry run in winter",
        "date": "2012-06-01 08:00:00",
        "author": "Tamsin Hocking",
        "categories": ["Transport"],
        "tags": ["ferry"],
        "body": ["The ferry company wants to stop the winter sailings.", "Here is what that would mean."],
        "comments": long_thread_comments(),
    }
    (corpus / "ferry.xml").write_text(wxr("Ferry Watch", [post]), encoding="utf-8")
    index_dir = base / "index"
    library = Library(corpus, index_dir)
    report = library.update()
    library.close()
    assert not report.problems, report.problems
    return corpus, index_dir


def comment_views(app) -> list:
    """Every comment of the open post, mounted yet or not, in thread order."""
    from civicreader.ui.reading_pane import ReadingPane

    return app.screen.query_one(ReadingPane).comment_views


def on_screen(app, view) -> bool:
    """Whether some of `view` is in the reading pane's view."""
    reader = app.screen.query_one("ReadingPane")
    region = view.virtual_region
    return view.is_mounted and region.y < reader.scroll_y + reader.size.height and region.bottom > reader.scroll_y


@pilot_test
async def test_a_search_opens_a_long_thread_at_its_match_500_comments_down_and_n_and_n_step_between(
    long_thread_index,
):
    from civicreader.ui.reading_pane import ReadingPane

    async with ready_app(long_thread_index, size=(80, 24)) as (app, pilot):
        await search_for(pilot, "samphire", "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        views = comment_views(app)
        assert len(views) == LONG_THREAD_SIZE
        first, second = (views[number - 1] for number in MARKED)
        assert reader.match_position() == (1, 2)
        assert on_screen(app, first) and lines_with(app, "samphire")
        assert first.current is not None and second.current is None

        await pilot.press("n")
        await pilot.pause()
        assert reader.match_position() == (2, 2)
        assert on_screen(app, second) and second.current is not None and first.current is None
        await pilot.press("N")
        await pilot.pause()
        assert reader.match_position() == (1, 2) and on_screen(app, first)


@pilot_test
async def test_g_reaches_the_last_comment_of_a_long_thread_and_folding_works_deep_in_it(long_thread_index):
    from civicreader.ui.reading_pane import ReadingPane

    async with ready_app(long_thread_index, size=(80, 24)) as (app, pilot):
        await pilot.press("enter", "j", "enter", "j", "enter", "j", "enter")  # Ferry Watch, 2012, June, the post
        await pilot.press("G")  # at once: the thread may not all be there yet
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        assert reader.opened.post.title == "Should the ferry run in winter"
        views = comment_views(app)
        assert all(view.is_mounted for view in views)
        assert reader.scroll_y == reader.max_scroll_y > 0
        assert lines_with(app, f"Ferry user {LONG_THREAD_SIZE} ")
        # The last chain, its first comment at the top of the view: c folds the whole chain.
        last_chain = views[-CHAIN]
        assert last_chain.depth == 0 and last_chain.replies == CHAIN - 1
        reader.scroll_to_widget(last_chain, animate=False, top=True, immediate=True)
        await pilot.pause()
        assert last_chain.has_class("fold-target")
        await pilot.press("c")
        await settle(pilot)
        assert last_chain.folded and not any(view.display for view in views[-CHAIN + 1 :])
        assert lines_with(app, f"{CHAIN - 1} replies folded")
        assert all(view.display for view in views[:-CHAIN])

        # A reply deeper than the indents go says how deep it is; it sits no further right than level 8.
        deepest = views[CROWDED_THREAD + CHAIN - 1]
        assert deepest.depth == CHAIN - 1
        reader.scroll_to_widget(deepest, animate=False, top=True, immediate=True)
        await pilot.pause()
        assert lines_with(app, f"reply level {CHAIN - 1}")
        assert deepest.region.x == views[CROWDED_THREAD + 8].region.x > views[CROWDED_THREAD + 7].region.x

        await pilot.press("g", "right_square_bracket")
        await pilot.pause()
        assert reader.scroll_y == views[0].virtual_region.y


@pilot_test
async def test_a_thread_folded_before_its_replies_are_all_mounted_keeps_them_hidden(long_thread_index):
    from civicreader.ui.reading_pane import ReadingPane

    async with ready_app(long_thread_index, size=(80, 24)) as (app, pilot):
        await pilot.press("enter", "j", "enter", "j", "enter", "j", "enter")
        await app.workers.wait_for_complete()
        reader = app.screen.query_one(ReadingPane)
        while not reader.comment_views:
            await asyncio.sleep(0.01)
        crowded = comment_views(app)[0]
        while not crowded.is_mounted:
            await asyncio.sleep(0.01)
        reader.scroll_to_widget(crowded, animate=False, top=True, immediate=True)
        await pilot.pause()
        await pilot.click(crowded, offset=(3, 0))  # its header: fold the 59 answers
        await settle(pilot)
        views = comment_views(app)
        assert crowded.folded and all(view.is_mounted for view in views)
        assert not any(view.display for view in views[1:CROWDED_THREAD])
        assert all(view.display for view in views[CROWDED_THREAD:])
        assert lines_with(app, f"{CROWDED_THREAD - 1} replies folded")
        await pilot.press("right_square_bracket")  # the next comment shown: the first of the chains
        await pilot.pause()
        assert reader.scroll_y == min(views[CROWDED_THREAD].virtual_region.y, reader.max_scroll_y)


@pilot_test
async def test_n_steps_only_through_the_field_the_query_named(harbour_index):
    """`title:consultation` marks the title's word, not the body's "consultation paper" below it."""
    from civicreader.ui.reading_pane import ReadingPane

    app = make_app(harbour_index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search_for(pilot, "title:consultation", "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        await pilot.press("n")  # the post opens at its first match below the title: here there is none
        await pilot.pause()
        assert reader.match_position() == (1, 1)


@pilot_test
async def test_G_keeps_the_view_at_the_end_while_the_page_grows_until_the_reader_scrolls_away(long_thread_index):
    from civicreader.ui.reading_pane import ReadingPane

    async with ready_app(long_thread_index, size=(80, 24)) as (app, pilot):
        await pilot.press("enter", "j", "enter", "j", "enter", "j", "enter", "G")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        assert reader.scroll_y == reader.max_scroll_y > 0
        end_before = reader.max_scroll_y
        await pilot.resize_terminal(64, 24)  # every comment wraps to more lines: the page grows
        await settle(pilot)
        assert reader.max_scroll_y > end_before
        assert reader.scroll_y == reader.max_scroll_y
        await pilot.press("k", "k")  # away from the end: the page may grow under the reader now
        await settle(pilot)
        away = reader.scroll_y
        await pilot.resize_terminal(56, 24)
        await settle(pilot)
        assert reader.scroll_y == away < reader.max_scroll_y
