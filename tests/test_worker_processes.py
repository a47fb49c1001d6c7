"""A corpus big enough to be read in worker processes, built whatever has been done to `sys.stderr`.

Textual's stderr capture says its `fileno()` is -1, and multiprocessing hands that to the resource
tracker it starts before the first worker ("bad value(s) in fds_to_keep"): the app could not build
an index of 400 files or more. Each test runs in a fresh interpreter, since the tracker, once
started, lives as long as the process that started it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from civicreader.index.parallel import PARALLEL_READ_FILES

FILES = 500

needs_two_cores = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2, reason="one core: files are read in this process, with no workers to start"
)

COUNT_WORKERS = """
import multiprocessing.process
started = []
real_start = multiprocessing.process.BaseProcess.start
def counting_start(self):
    started.append(self.name)
    return real_start(self)
multiprocessing.process.BaseProcess.start = counting_start
"""


def write_corpus(folder: Path) -> Path:
    """FILES small Markdown posts: enough to be read in worker processes, quick to read."""
    assert FILES >= PARALLEL_READ_FILES
    blog = folder / "ward-notes"
    blog.mkdir(parents=True)
    for number in range(FILES):
        (blog / f"post-{number:03d}.md").write_text(
            f"---\ntitle: Ward note {number}\ndate: 2011-{1 + number % 12:02d}-{1 + number % 28:02d}\n---\n\n"
            f"The rota for week {number} is pinned on the depot door.\n",
            encoding="utf-8",
        )
    return folder


def run_fresh(script: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    done = subprocess.run(
        [sys.executable, "-c", COUNT_WORKERS + textwrap.dedent(script), *args],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@needs_two_cores
def test_an_index_is_built_in_worker_processes_when_stderr_has_no_descriptor(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    result = run_fresh(
        """
        import json, sys
        from pathlib import Path
        from civicreader.index import Library

        class Captured:  # as Textual's capture of stderr is
            def write(self, text):
                return len(text)
            def flush(self):
                pass
            def fileno(self):
                return -1

        real_stdout, sys.stderr = sys.stdout, Captured()
        library = Library(Path(sys.argv[1]), Path(sys.argv[2]))
        report = library.update()
        total = library.search("rota").total
        library.close()
        print(json.dumps({"added": report.added, "posts": report.posts, "found": total, "workers": len(started),
                          "problems": [str(problem) for problem in report.problems],
                          "stderr_kept": isinstance(sys.stderr, Captured)}), file=real_stdout)
        """,
        str(corpus), str(tmp_path / "index"),
    )
    assert result == {"added": FILES, "posts": FILES, "found": FILES, "workers": result["workers"], "problems": [],
                      "stderr_kept": True}
    assert result["workers"] >= 2


@needs_two_cores
def test_the_app_builds_an_index_of_500_files_in_worker_processes(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    result = run_fresh(
        """
        import asyncio, json, sys
        from pathlib import Path
        from civicreader.ui.app import CivicReaderApp
        from textual.worker import WorkerFailed
        from civicreader.ui.messages import IndexingFailed, IndexingFinished

        async def settle(app, pilot):
            for _ in range(3):
                try:
                    await app.workers.wait_for_complete()
                except WorkerFailed:
                    pass  # said below
                await pilot.pause()

        async def build():
            seen = []
            app = CivicReaderApp(Path(sys.argv[1]), Path(sys.argv[2]))
            async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
                await settle(app, pilot)
                await pilot.press("slash", *"rota", "enter")
                await settle(app, pilot)
                screen = "\\n".join(strip.text for strip in app.screen._compositor.render_strips())
                messages = list({id(message): message for message in seen}.values())  # each once, bubbled or not
                return {
                    "built": [message.report.posts for message in messages if isinstance(message, IndexingFinished)],
                    "failed": [message.reason for message in messages if isinstance(message, IndexingFailed)],
                    "errors": [str(worker.error) for worker in app.workers if worker.error],
                    "screen": screen,
                }

        outcome = asyncio.run(build())
        print(json.dumps({**outcome, "workers": len(started)}))
        """,
        str(corpus), str(tmp_path / "index"),
    )
    assert result["errors"] == [] and result["failed"] == []
    assert result["built"] == [FILES]
    assert f"{FILES} posts match" in result["screen"]
    assert result["workers"] >= 2
