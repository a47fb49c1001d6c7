"""The click group every command hangs from, and the --corpus/--index options they share."""

from __future__ import annotations

from pathlib import Path

import click

from civicreader import __version__

corpus_option = click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The corpus folder (default: the bundled sample corpus).",
)
index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the index here instead of the user cache folder.",
)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@corpus_option
@index_option
@click.version_option(__version__, prog_name="civicreader")
@click.pass_context
def main(ctx: click.Context, corpus: Path | None, index_dir: Path | None) -> None:
    """Read, search and quote an archive of blog posts.

    With no command, opens the reader on CORPUS (default: the bundled sample corpus).
    """
    if ctx.invoked_subcommand is not None:
        return
    from civicreader.ui.app import run_app

    run_app(corpus=corpus, index_dir=index_dir)
