"""The WordPress export reader: our own fixture, the real exports in ../shared, random exports."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.dedupe import merge_pages
from civicreader.ingest import Page, Problem, Source, read_file, read_paths, wxr
from civicreader.ingest.shared import MAX_THREAD_DEPTH
from civicreader.model import post_id
from tests.conftest import CORPORA, SAMPLE_CORPUS, needs_shared
from tests.ingest_strategies import (
    assert_junk_never_raises,
    assert_refused_for_entities,
    cdata,
    comment_dates,
    comment_rows,
    expected_tree,
    lines,
    paragraphs,
    read_page,
    thread_depth,
    words,
)

FIXTURES = Path(__file__).parent / "fixtures" / "wxr"
WXR = CORPORA / "wxr"


def comment_count(page: Page) -> int:
    return sum(post.comment_count for post in page.posts)


# --- our own fixture -------------------------------------------------------------------------


def test_fixture_keeps_published_posts_and_counts_the_rest():
    page = read_page(FIXTURES / "harbour-lane.wxr.xml")
    assert [post.title for post in page.posts] == [
        "Bins, benches & the “quiet hour”",
        'Slashes stay: it\\\'s \\"ours\\"',
    ]
    assert "skipped 1 draft post" in page.notes
    assert "skipped 1 page" in page.notes
    assert "skipped 1 attachment" in page.notes
    assert "left out 1 pingback" in page.notes
    assert "left out 1 spam comment" in page.notes
    assert "left out 1 unapproved comment" in page.notes


def test_fixture_post_fields():
    post = read_page(FIXTURES / "harbour-lane.wxr.xml").posts[0]
    assert post.blog == "Harbour Lane Residents' Forum"
    assert post.date == date(2012, 3, 6)
    assert post.date_note == "from the export"
    assert post.authors == ("Mira Bell",)  # display name, not the login
    assert post.categories == ("Streets",)
    assert post.tags == ("bins", "benches")
    assert post.id == post_id("Harbour Lane Residents' Forum", post.title, 3, 6)
    assert post.sources == (str(FIXTURES / "harbour-lane.wxr.xml"),)


def test_fixture_body_is_paragraphs_without_shortcodes_blocks_or_scripts():
    body = read_page(FIXTURES / "harbour-lane.wxr.xml").posts[0].body
    assert body == (
        "The council agreed to move the bins away from the bus stop.\nThey will sit behind the library instead.",
        "The new bench by the pond",
        "• Bins move on 12 March",
        "• Benches arrive in April",
        "  • two by the pond",
        "Meeting: 7pm\nRoom 2",
    )


def test_fixture_comments_are_threaded_by_parent_whatever_their_order_in_the_file():
    post = read_page(FIXTURES / "harbour-lane.wxr.xml").posts[0]
    assert [(level, comment.author) for level, comment in post.walk_comments()] == [
        (0, "Tom Reyes"),
        (1, "Mira Bell"),
        (2, "Ada Quint"),
    ]
    reply = post.comments[0].replies[0].replies[0]
    assert reply.date == datetime(2012, 3, 6, 12, 30)
    assert reply.body == ("Do we know which day the lorry comes?", "Asking for the flats on Dock Row.")


def test_fixture_excerpt_stands_in_for_missing_content_and_slashes_are_kept():
    post = read_page(FIXTURES / "harbour-lane.wxr.xml").posts[1]
    assert post.excerpt
    assert post.body == ("Only a teaser survived.",)
    assert post.authors == ("someone-else",)
    assert "\\'" in post.title


def test_wxr_1_0_tags_written_with_domain_tag_are_tags(tmp_path):
    export = tmp_path / "old.xml"
    export.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.0/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Old Parish News</title>'
        "<item><title>Fete moved indoors</title><content:encoded>Rain again.</content:encoded>"
        '<category><![CDATA[Events]]></category><category domain="category" nicename="events">'
        '<![CDATA[Events]]></category><category domain="tag"><![CDATA[weather]]></category>'
        '<category domain="tag" nicename="weather"><![CDATA[weather]]></category>'
        '<category domain="tag"><![CDATA[fete]]></category>'
        "<wp:post_date>2008-07-12 09:30:00</wp:post_date><wp:post_type>post</wp:post_type>"
        "<wp:status>publish</wp:status></item></channel></rss>",
        encoding="utf-8",
    )
    (post,) = read_page(export).posts
    assert post.categories == ("Events",)
    assert post.tags == ("weather", "fete")


def test_blank_line_or_byte_order_mark_before_the_declaration_is_read(tmp_path):
    data = (FIXTURES / "harbour-lane.wxr.xml").read_bytes()
    assert data.startswith(b"\n<?xml")
    assert len(read_page(FIXTURES / "harbour-lane.wxr.xml").posts) == 2
    with_bom = tmp_path / "bom.xml"
    with_bom.write_bytes(b"\xef\xbb\xbf" + data.lstrip())
    assert len(read_page(with_bom).posts) == 2


def test_nested_cdata_and_undeclared_prefix_are_recovered(tmp_path):
    export = tmp_path / "broken.xml"
    export.write_text(
        '<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Broken</title>\n'
        '<atom:link rel="self" href="http://x.example/feed"/>\n'
        "<item><title>Inner</title><content:encoded><![CDATA[Keep <![CDATA[ this ]]> and this]]>"
        "</content:encoded><wp:post_date>2011-05-04 10:00:00</wp:post_date>"
        "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item></channel></rss>",
        encoding="utf-8",
    )
    (post,) = read_page(export).posts
    assert post.title == "Inner"
    assert post.body == ("Keep and this",)


@pytest.mark.parametrize(
    "declarations, use",
    [
        ('<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
         '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">', "&d;"),
        ('<!ENTITY secret SYSTEM "file://{secret}">', "&secret;"),
    ],
    ids=["entity-bomb", "external-entity"],
)  # fmt: skip
def test_entity_declarations_are_refused_never_expanded(tmp_path, declarations, use):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    export = tmp_path / "bomb.xml"
    export.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [{declarations.format(secret=secret)}]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title>'
        f"<item><title>x {use}</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    problem = assert_refused_for_entities(export)
    assert "TOPSECRET" not in str(problem)


def test_export_in_another_encoding_than_declared_is_re_decoded(tmp_path):
    text = (FIXTURES / "harbour-lane.wxr.xml").read_text(encoding="utf-8")
    export = tmp_path / "cp1252.xml"
    export.write_bytes(text.replace("Bins, benches", "Café bins, benches").encode("cp1252"))
    page = read_page(export)
    assert page.posts[0].title == "Café bins, benches & the “quiet hour”"
    assert page.posts[0].comment_count == 3
    assert "not in its declared encoding; re-decoded" in page.notes


def test_control_characters_pasted_into_an_export_are_removed(tmp_path):
    text = (FIXTURES / "harbour-lane.wxr.xml").read_text(encoding="utf-8")
    export = tmp_path / "controls.xml"
    export.write_text(
        text.replace("bus stop.", "bus\x0b stop&#8;.").replace("Tom Reyes", "Tom\x1f Reyes"), encoding="utf-8"
    )
    page = read_page(export)
    assert page.posts[0].body[0].startswith("The council agreed to move the bins away from the bus stop.")
    assert page.posts[0].comments[0].author == "Tom Reyes"
    assert "control characters removed" in page.notes


def test_a_post_quoting_a_doctype_is_not_taken_for_a_bomb(tmp_path):
    export = tmp_path / "quoting.xml"
    export.write_text(
        '<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title>'
        "<item><title><![CDATA[Quoting <!DOCTYPE a [<!ENTITY b 'c'>]>]]></title>"
        "<wp:post_date>2011-05-04 10:00:00</wp:post_date>"
        "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item></channel></rss>",
        encoding="utf-8",
    )
    (post,) = read_page(export).posts
    assert post.title == "Quoting <!DOCTYPE a [<!ENTITY b 'c'>]>"


def test_truncated_export_keeps_the_whole_items_or_is_reported(tmp_path):
    data = (FIXTURES / "harbour-lane.wxr.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b"<title>Slashes")])
    result = read_file(cut, tmp_path)
    assert isinstance(result, Page)
    assert [post.title for post in result.posts] == ["Bins, benches & the “quiet hour”"]
    assert result.posts[0].comment_count == 3


def test_absurdly_deep_thread_is_capped_not_lost(tmp_path):
    chain = "".join(
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>P{n}</wp:comment_author>"
        f"<wp:comment_date>2012-01-01 00:{n // 60:02d}:{n % 60:02d}</wp:comment_date>"
        f"<wp:comment_content>reply {n}</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{n - 1}</wp:comment_parent></wp:comment>"
        for n in range(1, 1501)
    )
    export = tmp_path / "deep.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title><item><title>Deep</title>'
        f"<wp:post_date>2012-01-01 00:00:00</wp:post_date><wp:post_type>post</wp:post_type>"
        f"<wp:status>publish</wp:status>{chain}</item></channel></rss>",
        encoding="utf-8",
    )
    page = read_page(export)
    (post,) = page.posts
    walked = list(post.walk_comments())
    assert [comment.body for _, comment in walked] == [(f"reply {n}",) for n in range(1, 1501)]
    assert max(level for level, _ in walked) + 1 == MAX_THREAD_DEPTH
    assert f"1450 replies nested deeper than {MAX_THREAD_DEPTH} levels moved up to that level" in page.notes


def test_no_channel_is_a_problem_naming_the_file(tmp_path):
    export = tmp_path / "odd.xml"
    export.write_text('<rss xmlns:wp="http://wordpress.org/export/1.1/"><nochannel/></rss>', encoding="utf-8")
    problem = read_file(export, tmp_path)
    assert isinstance(problem, Problem)
    assert problem.path == str(export)
    assert "channel" in problem.reason


# --- the real exports in ../shared/corpora/wxr --------------------------------------------------

REAL_EXPORTS = {
    # file: (published posts, approved comments kept, thread depth)
    "WPTT-theme-test-data/themeunittestdata.wordpress.xml": (56, 23, 10),
    "wordpress-importer/phpunit/data/small-export.xml": (5, 1, 1),
    "wordpress-importer/phpunit/data/valid-wxr-1.0.xml": (3, 1, 1),
    "wordpress-importer/phpunit/data/valid-wxr-1.1.xml": (1, 1, 1),
    "wordpress-importer/phpunit/data/wxr-utf-8-challenges.xml": (1, 0, 0),
    "wordpress-importer/phpunit/data/crazy-cdata.xml": (1, 0, 0),
    "wordpress-importer/phpunit/data/crazy-cdata-escaped.xml": (1, 0, 0),
    "wordpress-importer/phpunit/data/slashes.xml": (1, 1, 1),
    "wordpress-importer/phpunit/data/test-serialized-comment-meta.xml": (0, 0, 0),
    "wordpress-importer/e2e/fixtures/wxr-comprehensive.xml": (1, 1, 1),
    "jekyll-import/test/mocks/sitetitle.wordpress.2025-01-19.000.xml": (7, 0, 0),
    "pelican/pelican/tests/content/wordpressexport.xml": (7, 3, 2),
    "nikola/tests/data/wordpress_import/wordpress_export_example.xml": (4, 0, 0),
    "nikola/tests/data/wordpress_import/wordpress_unicode_export.xml": (1, 0, 0),
}


@needs_shared(CORPORA)
def test_every_real_export_is_listed_here():
    found = {str(path.relative_to(WXR)) for path in WXR.rglob("*.xml")}
    assert found == set(REAL_EXPORTS) | {"wordpress-importer/phpunit/data/malformed.xml"}


@needs_shared(CORPORA)
@pytest.mark.parametrize("name", sorted(REAL_EXPORTS))
def test_real_export_counts(name):
    posts, comments, levels = REAL_EXPORTS[name]
    page = read_page(WXR / name, CORPORA)
    assert (len(page.posts), comment_count(page), thread_depth(page)) == (posts, comments, levels)
    assert all(post.date is not None and post.date_note for post in page.posts)


@needs_shared(CORPORA)
def test_theme_unit_test_skips_non_posts_and_leaves_out_pings():
    page = read_page(WXR / "WPTT-theme-test-data/themeunittestdata.wordpress.xml", CORPORA)
    for note in ("skipped 21 pages", "skipped 37 attachments", "skipped 70 nav menu items",
                 "skipped 1 draft post", "skipped 1 future post", "left out 2 pingbacks",
                 "left out 2 trackbacks", "left out 1 unapproved comment"):  # fmt: skip
        assert note in page.notes
    titles = {post.title for post in page.posts}
    assert "Markup: Title With Markup" in titles
    assert "Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>" in titles
    assert all(post.date.year < 2030 for post in page.posts)  # the scheduled 2030 post is not published
    assert all(post.blog == "Theme Unit Test Data" for post in page.posts)


@needs_shared(CORPORA)
def test_slashes_are_kept_as_written():
    (post,) = read_page(WXR / "wordpress-importer/phpunit/data/slashes.xml", CORPORA).posts
    assert post.body == ('Slashes aren\\\'t \\"cool\\"',)
    assert post.comments[0].body == ("\\o/ ¯\\_(ツ)_/¯",)


@needs_shared(CORPORA)
def test_nested_cdata_reads_like_its_well_formed_twin():
    data = WXR / "wordpress-importer/phpunit/data"
    broken = read_page(data / "crazy-cdata.xml", CORPORA).posts[0]
    fixed = read_page(data / "crazy-cdata-escaped.xml", CORPORA).posts[0]
    assert broken.body == fixed.body
    assert broken.body[0].startswith("Content with nested")


@needs_shared(CORPORA)
def test_undeclared_atom_prefix_and_unicode_names():
    (post,) = read_page(WXR / "nikola/tests/data/wordpress_import/wordpress_unicode_export.xml", CORPORA).posts
    assert post.blog == "Nikola Unicode Test Íµpó®t"
    assert post.title == "Úñî©òðé title"
    assert post.tags == ("þág1", "þág²")


@needs_shared(CORPORA)
def test_utf8_challenges_keep_scripts_and_drop_direction_overrides():
    (post,) = read_page(WXR / "wordpress-importer/phpunit/data/wxr-utf-8-challenges.xml", CORPORA).posts
    text = " ".join((post.title, *post.body, *post.authors, *post.categories))
    assert "🌲" in post.title
    assert "مرحبا" in post.blog
    assert "\u202e" not in text and "\u202d" not in text


@needs_shared(CORPORA)
def test_drafts_with_zero_dates_are_skipped_and_replies_threaded():
    page = read_page(WXR / "pelican/pelican/tests/content/wordpressexport.xml", CORPORA)
    assert "skipped 4 draft posts" in page.notes
    assert "skipped 2 custom1s" in page.notes
    assert "left out 1 pingback" in page.notes
    assert not any("[caption" in paragraph for post in page.posts for paragraph in post.body)


@needs_shared(CORPORA)
def test_gutenberg_block_comments_are_not_text():
    page = read_page(WXR / "jekyll-import/test/mocks/sitetitle.wordpress.2025-01-19.000.xml", CORPORA)
    assert "skipped 1 wp global styles" in page.notes
    assert not any("wp:" in paragraph for post in page.posts for paragraph in post.body)


@needs_shared(CORPORA)
def test_malformed_export_is_reported_in_one_line():
    problem = read_file(WXR / "wordpress-importer/phpunit/data/malformed.xml", CORPORA)
    assert isinstance(problem, Problem)
    assert "\n" not in str(problem)


# --- the sample corpus ------------------------------------------------------------------------


def test_sample_export_merges_with_the_scraped_pages_of_its_blog():
    pages, problems = read_paths([SAMPLE_CORPUS])  # the whole corpus, as a user opens it
    assert problems == []
    pages = [page for page in pages if Path(page.path).parts[-2] == "commissioning-desk"]
    export = next(page for page in pages if page.path.endswith("export.wxr.xml"))
    assert {post.blog for post in export.posts} == {"commissioning-desk"}  # "The Commissioning Desk"
    by_title = {post.title: post for post in merge_pages(pages)}
    budget = by_title["Budget night at the town hall"]
    assert {Path(source).name for source in budget.sources} >= {"budget-night-at-the-town-hall.txt", "export.wxr.xml"}
    assert budget.date == date(2011, 2, 17)  # the export gives the year the page leaves out
    assert not budget.date_inferred
    assert [(level, c.author) for level, c in budget.walk_comments()] == [(0, "Imran Qureshi"), (1, "Helen Marsden")]
    assert by_title["Framework agreements, explained over a cup of tea"].comment_count == 4


# --- random exports ---------------------------------------------------------------------------

LINE = lines(words(exclude="[]"))
PARAGRAPHS = paragraphs(LINE)
START = datetime(2010, 1, 1)


def wxr_document(title, day, body, rows, written, as_paragraph_tags) -> str:
    content = (
        "".join(f"<p>{html.escape(p)}</p>\n" for p in body)
        if as_paragraph_tags
        else "\n\n".join(html.escape(p) for p in body)
    )
    comments = "".join(
        f"<wp:comment><wp:comment_id>{number}</wp:comment_id>"
        f"<wp:comment_author>{cdata(author)}</wp:comment_author>"
        f"<wp:comment_date>{written[number]:%Y-%m-%d %H:%M:%S}</wp:comment_date>"
        f"<wp:comment_content>{cdata(chr(10).join(html.escape(p) for p in text))}</wp:comment_content>"
        f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
        for number, parent, author, text in reversed(rows)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.1/">'
        "<channel><title>Random Blog</title>"
        f"<item><title>{escape(html.escape(title))}</title><dc:creator>someone</dc:creator>"
        f"<content:encoded>{cdata(content)}</content:encoded>"
        f"<wp:post_date>{day:%Y-%m-%d} 08:00:00</wp:post_date>"
        f"<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>{comments}</item>"
        "</channel></rss>"
    )


@settings(max_examples=40, deadline=None)
@given(
    title=LINE,
    day=st.dates(date(2005, 1, 1), date(2015, 12, 31)),
    body=PARAGRAPHS,
    rows=comment_rows(authors=LINE, bodies=PARAGRAPHS),
    as_paragraph_tags=st.booleans(),
)
def test_random_export_round_trips(title, day, body, rows, as_paragraph_tags):
    # A comment body's paragraphs are written one per line here, so each line is one line break.
    written = comment_dates(rows, START, timedelta(hours=1))
    rows = [(number, parent, author, ("\n".join(text),)) for number, parent, author, text in rows]
    data = wxr_document(title, day, body, rows, written, as_paragraph_tags).encode("utf-8")
    page = wxr.read(Source(path=Path("random.xml"), data=data, blog="folder"))
    (post,) = page.posts
    assert (post.title, post.date, post.body, post.blog) == (title, day, body, "Random Blog")
    assert post.comments == expected_tree(rows, written)


TERM_DOMAINS = {"category": ["", "category"], "tag": ["post_tag", "tag"]}


@settings(max_examples=60, deadline=None)
@given(
    terms=st.lists(
        st.tuples(st.sampled_from(["category", "tag"]), st.integers(0, 1), lines(words(exclude="&")), st.booleans()),
        max_size=10,
    ),
)
def test_random_categories_and_tags_are_each_kept_once_in_order(terms):
    """Whichever WXR version wrote them (`post_tag` or 1.0's `tag`; a category with or without its domain),
    and however often (WXR 1.0 wrote each term twice, with and without its slug)."""
    elements = []
    for kind, spelling, name, twice in terms:
        domain = TERM_DOMAINS[kind][spelling]
        attribute = f' domain="{domain}"' if domain else ""
        elements.append(f"<category{attribute}>{cdata(name)}</category>" * (2 if twice else 1))
    data = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.0/">'
        "<channel><title>Terms</title><item><title>Terms</title><description>Words.</description>"
        f"{''.join(elements)}<wp:post_date>2009-05-06 08:00:00</wp:post_date>"
        "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item></channel></rss>"
    ).encode()
    (post,) = wxr.read(Source(path=Path("terms.xml"), data=data, blog="folder")).posts
    assert post.categories == tuple(dict.fromkeys(name for kind, _, name, _ in terms if kind == "category"))
    assert post.tags == tuple(dict.fromkeys(name for kind, _, name, _ in terms if kind == "tag"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=400), keep=st.integers(0, 3000))
def test_junk_never_raises(tmp_path, junk, keep):
    data = (FIXTURES / "harbour-lane.wxr.xml").read_bytes()[:keep] + junk
    assert_junk_never_raises(wxr, tmp_path / "junk.xml", data)


def test_post_text_over_lxmls_ten_megabyte_guard_is_read_whole(tmp_path):
    """A CDATA section past libxml2's 10 MB guard is read whole on the retry, never cut short."""
    from civicreader.ingest import Problem, read_file

    words = "minutes " * (11 * 1024 * 1024 // 8)
    export = tmp_path / "big.wxr.xml"
    export.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">'
        "<channel><title>Big</title><wp:wxr_version>1.2</wp:wxr_version><item><title>Long minutes</title>"
        "<wp:post_date>2011-05-04 10:00:00</wp:post_date><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type>"
        f"<content:encoded><![CDATA[<p>{words}end of the minutes</p>]]></content:encoded></item></channel></rss>",
        encoding="utf-8",
    )
    page = read_file(export, tmp_path)
    assert not isinstance(page, Problem), str(page)
    [post] = page.posts
    assert post.body[-1].endswith("end of the minutes")
    assert sum(len(paragraph) for paragraph in post.body) >= len(words.strip())
