"""The Blogger backup reader: our own fixture, the real backups in ../shared, random backups."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.dedupe import merge_pages
from civicreader.ingest import Source, blogger, read_paths
from civicreader.model import post_id
from tests.conftest import CORPORA, SAMPLE_CORPUS, needs_shared
from tests.ingest_strategies import (
    LINE,
    NESTED_ENTITIES,
    PARAGRAPHS,
    assert_junk_never_raises,
    assert_refused_for_entities,
    comment_dates,
    comment_rows,
    expected_tree,
    paragraph_tags,
    read_page,
    thread_depth,
)

FIXTURES = Path(__file__).parent / "fixtures" / "blogger"
BACKUPS = CORPORA / "blogger"
KIND = "http://schemas.google.com/blogger/2008/kind#"


# --- our own fixture -------------------------------------------------------------------------


def test_fixture_posts_and_what_was_skipped():
    page = read_page(FIXTURES / "allotment-notes.xml")
    assert [post.title for post in page.posts] == ['Hosepipes & the "fair share" rota', "Harvest supper"]
    for note in ("skipped 1 draft", "skipped 1 page", "skipped 1 setting", "skipped 1 template"):
        assert note in page.notes
    assert any("left out 1 comment" in note for note in page.notes)


def test_fixture_post_fields():
    post = read_page(FIXTURES / "allotment-notes.xml").posts[0]
    assert post.blog == "Allotment Society Notes"
    assert post.date == date(2012, 6, 14)
    assert post.date_note
    assert post.authors == ("June Okafor",)
    assert post.categories == ("water", "committee")
    assert post.body == (
        "The committee met on Tuesday about the water rota.",
        "Plots 1-20 water on odd days,\nplots 21-40 on even days.",
    )
    assert post.id == post_id("Allotment Society Notes", 'Hosepipes & the "fair share" rota', 6, 14)


def test_fixture_comments_threaded_through_related_links():
    post = read_page(FIXTURES / "allotment-notes.xml").posts[0]
    assert [(level, c.author, c.date) for level, c in post.walk_comments()] == [
        (0, "Bill Haddon", datetime(2012, 6, 14, 20, 5)),
        (1, "Priya Lal", datetime(2012, 6, 14, 21, 30)),
        (2, "Bill Haddon", datetime(2012, 6, 15, 7, 10)),
        (0, "June Okafor", datetime(2012, 6, 16, 9, 0)),
    ]
    second = post.comments[0].replies[0]
    assert second.body == ("I work late on odd days.", "Could we swap?")
    assert second.replies[0].body == ("Same here, & thanks.",)


def test_backup_in_the_2018_schema():
    page = read_page(FIXTURES / "allotment-notes-2018.xml")
    (post,) = page.posts
    assert (post.blog, post.title, post.date, post.categories) == (
        "Allotment Society Notes",
        "Hosepipes & the rota",
        date(2012, 6, 14),
        ("water",),
    )
    assert [(level, c.author) for level, c in post.walk_comments()] == [(0, "Bill Haddon"), (1, "Priya Lal")]
    for note in ("skipped 1 draft", "skipped 1 page", "skipped 1 deleted or unpublished comment"):
        assert note in page.notes


def test_entity_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY e0 "lol">{NESTED_ENTITIES}]>'
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>&e8;</title><entry>"
        f"<category scheme='http://schemas.google.com/g/2005#kind' term='{KIND}post'/>"
        "<title>x</title></entry></feed>",
        encoding="utf-8",
    )
    assert_refused_for_entities(bomb)


# --- the real backups in ../shared/corpora/blogger ---------------------------------------------

REAL_BACKUPS = {
    # file: (published posts, comments, thread depth)
    "charleso-blog/blogger.xml": (8, 8, 1),
    "pelican/pelican/tests/content/bloggerexport.xml": (1, 1, 1),
    "blogger2jekyll/blogger2jekyll.tests/Stub/blog-08-19-2012.xml": (8, 1, 1),
    "blogimport/tests/data/story-blogger-backup.xml": (6, 0, 0),
    "ghost-migrate/packages/mg-blogger-xml/test/fixtures/sample.xml": (2, 0, 0),
}


@needs_shared(CORPORA)
def test_every_real_backup_is_listed_here():
    assert {str(path.relative_to(BACKUPS)) for path in BACKUPS.rglob("*.xml")} == set(REAL_BACKUPS)


@needs_shared(CORPORA)
@pytest.mark.parametrize("name", sorted(REAL_BACKUPS))
def test_real_backup_counts(name):
    posts, comments, levels = REAL_BACKUPS[name]
    page = read_page(BACKUPS / name, CORPORA)
    assert (len(page.posts), sum(p.comment_count for p in page.posts), thread_depth(page)) == (posts, comments, levels)
    assert all(post.date and post.title for post in page.posts)
    assert all(post.body for post in page.posts)


@needs_shared(CORPORA)
def test_settings_and_template_are_skipped_not_read_as_posts():
    page = read_page(BACKUPS / "charleso-blog/blogger.xml", CORPORA)
    assert "skipped 47 settings" in page.notes
    assert "skipped 1 template" in page.notes
    assert {post.blog for post in page.posts} == {"Plunkett"}


@needs_shared(CORPORA)
def test_double_escaped_text_is_decoded_once():
    page = read_page(BACKUPS / "charleso-blog/blogger.xml", CORPORA)
    text = [p for post in page.posts for _, comment in post.walk_comments() for p in comment.body]
    assert any("CC -> x" in paragraph for paragraph in text)
    assert not any("&amp;" in paragraph or "&gt;" in paragraph for paragraph in text)


@needs_shared(CORPORA)
def test_undeclared_app_prefix_still_marks_drafts():
    page = read_page(BACKUPS / "pelican/pelican/tests/content/bloggerexport.xml", CORPORA)
    assert [post.title for post in page.posts] == ["The Steel Windpipe"]
    assert "skipped 1 draft" in page.notes
    assert "skipped 2 pages" in page.notes
    assert page.posts[0].blog == "Notes of a Young Doctor"


@needs_shared(CORPORA)
def test_draft_sharing_an_id_with_a_post_is_still_skipped():
    page = read_page(BACKUPS / "ghost-migrate/packages/mg-blogger-xml/test/fixtures/sample.xml", CORPORA)
    assert [post.title for post in page.posts] == ["Rhoncus Published Post", "Vestibulum Post With Image"]
    assert page.posts[1].categories == ("All Night Party", "Dance")


# --- the sample corpus ------------------------------------------------------------------------


def test_sample_backup_merges_with_the_scraped_pages_of_its_blog():
    pages, problems = read_paths([SAMPLE_CORPUS])  # the whole corpus, as a user opens it
    assert problems == []
    pages = [page for page in pages if Path(page.path).parts[-2] == "stacks-and-shelves"]
    by_title = {post.title: post for post in merge_pages(pages)}
    hours = by_title["Opening hours: the arithmetic"]
    assert {Path(source).name for source in hours.sources} == {
        "2012_04_opening-hours-arithmetic.txt",
        "blog-backup.xml",
    }
    assert [c.author for _, c in hours.walk_comments()] == ["Jean Crossley"]  # read twice, kept once
    sale = by_title["Book sale raises enough for the boiler & a bit over"]
    assert (sale.blog, max(level for level, _ in sale.walk_comments())) == ("stacks-and-shelves", 2)
    assert "AGM agenda (draft)" not in by_title


# --- random backups ---------------------------------------------------------------------------

START = datetime(2011, 1, 1)


def entry(atom_id: str, kind: str, when: datetime, title: str, body: tuple[str, ...], extra: str = "") -> str:
    content = paragraph_tags(body)
    return (
        f"<entry><id>tag:blogger.com,1999:blog-5.{atom_id}</id>"
        f"<published>{when:%Y-%m-%dT%H:%M:%S}.000-07:00</published>"
        f"<category scheme='http://schemas.google.com/g/2005#kind' term='{KIND}{kind}'/>"
        f"<title type='text'>{escape(html.escape(title))}</title>"
        f"<content type='html'>{escape(content)}</content>{extra}</entry>"
    )


def backup(title, day, body, labels, rows, written) -> str:
    post_when = datetime.combine(day, datetime.min.time()).replace(hour=9)
    label_xml = "".join(
        f"<category scheme='http://www.blogger.com/atom/ns#' term={quoteattr(label)}/>" for label in labels
    )
    entries = [entry("settings.X", "settings", post_when, "A setting", ("on",))]
    entries.append(entry("post-1000", "post", post_when, title, body, label_xml + "<author><name>me</name></author>"))
    for number, parent, author, text in reversed(rows):
        related = (
            f"<link rel='related' href='http://www.blogger.com/feeds/5/1000/comments/default/{parent}'/>"
            if parent
            else ""
        )
        extra = (
            f"{related}<author><name>{escape(author)}</name></author>"
            "<thr:in-reply-to ref='tag:blogger.com,1999:blog-5.post-1000'/>"
        )
        entries.append(entry(f"post-{number}", "comment", written[number], "c", text, extra))
    return (
        "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0'><title type='text'>Random Blogger</title>"
        + "".join(entries)
        + "</feed>"
    )


@settings(max_examples=40, deadline=None)
@given(
    title=LINE,
    day=st.dates(date(2005, 1, 1), date(2015, 12, 31)),
    body=PARAGRAPHS,
    labels=st.lists(LINE, max_size=3, unique=True),
    rows=comment_rows(),
)
def test_random_backup_round_trips(title, day, body, labels, rows):
    written = comment_dates(rows, START, timedelta(hours=1))
    data = backup(title, day, body, labels, rows, written).encode("utf-8")
    page = blogger.read(Source(path=Path("random.xml"), data=data, blog="folder"))
    (post,) = page.posts
    assert (post.title, post.date, post.body, post.categories) == (title, day, body, tuple(labels))
    assert post.comments == expected_tree(rows, written)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=400), keep=st.integers(0, 4000))
def test_junk_never_raises(tmp_path, junk, keep):
    data = (FIXTURES / "allotment-notes.xml").read_bytes()[:keep] + junk
    assert_junk_never_raises(blogger, tmp_path / "junk.xml", data)
