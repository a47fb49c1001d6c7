"""The RSS/Atom feed reader: our own feeds, the real feeds in ../shared, random feeds."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.dedupe import merge_pages
from civicreader.ingest import feeds, read_paths
from tests.conftest import CORPORA, SAMPLE_CORPUS, needs_shared
from tests.ingest_strategies import (
    NESTED_ENTITIES,
    PRINTABLE,
    assert_junk_never_raises,
    assert_refused_for_entities,
    cdata,
    comment_dates,
    comment_rows,
    expected_tree,
    lines,
    paragraph_tags,
    paragraphs,
    read_page,
    words,
)

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
FEEDS = CORPORA / "feeds"


# --- our own feeds ----------------------------------------------------------------------------


def test_wordpress_feed_posts_from_content_encoded():
    page = read_page(FIXTURES / "canal-walks" / "feed.rss")
    survey, litter, thanks = page.posts
    assert survey.blog == "Canal Walks & Towpaths"
    assert survey.title == "Towpath survey: what we found"
    assert survey.date == date(2011, 5, 21)
    assert survey.authors == ("Ellis Park",)
    assert survey.categories == ("Surveys", "towpath")
    assert survey.body == (
        "Twelve of us walked the stretch from the lock to the mill.",
        "We counted nine broken benches and one missing sign.",
        "1. Lock gates: fine",
        "2. Mill bridge: loose railing",
    )
    assert not survey.excerpt
    assert litter.excerpt  # a description ending in "[...]" is a teaser
    assert not thanks.excerpt  # a whole post carried in the description
    assert thanks.body == ("Forty bags of litter in two hours.",)


def test_comment_feed_beside_the_feed_is_attached_and_not_counted_twice():
    pages, problems = read_paths([FIXTURES / "canal-walks"])
    assert problems == []
    by_name = {Path(page.path).name: page for page in pages}
    survey = by_name["feed.rss"].posts[0]
    assert [(c.author, c.date, c.body) for c in survey.comments] == [
        ("Rosa Field", datetime(2011, 5, 22, 9, 12), ("I reported the railing to the trust.", "They say a fortnight.")),
        ("Dev Amin", datetime(2011, 5, 22, 11, 30), ("Good work, all.",)),
    ]
    assert by_name["towpath-survey-comments.rss"].posts == ()
    assert sum(post.comment_count for post in merge_pages(pages)) == 2


def test_atom_summary_is_an_excerpt_and_author_has_no_email():
    (post,) = read_page(FIXTURES / "summary-only.atom").posts
    assert post.excerpt
    assert post.title == "Timetable & fares"
    assert post.authors == ("Gwen Tal",)
    assert post.date == date(2012, 11, 3)  # the date as written there, not moved to UTC


def test_legacy_encoding_is_decoded(tmp_path):
    feed = tmp_path / "legacy.rss"
    feed.write_bytes(
        '<?xml version="1.0" encoding="gb2312"?>\n<rss version="2.0"><channel><title>社区公告</title>'
        "<item><title>图书馆开放时间</title><pubDate>2012/3/4 10:00:00</pubDate>"
        "<description>周六上午开放。</description></item></channel></rss>".encode("gb2312")
    )
    (post,) = read_page(feed).posts
    assert (post.blog, post.title, post.body, post.date) == (
        "社区公告",
        "图书馆开放时间",
        ("周六上午开放。",),
        date(2012, 3, 4),
    )


def test_entity_bomb_is_refused(tmp_path):
    feed = tmp_path / "bomb.rss"
    feed.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY e0 "lol">{NESTED_ENTITIES}]>\n'
        "<rss><channel><title>&e8;</title><item><title>x</title></item></channel></rss>",
        encoding="utf-8",
    )
    assert_refused_for_entities(feed)


def test_html_page_is_not_taken_for_a_feed():
    assert not feeds.sniff(b"<!DOCTYPE html><html><head><title>feed</title></head>", Path("x.html"))
    assert feeds.sniff(b"\n\n<?xml version='1.0'?><!-- hi --><rss version='2.0'>", Path("x"))


# --- the real feeds in ../shared/corpora/feeds -------------------------------------------------

REAL_FEEDS = {
    # file: (posts, posts without a title)
    "RSParser/Tests/RSParserTests/Resources/natasha.xml": (10, 0),
    "RSParser/Tests/RSParserTests/Resources/manton.rss": (10, 4),
    "RSParser/Tests/RSParserTests/Resources/4fsodonline.atom": (25, 0),
    "RSParser/Tests/RSParserTests/Resources/expertopinionent.atom": (43, 0),
    "RSParser/Tests/RSParserTests/Resources/OneFootTsunami.atom": (25, 0),
    "RSParser/Tests/RSParserTests/Resources/kc0011.rss": (20, 0),
    "feedjira/spec/sample_feeds/TenderLovemaking.xml": (10, 0),
}


@needs_shared(CORPORA)
def test_every_real_feed_is_listed_here():
    assert {str(path.relative_to(FEEDS)) for path in FEEDS.rglob("*") if path.is_file()} == set(REAL_FEEDS)


@needs_shared(CORPORA)
@pytest.mark.parametrize("name", sorted(REAL_FEEDS))
def test_real_feed_counts(name):
    posts, untitled = REAL_FEEDS[name]
    page = read_page(FEEDS / name, CORPORA)
    assert len(page.posts) == posts
    assert sum(1 for post in page.posts if not post.title) == untitled
    assert all(post.date and post.date_note for post in page.posts)
    assert len({post.id for post in page.posts}) == posts
    assert not any("\ufffd" in post.title for post in page.posts)


@needs_shared(CORPORA)
def test_wordpress_feed_uses_the_full_content():
    page = read_page(FEEDS / "RSParser/Tests/RSParserTests/Resources/natasha.xml", CORPORA)
    assert not any(post.excerpt for post in page.posts)
    assert all(len(post.body) > 3 for post in page.posts)
    assert {post.blog for post in page.posts} == {"Natasha The Robot"}


@needs_shared(CORPORA)
def test_gb2312_feed_titles_are_chinese_text():
    page = read_page(FEEDS / "RSParser/Tests/RSParserTests/Resources/kc0011.rss", CORPORA)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in post.title) for post in page.posts)
    assert all(post.date == date(2020, 1, 10) for post in page.posts)


@needs_shared(CORPORA)
def test_blank_line_before_the_declaration_is_read():
    path = FEEDS / "feedjira/spec/sample_feeds/TenderLovemaking.xml"
    assert path.read_bytes()[:1].isspace()
    assert read_page(path, CORPORA).posts[0].blog == "Tender Lovemaking"


@needs_shared(CORPORA)
def test_blogger_atom_titles_with_entities_are_decoded():
    page = read_page(FEEDS / "RSParser/Tests/RSParserTests/Resources/4fsodonline.atom", CORPORA)
    assert any("'" in post.title for post in page.posts)
    assert not any("&#39;" in post.title or "&amp;" in post.title for post in page.posts)
    assert all("@" not in author for post in page.posts for author in post.authors)


# --- the sample corpus ------------------------------------------------------------------------


def test_sample_feed_and_saved_page_merge_with_the_scraped_pages_of_their_blog():
    pages, problems = read_paths([SAMPLE_CORPUS])  # the whole corpus, as a user opens it
    assert problems == []
    pages = [page for page in pages if Path(page.path).parts[-2] == "wheels-and-wards"]
    by_title = {post.title: post for post in merge_pages(pages)}
    rural = by_title["Rural isolation isn’t a statistic"]
    assert {Path(source).name for source in rural.sources} == {"feed.rss", "rural-isolation-isnt-a-statistic.txt"}
    assert rural.comment_count == 3
    drivers = by_title["Volunteer drivers and the mileage rate"]
    assert "volunteer-drivers-and-the-mileage-rate.html" in {Path(source).name for source in drivers.sources}
    assert drivers.comment_count == 3  # the saved page and the scrape hold the same thread: kept once
    open_day = by_title["Open day at the depot"]
    assert [c.author for c in open_day.comments] == ["Stan Metcalfe", "Bev Kettlewell"]
    assert {post.blog for post in by_title.values()} == {"wheels-and-wards"}


# --- random feeds -----------------------------------------------------------------------------

# feedparser re-decodes text whose characters, taken as Latin-1 bytes, make valid UTF-8 ("Ä¡" becomes
# "ġ"): mojibake repair of its own. Random text leaves out the Latin-1 symbols that complete such pairs.
LATIN1_SYMBOLS = "".join(chr(code) for code in range(0xA1, 0xC0))
# An RSS title is HTML or text by guesswork (the spec does not say), so titles avoid markup characters.
TITLE_WORD = st.text(
    alphabet=st.characters(categories=PRINTABLE, exclude_characters="<>&ÂÃâ" + LATIN1_SYMBOLS), min_size=1
)
TITLE = lines(TITLE_WORD.map(lambda word: word[:8]))
PARAGRAPHS = paragraphs(lines(words(exclude=LATIN1_SYMBOLS)))
START = datetime(2012, 1, 1)


def rss_files(title, when, body, rows, written) -> dict[str, str]:
    ns = 'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    post = (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" {ns} '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/"><channel><title>Random Feed</title>'
        f"<item><title>{escape(title)}</title><link>http://r.example/p/</link>"
        f"<pubDate>{when:%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
        f"<content:encoded>{cdata(paragraph_tags(body))}</content:encoded>"
        "<wfw:commentRss>http://r.example/p/feed/</wfw:commentRss></item></channel></rss>"
    )
    items = "".join(
        f"<item><title>By: x</title><link>http://r.example/p/#comment-{number}</link>"
        f"<dc:creator>{escape(author)}</dc:creator>"
        f"<pubDate>{written[number]:%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
        f"<content:encoded>{cdata(paragraph_tags(text))}</content:encoded></item>"
        for number, _, author, text in rows
    )
    comments = (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" {ns} xmlns:atom="http://www.w3.org/2005/Atom">'
        '<channel><title>Comments on: p</title><atom:link rel="self" href="http://r.example/p/feed/"/>'
        f"{items}</channel></rss>"
    )
    return {"feed.rss": post, "comments.rss": comments}


def atom_files(title, when, body, rows, written) -> dict[str, str]:
    replies = "http://r.example/feeds/9/comments/default"
    post = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Random Feed</title>'
        f"<entry><id>tag:r,1:post-9</id><title type='text'>{escape(title)}</title>"
        f"<published>{when:%Y-%m-%dT%H:%M:%S}+01:00</published>"
        f"<content type='html'>{escape(paragraph_tags(body))}</content>"
        f"<link rel='replies' type='application/atom+xml' href='{replies}'/></entry></feed>"
    )
    entries = "".join(
        f"<entry><id>tag:r,1:post-{number}</id><title>c</title><author><name>{escape(author)}</name></author>"
        f"<published>{written[number]:%Y-%m-%dT%H:%M:%S}+01:00</published>"
        f"<content type='html'>{escape(paragraph_tags(text))}</content>"
        + (f"<link rel='related' href='{replies}/{parent}'/>" if parent else "")
        + "</entry>"
        for number, parent, author, text in reversed(rows)
    )
    comments = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Comments on Random Feed</title><link rel='self' href='{replies}'/>{entries}</feed>"
    )
    return {"feed.atom": post, "comments.atom": comments}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=TITLE,
    when=st.datetimes(datetime(2005, 1, 1), datetime(2015, 12, 31)).map(lambda d: d.replace(microsecond=0)),
    body=PARAGRAPHS,
    atom=st.booleans(),
    data=st.data(),
)
def test_random_feed_round_trips(tmp_path, title, when, body, atom, data):
    rows = data.draw(comment_rows(authors=TITLE, max_comments=6, threaded=atom))
    written = comment_dates(rows, START, timedelta(hours=1))
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    files = (atom_files if atom else rss_files)(title, when, body, rows, written)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    page = read_page(folder / next(iter(files)))
    (post,) = page.posts
    assert (post.title, post.date, post.body, post.blog) == (title, when.date(), body, "Random Feed")
    assert post.comments == expected_tree(rows, written)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=400), keep=st.integers(0, 2500))
def test_junk_never_raises(tmp_path, junk, keep):
    data = (FIXTURES / "canal-walks" / "feed.rss").read_bytes()[:keep] + junk
    assert_junk_never_raises(feeds, tmp_path / "junk.rss", data)


@pytest.mark.parametrize("title", ["...", " – ", "&#8230;"])
def test_a_feed_title_of_only_punctuation_gives_way_to_the_folder_name(tmp_path, title):
    folder = tmp_path / "corpus" / "parish-news"
    folder.mkdir(parents=True)
    feed = folder / "feed.rss"
    feed.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        "<item><title>Hall open again</title><pubDate>Sun, 04 Mar 2012 10:00:00 GMT</pubDate>"
        "<description>The hall reopens on Saturday.</description></item></channel></rss>",
        encoding="utf-8",
    )
    (post,) = read_page(feed, tmp_path / "corpus").posts
    assert post.blog == "parish-news"
