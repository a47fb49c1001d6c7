"""`parse` and `index` over a seeded corpus of hostile files mixed with good pages.

Nothing raises, every good post comes through, every bad file is named once with a reason,
and one bad file cannot take more than a few hundred MB. The corpus size comes from
CIVICREADER_FUZZ_FILES (small by default, for CI); bench/fuzz.py runs the 10,000-file version.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.cli import main
from civicreader.index import Library
from civicreader.ingest import Page, Problem, read_file
from civicreader.textsafe import visible
from tests import fuzz_corpus

FUZZ_FILES = int(os.environ.get("CIVICREADER_FUZZ_FILES", "70"))
FUZZ_SEED = int(os.environ.get("CIVICREADER_FUZZ_SEED", "8"))
BIG_LINE_BYTES = 2 * 1024 * 1024
MEMORY_LIMIT_MB = 400
"""Peak resident memory allowed while reading the heaviest hostile files, interpreter included."""
PROGRESS_LINE = re.compile(r"^(?:reading files|indexing posts): \d+(?:/\d+)?$")
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
PROBLEM_LINE = re.compile(r"^civicreader: (?:skipped )?\S.*: \S.*$")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> fuzz_corpus.FuzzCorpus:
    return fuzz_corpus.build(tmp_path_factory.mktemp("fuzz") / "corpus", FUZZ_FILES, FUZZ_SEED, BIG_LINE_BYTES)


@contextlib.contextmanager
def unreadable_for_real(corpus):
    """chmod 000 stops everyone but root; as root (CI containers), opening those files is refused here instead."""
    locked = {file.path for file in corpus.files if file.family == "unreadable"}
    real_open = pathlib.Path.open

    def guarded_open(self, *args, **kwargs):
        if self in locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        if os.geteuid() == 0:
            patch.setattr(pathlib.Path, "open", guarded_open)
        yield


@pytest.fixture(scope="module")
def parsed(corpus):
    with unreadable_for_real(corpus):
        return run("parse", "--json", str(corpus.root))


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env={"COLUMNS": "200"})


def times_named(stderr: str, path: Path) -> int:
    """How many problem lines name the file (printed on one line, controls shown as escapes)."""
    name = visible(str(path))
    return sum(1 for line in stderr.splitlines() if line.startswith((f"civicreader: {name}: ",
                                                                        f"civicreader: skipped {name}: ")))


def assert_named_once(stderr: str, corpus: fuzz_corpus.FuzzCorpus) -> None:
    for file in corpus.files:
        count = times_named(stderr, file.path)
        assert count <= 1, f"{file.path} was named {count} times"
        if file.kind == "bad":
            assert count == 1, f"{file.family} file {file.path} was not named"
    for link in corpus.links:
        if not link.is_dir():
            assert times_named(stderr, link) == 1, f"link {link} was not named"
    for line in stderr.splitlines():
        assert PROBLEM_LINE.match(line) or PROGRESS_LINE.match(line), line


def test_parse_keeps_every_good_post_and_names_every_bad_file_once(corpus, parsed):
    result = parsed
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    posts = json.loads(result.stdout)

    bodies = {marker: [] for marker in corpus.markers}
    for post in posts:
        for word in re.findall(r"zq\d{5}p\d+mark", " ".join(post["body"])):
            if word in bodies:  # a truncated export keeps some of its markers, or none
                bodies[word].append(post["title"])
    assert {marker: titles for marker, titles in bodies.items() if len(titles) != 1} == {}

    assert_named_once(result.stderr, corpus)


def test_parse_lets_nothing_hostile_through(parsed):
    posts = json.loads(parsed.stdout)

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    for post in posts:
        for text in strings({key: value for key, value in post.items() if key != "sources"}):
            assert not CONTROLS.search(text.replace("\n", "").replace("\t", "")), (post["sources"], text)
            assert fuzz_corpus.PASSWD_TELL not in text
            assert "scriptleak" not in text and "alert(" not in text
    assert not list(Path("/tmp").glob("civicreader-pwned-*")), "a YAML tag ran a command"


def test_index_keeps_every_good_post_and_names_every_bad_file_once(corpus, tmp_path):
    index = tmp_path / "index"
    with unreadable_for_real(corpus):
        result = run("index", "--corpus", str(corpus.root), "--index", str(index))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert_named_once(result.stderr, corpus)

    library = Library(corpus.root, index)
    try:
        for marker, file in corpus.markers.items():
            assert library.search(marker).total == 1, f"{marker} from {file.path} is not in the index"
    finally:
        library.close()
    again = run("index", "--corpus", str(corpus.root), "--index", str(index))
    assert again.exit_code == 0
    assert "0 files added, 0 changed, 0 removed" in again.stdout


def test_index_names_pipes_and_symlink_loops(tmp_path):
    corpus = fuzz_corpus.build_families(tmp_path / "corpus", ("good_text", "special_file", "symlink_loops"), 1)
    result = run("index", "--corpus", str(corpus.root), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0
    assert_named_once(result.stderr, corpus)
    assert times_named(result.stderr, corpus.files[-1].path) == 1


@pytest.mark.parametrize("command", ["parse", "index"])
def test_bad_files_whose_names_differ_only_in_escapes_are_named_apart(tmp_path, command):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    names = {"bad.txt": "bad.txt", "bad\x1b[31m.txt": "bad\\x1b[31m.txt", "bad\u202e.txt": "bad\\u202e.txt"}
    for name in names:
        (corpus / name).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    args = [str(corpus)] if command == "parse" else ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    result = run(command, *args)
    lead = "" if command == "parse" else "skipped "
    problems = [line for line in result.stderr.splitlines() if not PROGRESS_LINE.match(line)]
    assert sorted(problems) == sorted(
        f"civicreader: {lead}{corpus}/{shown}: binary data, not a blog page or export" for shown in names.values()
    )


def test_a_markdown_file_with_one_enormous_line_is_refused(tmp_path):
    from civicreader.ingest.textpage import MAX_LINE_CHARS

    path = tmp_path / "huge.md"
    line = ("budget [bold]x[/bold] " * (3 * MAX_LINE_CHARS // 22 + 1))[: 3 * MAX_LINE_CHARS]
    path.write_text(f"---\ntitle: Huge\ndate: 2011-01-01\n---\n\n{line}\n", encoding="utf-8")
    result = read_file(path, tmp_path)
    assert isinstance(result, Problem) and "line" in result.reason


HEAVY_FAMILIES = ("billion_laughs", "long_line", "deep_nesting", "pathological_lines", "yaml_tricks", "encoding_mix")


def test_no_single_hostile_file_takes_more_than_a_few_hundred_mb(tmp_path):
    """Each heavy file class read in a fresh interpreter, capped well above the limit so a runaway dies."""
    heavy = fuzz_corpus.build_families(tmp_path / "heavy", HEAVY_FAMILIES, 1, FUZZ_SEED, 6 * 1024 * 1024)
    probe = textwrap.dedent(
        f"""
        import resource, sys
        from pathlib import Path
        resource.setrlimit(resource.RLIMIT_AS, (4 * 1024 ** 3, 4 * 1024 ** 3))
        def peak_rss_mb():  # VmHWM: Linux keeps ru_maxrss across exec, so it would include pytest's own peak
            with open("/proc/self/status") as status:
                return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM:"))
        from civicreader.ingest import read_file
        import civicreader.ingest.wxr, civicreader.ingest.feeds, civicreader.ingest.html, civicreader.ingest.markdown
        root = Path({str(heavy.root)!r})
        for name in sys.argv[1:]:
            read_file(Path(name), root)
        print(peak_rss_mb())
        """
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    done = subprocess.run([sys.executable, "-c", probe, *(str(file.path) for file in heavy.files)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    peak_mb = int(done.stdout)
    assert peak_mb < MEMORY_LIMIT_MB


def test_a_stray_nul_byte_does_not_make_a_page_binary(tmp_path):
    page, marker = fuzz_corpus._text_page(fuzz_corpus._Writer(fuzz_corpus.FuzzCorpus(tmp_path), random.Random(1), 0),
                                          7, "A page saved with a NUL in it")
    path = tmp_path / "damaged.txt"
    path.write_bytes(page.replace("\n\n", "\n\n\x00", 1).encode())
    result = read_file(path, tmp_path)
    assert isinstance(result, Page), result
    assert marker in " ".join(result.posts[0].body)
    assert all("\x00" not in paragraph for paragraph in result.posts[0].body)


def test_binary_files_with_nul_bytes_are_still_refused(tmp_path):
    for name, data in (("utf16.txt", "A page in UTF-16 without its byte order mark".encode("utf-16-le")),
                       ("random.txt", random.Random(3).randbytes(4096)),
                       ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(4).randbytes(500))):
        (tmp_path / name).write_bytes(data)
        result = read_file(tmp_path / name, tmp_path)
        assert isinstance(result, Problem) and "binary" in result.reason, (name, result)


# ---------------------------------------------------------------- any bytes, any name, any reader


SUFFIXES = (".txt", ".xml", ".html", ".md", ".rss", "")
hostile_text = st.lists(
    st.one_of(st.text(max_size=30), st.sampled_from([*fuzz_corpus.ESCAPES, *fuzz_corpus.MARKUP, "\n\n", "<", "&"])),
    max_size=30,
).map("".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    head=st.sampled_from([
        "", "<?xml version='1.0'?><rss xmlns:wp='http://wordpress.org/export/1.2/'><channel>",
        "<html><body><div class='entry-content'>", "---\ntitle: ", "<rss version='2.0'><channel><item>",
        "Title\n\nPosted on March 3, 2011 by ",
    ]),
    text=hostile_text,
    suffix=st.sampled_from(SUFFIXES),
)
def test_any_text_in_any_shape_gives_a_page_or_a_problem_never_an_exception(tmp_path, head, text, suffix):
    path = tmp_path / f"page{suffix}"
    path.write_bytes((head + text).encode("utf-8", "surrogatepass"))
    result = read_file(path, tmp_path)
    assert isinstance(result, Page | Problem)
    if isinstance(result, Problem):
        assert "\n" not in str(result)
        return
    for post in result.posts:
        for field in (post.title, post.blog, *post.body, *post.authors, *post.categories, *post.tags):
            assert not CONTROLS.search(field.replace("\n", "").replace("\t", "")), field
        for _, comment in post.walk_comments():
            for field in (comment.author, *comment.body):
                assert not CONTROLS.search(field.replace("\n", "").replace("\t", "")), field
