"""The Markdown reader: front matter of every kind, bodies to paragraphs, comments kept beside posts."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from civicreader.cli import main
from civicreader.dedupe import merge_pages
from civicreader.ingest import IngestError, Problem, Source, read_file, read_paths
from civicreader.ingest import markdown as markdown_reader
from civicreader.ingest.markdown.export_format import unescape
from civicreader.ingest.markdown.front_matter import MAX_LIST_ITEMS
from civicreader.model import post_id
from tests.conftest import CORPORA

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
MARKDOWN_CORPUS = CORPORA / "markdown"


def only_post(path: Path, root: Path = FIXTURES):
    page = read_file(path, root)
    assert not isinstance(page, Problem), page
    assert len(page.posts) == 1
    return page.posts[0]


def thread(post) -> list[tuple[int, str, str]]:
    return [(depth, comment.author, " ".join(comment.body)) for depth, comment in post.walk_comments()]


# ------------------------------------------------------------------------------------------------
# Our own small sites


def test_jekyll_post_metadata_body_and_liquid():
    post = only_post(FIXTURES / "jekyll-site/_posts/notes/2012-03-14-reading-room-hours.md")
    assert post.title == "Reading room hours & the winter timetable"
    assert post.date == date(2012, 3, 14)
    assert post.authors == ("Mira Holt",)
    assert post.categories == ("libraries", "opening hours")
    assert post.tags == ("timetables", "volunteers")
    assert post.blog == "jekyll-site"
    assert post.body[0] == "From next month the reading room opens at ten rather than nine."
    assert "Volunteers keep the evening session going[1]." in post.body
    assert "• Saturdays run until four" in post.body  # list items as every reader writes them
    assert post.body[-1] == "1. Thanks to everyone on the rota."  # the footnote, without its back-link
    assert not any("{%" in paragraph or "{{" in paragraph for paragraph in post.body)
    assert post.id == post_id("jekyll-site", post.title, 3, 14, post.body)


def test_staticman_comments_thread_by_position_of_top_level_comment():
    post = only_post(FIXTURES / "jekyll-site/_posts/notes/2012-03-14-reading-room-hours.md")
    assert thread(post) == [
        (0, "Priya N", "Will the archive desk keep the same hours? Asking for a study group."),
        (1, "Mira Holt", "Yes, the archive desk follows the reading room."),
        (1, "Priya N", "Thank you, that settles it."),
        (0, "Tom Ash", "Ten is much better for parents on the school run."),
        (1, "Lena", "Agreed, and the bus times fit too."),
    ]
    assert post.comments[0].date == datetime(2012, 3, 15, 8, 26, 40)


def test_comment_files_are_not_posts():
    for path in (
        FIXTURES / "jekyll-site/_data/comments/reading-room-hours/comment-1332000000000.yml",
        FIXTURES / "webmentions/article/lamp-posts/1352200000-first.md",
        FIXTURES / "wp-comments/comments/quiet-carriage.markdown",
    ):
        page = read_file(path, FIXTURES)
        assert not isinstance(page, Problem)
        assert (page.posts, page.notes) == ((), ())


def test_hugo_toml_front_matter_and_html_body():
    post = only_post(FIXTURES / "hugo-site/content/blog/mobile-library.md")
    assert post.title == "The mobile library's new route"
    assert post.date == date(2013, 6, 2)
    assert post.authors == ("Sam Okafor",)
    assert post.categories == ("libraries",)
    assert post.body == ("The van now stops at three more villages.", "It carries large-print books as well.")


def test_drafts_are_skipped_and_said():
    page = read_file(FIXTURES / "hugo-site/content/blog/unfinished.md", FIXTURES)
    assert page.posts == ()
    assert page.notes == ("skipped 1 draft",)


def test_webmention_comment_files_attach_and_nest_by_reply_to():
    post = only_post(FIXTURES / "webmentions/article/lamp-posts/index.md")
    assert post.date == date(2012, 11, 5)
    assert thread(post) == [
        (0, "Ben Carr", "The parish fixed ours after a letter."),
        (1, "Ada Reyes", "Which letter? I would like to copy it."),
    ]


def test_wordpress_comment_section_kept_as_markdown():
    page = read_file(FIXTURES / "wp-comments/_posts/2010-09-30-the-quiet-carriage.markdown", FIXTURES)
    [post] = page.posts
    assert post.body == ("Commuters asked for a quiet carriage and got one.", "Phones still ring in it.")
    assert [(c.author, c.date) for c in post.comments] == [
        ("Hal", datetime(2010, 9, 30, 8, 2)),
        ("Rosa Linde", datetime(2010, 9, 30, 12, 40)),
    ]
    assert page.notes == ("left out 1 pingback",)  # "[...] excerpt [...]" from a linking blog, as WXR leaves them
    assert post.comments[1].body == ("@Hal: the sign is very small.\nIt could be bigger.",)  # a hard line break


def test_comment_link_never_reads_outside_the_site(tmp_path):
    outside = "---\ntitle: x\n---\n\n**1 Response to “Secret”**\n\n1.  Eve on May 1st, 2012 9:00 am\n\n    Hidden.\n"
    (tmp_path / "secret.markdown").write_text(outside, encoding="utf-8")
    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    post_file = posts / "2012-05-01-secret.md"
    post_file.write_text("---\ntitle: Secret\n---\n\nText.\n\n[1 Comments](/../secret.html)\n", encoding="utf-8")
    post = only_post(post_file, tmp_path)
    assert (post.body, post.comments) == (("Text.",), ())


def test_missing_space_after_colon_is_read_with_a_note():
    page = read_file(FIXTURES / "broken/2012-01-09-missing-space.md", FIXTURES)
    assert page.posts[0].title == "A colon without its space"
    assert page.posts[0].date == date(2012, 1, 9)
    assert page.notes == ("front matter line 2: no space after the colon in 'comments:'; read as if there were",)


def test_hopeless_front_matter_is_read_line_by_line():
    page = read_file(FIXTURES / "broken/hopeless.md", FIXTURES)
    post = page.posts[0]
    assert (post.date, post.tags, post.body) == (date(2012, 2, 2), ("one",), ("Still worth reading.",))
    assert "read line by line" in page.notes[0]


def test_yaml_alias_bomb_and_unclosed_liquid_cost_nothing():
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}]")
    front = "\n".join([*bomb, "title: *j", "tags: *j", "author: {name: *j}", "categories: [[[[[*j]]]]]"])
    body = "{% " * 20000 + "\n\nStill here."
    text = f"---\n{front}\n---\n\n{body}\n"
    page = markdown_reader.read(Source(Path("2012-02-02-bomb.md"), text.encode(), "b"))
    post = page.posts[0]
    assert (post.title, post.authors, post.categories) == ("", (), ())
    assert len(post.tags) <= MAX_LIST_ITEMS
    assert post.body[-1] == "Still here."


def test_unclosed_front_matter_is_a_one_line_problem():
    problem = read_file(FIXTURES / "broken/unclosed.md", FIXTURES)
    assert isinstance(problem, Problem)
    assert "never closed" in str(problem) and "\n" not in str(problem)


def test_pelican_header_lines():
    post = only_post(FIXTURES / "broken/pelican.md")
    assert (post.title, post.date, post.authors) == ("A Pelican header", date(2011, 10, 21), ("Jo Marsh",))
    assert (post.categories, post.tags) == (("community",), ("parks", "benches"))


def test_sniff_by_content_not_only_extension():
    yes = b"---\ntitle: Somewhere\ndate: 2012-01-01\n---\n\nText.\n"
    assert markdown_reader.sniff(yes, Path("post.txt"))
    assert markdown_reader.sniff(yes, Path("post.html"))
    assert not markdown_reader.sniff(b"---\njust a rule\n\nand text\n", Path("notes.txt"))
    assert not markdown_reader.sniff(b"<html><body>hi</body></html>", Path("page.html"))


def test_site_settings_and_data_files_are_not_posts(tmp_path):
    site = tmp_path / "blog"
    site.mkdir()
    (site / "_config.yml").write_text('title: A site\nbaseurl: ""\n', encoding="utf-8")
    (site / "config.toml").write_text('title = "Notes"\n[params]\n  author = "Me"\n', encoding="utf-8")
    pages, problems = read_paths([tmp_path])
    assert problems == []
    assert [(page.posts, page.notes) for page in pages] == [((), ("site settings or data, not a post",))] * 2


def test_parse_command_reads_a_folder_of_markdown(tmp_path):
    result = CliRunner().invoke(main, ["parse", str(FIXTURES / "webmentions"), "--json"])
    assert result.exit_code == 0, result.output
    posts = json.loads(result.stdout)
    assert [post["title"] for post in posts] == ["Who looks after the lamp posts?"]
    assert posts[0]["comments"][0]["replies"][0]["author"] == "Ada Reyes"


# ------------------------------------------------------------------------------------------------
# Properties: never crash, no text lost or duplicated


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_after_front_matter_never_crash(data):
    source = Source(path=Path("any.md"), data=b"---\n" + data, blog="b")
    try:
        markdown_reader.read(source)
    except IngestError as error:
        assert "\n" not in error.reason


hand_edited_lines = st.lists(
    st.sampled_from(
        ["", "## Comments", "- **A** · 2012-01-01 10:00", "  - **B**", "  text", "    deeper", "- *(no name)*"]
    )
    | st.text(st.sampled_from(" -*#\\ab·"), max_size=12),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(hand_edited_lines)
def test_hand_edited_export_never_crashes_and_keeps_its_words(lines):
    front = "---\ntitle: Edited\nid: 0123456789ab\ncivicreader_export: 1\n---\n"
    post = markdown_reader.read(Source(Path("e.md"), (front + "\n".join(lines)).encode(), "b")).posts[0]
    kept = " ".join([*post.body, *(" ".join((c.author, *c.body)) for _, c in post.walk_comments())])
    first = next((line for line in lines if line), "")
    for line in lines:
        if line is first and line.startswith("# "):
            continue  # the heading repeats the title
        word = unescape(line).strip(" -*#\\·")
        if word and line.strip() not in ("## Comments",) and not line.lstrip().startswith(("- **", "- *(")):
            assert word in kept or any(word in part for part in kept.split("\n")), (word, post)


words = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzéøå"), min_size=1, max_size=10)
plain_paragraphs = st.lists(st.lists(words, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None)
@given(plain_paragraphs, st.sampled_from(["yaml", "toml"]))
def test_every_paragraph_comes_back_once(paragraphs, kind):
    fence, title = ("---", "title: Plain") if kind == "yaml" else ("+++", 'title = "Plain"')
    text = f"{fence}\n{title}\n{fence}\n\n" + "\n\n".join(paragraphs) + "\n"
    page = markdown_reader.read(Source(path=Path("2012-01-01-plain.md"), data=text.encode(), blog="b"))
    assert page.posts[0].body == tuple(paragraphs)


# ------------------------------------------------------------------------------------------------
# The shared corpus of real sites

needs_markdown_corpus = pytest.mark.skipif(not MARKDOWN_CORPUS.exists(), reason=f"{MARKDOWN_CORPUS} is not here")


@pytest.fixture(scope="module")
def corpus_posts():
    pages, problems = read_paths([MARKDOWN_CORPUS])
    return pages, problems, {post.title: post for post in merge_pages(pages)}


@needs_markdown_corpus
def test_corpus_posts_and_skips(corpus_posts):
    pages, problems, posts = corpus_posts
    assert problems == []
    assert sorted(posts) == sorted(
        [
            "Anatomy of a Program in Memory",
            "Getting Physical With Memory",
            "Improving static comments with Jekyll & Staticman",
            "Lys, lygter og afstande",
            "Benfords lov",
            "Graviditet og kønsbestemmelse",
            "60 Days with Ubuntu",
            "Comment Your Code",
            "Fix the hard drive killer APM",
        ]
    )
    notes = [note for page in pages for note in page.notes]
    assert sorted(note for note in notes if "pingback" in note) == [
        "left out 1 pingback",
        *["left out 41 pingbacks", "left out 7 pingbacks"],
    ]
    assert notes.count("skipped 1 draft") == 1  # go-at-canonical.md
    comment_files = [page for page in pages if "/_data/comments/" in page.path or "/comments/" in page.path]
    comment_files += [page for page in pages if "brid-gy" in page.path]
    assert len(comment_files) == 53 + 3 + 3  # Staticman files, the three comment pages, the webmentions
    assert [page.posts for page in comment_files] == [()] * len(comment_files)
    assert sum(1 for note in notes if "no space after the colon" in note) == 1


@needs_markdown_corpus
def test_corpus_wordpress_comment_sections(corpus_posts):
    posts = corpus_posts[2]
    anatomy = posts["Anatomy of a Program in Memory"]
    # 189 responses, of which 41 are pingbacks: the 82 "[...]" marks in the file, two to each.
    assert anatomy.comment_count == 189 - 41
    assert anatomy.categories == ("software illustrated", "internals", "linux")
    assert all(comment.date and comment.date.year >= 2009 for comment in anatomy.comments)
    assert anatomy.comments[1].author == "Gustavo Duarte"  # name given as a link, date wrapped
    assert anatomy.comments[1].date == datetime(2009, 1, 27, 0, 55)
    assert not any("Comments](" in paragraph for paragraph in anatomy.body)
    assert posts["Getting Physical With Memory"].comment_count == 22 - 7


@needs_markdown_corpus
def test_corpus_staticman_thread(corpus_posts):
    post = corpus_posts[2]["Improving static comments with Jekyll & Staticman"]
    assert post.comment_count == 53
    assert len(post.comments) == 18
    assert max(depth for depth, _ in post.walk_comments()) == 1
    for parent in post.comments:
        assert all(reply.date > parent.date for reply in parent.replies)
    assert post.tags == ("web development", "GitHub", "Jekyll", "tutorial")


@needs_markdown_corpus
def test_corpus_sibling_webmentions_and_merged_versions(corpus_posts):
    posts = corpus_posts[2]
    drive = posts["Fix the hard drive killer APM"]
    assert [c.author for c in drive.comments] == ["throwaway_0122", "Zorb750"]  # the third, type: link, a mention
    assert drive.date == date(2017, 5, 24) and drive.authors == ("Peter Molnar",)
    assert len(posts["Lys, lygter og afstande"].sources) == 3  # .md, broken .md and .html versions, one post
    assert posts["60 Days with Ubuntu"].authors == ("Nate Finch",)
    assert posts["Graviditet og kønsbestemmelse"].date == date(2016, 8, 18)


def write_jekyll_post(site: Path, settings: str | None) -> None:
    (site / "_posts").mkdir(parents=True)
    (site / "_posts" / "2012-05-02-bus-pass-changes.md").write_text(
        "---\ntitle: Bus pass changes\nlayout: post\n---\nThe concessionary pass now starts at nine.\n",
        encoding="utf-8",
    )
    if settings is not None:
        (site / "_config.yml").write_text(settings, encoding="utf-8")


@pytest.mark.parametrize(
    ("settings", "blog"),
    [
        ("title: Parish Pump Notes\nbaseurl: /notes\n", "Parish Pump Notes"),
        (None, "site"),  # no settings file: the folder, past the one named after the format
        ("title: '...'\n", "site"),  # only punctuation names nothing
        ("title: [not, a, name]\n", "site"),
        ("title: !!python/object/apply:os.system ['true']\n", "site"),  # refused, never run
        (": : not yaml [\n", "site"),
    ],
)
def test_a_jekyll_site_is_named_by_its_settings_title_not_the_folder_it_was_filed_in(tmp_path, settings, blog):
    corpus = tmp_path / "corpus"
    write_jekyll_post(corpus / "markdown" / "site", settings)
    pages, problems = read_paths([corpus])
    assert problems == []
    [post] = merge_pages(pages)
    assert post.blog == blog


def test_the_blog_name_from_jekyll_settings_is_searchable_and_follows_an_edit(tmp_path):
    from civicreader.index import Library

    corpus = tmp_path / "corpus"
    write_jekyll_post(corpus / "markdown" / "site", "title: Parish Pump Notes\n")
    library = Library(corpus, tmp_path / "index")
    library.update()
    assert library.search('blog:"Parish Pump Notes"').total == 1
    (corpus / "markdown" / "site" / "_config.yml").write_text("title: Village Pump\n", encoding="utf-8")
    library.update()
    assert library.search('blog:"Village Pump"').total == 1
    assert library.search('blog:"Parish Pump Notes"').total == 0
    library.close()
