"""A comment the page dated only relative to when it was saved ("3 weeks ago") shows those words in the
reading pane, marked as the page's, never "undated" and never a day worked out from them."""

from __future__ import annotations

from civicreader.index import Library
from tests.test_ui import make_app, pilot_test, screen_text, search_for, settle

PAGE = "\n".join([
    "Allotment waiting lists", "", "Posted on March 3, 2012 by Ann Other", "",
    "The allotment society has forty names on its waiting list and six free plots this spring.", "",
    "2 thoughts on “Allotment waiting lists”", "",
    "Bea Smith says:", "3 weeks ago", "", "Are the free plots the ones by the brook?", "", "Reply", "",
    "Cyril Oduya says:", "March 9, 2012 at 9:05 am", "", "The brook plots flood every winter.", "",
    "Leave a Reply",
])


@pilot_test
async def test_a_relative_comment_time_is_shown_as_the_page_said_it(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "allotments.txt").write_text(PAGE, encoding="utf-8")
    library = Library(corpus, tmp_path / "index")
    report = library.update()
    library.close()
    assert not report.problems, report.problems
    app = make_app((corpus, tmp_path / "index"))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "allotment", "enter")
        await settle(pilot)
        screen = screen_text(app)
        [bea] = [row for row in screen.splitlines() if "Bea Smith" in row]
        assert "3 weeks ago (as the page said)" in bea
        assert "undated" not in screen
        [cyril] = [row for row in screen.splitlines() if "Cyril Oduya" in row]
        assert "9 Mar 2012, 09:05" in cyril
