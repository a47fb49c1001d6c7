"""Which blog a post belongs to (ingest.blog_names), and that every blog name the archive shows is found by `blog:`."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from civicreader.dedupe import merge_pages
from civicreader.index import Library
from civicreader.ingest import read_paths
from civicreader.ingest.blog_names import folder_blog
from tests.conftest import ENGINES
from tests.index_corpus import comment, write_post

SAMPLE = Path(__file__).resolve().parents[1] / "sample_corpus"


@pytest.mark.parametrize(
    ("where", "blog"),
    [
        ("wheels/page.txt", "wheels"),
        ("html/wheels/page.html", "wheels"),
        ("wheels/html/page.html", "wheels"),
        ("HTML/trunk/_posts/Parish Pump/page.md", "Parish Pump"),
        ("export/wxr/page.xml", "archive"),  # only layout folders: the corpus folder's name
        ("page.txt", "archive"),
        ("★/--/page.txt", "archive"),  # no letter or digit: nothing `blog:` could find
    ],
)
def test_a_folder_named_after_a_format_or_a_layout_is_passed_over_for_the_next_that_means_something(where, blog):
    root = Path("/tmp/archive")
    assert folder_blog(root / where, root) == blog


def test_a_corpus_folder_named_after_a_format_takes_the_name_of_the_folder_above(tmp_path):
    corpus = tmp_path / "Parish Pump" / "trunk" / "txt"
    corpus.mkdir(parents=True)
    assert folder_blog(corpus / "page.txt", corpus) == "Parish Pump"


def _wxr(title: str, post: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n'
        f"<channel><title>{escape(title)}</title><wp:wxr_version>1.2</wp:wxr_version>"
        f"<item><title>{escape(post)}</title><dc:creator>Ann Example</dc:creator>"
        "<content:encoded><![CDATA[<p>The hall roof is mended at last.</p>]]></content:encoded>"
        "<wp:post_date>2012-04-02 10:00:00</wp:post_date><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type></item></channel></rss>\n"
    )


def _feed(title: str, post: str) -> str:
    return (
        f'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>http://example.org/</link><item><title>{escape(post)}</title><link>http://example.org/1</link>"
        "<pubDate>Tue, 06 Mar 2012 10:00:00 +0000</pubDate>"
        "<description>&lt;p&gt;The rota is full until June.&lt;/p&gt;</description></item></channel></rss>\n"
    )


def mixed_corpus(root: Path) -> Path:
    """The sample corpus beside folders sorted by format and names with punctuation, quotes, colons and accents."""
    corpus = root / "mixed"
    shutil.copytree(SAMPLE, corpus)
    write_post(corpus / "html" / "trunk", "Café Ümlaut: Notes", "one", "Market day", date(2012, 3, 1),
               ["The stalls were back on the square."])
    write_post(corpus / "txt", "Jane's \"Parish\" Pump (2012)", "two", "Pump repairs", date(2012, 3, 2),
               ["The pump handle was replaced."],
               comments=[comment("Fred Bloggs", datetime(2012, 3, 3, 9, 0), "About time.")])
    write_post(corpus / "★", "--", "four", "Filed under symbols", date(2012, 3, 4), ["Filed under stars."])
    write_post(corpus, "posts", "three", "A post filed by format only", date(2012, 3, 3), ["Filed under posts."])
    (corpus / "wxr" / "exports").mkdir(parents=True)
    (corpus / "wxr" / "exports" / "site.xml").write_text(
        _wxr('Notes: the "Sequel" – C++ & Co.', "Roof appeal"), encoding="utf-8")
    (corpus / "wxr" / "dots.xml").write_text(_wxr("...", "Untitled by design"), encoding="utf-8")
    (corpus / "feeds").mkdir()
    (corpus / "feeds" / "rota.rss").write_text(_feed("Ηλιόσπιτο · Rota [weekly] *", "Rota news"), encoding="utf-8")
    return corpus


def blog_query(name: str) -> str:
    """`blog:` with the name as a user types it: in quotes, a quote inside it left out."""
    return 'blog:"' + name.replace('"', " ") + '"'


@pytest.mark.parametrize("engine", ENGINES)
def test_every_blog_name_the_archive_shows_is_found_by_blog(tmp_path, engine):
    corpus = mixed_corpus(tmp_path)
    library = Library(corpus, tmp_path / "index", engine=engine)
    library.update()
    shown = library.search("").facets["blog"]
    expected_names = {"Café Ümlaut: Notes", "Jane's \"Parish\" Pump (2012)", "mixed",
                      'Notes: the "Sequel" – C++ & Co.', "Ηλιόσπιτο · Rota [weekly] *"}
    assert expected_names <= set(shown)
    assert not {"html", "trunk", "txt", "posts", "wxr", "exports", "feeds", "...", "★", "--"} & set(shown)
    for name, count in shown.items():
        found = library.search(blog_query(name), limit=0)
        assert found.facets["blog"].get(name) == count, name
    library.close()


def test_a_blog_name_of_only_punctuation_falls_back_to_the_folder_past_format_folders(tmp_path):
    corpus = mixed_corpus(tmp_path)
    pages, _ = read_paths([corpus / "wxr" / "dots.xml"])
    [post] = merge_pages(pages)
    assert post.blog == "mixed"


def _saved_page(folder: Path, name: str, title_line: str, title: str, day: int) -> Path:
    """A scraped page of one post that opens with the page's title line, as a browser's copy does."""
    from tests import textpage_shapes as shapes

    folder.mkdir(parents=True, exist_ok=True)
    body = [f"The notes of the {day}th, long enough to read as the text of a post and not as a heading of it."]
    page = f"{title_line}\n\n" + shapes.posted_on_theme(title, date(2012, 3, day), body, [], "Ann Example",
                                                        ["General"], ["notes"])
    path = folder / f"{name}.txt"
    path.write_text(page, encoding="utf-8")
    return path


def _blogs_and_titles(folder: Path) -> set[tuple[str, str]]:
    pages, problems = read_paths([folder])
    assert problems == []
    return {(post.blog, post.title) for post in merge_pages(pages)}


@pytest.mark.parametrize("shape", ["{title} | {site}", "{site}: {title}", "{title} – {site}"])
def test_the_site_name_that_several_pages_title_lines_agree_on_names_the_blog(tmp_path, shape):
    folder = tmp_path / "archive" / "txt"
    titles = ["Mending the hall roof", "Quiz night results", "The new rota"]
    for day, title in enumerate(titles, 1):
        _saved_page(folder, f"p{day}", shape.format(title=title, site="Parish Pump Notes"), title, day)
    assert _blogs_and_titles(tmp_path / "archive") == {("Parish Pump Notes", title) for title in titles}


def test_one_posts_title_line_never_names_the_blog(tmp_path):
    folder = tmp_path / "archive" / "parish"
    _saved_page(folder, "plan-b", "Plan B – The missing conversation", "Plan B – The missing conversation", 1)
    _saved_page(folder, "plan-b_fullpage", "Plan B – The missing conversation", "Plan B – The missing conversation", 1)
    _saved_page(folder, "budget-1", "Budget: part one", "Budget: part one", 2)
    _saved_page(folder, "budget-2", "Budget: part two", "Budget: part two", 3)
    for day in range(4, 8):  # most pages' title lines name no site: two serial titles are not a site's name
        _saved_page(folder, f"other-{day}", f"Other post {day}", f"Other post {day}", day)
    assert {blog for blog, _ in _blogs_and_titles(tmp_path / "archive")} == {"parish"}


def test_a_site_name_follows_the_pages_as_they_come_and_go(tmp_path):
    corpus = tmp_path / "archive"
    folder = corpus / "html"
    first = _saved_page(folder, "p1", "Mending the hall roof | Parish Pump Notes", "Mending the hall roof", 1)
    library = Library(corpus, tmp_path / "index")
    library.update()
    assert set(library.search("").facets["blog"]) == {"archive"}, "one page: no agreement yet"
    _saved_page(folder, "p2", "Quiz night results | Parish Pump Notes", "Quiz night results", 2)
    library.update()
    assert library.search("").facets["blog"] == {"Parish Pump Notes": 2}
    assert library.search('blog:"Parish Pump Notes" roof').total == 1
    first.unlink()
    library.update()
    assert library.search("").facets["blog"] == {"archive": 1}
    library.close()


def test_a_change_to_one_page_of_many_that_takes_a_blogs_site_name_away_renames_every_post(tmp_path):
    # Few pages touched: the update merges only those linked to them, unless the agreed names moved.
    corpus = tmp_path / "archive"
    folder = corpus / "html"
    titles = ["Mending the hall roof", "Quiz night results", "The new bus timetable", "Hedges on Mill Lane",
              "A bench for the green", "Litter pick on Sunday", "Notes from the AGM", "The village hall accounts"]
    for day, title in enumerate(titles, 1):
        line = f"{title} | Parish Pump Notes" if day <= 4 else title
        _saved_page(folder, f"p{day}", line, title, day)
    library = Library(corpus, tmp_path / "index")
    library.update()
    assert library.search("").facets["blog"] == {"Parish Pump Notes": 8}, "four of eight agree: half is enough"
    _saved_page(folder, "p1", titles[0], titles[0], 1)
    report = library.update()
    assert report.posts_written == 8
    assert library.search("").facets["blog"] == {"archive": 8}
    _saved_page(folder, "p1", f"{titles[0]} | Parish Pump Notes", titles[0], 1)
    library.update()
    assert library.search("").facets["blog"] == {"Parish Pump Notes": 8}
    library.close()


def _saved_html(folder: Path, name: str, site: str, title: str, day: int) -> Path:
    """A saved HTML page of one post whose page names its site (og:site_name)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.html"
    path.write_text(
        f"<!DOCTYPE html><html><head><meta property='og:site_name' content='{escape(site)}'></head><body>"
        f"<article class='post hentry'><h1 class='entry-title'>{escape(title)}</h1>"
        f"<time class='entry-date' datetime='2012-03-{day:02d}T10:00:00+00:00'>{day} March 2012</time>"
        f"<div class='entry-content'><p>The notes of the {day}th, long enough to read as the text of a post "
        "and not as a heading of it.</p></div></article></body></html>",
        encoding="utf-8",
    )
    return path


def _text_copy(folder: Path, name: str, masthead: str, title: str, day: int) -> Path:
    """A browser's text copy of a page: menu lines, the site's name on a line of its own, then the post."""
    return _saved_page(folder, name, f"  • Home\n  • About\n\n{masthead}\n\nNews from the parish", title, day)


def test_a_folders_text_pages_take_the_name_its_saved_pages_give_when_their_masthead_shows_it(tmp_path):
    folder = tmp_path / "archive" / "parish-pages"
    _saved_html(folder, "roof", "Parish Pump Notes", "Mending the hall roof", 1)
    _text_copy(folder, "roof", "Parish Pump Notes", "Mending the hall roof", 1)
    _text_copy(folder, "quiz", "Parish Pump Notes", "Quiz night results", 2)
    pages, problems = read_paths([tmp_path / "archive"])
    assert problems == []
    posts = merge_pages(pages)
    assert {(post.blog, post.title) for post in posts} == {
        ("Parish Pump Notes", "Mending the hall roof"), ("Parish Pump Notes", "Quiz night results")}
    [roof] = [post for post in posts if post.title == "Mending the hall roof"]
    assert {Path(source).name for source in roof.sources} == {"roof.html", "roof.txt"}


def test_a_name_the_text_pages_do_not_show_is_not_theirs(tmp_path):
    folder = tmp_path / "archive" / "parish-pages"
    _saved_html(folder, "fete", "Village Green Weekly", "Fete day", 3)
    _text_copy(folder, "roof", "Parish Pump Notes", "Mending the hall roof", 1)
    _text_copy(folder, "quiz", "Parish Pump Notes", "Quiz night results", 2)
    assert _blogs_and_titles(tmp_path / "archive") == {
        ("Village Green Weekly", "Fete day"), ("parish-pages", "Mending the hall roof"),
        ("parish-pages", "Quiz night results")}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_text_copy_changed_alone_stays_one_post_with_its_saved_page(tmp_path, engine):
    corpus = tmp_path / "archive"
    folder = corpus / "parish-pages"
    _saved_html(folder, "roof", "Parish Pump Notes", "Mending the hall roof", 1)
    copy = _text_copy(folder, "roof", "Parish Pump Notes", "Mending the hall roof", 1)
    for day in range(2, 7):
        _text_copy(folder, f"other-{day}", "Parish Pump Notes", f"Other post {day}", day)
    library = Library(corpus, tmp_path / "index", engine=engine)
    library.update()
    assert library.search("").facets["blog"] == {"Parish Pump Notes": 6}
    copy.write_text(copy.read_text(encoding="utf-8") + "\nA line added later, long enough to be a paragraph "
                    "of the post and not chrome.\n", encoding="utf-8")
    report = library.update()
    assert report.changed == 1
    [hit] = library.search('title:"hall roof"').hits
    assert hit.blog == "Parish Pump Notes"
    assert {Path(source).name for source in library.get(hit.id).sources} == {"roof.html", "roof.txt"}
    assert library.search("").total == 6
    library.close()


def test_a_text_copy_added_later_joins_its_saved_page(tmp_path):
    corpus = tmp_path / "archive"
    folder = corpus / "parish-pages"
    _saved_html(folder, "roof", "Parish Pump Notes", "Mending the hall roof", 1)
    for day in range(2, 7):
        _text_copy(folder, f"other-{day}", "Parish Pump Notes", f"Other post {day}", day)
    library = Library(corpus, tmp_path / "index")
    library.update()
    _text_copy(folder, "roof", "Parish Pump Notes", "Mending the hall roof", 1)
    assert library.update().added == 1
    [hit] = library.search('title:"hall roof"').hits
    assert {Path(source).name for source in library.get(hit.id).sources} == {"roof.html", "roof.txt"}
    assert library.search("").facets["blog"] == {"Parish Pump Notes": 6}
    library.close()
