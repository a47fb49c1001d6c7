"""Corpus text printed by the CLI and shown by the app is inert: Rich markup appears as typed,
terminal escape sequences never reach the terminal, `--json` is valid whatever the input,
and export never writes outside its folder.

The hostile pages come from tests/fuzz_corpus.py: escapes and markup in titles, authors,
bodies, comment authors and comments, and in the blog (folder) names and file names.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.cli import dump_json, indented_json, main
from civicreader.export import export_post
from civicreader.model import Post
from tests import fuzz_corpus
from tests.pilot import screen_text, settle

# Every C0/C1 control but newline: what a terminal would act on. (Rich prints no styles off a terminal.)
TERMINAL_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
MARKUP_BLOG = "[b]Markup blog[i] [link=file:x]"
"""Folder names cannot hold a slash, so no closing tags here."""
ESCAPE_BLOG = "Escape \x1b[31mblog\x1b]0;owned title\x07"
BAD_FILE = "[bold]bad[i] \x1b]0;owned title\x07file.txt"
LITERAL = {
    "title": "[bold]budget[/bold] [link=file:///etc/passwd]review[/link] [/]",
    "body": "[red]not red[/red] and a stray [/] and [@click=app.quit]",
    "author": "[i]Ann[/i] Example",
    "commenter": "[b]Mallory[/b]",
    "comment": "[reverse]loud[/reverse] [/",
}
STRIPPED = {"title": "budget red review", "author": "Ann Example", "commenter": "Mallory Blink", "comment": "click me"}
WIDE = {"COLUMNS": "400"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """One markup page and one escapes page, in blogs whose folder names are hostile too, and a bad file."""
    root = tmp_path_factory.mktemp("output") / "corpus"
    fuzz_corpus.build_families(root, ("good_markup", "good_escapes"), 1)
    (root / "good_markup").rename(root / MARKUP_BLOG)
    (root / "good_escapes").rename(root / ESCAPE_BLOG)
    (root / BAD_FILE).write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def index(corpus, tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("output-index")
    assert run("index", "--corpus", str(corpus), "--index", str(index)).exit_code == 0
    return index


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, env=WIDE)
    assert "Traceback" not in result.output
    return result


def assert_inert(text: str) -> None:
    assert not TERMINAL_CONTROLS.search(text), repr(TERMINAL_CONTROLS.search(text).group())
    assert "owned title" not in text, "an OSC title sequence kept its payload"
    assert "[31m" not in text and "]8;;" not in text, "a sequence lost only its ESC"


def find_id(corpus: Path, index: Path, query: str) -> str:
    result = run("search", query, "--corpus", str(corpus), "--index", str(index), "--json")
    return json.loads(result.stdout)["hits"][0]["id"]


# ---------------------------------------------------------------- the CLI


def test_parse_table_shows_markup_as_typed_and_strips_escapes(corpus):
    result = run("parse", str(corpus))
    assert result.exit_code == 0
    assert_inert(result.stdout)
    assert LITERAL["title"] in result.stdout
    assert STRIPPED["title"] in result.stdout
    assert MARKUP_BLOG in result.stdout
    assert "Escape blog" in result.stdout
    # A file's name is shown with its escapes made visible, so two names never print alike.
    assert not TERMINAL_CONTROLS.search(result.stderr)
    assert "[bold]bad[i] \\x1b]0;owned title\\x07file.txt: empty file" in result.stderr


@pytest.mark.parametrize(("query", "expected"), [
    ("stray", [LITERAL["title"], LITERAL["body"]]),
    ("loud", [f"in a comment by {LITERAL['commenter']}", LITERAL["comment"]]),
    ("click", [STRIPPED["title"], f"in a comment by {STRIPPED['commenter']}", STRIPPED["comment"]]),
])
def test_search_results_show_titles_snippets_and_commenters_literally(corpus, index, query, expected):
    result = run("search", query, "--corpus", str(corpus), "--index", str(index))
    assert result.exit_code == 0
    assert_inert(result.stdout)
    for text in expected:
        assert text in result.stdout


def test_show_prints_every_field_of_a_markup_post_as_typed(corpus, index):
    result = run("show", find_id(corpus, index, "stray"), "--corpus", str(corpus), "--index", str(index))
    assert result.exit_code == 0
    assert_inert(result.stdout)
    for text in LITERAL.values():
        assert text in result.stdout
    assert MARKUP_BLOG in result.stdout


def test_show_strips_escapes_from_every_field(corpus, index):
    result = run("show", find_id(corpus, index, "click"), "--corpus", str(corpus), "--index", str(index))
    assert result.exit_code == 0
    assert_inert(result.stdout)
    for text in STRIPPED.values():
        assert text in result.stdout
    assert "Escape blog" in result.stdout


def test_json_is_valid_ascii_whatever_the_page_held(tmp_path):
    """Lone surrogates and controls can come in through YAML escapes in front matter."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "odd.md").write_text(
        '---\ntitle: "Lone \\ud800 surrogate \\x1b[31m red \\x07 [bold]b\\x00"\ndate: 2011-03-04\n'
        'author: "Eve \\x1b]0;t\\x07 \\udfff"\ntags: ["\\x9b31m", "\\ud83d"]\n---\n\nSurrogate body \\x1b[2J.\n',
        encoding="utf-8",
    )
    index = tmp_path / "index"
    parsed = run("parse", "--json", str(corpus))
    found = run("search", "surrogate", "--corpus", str(corpus), "--index", str(index), "--json")
    post_id = json.loads(found.stdout)["hits"][0]["id"]
    shown = run("show", post_id, "--corpus", str(corpus), "--index", str(index), "--json")
    for result in (parsed, found, shown):
        assert result.exit_code == 0
        result.stdout.encode("ascii")
        data = json.loads(result.stdout)
        text = json.dumps(data, ensure_ascii=False)
        assert not re.search(r"[\ud800-\udfff]", text)
        assert not TERMINAL_CONTROLS.search(text.replace("\\n", ""))


def test_dump_json_escapes_what_it_is_given(capsys):
    dump_json({"title": "\ud800 alone \x1b[31m \x00", "body": ["\udfff"]})
    out = capsys.readouterr().out
    out.encode("ascii")
    assert json.loads(out) == {"title": "\ud800 alone \x1b[31m \x00", "body": ["\udfff"]}


# ---------------------------------------------------------------- export


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=st.one_of(st.text(max_size=60), st.sampled_from(["../../etc/passwd", "/etc/passwd", "..", ".", "~",
                                                            "a/../../b", "\x00", "CON", "\\..\\..\\x"])),
    post_id=st.one_of(st.text(max_size=30), st.sampled_from(["../..", "/tmp/x", "..\\..", ""])),
    when=st.one_of(st.none(), st.dates(min_value=date(1, 1, 1))),
)
def test_export_never_writes_outside_its_folder(tmp_path, title, post_id, when):
    base = Path(tempfile.mkdtemp(dir=tmp_path))
    folder = base / "out"
    (base / "elsewhere").mkdir()
    post = Post(id=post_id, blog="b", title=title, date=when, body=("text",))
    written = export_post(post, folder, force=True)
    assert written.parent == folder.resolve()
    assert sorted(path.name for path in base.iterdir()) == ["elsewhere", "out"]
    assert list((base / "elsewhere").iterdir()) == []
    assert [path for path in folder.iterdir()] == [written]


# ---------------------------------------------------------------- the app


async def search_and_open(pilot, query: str) -> None:
    """Focus the search bar, put the query in whole (typing it key by key is slow), open the top hit."""
    from textual.widgets import Input

    await pilot.press("slash")
    pilot.app.screen.query_one(Input).value = query
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def test_the_app_shows_hostile_text_literally_in_tree_posts_comments_and_notifications(corpus, tmp_path):
    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.reading_pane import ReadingPane

    async def scenario() -> None:
        app = CivicReaderApp(corpus, tmp_path / "index")  # no index yet: the app builds it and names the bad file
        async with app.run_test(size=(200, 60)) as pilot:
            await settle(pilot)
            shown = screen_text(app)
            assert_inert(shown)
            assert MARKUP_BLOG in shown, "the archive tree"
            assert "Escape blog" in shown
            # Toasts are not painted in a headless run, so the notification is read where the app keeps it.
            [named] = [note for note in app._notifications if "could not be read" in note.message]
            assert not named.markup
            assert not TERMINAL_CONTROLS.search(named.message.replace("\n", " "))
            assert "[bold]bad[i] \\x1b]0;owned title\\x07file.txt: empty file" in named.message

            await search_and_open(pilot, "stray")
            assert app.screen.query_one(ReadingPane).opened is not None
            shown = screen_text(app)
            assert_inert(shown)
            for text in LITERAL.values():
                assert text in shown

            await search_and_open(pilot, "click")
            shown = screen_text(app)
            assert_inert(shown)
            for text in STRIPPED.values():
                assert text in shown

    asyncio.run(scenario())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=40,
)


@given(json_values)
def test_indented_json_is_the_standard_librarys(value):
    assert indented_json(value) == json.dumps(value, ensure_ascii=True, indent=2)


def test_indented_json_of_a_deep_thread_is_the_standard_librarys():
    thread = {"replies": []}
    innermost = thread
    for depth in range(60):
        innermost["replies"].append({"author": f"Reader {depth}", "replies": []})
        innermost = innermost["replies"][0]
    assert indented_json(thread) == json.dumps(thread, ensure_ascii=True, indent=2)
