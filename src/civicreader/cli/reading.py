"""`search`, `show` and `cite`: finding posts and printing them or quoting them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from civicreader.cli.group import corpus_option, index_option, main
from civicreader.cli.library import ready_library, repaired
from civicreader.cli.output import dump_json, echo_problem
from civicreader.cli.shown_lines import ShownLines


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True)
@corpus_option
@index_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object: query, total, hits, facets, suggestion, notes."
)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date", "comments"]),
    default="relevance",
    show_default=True,
    help="comments: the longest threads first.",
)
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
def search(
    query: tuple[str, ...], corpus: Path | None, index_dir: Path | None, as_json: bool, sort: str, limit: int
) -> None:
    """Search the corpus: words (AND), OR, NOT, -word, "phrases", word*, word~, title: body: comment:
    author: commenter: category: tag: blog:, date:2011, date:2011-03, date:[2011-03-01 to 2011-03-31], date:>2012,
    comments:>=10, and from your memory is:unread is:read is:bookmarked has:note note:word.
    """
    from civicreader.index import QueryError

    library = ready_library(corpus, index_dir)
    text = " ".join(query)
    try:
        results = repaired(library, lambda library: search_with_memory(library, text, sort=sort, limit=limit))
    except QueryError as error:
        echo_problem(f"bad query: {error}")
        sys.exit(2)
    if as_json:
        dump_json(results.to_dict())
    else:
        print_results(results)


def search_with_memory(library, query: str, **options):
    """`library.search`, with is:unread, is:read, is:bookmarked, has:note and note: answered from the reader's
    memory of this corpus (opened only when the query asks it)."""
    from civicreader.memory import split_memory_terms
    from civicreader.memory_search import search_remembering

    if not split_memory_terms(query)[1]:
        return library.search(query, **options)
    from civicreader.cli.notes_command import open_reader_memory

    memory = open_reader_memory(library.corpus)
    try:
        return search_remembering(library, query, memory, **options)
    finally:
        memory.close()


def print_results(results) -> None:
    from rich.console import Console
    from rich.text import Text

    from civicreader.textsafe import one_line

    console = Console(highlight=False)
    matches = "1 post matches" if results.total == 1 else f"{results.total} posts match"
    console.print(Text(f"{matches} {one_line(results.query)!r}", style="bold"))
    if results.suggestion:
        console.print(Text(f"did you mean: {one_line(results.suggestion)}", style="yellow"))
    if (unmatched := results.unmatched_note()) is not None:
        console.print(Text(one_line(unmatched), style="yellow"))
    for note in results.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    for hit in results.hits:
        when = hit.date.isoformat() if hit.date else "undated"
        if hit.date_inferred:
            when += "*"
        where = f"in a comment by {one_line(hit.commenter or 'someone')}" if hit.matched_in == "comment" else (
            f"in the {hit.matched_in}"
        )
        console.print()
        console.print(
            Text.assemble(
                (when, "cyan"),
                "  ",
                (one_line(hit.blog), "magenta"),
                "  ",
                (one_line(hit.title) or "(untitled)", "bold"),
                "  ",
                (hit.id, "dim"),
            )
        )
        snippet = Text(hit.snippet)
        for start, end in hit.highlights:
            snippet.stylize("bold reverse", start, end)
        console.print(Text.assemble("  ", (where + ": ", "dim"), snippet))
    if results.total:
        console.print()
        for name, counts in results.facets.items():
            if counts:
                shown = ", ".join(f"{one_line(key)} ({count})" for key, count in list(counts.items())[:8])
                console.print(Text(f"{name}: {shown}", style="dim"))


@main.command()
@click.argument("post_id")
@corpus_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the post as JSON (the shape `parse --json` uses).")
def show(post_id: str, corpus: Path | None, index_dir: Path | None, as_json: bool) -> None:
    """Print one post, found by its ID (from `search` or `parse`), with its comment thread."""
    library = ready_library(corpus, index_dir)
    post = repaired(library, lambda library: library.get(post_id.strip()))
    if post is None:
        echo_problem(f"no post with id {post_id!r} in {library.corpus}")
        sys.exit(1)
    if as_json:
        dump_json(post_json(post))
    else:
        print_post(post)


SHOWN_INDENT_LEVELS = 8
"""Deeper replies line up at this level and say theirs: indented further, a deep one had no room left
on the line and printed blank."""


def post_json(post) -> dict:
    """A post as `parse --json` and `show --json` print it: its fields, then its discussion figures."""
    from civicreader.discussion import discussion

    return {**post.to_dict(), **discussion(post).to_dict()}


def print_post(post) -> None:
    from rich.console import Console
    from rich.text import Text

    from civicreader.textsafe import one_line, strip_controls

    console = Console(highlight=False)
    lines = ShownLines(console)
    lines.add(one_line(post.title) or "(untitled)", style="bold")
    when = post.date.isoformat() if post.date else "undated"
    if post.date_inferred and post.date_note:
        when += f" ({one_line(post.date_note)})"
    details = [when, one_line(post.blog)]
    if post.authors:
        details.append("by " + ", ".join(one_line(author) for author in post.authors))
    lines.add("  ·  ".join(details), style="cyan")
    for label, values in (("categories", post.categories), ("tags", post.tags)):
        if values:
            lines.add(f"{label}: " + ", ".join(one_line(value) for value in values), style="dim")
    if post.excerpt:
        lines.add("only an excerpt of this post was found", style="yellow")
    for paragraph in post.body:
        lines.add("")
        lines.add(strip_controls(paragraph))
    if post.comments:
        lines.add("")
        lines.add(f"{post.comment_count} comments", style="bold")
    for number, (depth, comment) in enumerate(post.walk_comments(), start=1):
        stamp = comment.date.strftime("%Y-%m-%d %H:%M") if comment.date else "undated"
        if comment.date is None and comment.date_text:
            stamp = f"{one_line(comment.date_text)} (as the page said)"
        if comment.date_inferred:
            stamp += " (year inferred)"
        if depth > SHOWN_INDENT_LEVELS:
            stamp += f"  (reply level {depth})"
        indent = 2 + 4 * min(depth, SHOWN_INDENT_LEVELS)
        lines.add("")
        author = one_line(comment.author) or "anonymous"
        lines.append(Text.assemble(" " * indent, (f"#{number} ", "dim"), (author, "bold"), "  ", (stamp, "dim")))
        for paragraph in comment.body:
            lines.add(strip_controls(paragraph), indent)
    lines.add("")
    if post.url:
        lines.add(one_line(post.url), style="dim")
    lines.add(f"id {post.id}  ·  from " + ", ".join(one_line(source) for source in post.sources), style="dim")
    lines.flush()


@main.command("cite")
@click.argument("post_id")
@corpus_option
@index_option
@click.option("--paragraph", type=int, default=None, help="Cite paragraph N of the post's text (from 1).")
@click.option("--comment", type=int, default=None, help="Cite comment N, numbered as `show` numbers them.")
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "markdown", "bibtex", "csl-json"]),
    default="text",
    show_default=True,
)
def cite_command(
    post_id: str, corpus: Path | None, index_dir: Path | None, paragraph: int | None, comment: int | None, style: str
) -> None:
    """Print a citation of a post, or of one paragraph or comment of it, with the quoted text."""
    from civicreader.cite import CitationError, cite

    if paragraph is not None and comment is not None:
        raise click.UsageError("give --paragraph or --comment, not both")
    library = ready_library(corpus, index_dir)
    post = library.get(post_id.strip())
    if post is None:
        echo_problem(f"no post with id {post_id!r} in {library.corpus}")
        sys.exit(1)
    try:
        click.echo(cite(post, paragraph=paragraph, comment=comment, style=style))
    except CitationError as error:
        echo_problem(str(error))
        sys.exit(1)
