"""The saved-HTML reader: our own pages, the real saved pages in ../shared, random pages."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.dedupe import merge_pages
from civicreader.ingest import Problem, Source, read_file
from civicreader.ingest import html as html_reader
from civicreader.ingest.htmltext import html_paragraphs
from civicreader.model import post_id
from civicreader.textsafe import strip_controls
from tests.conftest import CORPORA, needs_shared
from tests.ingest_strategies import (
    assert_junk_never_raises,
    comment_dates,
    comment_rows,
    expected_tree,
    lines,
    paragraph_tags,
    paragraphs,
    read_page,
    words,
)

FIXTURES = Path(__file__).parent / "fixtures" / "html"
PAGES = CORPORA / "html"


def outline(comments) -> list:
    return [(c.author, c.date, c.body, outline(c.replies)) for c in comments]


# --- our own pages ----------------------------------------------------------------------------


def test_wordpress_page_post_fields_without_navigation_or_scripts():
    (post,) = read_page(FIXTURES / "wordpress-single.html").posts
    assert post.blog == "Eastfield Tenants Network"
    assert post.title == "Ward surgery notes: damp, lifts & the “repairs backlog”"
    assert post.date == date(2012, 11, 7)
    assert post.authors == ("Kofi Mensah",)
    assert post.categories == ("Housing",)
    assert post.tags == ("repairs", "lifts")
    assert post.body == (
        "Eleven tenants came to the surgery at the community hall.",
        "Most questions were about damp in the ground-floor flats,\nand about the lift in Block C.",
        "• Damp survey booked for Block A",
        "• Lift part on order",
        "Next surgery: 5 Dec\nHall B, 7pm",
    )
    assert post.id == post_id("Eastfield Tenants Network", post.title, 11, 7)


def test_wordpress_comment_list_nesting_and_pingbacks():
    page = read_page(FIXTURES / "wordpress-single.html")
    first = ("Thank you for chasing the lift.", "My mother is on the sixth floor.")
    assert outline(page.posts[0].comments) == [
        ("Rita Osei", datetime(2012, 11, 8, 8, 15), first, [
            ("Kofi Mensah", datetime(2012, 11, 8, 9, 0), ("We will keep pressing, Rita.",), [
                ("Rita Osei", datetime(2012, 11, 9, 12, 0), ("It works again today!",), []),
            ]),
        ]),
        ("Sam Price", datetime(2012, 11, 10, 17, 45), ("Is the damp survey free?",), []),
    ]  # fmt: skip
    assert "left out 1 pingback" in page.notes


def test_blogger_page_date_header_labels_and_threads():
    (post,) = read_page(FIXTURES / "blogger-single.html").posts
    assert (post.blog, post.title, post.date) == (
        "Riverside Food Bank Diary",
        "Christmas hampers, counted",
        date(2012, 12, 23),
    )
    assert post.categories == ("hampers", "volunteers")
    assert post.authors == ("Lena Brook",)
    assert post.body == ("We packed 140 hampers this week.", "Thanks to the scouts for carrying boxes.")
    assert outline(post.comments) == [
        ("Owen Hart", datetime(2012, 12, 23, 18, 2), ("Well done all.", "Same time next year?"), [
            ("Lena Brook", datetime(2012, 12, 23, 19, 40), ("Count us in.",), []),
        ]),
        ("Anonymous", datetime(2012, 12, 24, 9, 5), ("Merry Christmas from the allotment group.",), []),
    ]  # fmt: skip


def test_mojibake_is_repaired(tmp_path):
    text = (FIXTURES / "wordpress-single.html").read_text(encoding="utf-8")
    broken = tmp_path / "broken.html"
    broken.write_bytes(text.replace("damp, lifts", "damp’s lifts").encode("utf-8").decode("cp1252").encode("utf-8"))
    (post,) = read_page(broken).posts
    assert "damp’s lifts" in post.title
    assert post.comments[0].author == "Rita Osei"


def test_old_theme_comments_marked_by_id_only(tmp_path):
    page = tmp_path / "old.html"
    page.write_text(
        "<html><head><title>Old blog &raquo; Fête</title></head><body><div class='post'><h2>Fête</h2>"
        "<small>June 2nd, 2008</small><div class='entry'><p>Stalls from noon.</p></div></div>"
        "<ol class='commentlist'><li class='alt' id='comment-5'><cite>Ben</cite> Says:<br />"
        "<small class='commentmetadata'><a href='#comment-5'>June 3rd, 2008 at 9:15 am</a></small>"
        "<p>See you there.</p></li><li id='comment-6'><cite>Cat</cite> Says:<br />"
        "<small class='commentmetadata'><a href='#comment-6'>June 3rd, 2008 at 10:00 am</a></small>"
        "<p>Bringing cakes.</p></li></ol></body></html>",
        encoding="utf-8",
    )
    (post,) = read_page(page).posts
    assert (post.title, post.date, post.body) == ("Fête", date(2008, 6, 2), ("Stalls from noon.",))
    assert outline(post.comments) == [
        ("Ben", datetime(2008, 6, 3, 9, 15), ("See you there.",), []),
        ("Cat", datetime(2008, 6, 3, 10, 0), ("Bringing cakes.",), []),
    ]


def test_blogger_home_page_gives_every_post_its_own_date(tmp_path):
    page = tmp_path / "home.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Parish Pump</title></head><body>"
        "<div id='Header1'><h1>Parish Pump</h1></div>"
        "<h2 class='date-header'><span>Monday, 3 October 2011</span></h2>"
        "<div class='post hentry'><h3 class='post-title entry-title'>Hall roof</h3>"
        "<div class='post-body entry-content'>Scaffolding goes up on Tuesday.</div>"
        "<span class='post-labels'><a rel='tag'>hall</a></span></div>"
        "<div class='post hentry'><h3 class='post-title entry-title'>Quiz night</h3>"
        "<div class='post-body entry-content'>Teams of six.<br /><br />"
        "<a class='jump-link' href='/quiz.html'>Read more »</a></div></div>"
        "<h2 class='date-header'><span>Friday, 30 September 2011</span></h2>"
        "<div class='post hentry'><h3 class='post-title entry-title'>Harvest thanks</h3>"
        "<div class='post-body entry-content'>Forty tins for the food bank.</div></div>"
        "</body></html>",
        encoding="utf-8",
    )
    result = read_page(page)
    assert [(p.title, p.date, p.body, p.excerpt) for p in result.posts] == [
        ("Hall roof", date(2011, 10, 3), ("Scaffolding goes up on Tuesday.",), False),
        ("Quiz night", date(2011, 10, 3), ("Teams of six.",), True),
        ("Harvest thanks", date(2011, 9, 30), ("Forty tins for the food bank.",), False),
    ]
    assert {p.blog for p in result.posts} == {"Parish Pump"}
    assert result.posts[0].categories == ("hall",)


def test_related_post_block_on_a_post_page_does_not_split_it(tmp_path):
    related = (
        "<div class='post hentry'><h2 class='entry-title'>Related</h2><div class='entry-content'>Other.</div></div>"
    )
    text = (
        (FIXTURES / "wordpress-single.html").read_text(encoding="utf-8").replace("</article>", "</article>" + related)
    )
    page = tmp_path / "with-related.html"
    page.write_text(text, encoding="utf-8")
    (post,) = read_page(page).posts  # the page has comments, so it is a post's own page
    assert post.title.startswith("Ward surgery notes")
    assert post.comment_count == 4


def test_day_without_a_year_is_left_for_dedupe_to_date(tmp_path):
    page = tmp_path / "wpcom.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta property='og:site_name' content='Desk Notes'></head><body>"
        "<article class='post hentry'><h1 class='entry-title'>Lamp posts</h1>"
        "<span class='posted-on'><a><time class='entry-date'>24 Dec</time></a></span>"
        "<div class='entry-content'><p>All forty now work.</p></div></article>"
        "<ol class='comment-list'><li class='comment depth-1'><b class='fn'>Al</b>"
        "<time datetime='2012-12-27T10:00:00+00:00'>27 Dec</time><div class='comment-content'>Good.</div></li></ol>"
        "</body></html>",
        encoding="utf-8",
    )
    result = read_page(page)
    (post,) = result.posts
    assert post.date is None
    assert post.id == post_id("Desk Notes", "Lamp posts", 12, 24)
    (clue,) = result.clues
    assert (clue.month, clue.day, clue.comment_dates) == (12, 24, ((2012, 12, 27),))
    (merged,) = merge_pages([result])
    assert merged.date == date(2012, 12, 24)
    assert merged.date_inferred


def test_stray_control_characters_do_not_cost_the_page(tmp_path):
    text = (FIXTURES / "blogger-single.html").read_text(encoding="utf-8")
    page = tmp_path / "controls.html"
    page.write_text(text.replace("140 hampers", "140\x07 hamp\x0bers\x1b[31m"), encoding="utf-8")
    (post,) = read_page(page).posts
    assert post.body[0] == "We packed 140 hampers this week."


def test_page_without_a_post_is_a_problem(tmp_path):
    page = tmp_path / "nav.html"
    page.write_text("<!DOCTYPE html><html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    problem = read_file(page, tmp_path)
    assert isinstance(problem, Problem)
    assert "no blog post" in problem.reason


def test_sniff_takes_pages_not_front_matter_or_feeds():
    assert html_reader.sniff(b"\xef\xbb\xbf\n<!-- saved -->\n<!DOCTYPE html><html>", Path("a"))
    assert not html_reader.sniff(b"---\ntitle: x\n---\n<p>hi</p>", Path("a.html"))
    assert not html_reader.sniff(b"<?xml version='1.0'?><rss version='2.0'>", Path("a.html"))


# --- the real saved pages in ../shared/corpora/html --------------------------------------------

REAL_PAGES = {
    # file: (comments, replies, thread depth)
    "readability/test/test-pages/wordpress/source.html": (13, 9, 4),
    "readability/test/test-pages/blogger/source.html": (0, 0, 0),
    "trafilatura/tests/cache/luxuryhaven.co.hyatt.html": (24, 0, 1),
    "trafilatura/tests/eval/derpapierplanet.de.juni.html": (13, 9, 2),
    "trafilatura/tests/cache/netzpolitik.org.abmahnungen.html": (74, 38, 5),
    "trafilatura/tests/eval/grossefragen.wordpress.com.projekt.html": (23, 12, 2),
    "trafilatura/tests/eval/archive.org.the-pain.net.silkroad.html": (33, 0, 1),
    "trafilatura/tests/eval/archive.org.muffinrezept.net.grundrezept.html": (51, 9, 3),
    "trafilatura/tests/cache/lemire.me.json.html": (5, 2, 2),
    "trafilatura/tests/eval/thenervousbreakdown.com.loneliest.html": (11, 2, 2),
    "trafilatura/tests/eval/sprechwaisen.com.sw082.html": (3, 1, 2),
    "trafilatura/tests/cache/chineselyrics4u.com.zhineng.html": (0, 0, 0),
    "trafilatura/tests/eval/bumsbutzener-gumpfen.blogspot.com.tach-auch.html": (0, 0, 0),
}


@needs_shared(CORPORA)
def test_every_real_page_is_listed_here():
    assert {str(path.relative_to(PAGES)) for path in PAGES.rglob("*.html")} == set(REAL_PAGES)


@needs_shared(CORPORA)
@pytest.mark.parametrize("name", sorted(REAL_PAGES))
def test_real_page_thread(name):
    comments, replies, levels = REAL_PAGES[name]
    (post,) = read_page(PAGES / name, CORPORA).posts
    walked = list(post.walk_comments())
    assert len(walked) == comments
    assert sum(1 for level, _ in walked if level) == replies
    assert max((level + 1 for level, _ in walked), default=0) == levels
    assert post.title and len(post.body) >= 3
    assert all(comment.author and comment.body and comment.date for _, comment in walked)
    assert all(a.date <= b.date for a, b in zip(post.comments, post.comments[1:], strict=False))


@needs_shared(CORPORA)
def test_wayback_copy_loses_the_toolbar_and_its_mojibake():
    page = read_page(PAGES / "trafilatura/tests/eval/archive.org.the-pain.net.silkroad.html", CORPORA)
    (post,) = page.posts
    text = "\n".join([post.title, *post.body, *(p for _, c in post.walk_comments() for p in c.body)])
    assert "Â" not in text
    assert post.title.endswith("NPC’s")
    assert post.date == date(2008, 5, 26)
    assert "left out 1 pingback" in page.notes
    assert not any("captures" in paragraph.lower() for paragraph in post.body[:3])


@needs_shared(CORPORA)
def test_epoch_plugin_comments_and_not_its_templates():
    (post,) = read_page(PAGES / "readability/test/test-pages/wordpress/source.html", CORPORA).posts
    assert post.blog == "WordPress Tavern"
    assert post.date == date(2017, 3, 9)
    assert not any("{{" in c.author or any("{{" in p for p in c.body) for _, c in post.walk_comments())


@needs_shared(CORPORA)
def test_blogger_pages_keep_boilerplate_out():
    for name in (
        "readability/test/test-pages/blogger/source.html",
        "trafilatura/tests/cache/chineselyrics4u.com.zhineng.html",
    ):
        (post,) = read_page(PAGES / name, CORPORA).posts
        assert post.categories
        assert not any("Post a Comment" in paragraph for paragraph in post.body)
        assert post.date is not None


@needs_shared(CORPORA)
def test_german_blogger_title_and_comment_dates():
    (post,) = read_page(
        PAGES / "trafilatura/tests/eval/bumsbutzener-gumpfen.blogspot.com.tach-auch.html", CORPORA
    ).posts
    assert post.title == "Tach auch!"
    (post,) = read_page(PAGES / "trafilatura/tests/eval/derpapierplanet.de.juni.html", CORPORA).posts
    assert post.comments[0].date.year == 2015


# --- random pages -----------------------------------------------------------------------------

# random words leave out mojibake's first characters (see MOJIBAKE_STARTS); real mojibake is
# covered by test_mojibake_is_repaired
LINE = lines(words())
PARAGRAPHS = paragraphs(LINE)
START = datetime(2012, 1, 1)


def wordpress_comments(rows, written, parent: int = 0, level: int = 1) -> str:
    items = ""
    for number, up, author, body in rows:
        if up != parent:
            continue
        replies = wordpress_comments(rows, written, number, level + 1)
        items += (
            f'<li id="comment-{number}" class="comment depth-{level}"><article class="comment-body">'
            f'<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{html.escape(author)}</b>'
            ' <span class="says">says:</span></div><div class="comment-metadata"><a href="#">'
            f'<time datetime="{written[number]:%Y-%m-%dT%H:%M:%S}+00:00">whenever</time></a></div></footer>'
            f'<div class="comment-content">{paragraph_tags(body)}</div>'
            '<div class="reply"><a class="comment-reply-link">Reply</a></div></article>'
            + (f'<ol class="children">{replies}</ol>' if replies else "")
            + "</li>"
        )
    return items


def blogger_comments(rows, written, parent: int = 0) -> str:
    items = ""
    for number, up, author, body in rows:
        if up != parent:
            continue
        replies = blogger_comments(rows, written, number)
        text = "<br /><br />".join(html.escape(p) for p in body)
        items += (
            f"<li class='comment' id='c{number}'><div class='comment-block'><div class='comment-header'>"
            f"<cite class='user'>{html.escape(author)}</cite><span class='datetime secondary-text'>"
            f"<a href='#c{number}'>{written[number]:%d %B %Y at %H:%M}</a></span></div>"
            f"<p class='comment-content'>{text}</p></div><div class='comment-replies'>"
            + (f"<div class='comment-thread inline-thread'><ol><div>{replies}</div></ol></div>" if replies else "")
            + "</div></li>"
        )
    return items


def wordpress_page(title, day, body, rows, written) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>x</title>"
        "<meta property='og:site_name' content='Random Site'></head><body><nav><a>Home</a></nav>"
        f"<article class='post hentry'><h1 class='entry-title'>{html.escape(title)}</h1>"
        f"<time class='entry-date published' datetime='{day:%Y-%m-%d}T10:00:00+00:00'>{day}</time>"
        f"<div class='entry-content'>{paragraph_tags(body)}</div></article>"
        f"<div id='comments'><ol class='comment-list'>{wordpress_comments(rows, written)}</ol></div>"
        "<aside><h2>Archives</h2></aside></body></html>"
    )


def blogger_page(title, day, body, rows, written) -> str:
    text = "<br /><br />".join(html.escape(p) for p in body)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Random Site: x</title></head><body>"
        "<div id='header'><div id='Header1'><h1>Random Site</h1></div></div>"
        f"<h2 class='date-header'><span>{day:%A, %d %B %Y}</span></h2><div class='post-outer'><div class='post hentry'>"
        f"<h3 class='post-title entry-title'>{html.escape(title)}</h3>"
        f"<div class='post-body entry-content'>{text}</div></div>"
        f"<div class='comments' id='comments'><div class='comment-thread toplevel-thread'><ol>"
        f"{blogger_comments(rows, written)}</ol></div></div></div></body></html>"
    )


@settings(max_examples=30, deadline=None)
@given(
    title=LINE,
    day=st.dates(date(2005, 1, 1), date(2015, 12, 31)),
    body=PARAGRAPHS,
    rows=comment_rows(authors=LINE, bodies=PARAGRAPHS, max_comments=7),
    blogger=st.booleans(),
)
def test_random_page_round_trips(title, day, body, rows, blogger):
    written = comment_dates(rows, START, timedelta(minutes=7))
    page_html = (blogger_page if blogger else wordpress_page)(title, day, body, rows, written)
    page = html_reader.read(Source(path=Path("random.html"), data=page_html.encode("utf-8"), blog="folder"))
    (post,) = page.posts
    assert (post.title, post.date, post.body, post.blog) == (title, day, body, "Random Site")
    assert post.comments == expected_tree(rows, written)


@settings(max_examples=30, deadline=None)
@given(body=PARAGRAPHS, bullets=st.lists(LINE, max_size=3))
def test_html_paragraphs_keep_every_word_once(body, bullets):
    fragment = (
        paragraph_tags(body)
        + "<script>hidden()</script><ul>"
        + "".join(f"<li>{html.escape(item)}</li>" for item in bullets)
        + "</ul>"
    )
    assert html_paragraphs(fragment) == body + tuple(f"• {item}" for item in bullets)


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(blacklist_characters="<&")), autop=st.booleans())
def test_plain_text_reads_as_the_same_text_marked_up(text, autop):
    """Plain text skips the HTML parser (a long thread is mostly plain comments): it must not matter."""
    text = strip_controls(text)  # else an 8-bit escape could swallow the tag put around it here
    assert html_paragraphs(text, autop=autop) == html_paragraphs(f"<span>{text}</span>", autop=autop)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=400), keep=st.integers(0, 6000))
def test_junk_never_raises(tmp_path, junk, keep):
    data = (FIXTURES / "wordpress-single.html").read_bytes()[:keep] + junk
    assert_junk_never_raises(html_reader, tmp_path / "junk.html", data)
