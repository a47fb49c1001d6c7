"""`civicreader index`: build, update or check the index, and list the files it could not use."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from civicreader.cli.group import corpus_option, index_option, main
from civicreader.cli.library import open_library, update_index
from civicreader.cli.output import dump_json, echo_problem


@main.command()
@corpus_option
@index_option
@click.option("--check", is_flag=True, help="Check every file of the index against its seal; change nothing.")
@click.option("--rebuild", is_flag=True, help="Build the index afresh from the corpus.")
@click.option("--problems", is_flag=True, help="List every file the index could not use, with its line and why.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (with --problems, an array).")
@click.option("--engine", type=click.Choice(["whoosh", "tantivy"]),
              help="The search engine (an index of the other is rebuilt); default: the index's, else the settings'.")
def index(corpus: Path | None, index_dir: Path | None, check: bool, rebuild: bool, problems: bool,
          as_json: bool, engine: str | None) -> None:
    """Build the index of the corpus, or update it: only added, changed and removed files are read.

    A file it cannot use is named once, when it is read; `--problems` lists all of them.
    """
    library = open_library(corpus, index_dir, engine)
    if rebuild and engine is None:
        from civicreader.config import load_config

        library.fresh_engine = load_config().engine
    if check:
        if problems or rebuild:
            raise click.UsageError("--check changes nothing: give it without --problems or --rebuild")
        check_index(library, as_json)
        return
    report = update_index(library, rebuild=rebuild, name_problems=not (problems or as_json))
    if problems:
        print_problems(report.problems, as_json)
    elif as_json:
        dump_json(report_json(library, report))
    else:
        click.echo(
            f"{report.posts} posts indexed from {library.corpus}: {report.added} files added, "
            f"{report.changed} changed, {report.removed} removed, {report.unchanged} unchanged "
            f"({report.seconds:.1f} s)"
        )
        click.echo(f"index: {library.index_dir}")


def check_index(library, as_json: bool) -> None:
    """Every file of the index checked against its seal; exit 1, saying why, when one fails."""
    from civicreader.index import IndexDamaged

    try:
        files = library.check()
    except IndexDamaged as error:
        echo_problem(f"{error}; `civicreader index --rebuild` builds it afresh")
        if as_json:
            dump_json({"sound": False, "index": str(library.index_dir), "reason": str(error)})
        sys.exit(1)
    if as_json:
        dump_json({"sound": True, "index": str(library.index_dir), "files_checked": files})
    else:
        click.echo(f"the index is sound: {files} files checked in {library.index_dir}")


def problem_json(problem, new: bool | None = None) -> dict:
    found = {"file": problem.path, "line": problem.line, "reason": problem.reason}
    return found if new is None else {**found, "new": new}


def print_problems(problems, as_json: bool) -> None:
    """One line each, `file:line: why` (the line left out when unknown), or a JSON array."""
    from civicreader.textsafe import one_line

    if as_json:
        dump_json([problem_json(problem) for problem in problems])
        return
    for problem in problems:
        click.echo(one_line(str(problem)))


def report_json(library, report) -> dict:
    """What an update did, for a script: file counts, every problem (`new` when this run found it), timing."""
    return {
        "corpus": str(library.corpus),
        "index": str(library.index_dir),
        "posts": report.posts,
        "added": report.added,
        "changed": report.changed,
        "removed": report.removed,
        "unchanged": report.unchanged,
        "problems": [problem_json(problem, problem in report.new_problems) for problem in report.problems],
        "rebuilt_because": report.rebuilt_because,
        "seconds": round(report.seconds, 3),
        "read_seconds": round(report.read_seconds, 3),
    }
