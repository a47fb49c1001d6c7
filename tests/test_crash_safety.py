"""Kill the index writer (SIGKILL) at many points of a build and of an update; run two writers at once;
read while another process commits. After each, `search` opens the last good index and the next
`index` run completes.

The kill points are the writer's own file-system calls (open for writing, rename, replace, remove,
fsync, link), counted in a dry run: killing "just before call N" reaches every step of a commit,
in order, without depending on timing. CIVICREADER_KILL_POINTS sets how many points each test
tries (a seeded handful by default, for CI); bench/fuzz.py tries them all.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from civicreader.cli import main
from civicreader.index import FRESHNESS_CHECK_SECONDS, Library
from tests.conftest import ENGINES
from tests.index_corpus import write_post

KILL_POINTS = int(os.environ.get("CIVICREADER_KILL_POINTS", "3"))
KILL_SEED = int(os.environ.get("CIVICREADER_FUZZ_SEED", "8"))
COMMON_WORD = "everyone"
"""In every post's body, so one search lists the whole index."""
SRC = Path(__file__).resolve().parents[1] / "src"


# ---------------------------------------------------------------- a corpus that changes


def write_numbered(corpus: Path, numbers, version: int = 1) -> None:
    for number in numbers:
        write_post(corpus, f"blog{number % 3}", f"post-{number}", f"Numbered post {number} of the ledger",
                   date(2011, 1 + number % 12, 1 + number % 28),
                   [f"Version {version} of a page that {COMMON_WORD} reads, marker{number} and the budget.",
                    " ".join(f"word{n} about the annual budget round" for n in range(12))])


def posts_found(library: Library) -> set[str]:
    return {hit.title for hit in library.search(COMMON_WORD, limit=10_000).hits}


def titles(numbers) -> set[str]:
    return {f"Numbered post {number} of the ledger" for number in numbers}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def sealing_key(private_folders):
    """Made before any writer runs: making it is file-system calls of the first run only, which would
    shift every kill point after the dry run."""
    from civicreader.index.integrity import index_key

    index_key()


# ---------------------------------------------------------------- the killer


class _Killer:
    """Counts the writer's file-system calls; at call number `kill_at`, SIGKILLs its own process."""

    WRITE_MODES = frozenset("wax+")
    WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT

    def __init__(self, kill_at: int | None):
        self.kill_at = kill_at
        self.calls = 0

    def point(self) -> None:
        self.calls += 1
        if self.calls == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def wrap(self, function, writes=lambda *args, **kwargs: True):
        def wrapped(*args, **kwargs):
            if writes(*args, **kwargs):
                self.point()
            return function(*args, **kwargs)

        return wrapped

    def install(self) -> None:
        def open_writes(file, mode="r", *args, **kwargs):
            return bool(self.WRITE_MODES & set(mode))

        def os_open_writes(path, flags, *args, **kwargs):
            return bool(flags & self.WRITE_FLAGS)

        builtins.open = io.open = self.wrap(builtins.open, open_writes)
        os.open = self.wrap(os.open, os_open_writes)
        for name in ("rename", "replace", "remove", "unlink", "fsync", "link"):
            setattr(os, name, self.wrap(getattr(os, name)))


def run_writer(corpus: Path, index: Path, kill_at: int | None, timeout: float = 120,
               engine: str = "whoosh") -> tuple[int, int]:
    """`civicreader index` in a forked process, killed just before its `kill_at`-th file-system call.

    Returns (how it ended: -SIGKILL or the exit code, calls counted). A fork, not a new interpreter:
    the test process has imported everything already, so each run costs only the writing.
    """
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(reader)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            killer = _Killer(kill_at)
            killer.install()
            try:
                main(["index", "--corpus", str(corpus), "--index", str(index), "--engine", engine],
                     standalone_mode=False)
                code = 0
            finally:
                os.write(writer, str(killer.calls).encode())
        finally:
            os._exit(code)
    os.close(writer)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"the writer did not finish in {timeout} s")
        time.sleep(0.01)
    with os.fdopen(reader) as pipe:
        counted = pipe.read()
    ended = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return ended, int(counted or 0)


def kill_points(total: int, how_many: int, seed: int) -> list[int]:
    """A seeded choice of call numbers, always with the first and the last (the manifest's rename)."""
    if how_many >= total:
        return list(range(1, total + 1))
    chosen = {1, total} | set(random.Random(seed).sample(range(2, total), max(how_many - 2, 0)))
    return sorted(chosen)


def assert_recovers(corpus: Path, index: Path, before: set[str] | None, after: set[str]) -> None:
    """The killed writer left the last good index (or its own finished one); the next run completes."""
    library = Library(corpus, index)
    try:
        if library.exists():
            found = posts_found(library)
            assert found in ([before, after] if before is not None else [after]) or (before is None and not found), (
                f"a killed writer left a mixed index: {len(found)} posts"
            )
        else:
            assert before is None, "a killed update lost the index that was there"
    finally:
        library.close()
    searched = run("search", COMMON_WORD, "--corpus", str(corpus), "--index", str(index), "--json", "--limit", "10000")
    assert searched.exit_code == 0, searched.output
    assert {hit["title"] for hit in json.loads(searched.stdout)["hits"]} == after
    again = run("index", "--corpus", str(corpus), "--index", str(index))
    assert again.exit_code == 0, again.output
    assert "0 files added, 0 changed, 0 removed" in again.stdout


# ---------------------------------------------------------------- SIGKILL during a build and an update


@pytest.mark.parametrize("engine", ENGINES)
def test_a_build_killed_at_any_point_is_finished_by_the_next_run(tmp_path, engine):
    corpus = tmp_path / "corpus"
    write_numbered(corpus, range(25))
    ended, total = run_writer(corpus, tmp_path / "dry-run", kill_at=None, engine=engine)
    assert ended == 0 and total > 10
    for point in kill_points(total, KILL_POINTS, KILL_SEED):
        index = tmp_path / f"index-{point}"
        ended, _ = run_writer(corpus, index, kill_at=point, engine=engine)
        assert ended == -signal.SIGKILL
        assert_recovers(corpus, index, before=None, after=titles(range(25)))


@pytest.mark.parametrize("engine", ENGINES)
def test_an_update_killed_at_any_point_leaves_the_old_index_or_the_new(tmp_path, engine):
    corpus = tmp_path / "corpus"
    write_numbered(corpus, range(40))
    template = tmp_path / "built"
    assert run("index", "--corpus", str(corpus), "--index", str(template), "--engine", engine).exit_code == 0
    write_numbered(corpus, range(40, 50))  # added
    write_numbered(corpus, range(0, 5), version=2)  # changed
    for number in range(35, 40):  # removed
        (corpus / f"blog{number % 3}" / f"post-{number}.txt").unlink()
    before, after = titles(range(40)), titles([*range(35), *range(40, 50)])

    def fresh_copy(name: str) -> Path:
        index = tmp_path / name
        subprocess.run(["cp", "-a", str(template), str(index)], check=True)
        return index

    ended, total = run_writer(corpus, fresh_copy("dry-run"), kill_at=None, engine=engine)
    assert ended == 0 and total > 5
    for point in kill_points(total, KILL_POINTS, KILL_SEED + 1):
        index = fresh_copy(f"index-{point}")
        ended, _ = run_writer(corpus, index, kill_at=point, engine=engine)
        assert ended == -signal.SIGKILL
        assert_recovers(corpus, index, before=before, after=after)
        library = Library(corpus, index)
        assert library.search("version 2 marker3").total == 1
        library.close()


def test_a_killed_writer_leaves_no_temporary_files_once_the_next_run_completes(tmp_path):
    corpus = tmp_path / "corpus"
    write_numbered(corpus, range(5))
    _, total = run_writer(corpus, tmp_path / "dry-run", kill_at=None)
    index = tmp_path / "index"
    assert run_writer(corpus, index, kill_at=total - 1)[0] == -signal.SIGKILL
    assert run("index", "--corpus", str(corpus), "--index", str(index)).exit_code == 0
    assert sorted(path.name for path in index.glob(".*.tmp")) == []


# ---------------------------------------------------------------- two writers, a reader during a commit


def cli_process(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    return subprocess.Popen([sys.executable, "-m", "civicreader", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def test_two_index_runs_at_once_one_waits_or_reports_the_lock_and_neither_corrupts(tmp_path):
    corpus = tmp_path / "corpus"
    write_numbered(corpus, range(40))
    index = tmp_path / "index"
    runs = [cli_process("index", "--corpus", str(corpus), "--index", str(index)) for _ in range(2)]
    outcomes = [(process.wait(120), *process.communicate()) for process in runs]
    codes = sorted(code for code, _, _ in outcomes)
    assert codes in ([0, 0], [0, 75]), outcomes
    for code, _, stderr in outcomes:
        assert "Traceback" not in stderr
        if code == 75:
            [line] = [line for line in stderr.splitlines() if line.startswith("civicreader:")]
            assert "being updated by another civicreader process" in line
    library = Library(corpus, index)
    assert posts_found(library) == titles(range(40))
    library.close()
    again = run("index", "--corpus", str(corpus), "--index", str(index))
    assert "0 files added, 0 changed, 0 removed" in again.stdout


def test_a_reader_keeps_working_while_another_process_commits(tmp_path):
    corpus = tmp_path / "corpus"
    write_numbered(corpus, range(20))
    index = tmp_path / "index"
    reader = Library(corpus, index)
    reader.update()
    before, after = titles(range(20)), titles(range(80))
    assert posts_found(reader) == before
    write_numbered(corpus, range(20, 80))

    writer = cli_process("index", "--corpus", str(corpus), "--index", str(index))
    seen = []
    while writer.poll() is None:
        time.sleep(0.02)  # leave the writer a core
        hits = reader.search(COMMON_WORD, limit=10_000).hits
        assert {hit.title for hit in hits} in (before, after)
        seen.append(len(hits))
        assert reader.get(hits[-1].id) is not None
        assert sum(reader.blogs().values()) in (len(before), len(after))
    assert writer.returncode == 0, writer.communicate()
    time.sleep(FRESHNESS_CHECK_SECONDS)
    assert posts_found(reader) == after
    assert seen, "the reader never searched while the writer ran"
    reader.close()


def test_the_app_keeps_searching_while_another_process_commits(tmp_path):
    import asyncio

    from textual.widgets import Input

    from civicreader.ui.app import CivicReaderApp
    from civicreader.ui.results_list import ResultsList

    corpus = tmp_path / "corpus"
    write_numbered(corpus, range(20))
    index = tmp_path / "index"
    assert run("index", "--corpus", str(corpus), "--index", str(index)).exit_code == 0

    async def settle(pilot) -> None:
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    async def search(pilot, query: str) -> list:
        pilot.app.screen.query_one(Input).value = query
        await settle(pilot)
        return pilot.app.screen.query_one(ResultsList).hits

    async def scenario() -> None:
        app = CivicReaderApp(corpus, index)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            write_numbered(corpus, range(20, 60))
            writer = cli_process("index", "--corpus", str(corpus), "--index", str(index))
            rounds = 0
            while writer.poll() is None:
                rounds += 1
                hits = await search(pilot, f"marker{rounds % 20}")
                assert len(hits) == 1
            assert writer.returncode == 0, writer.communicate()
            await asyncio.sleep(FRESHNESS_CHECK_SECONDS)
            assert len(await search(pilot, "marker55")) == 1
            assert not [note for note in app._notifications if note.severity == "error"]
            assert rounds, "the app never searched while the writer ran"

    asyncio.run(scenario())


def test_search_during_an_update_uses_the_index_as_it_stands(tmp_path):
    """The CLI's own reader: a stale corpus, an update holding the lock, `search` answers anyway."""
    import fcntl

    corpus = tmp_path / "corpus"
    write_numbered(corpus, range(10))
    index = tmp_path / "index"
    assert run("index", "--corpus", str(corpus), "--index", str(index)).exit_code == 0
    write_numbered(corpus, range(10, 12))
    with (index / "write.lock").open("a+") as lock, contextlib.ExitStack():
        fcntl.flock(lock, fcntl.LOCK_EX)
        searched = run("search", COMMON_WORD, "--corpus", str(corpus), "--index", str(index), "--json",
                       "--limit", "100")
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert searched.exit_code == 0, searched.output
    assert {hit["title"] for hit in json.loads(searched.stdout)["hits"]} == titles(range(10))
    assert "using it as it was" in searched.stderr
