"""`civicreader index`: build, update or check the index."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from civicreader.cli.group import corpus_option, index_option, main
from civicreader.cli.library import open_library, update_index
from civicreader.cli.output import echo_problem


@main.command()
@corpus_option
@index_option
@click.option("--check", is_flag=True, help="Check every file of the index against its seal; change nothing.")
@click.option("--rebuild", is_flag=True, help="Build the index afresh from the corpus.")
def index(corpus: Path | None, index_dir: Path | None, check: bool, rebuild: bool) -> None:
    """Build the index of the corpus, or update it: only added, changed and removed files are read."""
    library = open_library(corpus, index_dir)
    if check:
        from civicreader.index import IndexDamaged

        try:
            files = library.check()
        except IndexDamaged as error:
            echo_problem(f"{error}; `civicreader index --rebuild` builds it afresh")
            sys.exit(1)
        click.echo(f"the index is sound: {files} files checked in {library.index_dir}")
        return
    report = update_index(library, rebuild=rebuild)
    click.echo(
        f"{report.posts} posts indexed from {library.corpus}: {report.added} files added, "
        f"{report.changed} changed, {report.removed} removed, {report.unchanged} unchanged "
        f"({report.seconds:.1f} s)"
    )
    click.echo(f"index: {library.index_dir}")
