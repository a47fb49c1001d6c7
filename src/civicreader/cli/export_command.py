"""`civicreader export`: posts as Markdown files, one by ID or every hit of a search."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from civicreader.cli.group import corpus_option, index_option, main
from civicreader.cli.library import ready_library, repaired
from civicreader.cli.output import dump_json, echo_problem


@main.command()
@click.argument("post_id", required=False)
@corpus_option
@index_option
@click.option("--query", "-q", default=None, help="Export every post this search finds (needs --out).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write into this folder (default: export_dir from the settings file, else the current folder).",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@click.option("--json", "as_json", is_flag=True, help='Print {"id", "path"} (with --query, a list of them).')
def export(
    post_id: str | None,
    corpus: Path | None,
    index_dir: Path | None,
    query: str | None,
    out_dir: Path | None,
    force: bool,
    as_json: bool,
) -> None:
    """Write a post (by ID) as a Markdown file, YYYY-MM-DD-slug.md, that `parse` reads back.

    With --query, every post the search finds goes into --out, one file each.
    """
    if (post_id is None) == (query is None):
        raise click.UsageError("give either a post ID or --query QUERY")
    if query is not None and out_dir is None:
        raise click.UsageError("--query needs --out DIR, the folder to fill")
    from civicreader.cli.notes_command import open_reader_memory
    from civicreader.config import load_config
    from civicreader.export import ExportError, export_post

    library = ready_library(corpus, index_dir)
    out_dir = out_dir or load_config(warn=echo_problem).export_dir or Path.cwd()
    memory = open_reader_memory(library.corpus)  # the reader's notes go with each post
    try:
        if query is not None:
            export_search(library, memory, query, out_dir, force, as_json)
            return
        post = repaired(library, lambda library: library.get(post_id.strip()))
        if post is None:
            echo_problem(f"no post with id {post_id!r} in {library.corpus}")
            sys.exit(1)
        path = export_post(post, out_dir, force=force, notes=memory.notes(post.id))
    except ExportError as error:
        echo_problem(str(error))
        sys.exit(1)
    finally:
        memory.close()
    if as_json:
        dump_json({"id": post.id, "path": str(path)})
    else:
        click.echo(str(path))


def export_search(library, memory, query: str, out_dir: Path, force: bool, as_json: bool) -> None:
    """Export every hit of `query`; same-named posts get their id in the name; failures are named, then exit 1."""
    from civicreader.export import ExportError, export_filename, export_post
    from civicreader.index import QueryError

    try:
        ids = repaired(library, lambda library: search_ids(library, query, memory))
    except QueryError as error:
        echo_problem(f"bad query: {error}")
        sys.exit(2)
    written: list[dict[str, str]] = []
    used_names: set[str] = set()
    failures = 0
    with ExportProgress(len(ids)) as advance:
        for found_id in ids:
            post = library.get(found_id)
            advance()
            if post is None:  # removed from the index since the search
                continue
            name = export_filename(post)
            if name in used_names:
                name = f"{name.removesuffix('.md')}-{post.id[:12]}.md"
            used_names.add(name)
            try:
                path = export_post(post, out_dir, force=force, name=name, notes=memory.notes(post.id))
            except ExportError as error:
                echo_problem(str(error))
                failures += 1
                continue
            written.append({"id": post.id, "path": str(path)})
    if as_json:
        dump_json(written)
    else:
        click.echo(f"{len(written)} of {len(ids)} posts matching {query!r} exported to {out_dir}")
    if failures:
        sys.exit(1)


def search_ids(library, query: str, memory, page: int = 500) -> list[str]:
    """The ids of every post the query matches (is:unread and the like asked of `memory`), in the search's order."""
    from civicreader.memory_search import search_remembering

    ids: list[str] = []
    while True:
        results = search_remembering(library, query, memory, limit=page, offset=len(ids))
        ids.extend(hit.id for hit in results.hits)
        if not results.hits or len(ids) >= results.total:
            return ids


class ExportProgress:
    """A progress bar on stderr when it is a terminal; nothing when piped (the summary line says it all)."""

    def __init__(self, total: int):
        self.total = total
        self._bar = None

    def __enter__(self):
        if sys.stderr.isatty() and self.total > 1:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(
                TextColumn("exporting"), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True), transient=True
            )
            self._bar.start()
            self._task = self._bar.add_task("exporting", total=self.total)
        return self.advance

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)

    def __exit__(self, *exc_info) -> None:
        if self._bar is not None:
            self._bar.stop()
