"""Trusting the index folder: nothing in it runs code, a damaged index repairs itself, a full disk costs no index.

A small index is built once; each case works on a copy. The damage matrix (every file of the index
times every kind of damage) runs as a seeded sample by default and whole under `-m slow`
(CIVICREADER_DAMAGE_CASES sets the sample's size).
"""

from __future__ import annotations

import asyncio
import builtins
import errno
import io
import json
import os
import pickle
import random
import shutil
import site
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from civicreader.cli import main
from tests.index_corpus import POSTS, write_corpus

DAMAGE_CASES = int(os.environ.get("CIVICREADER_DAMAGE_CASES", "10"))
DAMAGE_SEED = int(os.environ.get("CIVICREADER_FUZZ_SEED", "8"))
DAMAGES = ("truncate", "half", "random bytes", "flipped bytes", "delete", "folder")
SRC = Path(__file__).resolve().parents[1] / "src"
QUERY, QUERY_TOTAL = "localism", 3
"""A query of the small corpus and how many posts it finds."""


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def everything_in(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """(corpus, a built index, the key it is sealed with) for the module: tests copy them, never change them."""
    base = tmp_path_factory.mktemp("trust")
    with pytest.MonkeyPatch.context() as patch:  # module-wide: the autouse private_folders is not set up yet
        for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
            patch.setenv(name, str(base / "home" / name.lower()))
        corpus = write_corpus(base / "corpus")
        index = base / "index"
        result = run("index", "--corpus", str(corpus), "--index", str(index))
        assert result.exit_code == 0, result.output
    return corpus, index, base / "home" / "xdg_config_home"


@pytest.fixture
def copy(template, tmp_path, private_folders):
    """(corpus, index): copies of the template's, with its key as this test's, so nothing needs rebuilding."""
    corpus, built, config = template
    shutil.copytree(corpus, tmp_path / "corpus")
    shutil.copytree(built, tmp_path / "index", symlinks=True)
    if config.exists():
        shutil.copytree(config, private_folders / "xdg_config_home", dirs_exist_ok=True)
    return tmp_path / "corpus", tmp_path / "index"


def search(corpus: Path, index: Path, query: str = QUERY):
    return run("search", query, "--corpus", str(corpus), "--index", str(index), "--json")


def post_id(corpus: Path, index: Path) -> str:
    result = search(corpus, index)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["hits"][0]["id"]


def said(result, words: str) -> list[str]:
    return [line for line in result.stderr.splitlines() if words in line]


# ---------------------------------------------------------------- nothing in the index folder runs code


class RunsCode:
    """Unpickled, it leaves a marker file: the proof that a file of the index ran code."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def crafted_toc(path: Path, marker: Path) -> None:
    """A Whoosh table of contents whose schema is a pickle that runs code (Whoosh's TOC layout)."""
    from whoosh.filedb.structfile import StructFile
    from whoosh.index import _CURRENT_TOC_VERSION, _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

    with StructFile(open(path, "wb")) as stream:
        stream.write_varint(_INT_SIZE)
        stream.write_varint(_LONG_SIZE)
        stream.write_varint(_FLOAT_SIZE)
        stream.write_int(-12345)
        stream.write_int(_CURRENT_TOC_VERSION)
        for number in (2, 7, 5):
            stream.write_varint(number)
        stream.write_string(pickle.dumps(RunsCode(marker), 2))
        stream.write_int(int(path.name.split("_")[2].split(".")[0]))
        stream.write_int(0)
        stream.write_pickle([])


def plant(index: Path, target: str, marker: Path) -> None:
    """Replace one file of the index (or add one of the names older versions read) with code."""
    path = index / target
    if path.name.endswith(".toc"):
        crafted_toc(path, marker)
    else:
        path.write_bytes(pickle.dumps(RunsCode(marker), protocol=2))


TARGETS = ["toc", "stored", "catalogue.pickle", "words.pickle", "pages-0123456789ab.pickle", "every file"]


def targets(index: Path, which: str) -> list[str]:
    files = everything_in(index)
    if which == "toc":
        return [name for name in files if name.endswith(".toc")]
    if which == "stored":
        return [name for name in files if name.endswith("_stored.col")]
    if which == "every file":
        return [name for name in files if not name.endswith("write.lock") and "WRITELOCK" not in name]
    return [which]


@pytest.mark.parametrize("which", TARGETS)
def test_code_planted_in_the_index_folder_never_runs_through_search_show_or_index(copy, tmp_path, which):
    corpus, index = copy
    wanted = post_id(corpus, index)
    marker = tmp_path / "code-ran"
    for command in (["search", QUERY], ["search", "counc*"], ["search", "localsim~"], ["show", wanted], ["index"]):
        for name in targets(index, which):
            plant(index, name, marker)
        result = run(*command, "--corpus", str(corpus), "--index", str(index))
        assert not marker.exists(), f"{command[0]} ran code from {which}"
        assert result.exit_code == 0, result.output
    found = search(corpus, index)
    assert json.loads(found.stdout)["total"] == QUERY_TOTAL
    assert not marker.exists()


def test_an_index_that_fails_its_check_is_rebuilt_with_one_line_saying_why(copy, tmp_path):
    corpus, index = copy
    marker = tmp_path / "code-ran"
    [toc] = targets(index, "toc")
    plant(index, toc, marker)
    first = search(corpus, index)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["total"] == QUERY_TOTAL
    [line] = said(first, "rebuil")
    assert str(index) in line and "whoosh/_MAIN_" in line
    again = search(corpus, index)
    assert said(again, "rebuil") == []
    assert not marker.exists()


def test_an_index_sealed_with_another_users_key_is_not_loaded(copy, tmp_path, monkeypatch):
    corpus, index = copy
    other_config = tmp_path / "other-user"
    other_config.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(other_config))
    result = search(corpus, index)
    assert result.exit_code == 0
    [line] = said(result, "rebuil")
    assert "key" in line
    assert json.loads(result.stdout)["total"] == QUERY_TOTAL


@pytest.mark.parametrize("how", ["others may write", "symbolic link"])
def test_an_index_folder_others_may_write_into_is_rebuilt_private(copy, tmp_path, how):
    corpus, index = copy
    if how == "others may write":
        (index / "whoosh").chmod(0o777)
    else:
        elsewhere = tmp_path / "elsewhere"
        shutil.move(index / "whoosh", elsewhere)
        (index / "whoosh").symlink_to(elsewhere)
    result = search(corpus, index)
    assert result.exit_code == 0, result.output
    [line] = said(result, "rebuil")
    assert how in line
    assert json.loads(result.stdout)["total"] == QUERY_TOTAL
    for folder in (index, index / "whoosh"):
        assert not folder.is_symlink()
        assert stat.S_IMODE(folder.stat().st_mode) & 0o022 == 0


async def settle(pilot) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_the_app_never_runs_code_from_the_index_and_rebuilds_it(copy, tmp_path):
    corpus, index = copy
    marker = tmp_path / "code-ran"
    for name in targets(index, "every file"):
        plant(index, name, marker)
    notices = asyncio.run(_app_search(corpus, index))
    assert not marker.exists()
    assert len([notice for notice in notices if "rebuil" in notice]) == 1, notices


# ---------------------------------------------------------------- a damaged index repairs itself


def damage(path: Path, how: str, rng: random.Random) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(b"")
    elif how == "half":
        path.write_bytes(data[: len(data) // 2])
    elif how == "random bytes":
        path.write_bytes(rng.randbytes(max(len(data), 16)))
    elif how == "flipped bytes":
        flipped = bytearray(data or b"\0")
        for place in rng.sample(range(len(flipped)), min(3, len(flipped))):
            flipped[place] ^= 0xFF
        path.write_bytes(bytes(flipped))
    elif how == "delete":
        path.unlink()
    elif how == "folder":
        path.unlink()
        path.mkdir()
    else:
        raise AssertionError(how)


def index_files(template) -> list[str]:
    """Every file of the template index, but of the page cache's shards (files alike) only the first: its data
    file and its keys file. The cases stay within ALL_CASES and cover every kind of file."""
    files = everything_in(template[1])
    shards = [name for name in files if name.startswith("pages-")]
    kept = set(shards[:2])
    return [name for name in files if not name.startswith("pages-") or name in kept]


def damage_cases(template_files: list[str], sample: int | None) -> list[tuple[str, str]]:
    cases = [(name, how) for name in template_files for how in DAMAGES]
    if sample is None or sample >= len(cases):
        return cases
    return random.Random(DAMAGE_SEED).sample(cases, sample)


def check_recovers(corpus: Path, index: Path, name: str, how: str) -> None:
    """After the damage, search and show answer rightly (one line at most says the index is rebuilt), and
    after the next update the index passes `index --check`."""
    first = search(corpus, index)
    assert first.exit_code == 0, f"{how} {name}: {first.output}"
    assert json.loads(first.stdout)["total"] == QUERY_TOTAL
    assert len(said(first, "damaged")) <= 1, first.stderr
    hit = json.loads(first.stdout)["hits"][0]
    shown = run("show", hit["id"], "--corpus", str(corpus), "--index", str(index), "--json")
    assert shown.exit_code == 0, f"{how} {name}: {shown.output}"
    assert json.loads(shown.stdout)["title"] == hit["title"]
    assert said(shown, "damaged") == []
    # An update reads what search and show do not (the page cache): it repairs what they could not notice.
    assert run("index", "--corpus", str(corpus), "--index", str(index)).exit_code == 0
    checked = run("index", "--check", "--corpus", str(corpus), "--index", str(index))
    assert checked.exit_code == 0, f"{how} {name}: {checked.output}"


# The file names are known only once an index is built; the cases are numbered and resolved in the test.
ALL_CASES = range(200)


def _case(template, number: int, sample: int | None) -> tuple[str, str] | None:
    cases = damage_cases(index_files(template), sample)
    return cases[number] if number < len(cases) else None


@pytest.mark.parametrize("number", range(DAMAGE_CASES))
def test_a_damaged_index_file_is_repaired_by_the_next_search(template, copy, number):
    case = _case(template, number, DAMAGE_CASES)
    if case is None:
        pytest.skip("fewer damage cases than the sample asks for")
    name, how = case
    corpus, index = copy
    damage(index / name, how, random.Random(number))
    check_recovers(corpus, index, name, how)


@pytest.mark.slow
@pytest.mark.parametrize("number", ALL_CASES)
def test_every_damage_to_every_file_is_repaired(template, copy, number):
    case = _case(template, number, None)
    if case is None:
        pytest.skip(f"the index has fewer than {number + 1} damage cases")
    name, how = case
    corpus, index = copy
    damage(index / name, how, random.Random(number))
    check_recovers(corpus, index, name, how)


def test_the_app_says_once_that_the_index_is_damaged_and_rebuilds_it(copy):
    corpus, index = copy
    [segment] = [name for name in everything_in(index) if name.endswith(".pst")]
    damage(index / segment, "flipped bytes", random.Random(1))
    notices = asyncio.run(_app_search(corpus, index))
    assert len([notice for notice in notices if "damaged" in notice]) == 1, notices


async def _app_search(corpus: Path, index: Path) -> list[str]:
    from textual import events

    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.results_list import ResultsList

    app = CivicReaderApp(corpus, index)
    notices: list[str] = []
    app.notify = lambda message, **kwargs: notices.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        app.post_message(events.Paste(QUERY))
        await settle(pilot)
        assert len(app.screen.query_one(ResultsList).hits) == QUERY_TOTAL
    return notices


def test_index_check_names_a_damaged_file_and_rebuild_repairs_it(copy):
    corpus, index = copy
    args = ("--corpus", str(corpus), "--index", str(index))
    good = run("index", "--check", *args)
    assert good.exit_code == 0, good.output
    assert "index is sound" in good.stdout
    [terms] = [name for name in everything_in(index) if name.endswith(".trm")]
    damage(index / terms, "flipped bytes", random.Random(2))
    bad = run("index", "--check", *args)
    assert bad.exit_code == 1
    [line] = bad.stderr.splitlines()
    assert terms in line and "damaged" in line
    rebuilt = run("index", "--rebuild", *args)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert f"{len(POSTS)} files added" in rebuilt.stdout
    assert run("index", "--check", *args).exit_code == 0


def test_index_rebuild_builds_afresh_even_when_nothing_changed(copy):
    corpus, index = copy
    rebuilt = run("index", "--rebuild", "--corpus", str(corpus), "--index", str(index))
    assert rebuilt.exit_code == 0, rebuilt.output
    assert f"{len(POSTS)} posts indexed" in rebuilt.stdout and f"{len(POSTS)} files added" in rebuilt.stdout


AS_NOBODY = """
import sys
from civicreader.cli import main
main(sys.argv[1:], prog_name="civicreader")
"""
NOBODY = 65534


def python_for_nobody(folder: Path, env: dict[str, str]) -> str | None:
    """An interpreter user nobody may run with our packages: ours, else the system's of the same version
    (ours may sit under root's home, which nobody may not enter)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, shutil.which(version, path="/usr/local/bin:/usr/bin")):
        if python is None:
            continue
        try:
            done = subprocess.run([python, "-c", "import civicreader.cli, whoosh"], user=NOBODY, group=NOBODY,
                                  extra_groups=[], cwd=folder, env=env, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return python
    return None


@pytest.mark.parametrize("which", ["whoosh .pst", "catalogue", "every file"])
def test_an_unreadable_index_file_is_repaired_for_a_user_who_cannot_read_it(template, request, which):
    """Root reads any file, so this runs the CLI as another user (nobody) over a corpus and index of theirs."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run the CLI as another user")
    base = Path(tempfile.mkdtemp(prefix="civicreader-nobody-"))  # not under pytest's folder: only root may enter it
    request.addfinalizer(lambda: shutil.rmtree(base, ignore_errors=True))
    base.chmod(0o755)
    shutil.copytree(template[0], base / "corpus")
    (base / "home").mkdir()
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(base / "corpus"), str(base / "home")], check=True)
    packages = os.pathsep.join([str(SRC), *site.getsitepackages()])
    env = dict(os.environ, PYTHONPATH=packages, HOME=str(base / "home"))
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        env[name] = str(base / "home" / name.lower())
    python = python_for_nobody(base, env)
    if python is None:
        pytest.skip("no Python here that user nobody may run")
    index = base / "home" / "index"

    def as_nobody(*args: str):
        return subprocess.run([python, "-c", AS_NOBODY, *args, "--corpus", str(base / "corpus"), "--index",
                               str(index)], user=NOBODY, group=NOBODY, extra_groups=[], env=env, cwd=base,
                              capture_output=True, text=True, timeout=120)

    built = as_nobody("index")
    assert built.returncode == 0, built.stderr
    files = everything_in(index)
    chosen = {"whoosh .pst": [name for name in files if name.endswith(".pst")],
              "catalogue": [name for name in files if name.startswith("catalogue")],
              "every file": files}[which]
    assert chosen
    for name in chosen:
        (index / name).chmod(0)
    result = as_nobody("search", QUERY, "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["total"] == QUERY_TOTAL
    assert len([line for line in result.stderr.splitlines() if "damaged" in line or "rebuil" in line]) == 1
    assert as_nobody("index", "--check").returncode == 0


# ---------------------------------------------------------------- a full disk


class FullDisk:
    """Writes into `folder` fail with ENOSPC once `free` bytes are used, as on a disk that fills up."""

    def __init__(self, folder: Path, free: int):
        self.folder = str(folder)
        self.free = free

    def open(self, real_open):
        disk = self

        def full_open(file, mode="r", *args, **kwargs):
            handle = real_open(file, mode, *args, **kwargs)
            if isinstance(file, int) or not set(mode) & set("wax+"):
                return handle
            if not os.path.abspath(os.fsdecode(file)).startswith(disk.folder):
                return handle
            return _Filling(handle, disk)

        return full_open


class _Filling:
    def __init__(self, handle, disk: FullDisk):
        self._handle = handle
        self._disk = disk

    def write(self, data) -> int:
        if len(data) > self._disk.free:
            self._disk.free = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._disk.free -= len(data)
        return self._handle.write(data)

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._handle.close()

    def __iter__(self):
        return iter(self._handle)


@pytest.fixture
def full_disk():
    """fill(folder, free) makes the disk of `folder` full after `free` more bytes; fill.undo() empties it."""
    patch = pytest.MonkeyPatch()

    def fill(folder: Path, free: int) -> FullDisk:
        disk = FullDisk(folder, free)
        full_open = disk.open(builtins.open)
        patch.setattr(builtins, "open", full_open)
        patch.setattr(io, "open", full_open)
        return disk

    fill.undo = patch.undo  # type: ignore[attr-defined]
    yield fill
    patch.undo()


def leftovers(index: Path) -> list[str]:
    """Temporary files and files of segments no table of contents names."""
    from whoosh.index import TOC

    names = everything_in(index)
    temporary = [name for name in names if name.endswith((".tmp", ".ctmp")) or ".tmp/" in name or ".toc." in name]
    from whoosh.filedb.filestore import FileStorage

    toc = TOC.read(FileStorage(str(index / "whoosh")), "MAIN")
    segments = {segment.segment_id() for segment in toc.segments}
    unlisted = [name for name in names if name.startswith("whoosh/MAIN_") and "WRITELOCK" not in name
                and name.split("/")[1].split(".")[0] not in segments]
    return temporary + unlisted


def add_posts(corpus: Path, how_many: int) -> None:
    from datetime import date

    from tests.index_corpus import write_post

    for number in range(how_many):
        write_post(corpus, "extra", f"extra-{number}", f"Extra post {number}", date(2014, 1, 1 + number % 28),
                   [f"Localism again, page {number}, with words enough to fill a segment file." * 20])


UPDATE_BYTES = 140_615
"""What the update below writes (measured): the disk fills at its start, in the segments, the page cache, and its
last small files."""


@pytest.mark.parametrize("free", [0, 5_000, 40_000, 100_000, 135_000, UPDATE_BYTES - 100])
def test_an_update_on_a_full_disk_says_so_in_one_line_and_keeps_the_last_good_index(copy, full_disk, free):
    corpus, index = copy
    add_posts(corpus, 30)
    args = ("--corpus", str(corpus), "--index", str(index))
    full_disk(index, free)
    updated = run("index", *args)
    assert updated.exit_code == 1, updated.output
    [line] = updated.stderr.splitlines()[-1:]
    assert str(index) in line and "No space left on device" in line
    assert leftovers(index) == []
    for _ in range(2):  # and again: the failed update left nothing that fills the disk further
        found = search(corpus, index)
        assert found.exit_code == 0, found.output
        # The last good index: as it was, or with the new posts where the disk filled after Whoosh's commit.
        assert json.loads(found.stdout)["total"] in (QUERY_TOTAL, QUERY_TOTAL + 30)
        [note] = said(found, "No space left on device")
        assert str(index) in note
        assert leftovers(index) == []
    hit = json.loads(found.stdout)["hits"][0]
    shown = run("show", hit["id"], *args, "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == hit["id"]


def test_after_a_full_disk_the_next_update_completes(copy, full_disk):
    corpus, index = copy
    add_posts(corpus, 30)
    full_disk(index, 40_000)
    assert run("index", "--corpus", str(corpus), "--index", str(index)).exit_code == 1
    full_disk.undo()
    found = search(corpus, index)
    assert found.exit_code == 0
    assert json.loads(found.stdout)["total"] == QUERY_TOTAL + 30
    assert said(found, "damaged") == []


def test_a_first_build_on_a_full_disk_says_so_and_leaves_no_files(template, tmp_path, full_disk):
    corpus = template[0]
    index = tmp_path / "index"
    full_disk(index, 10_000)
    result = search(corpus, index)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()[-1:]
    assert str(index) in line and "No space left on device" in line
    assert [name for name in everything_in(index) if not name.endswith("write.lock")] == []


def test_the_app_keeps_the_last_good_index_when_the_disk_is_full(copy, full_disk):
    corpus, index = copy
    add_posts(corpus, 30)
    full_disk(index, 40_000)
    notices = asyncio.run(_app_search(corpus, index))
    assert any("No space left on device" in notice and str(index) in notice for notice in notices), notices
