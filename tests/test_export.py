"""Export a post to Markdown: safe file names and writes, text that renders as written, exact read-back."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.export import ExportError, export_filename, export_post
from civicreader.ingest import Source, read_file
from civicreader.ingest import markdown as markdown_reader
from civicreader.ingest.markdown.export_format import escape_paragraph, render_markdown
from civicreader.model import Comment, Post


def make_post(**changes) -> Post:
    fields = dict(
        id="0123456789ab",
        blog="stacks-and-shelves",
        title="Shelving the reading rooms: a plan",
        date=date(2011, 5, 17),
        body=("The first paragraph.", "The second one."),
    )
    fields.update(changes)
    return Post(**fields)


def read_back(text: str, name: str = "exported.md") -> Post:
    page = markdown_reader.read(Source(path=Path(name), data=text.encode("utf-8"), blog="elsewhere"))
    assert len(page.posts) == 1
    return page.posts[0]


# ------------------------------------------------------------------------------------------------
# Round trip: random posts export and read back equal


# Paragraph text as readers keep it: no control characters, and no blank line inside (that
# would be two paragraphs). Line separators other than "\n" (U+2028, U+0085...) are allowed.
text_char = st.characters(blacklist_categories=("Cs", "Cc"))
line = st.text(text_char, min_size=1, max_size=40)
paragraph = st.lists(line, min_size=1, max_size=3).map("\n".join)
markdown_heavy_line = st.text(st.sampled_from(list("\\*_`[]<>&#|~!-+=.)1 a;é")), min_size=1, max_size=20)
paragraphs = st.lists(paragraph | st.lists(markdown_heavy_line, min_size=1, max_size=3).map("\n".join), max_size=5)
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.none() | st.just(UTC)
)

# The page's words for an undated time, as the reader keeps them: one line, spaces folded.
date_words = st.text(text_char, max_size=20).map(lambda text: " ".join(text.split()))


def only_dates_inferred(comment: Comment) -> Comment:
    """A year is inferred only for a date; the page's words are kept only where there is none."""
    return replace(comment, date_text="") if comment.date else replace(comment, date_inferred=False)


comment_trees = st.recursive(
    st.builds(
        Comment, author=names, date=st.none() | moments, body=paragraphs.map(tuple), replies=st.just(()),
        date_inferred=st.booleans(), date_text=date_words,
    ).map(only_dates_inferred),
    lambda children: st.builds(
        Comment,
        author=names,
        date=st.none() | moments,
        body=paragraphs.map(tuple),
        replies=st.lists(children, max_size=4).map(tuple),
        date_inferred=st.booleans(),
        date_text=date_words,
    ).map(only_dates_inferred),
    max_leaves=25,
)

posts = st.builds(
    Post,
    id=st.text(min_size=1, max_size=20).filter(str.strip),
    blog=any_text,
    title=any_text,
    date=st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    body=paragraphs.map(tuple),
    date_inferred=st.booleans(),
    date_note=any_text,
    authors=st.lists(any_text, max_size=3).map(tuple),
    categories=st.lists(any_text, max_size=3).map(tuple),
    tags=st.lists(any_text, max_size=3).map(tuple),
    excerpt=st.booleans(),
    comments=st.lists(comment_trees, max_size=4).map(tuple),
    sources=st.lists(any_text, max_size=2).map(tuple),
    url=st.just("") | st.text(max_size=30).map(lambda path: "https://quay.example.org/" + quote(path)),
)


@settings(max_examples=60, deadline=None)
@given(posts)
def test_any_post_exports_and_reads_back_equal(post):
    assert read_back(render_markdown(post)) == post


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(post=posts)
def test_exported_file_is_picked_by_content_and_reads_back_equal(post, tmp_path):
    path = export_post(post, tmp_path, force=True)
    page = read_file(path, tmp_path)
    assert page.posts == (post,)


def test_deep_and_wide_threads_read_back_in_place():
    chain = Comment("last", datetime(2012, 1, 1, 9, 0), ("the deepest reply",))
    for depth in range(60):
        chain = Comment(f"reply {depth}", datetime(2011, 12, 1, 9, depth % 60), (f"level {depth}",), (chain,))
    wide = Comment("host", None, ("many answers",), tuple(Comment(f"guest {n}", None, (f"n{n}",)) for n in range(150)))
    post = make_post(comments=(chain, wide))
    back = read_back(render_markdown(post))
    assert back == post
    assert max(depth for depth, _ in back.walk_comments()) == 60
    assert len(back.comments[1].replies) == 150


# ------------------------------------------------------------------------------------------------
# What the file looks like


def test_file_has_front_matter_heading_body_and_indented_thread():
    reply = Comment("Ann Other", datetime(2011, 5, 18, 9, 5), ("Agreed, with one caveat.",))
    comment = Comment("J. Bloggs", datetime(2011, 5, 17, 21, 40), ("Where does *this* leave us?",), (reply,))
    post = make_post(title='Quotes "and" colons: #1', categories=("Libraries",), comments=(comment,))
    text = render_markdown(post)
    front, body = text.split("\n---\n", 1)
    assert front.startswith("---\n")
    assert "\ndate: 2011-05-17\n" in front
    assert "\n- Libraries\n" in front
    lines = body.split("\n")
    assert lines[1] == '# Quotes "and" colons: #1'
    assert lines.index("## Comments") > lines.index("The second one.")
    assert "- **J. Bloggs** · 2011-05-17 21:40" in lines
    assert "  Where does \\*this\\* leave us?" in lines
    assert "  - **Ann Other** · 2011-05-18 09:05" in lines
    assert "    Agreed, with one caveat." in lines


def test_a_comment_date_with_an_inferred_year_says_so_and_reads_back_inferred():
    when = datetime(2010, 12, 28, 15, 4)
    post = make_post(comments=(Comment("Joe", when, ("Late reply.",), date_inferred=True),
                               Comment("Sue", when, ("Dated in full.",))))
    lines = render_markdown(post).split("\n")
    assert "- **Joe** · 2010-12-28 15:04 (year inferred)" in lines
    assert "- **Sue** · 2010-12-28 15:04" in lines
    assert [comment.date_inferred for comment in read_back(render_markdown(post)).comments] == [True, False]


def test_a_comment_time_given_only_in_words_is_written_as_the_page_said_and_reads_back():
    post = make_post(comments=(Comment("Robin", None, ("Made it twice.",), date_text="3 weeks ago"),
                               Comment("Dan", None, ("No time shown.",))))
    lines = render_markdown(post).split("\n")
    assert "- **Robin** · 3 weeks ago (as the page said)" in lines
    assert "- **Dan**" in lines
    back = read_back(render_markdown(post)).comments
    assert [(c.date, c.date_text) for c in back] == [(None, "3 weeks ago"), (None, "")]


def test_comment_without_author_or_date_is_still_an_item():
    post = make_post(comments=(Comment("", None, ("Anonymous words.",)),))
    assert "- *(no name)*" in render_markdown(post).split("\n")
    assert read_back(render_markdown(post)) == post


@pytest.mark.parametrize(
    "text",
    [
        "A *starred* word and an _underlined_ one",
        "# not a heading",
        "> not a quote",
        "- not a list item",
        "1. not a numbered item",
        "[not a link](http://example.org)",
        "<b>not bold</b> &amp; not an entity",
        "Cost 5 < 6 & 7 > 2, snake_case_name, C:\\Temp\\new",
        "a | b | c ~~not struck~~ `not code`",
        "---",
    ],
)
def test_markdown_special_characters_render_as_written(text):
    """Render the escaped paragraph with a CommonMark renderer: the reader sees the words as typed."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render("\n".join(escape_paragraph(text)))
    assert re.fullmatch(r"<p>.*</p>\n", rendered, re.DOTALL), rendered
    assert html.unescape(rendered[3:-5]) == text


@settings(max_examples=60, deadline=None)
@given(st.text(st.sampled_from(list("\\*_`[]<>&#|~!-+=.)1 aé;:/(")), min_size=1, max_size=30))
def test_escaped_line_renders_to_the_same_text(text):
    from markdown_it import MarkdownIt

    text = " ".join(text.split())
    if not text:
        return
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render("\n".join(escape_paragraph(text)))
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), rendered
    assert html.unescape(rendered[3:-5]) == text


# ------------------------------------------------------------------------------------------------
# File names


def test_filename_is_date_and_slug():
    assert export_filename(make_post()) == "2011-05-17-shelving-the-reading-rooms-a-plan.md"
    assert export_filename(make_post(date=None)) == "undated-shelving-the-reading-rooms-a-plan.md"


@pytest.mark.parametrize(
    "title",
    ["../../etc/passwd", "a/b\\c", "..", "CON", "NUL", "com1", "\x1b[31mred\x07", "!!!", "", "日本語のタイトル", "😀"],
)
def test_filename_is_never_a_path_nor_reserved_nor_empty(title):
    name = export_filename(make_post(title=title))
    assert re.fullmatch(r"(\d{4}-\d{2}-\d{2}|undated)-[a-z0-9]+(-[a-z0-9]+)*\.md", name), name
    assert name.split(".")[0].upper() not in {"CON", "NUL", "PRN", "AUX", "COM1", "LPT1"}


def test_filename_length_is_bounded():
    assert len(export_filename(make_post(title="word " * 500))) <= 100


# ------------------------------------------------------------------------------------------------
# Writing safely


def test_export_writes_into_the_folder_and_refuses_to_overwrite(tmp_path):
    path = export_post(make_post(), tmp_path)
    assert path.parent == tmp_path.resolve()
    assert path.read_text(encoding="utf-8") == render_markdown(make_post())
    with pytest.raises(ExportError, match="already exists") as raised:
        export_post(make_post(body=("changed",)), tmp_path)
    assert "\n" not in str(raised.value)
    assert read_back(path.read_text(encoding="utf-8")).body == make_post().body
    export_post(make_post(body=("changed",)), tmp_path, force=True)
    assert read_back(path.read_text(encoding="utf-8")).body == ("changed",)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary files left


def test_hostile_title_stays_inside_the_folder(tmp_path):
    out = tmp_path / "out"
    path = export_post(make_post(title="../../../escape/here"), out)
    assert path.parent == out.resolve()
    assert list(tmp_path.iterdir()) == [out]


def test_existing_symlink_is_not_followed_on_force(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / export_filename(make_post())).symlink_to(outside)
    with pytest.raises(ExportError, match="already exists"):
        export_post(make_post(), out)
    export_post(make_post(), out, force=True)
    assert outside.read_text() == "keep me"


def test_unusable_folder_is_one_line_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ExportError) as raised:
        export_post(make_post(), blocker)
    assert "\n" not in str(raised.value)


def test_unwritable_folder_is_one_line_error(tmp_path, monkeypatch):
    """What a read-only folder does (simulated: the tests may run as root, who can write anywhere)."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("civicreader.export.os.open", refuse)
    with pytest.raises(ExportError, match=r"cannot write in .*: Permission denied") as raised:
        export_post(make_post(), tmp_path)
    assert "\n" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []
