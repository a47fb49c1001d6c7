"""The Library a command reads: found from --corpus/--index, brought up to date with progress, repaired."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from civicreader.cli.output import echo_problem


def open_library(corpus: Path | None, index_dir: Path | None, engine: str | None = None):
    """The Library for a command's --corpus/--index, falling back on the group's, then the sample corpus; a
    first build or a rebuild uses `engine`, else the settings' engine."""
    from civicreader import paths
    from civicreader.index import Library

    context = click.get_current_context()
    group = context.parent.params if context.parent else {}
    corpus = corpus or group.get("corpus") or paths.sample_corpus()
    library = Library(corpus, index_dir or group.get("index_dir"), engine=engine)
    if engine is None and not library.exists():
        from civicreader.config import load_config

        library.fresh_engine = load_config().engine
    return library


def update_index(library, *, announce: str | None = None, busy_is_fine: bool = False, rebuild: bool = False,
                 name_problems: bool = True):
    """Run Library.update with a progress bar on a terminal, plain lines otherwise; exit cleanly on failure.

    With `busy_is_fine`, an index another process is updating, or one the disk will not let us update, is
    used as it stands (read-only, with a note). Without `name_problems`, skipped files are left to the caller.
    """
    from civicreader.index import IndexBusy, IndexWriteFailed, UpdateCancelled

    if announce:
        echo_problem(announce)
    try:
        with IndexProgress() as progress:
            report = library.update(progress=progress, rebuild=rebuild)
    except IndexBusy as error:
        if busy_is_fine:
            echo_problem("the index is being updated by another process; using it as it was")
            return None
        echo_problem(str(error))
        sys.exit(75)
    except IndexWriteFailed as error:
        if busy_is_fine and library.exists():
            echo_problem(f"{error}; using the index as it was")
            return None
        echo_problem(str(error))
        sys.exit(1)
    except FileNotFoundError as error:
        echo_problem(str(error))
        sys.exit(2)
    except (KeyboardInterrupt, UpdateCancelled):
        echo_problem("interrupted: the index is as it was before this run")
        sys.exit(130)
    if report.rebuilt_because:
        echo_problem(f"{report.rebuilt_because}: rebuilt it from the corpus")
    if name_problems:
        name_skipped_files(report)
    return report


def name_skipped_files(report) -> None:
    """Each file this update found it could not use, one line each; those named by an earlier update, counted."""
    for problem in report.new_problems:
        echo_problem(f"skipped {problem}")
    still = len(report.problems) - len(report.new_problems)
    if still:
        files = "1 file" if still == 1 else f"{still} files"
        echo_problem(f"{files} still unreadable: see `civicreader index --problems`")


def repaired(library, read):
    """`read(library)`, once more after rebuilding the index if reading found it damaged (said in one line)."""
    from civicreader.index import IndexDamaged

    try:
        return read(library)
    except IndexDamaged as error:
        echo_problem(f"{error}: rebuilding it from the corpus")
    update_index(library, rebuild=True)
    try:
        return read(library)
    except IndexDamaged as error:
        echo_problem(str(error))
        sys.exit(1)


class IndexProgress:
    """A context manager yielding a progress callback: rich on a terminal, a few plain lines when piped."""

    def __enter__(self):
        self._bar = None
        self._phase = ""
        self._last_tenth = -1
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = None
        return self.report

    def report(self, done: int, total: int, label: str) -> None:
        phase = label if label in ("checking files", "indexing posts") else "reading files"
        if self._bar is not None:
            if phase != self._phase:
                self._task = self._bar.add_task(phase, total=total)
                self._phase = phase
            self._bar.update(self._task, completed=done, total=total)
            return
        if phase != self._phase:
            self._phase = phase
            self._last_tenth = -1
        tenth = done * 10 // max(total, 1)
        if tenth != self._last_tenth and done:
            self._last_tenth = tenth
            click.echo(f"{phase}: {done}/{total}", err=True)

    def __exit__(self, *exc_info) -> None:
        if self._bar is not None:
            self._bar.stop()


def ready_library(corpus: Path | None, index_dir: Path | None):
    """A Library whose index is there and current: built or updated first when missing or stale."""
    library = open_library(corpus, index_dir)
    if not library.corpus.is_dir():
        echo_problem(f"no corpus folder at {library.corpus}")
        sys.exit(2)
    from civicreader.index import EngineUnavailable

    try:
        library.require_engine()
    except EngineUnavailable as error:
        echo_problem(str(error))
        sys.exit(1)
    if not library.exists():
        update_index(library, announce=f"indexing {library.corpus} first", busy_is_fine=True)
        if not library.exists():
            sys.exit(1)
    elif library.is_stale():
        library.busy_wait = 1.0
        update_index(library, announce="the corpus has changed: updating the index first", busy_is_fine=True)
    return library
