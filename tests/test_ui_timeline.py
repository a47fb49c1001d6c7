"""The app's timeline strip and concordance view, driven with Pilot over the corpus of test_ui.py.

Counted by hand from that corpus (tests/test_ui.py POSTS): "allotment" is in "Budget night at the parish
hall" (20 November 2010, its second paragraph "the allotment rents"), in "Notes from the allotment committee"
(14 March 2011, its title and first paragraph; none of its five comments says it) and in "Volunteer rota woes"
(2 April 2011) only in Priya's comment of 3 April 2011 ("My allotment keeps me busy"). The corpus runs from
November 2010 to January 2013 (the hostile posts): 27 months.
"""

from __future__ import annotations

from tests.pilot import make_app, pilot_test, ready_app, screen_text, search_for, settle

SIZE = (120, 36)


def caret_text(app) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one("#timeline-caret", Static).render()).strip()


@pilot_test
async def test_the_strip_counts_the_query_month_by_month_and_narrows_to_a_period(built_index):
    from civicreader.ui.results_list import ResultsList
    from civicreader.ui.timeline_strip import TimelineStrip

    async with ready_app(built_index, size=SIZE) as (app, pilot):
        await search_for(pilot, "allotment", "down", "T")
        await settle(pilot)
        strip = app.screen.query_one(TimelineStrip)
        assert strip.display and app.focused is strip
        counted = {p.period: (p.posts, p.comments) for p in strip.periods if p.posts or p.comments}
        assert counted == {"2010-11": (1, 0), "2011-03": (1, 0), "2011-04": (1, 1)}
        assert len(strip.periods) == 27 and strip.periods[0].period == "2010-11"
        assert strip.periods[-1].period == "2013-01"
        # Every month with a post holds one: the cursor starts on the first of the busiest.
        assert caret_text(app).endswith("2010-11: 1 post, 0 comments")
        await pilot.press("right", "right", "right", "right", "right")
        assert "2011-04: 1 post, 1 comment" in caret_text(app)
        await pilot.press("enter")
        await settle(pilot)
        results = app.screen.query_one(ResultsList)
        assert [hit.title for hit in results.hits] == ["Volunteer rota woes"]
        assert "1 post matches" in screen_text(app)
        assert "narrowed to 2011-04" in caret_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert len(results.hits) == 3
        assert "narrowed" not in caret_text(app)


@pilot_test
async def test_the_strip_follows_the_query_as_it_is_typed(built_index):
    from civicreader.ui.timeline_strip import TimelineStrip

    async with ready_app(built_index, size=SIZE) as (app, pilot):
        await search_for(pilot, "allotment", "down", "T")
        await settle(pilot)
        await pilot.press("slash", *" rents")  # "allotment rents": only the budget night post
        await settle(pilot)
        strip = app.screen.query_one(TimelineStrip)
        assert [(p.period, p.posts) for p in strip.periods if p.posts] == [("2010-11", 1)]
        await pilot.press("escape")  # leave the search bar, then hide the strip
        await settle(pilot)


@pilot_test
async def test_a_new_querys_counts_put_an_unmoved_cursor_on_their_busiest_month_and_leave_a_moved_one(built_index):
    async with ready_app(built_index, size=SIZE) as (app, pilot):
        await search_for(pilot, "allotment", "down", "T")
        await settle(pilot)
        assert caret_text(app).endswith("2010-11: 1 post, 0 comments")
        await pilot.press("slash", *" committee")  # only the committee's notes, March 2011
        await settle(pilot)
        assert caret_text(app).endswith("2011-03: 1 post, 0 comments")

    async with ready_app(built_index, size=SIZE) as (app, pilot):
        await search_for(pilot, "allotment", "down", "T")
        await settle(pilot)
        await pilot.press("right", "right", "right", "right", "right")
        await pilot.press("slash", *" committee")
        await settle(pilot)
        assert caret_text(app).endswith("2011-04: 0 posts, 0 comments")


@pilot_test
async def test_concordance_lines_open_the_post_at_their_occurrence(built_index):
    from civicreader.ui.concordance_view import ConcordanceView
    from civicreader.ui.reading_pane import ReadingPane

    async with ready_app(built_index, size=SIZE) as (app, pilot):
        await search_for(pilot, "allotment", "down", "K")
        await settle(pilot)
        view = app.screen.query_one(ConcordanceView)
        assert app.focused is view
        # In time order: the budget night (¶2), the committee (¶1), Priya's comment on the rota post.
        assert [(line.title, line.place) for line in view.lines] == [
            ("Budget night at the parish hall", "¶2"),
            ("Notes from the allotment committee", "¶1"),
            ("Volunteer rota woes", "comment 1"),
        ]
        assert view.border_title == "3 lines"
        assert "Nobody asked about the" in screen_text(app)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReadingPane)
        assert reader.opened.post.title == "Volunteer rota woes"
        start = "My allotment keeps me busy on Saturdays.".index("allotment")
        assert reader.opened.matches == {("comment", 0): [(start, start + len("allotment"))]}
        assert reader.match_position() == (1, 1)


@pilot_test
async def test_one_key_sorts_the_lines_by_the_word_left_or_right(built_index):
    from civicreader.ui.concordance_view import ConcordanceView

    async with ready_app(built_index, size=SIZE) as (app, pilot):
        await search_for(pilot, "allotment", "down", "K")
        await settle(pilot)
        view = app.screen.query_one(ConcordanceView)

        def shown_titles() -> list[str]:
            return [view.lines[int(view.coordinate_to_cell_key((row, 0)).row_key.value)].title
                    for row in range(view.row_count)]

        # Left: "My" (Priya), then "The" (committee: nothing before it) before "the" + "about" (budget).
        await pilot.press("less_than_sign")
        assert shown_titles() == [
            "Volunteer rota woes", "Notes from the allotment committee", "Budget night at the parish hall"]
        # Right: "committee", "keeps", "rents".
        await pilot.press("greater_than_sign")
        assert shown_titles() == [
            "Notes from the allotment committee", "Volunteer rota woes", "Budget night at the parish hall"]
        await pilot.press("greater_than_sign")  # the same key again: time order
        assert shown_titles() == [
            "Budget night at the parish hall", "Notes from the allotment committee", "Volunteer rota woes"]


@pilot_test
async def test_k_again_gives_the_results_back(built_index):
    from textual.widgets import ContentSwitcher

    async with ready_app(built_index, size=SIZE) as (app, pilot):
        await search_for(pilot, "allotment", "down", "K")
        await settle(pilot)
        switcher = app.screen.query_one(ContentSwitcher)
        assert switcher.current == "concordance" and app.screen.has_class("-concordance")
        await pilot.press("K")
        await settle(pilot)
        assert switcher.current == "results-panel" and not app.screen.has_class("-concordance")


# ---------------------------------------------------------------- how they look


def test_snapshot_the_timeline_strip_with_a_period_under_the_cursor(snap_compare, built_index):
    async def run_before(pilot):
        await settle(pilot)
        await search_for(pilot, "allotment", "down", "T")
        await settle(pilot)
        await pilot.press("right", "right", "right", "right", "right")

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=SIZE)


def test_snapshot_concordance_lines(snap_compare, built_index):
    async def run_before(pilot):
        await settle(pilot)
        await search_for(pilot, "allotment", "down", "K")
        await settle(pilot)

    assert snap_compare(make_app(built_index), run_before=run_before, terminal_size=SIZE)


@pilot_test
async def test_no_lines_says_why_when_posts_match_only_in_their_titles(built_index):
    from civicreader.ui.concordance_view import ConcordanceView

    app = make_app(built_index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # "committee" is in the title of the allotment committee post and in no body or comment of the corpus.
        await search_for(pilot, "title:committee", "down", "K")
        await settle(pilot)
        view = app.screen.query_one(ConcordanceView)
        assert view.lines == []
        assert view.border_title == "0 lines: 1 post matches only by titles, names or tags"
        await search_for(pilot, "zebracrossing")
        await settle(pilot)
        assert view.border_title == "0 lines: nothing matches"
