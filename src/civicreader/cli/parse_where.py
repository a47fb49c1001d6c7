"""`parse` and `where`: reading files without an index, and saying where things are kept."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from civicreader.cli.group import corpus_option, index_option, main
from civicreader.cli.library import open_library
from civicreader.cli.output import dump_json, echo_problem
from civicreader.cli.reading import post_json


@main.command()
@corpus_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def where(corpus: Path | None, index_dir: Path | None, as_json: bool) -> None:
    """Say where things are: the corpus, its index, your memory (marks, notes), settings, log and sample corpus."""
    from civicreader import paths
    from civicreader.config import config_path
    from civicreader.problem_log import log_path

    library = open_library(corpus, index_dir)
    found = {
        "corpus": str(library.corpus.expanduser().resolve()),
        "index": str(Path(library.index_dir).expanduser().resolve()),
        "memory": str(paths.memory_path_for(library.corpus)),
        "config": str(config_path()),
        "log": str(log_path()),
        "sample_corpus": str(paths.sample_corpus()),
    }
    if as_json:
        dump_json(found)
    else:
        for name, place in found.items():
            click.echo(f"{name:14} {place}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of posts.")
def parse(paths: tuple[Path, ...], as_json: bool) -> None:
    """Read PATHS (files or folders, recursively) and print the posts found, merged across pages."""
    from civicreader.dedupe import merge_pages
    from civicreader.ingest import read_paths
    from civicreader.textsafe import visible

    pages, problems = read_paths(paths)
    for problem in problems:
        echo_problem(str(problem))
    for page in pages:
        if page.notes:  # what a reader left out on purpose: drafts, pingbacks, pages...
            echo_problem(f"{visible(page.path)}: " + "; ".join(page.notes))
    posts = merge_pages(pages)
    if as_json:
        dump_json([post_json(post) for post in posts])
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
