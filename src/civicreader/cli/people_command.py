"""`civicreader people`: everyone who wrote in the archive, and names that may be one person."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from civicreader.cli.group import corpus_option, index_option, main
from civicreader.cli.library import ready_library
from civicreader.cli.output import dump_json, echo_problem, one_line_text, write_csv


@main.command()
@corpus_option
@index_option
@click.option(
    "--sort",
    type=click.Choice(["name", "posts", "comments", "first", "last"]),
    default="name",
    show_default=True,
    help="name A-Z; posts or comments, most first; first date, earliest first; last date, latest first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of people.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header row.")
@click.option("--similar", is_flag=True, help="List pairs of names that may be one person, for you to judge.")
def people(corpus: Path | None, index_dir: Path | None, sort: str, as_json: bool, as_csv: bool, similar: bool) -> None:
    """Everyone who wrote in the archive, authors and commenters: posts, comments, blogs, first and last date,
    and the people each replied to most. Names are the same person only when they match after Unicode, space
    and case normalisation; --similar shows likely pairs, never merged."""
    from civicreader.index.people import PeopleUnavailable
    from civicreader.people import similar_pairs

    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    library = ready_library(corpus, index_dir)
    try:
        found = library.people(sort)
    except PeopleUnavailable as error:
        echo_problem(str(error))
        sys.exit(1)
    if similar:
        pairs = similar_pairs(found)
        if as_json:
            dump_json([pair.to_dict() for pair in pairs])
        elif as_csv:
            write_csv(["name", "other_name", "why"], ([pair.first, pair.second, pair.why] for pair in pairs))
        else:
            for pair in pairs:
                click.echo(f"{one_line_text(pair.first)}  ~  {one_line_text(pair.second)}  ({pair.why})")
        return
    if as_json:
        dump_json([person.to_dict() for person in found])
    elif as_csv:
        write_csv(
            ["name", "posts", "comments", "blogs", "first", "last", "replied_to"],
            (
                [
                    row["name"],
                    row["posts"],
                    row["comments"],
                    "; ".join(row["blogs"]),
                    row["first"] or "",
                    row["last"] or "",
                    "; ".join(f"{name} ({count})" for name, count in row["replied_to"]),
                ]
                for row in (person.to_dict() for person in found)
            ),
        )
    else:
        print_people(found)


def print_people(found) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(found)} people", expand=True)
    table.add_column("name", overflow="fold", min_width=20)
    table.add_column("posts", justify="right")
    table.add_column("comments", justify="right")
    table.add_column("blogs", overflow="fold")
    table.add_column("first", no_wrap=True)
    table.add_column("last", no_wrap=True)
    table.add_column("replied to most", overflow="fold")
    for person in found:
        table.add_row(
            Text(one_line_text(person.name)),
            Text(str(person.posts)),
            Text(str(person.comments)),
            Text(", ".join(one_line_text(blog) for blog in person.blogs)),
            Text(person.first.isoformat() if person.first else "undated"),
            Text(person.last.isoformat() if person.last else "undated"),
            Text(", ".join(f"{one_line_text(name)} ({count})" for name, count in person.replied_to)),
        )
    Console(highlight=False).print(table)
