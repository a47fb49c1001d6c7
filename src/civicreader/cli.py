"""The command line: everything a script needs, with --json where a script would want it.

Heavy modules (textual, whoosh, lxml) are imported inside the commands that use them, so
`civicreader parse --json` never loads the UI and start-up stays quick.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from civicreader import __version__


def echo_problem(message: str) -> None:
    """One line on stderr, controls stripped: a bad file is named, never a traceback."""
    from civicreader.textsafe import one_line

    click.echo(f"civicreader: {one_line(message)}", err=True)


def dump_json(data) -> None:
    """JSON that is valid whatever the corpus held (lone surrogates and controls escaped)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=True, indent=2))
    sys.stdout.write("\n")


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


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of posts.")
def parse(paths: tuple[Path, ...], as_json: bool) -> None:
    """Read PATHS (files or folders, recursively) and print the posts found, merged across pages."""
    from civicreader.dedupe import merge_pages
    from civicreader.ingest import read_paths

    pages, problems = read_paths(paths)
    for problem in problems:
        echo_problem(str(problem))
    posts = merge_pages(pages)
    if as_json:
        dump_json([post.to_dict() for post in posts])
    else:
        print_post_table(posts)
    if not pages and problems:
        sys.exit(1)


def print_post_table(posts) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from civicreader.textsafe import one_line

    table = Table(title=f"{len(posts)} posts", show_lines=False, expand=True)
    table.add_column("date", no_wrap=True)
    table.add_column("blog", overflow="fold")
    table.add_column("title", ratio=3, overflow="fold")
    table.add_column("comments", justify="right")
    table.add_column("id", no_wrap=True)
    for post in posts:
        when = post.date.isoformat() if post.date else "undated"
        if post.date_inferred:
            when += "*"
        table.add_row(
            Text(when),
            Text(one_line(post.blog)),
            Text(one_line(post.title) or "(untitled)") + (Text(" [excerpt]", style="dim") if post.excerpt else ""),
            Text(str(post.comment_count)),
            Text(post.id),
        )
    console = Console()
    console.print(table)
    if any(post.date_inferred for post in posts):
        console.print(Text("* year inferred: `civicreader parse --json` says how (date_note)", style="dim"))
