"""`timeline` and `concordance`: counting matches over time and reading them in context."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from civicreader.cli.group import corpus_option, index_option, main
from civicreader.cli.library import ready_library
from civicreader.cli.output import dump_json, echo_problem, one_format, stream_json_array


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("queries", nargs=-1, required=True)
@corpus_option
@index_option
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True)
@click.option("--split", type=click.Choice(["blog"]), default=None, help="One series per query and blog.")
@click.option("--json", "as_json", is_flag=True, help='Print {"by", "series": [{"query", "periods", "undated"}]}.')
@click.option("--csv", "as_csv", is_flag=True, help="Print one row per period and query.")
def timeline(
    queries: tuple[str, ...],
    corpus: Path | None,
    index_dir: Path | None,
    by: str,
    split: str | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Count the posts and, apart, the comments each QUERY matches per year or month.

    Each QUERY is one series (quote a query of several words): `timeline "big society" localism`.
    """
    from civicreader.index import QueryError
    from civicreader.timeline import timeline as count

    one_format(as_json, as_csv)
    library = ready_library(corpus, index_dir)
    try:
        found = count(library, queries, by=by, split_by_blog=split == "blog")
    except QueryError as error:
        echo_problem(f"bad query: {error}")
        sys.exit(2)
    if as_json:
        dump_json(found.to_dict())
    elif as_csv:
        from civicreader.spreadsheet import write_csv

        write_csv(sys.stdout, found.csv_header(), found.csv_rows())
    else:
        print_timeline(found)


def print_timeline(found) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from civicreader.textsafe import one_line

    table = Table(box=None, pad_edge=False, show_footer=False)
    table.add_column("period", no_wrap=True)
    for series in found.series:
        label = one_line(series.query) + (f" in {one_line(series.blog)}" if series.blog is not None else "")
        table.add_column(Text(f"{label}\nposts"), justify="right")
        table.add_column(Text("\ncomments"), justify="right")
    rows = zip(*(series.periods for series in found.series), strict=True) if found.series else ()
    for periods in rows:
        label = periods[0].period + ("*" if any(period.inferred for period in periods) else "")
        table.add_row(label, *(str(count) for period in periods for count in (period.posts, period.comments)))
    table.add_row(
        Text("undated", style="dim"),
        *(Text(str(count), style="dim") for s in found.series for count in (s.undated_posts, s.undated_comments)),
    )
    console = Console(highlight=False)
    console.print(table)
    if any(period.inferred for series in found.series for period in series.periods):
        console.print(Text("* some dates counted here had their year inferred", style="dim"))


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True)
@corpus_option
@index_option
@click.option("--width", type=click.IntRange(0, 1000), default=40, show_default=True, help="Characters of context.")
@click.option("--sort", type=click.Choice(["date", "left", "right", "blog"]), default="date", show_default=True)
@click.option("--limit", type=click.IntRange(1, None), default=None, help="At most this many lines.")
@click.option("--json", "as_json", is_flag=True, help="Print an array of lines.")
@click.option("--csv", "as_csv", is_flag=True, help="Print one row per line.")
@click.option(
    "--collocates", is_flag=True, help="List the words most often within five words of the matches instead."
)
def concordance(
    query: tuple[str, ...],
    corpus: Path | None,
    index_dir: Path | None,
    width: int,
    sort: str,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
    collocates: bool,
) -> None:
    """Every occurrence of the query's words or phrase in bodies and comments, in context, one line each.

    The query is a search query: NOT, field and date conditions choose which posts are read.
    With --collocates, the words found near the matches, ranked by log-likelihood (as AntConc ranks them).
    """
    from civicreader import concordance as kwic
    from civicreader.index import QueryError

    one_format(as_json, as_csv)
    library = ready_library(corpus, index_dir)
    text = " ".join(query)
    try:
        if collocates:
            print_collocates(kwic.collocates(library, text, limit=limit or 50), as_json, as_csv)
            return
        lines = kwic.concordance(library, text, sort=sort, width=width, limit=limit)
    except QueryError as error:
        echo_problem(f"bad query: {error}")
        sys.exit(2)
    if as_json:
        stream_json_array(line.to_dict() for line in lines)
    elif as_csv:
        from civicreader.spreadsheet import write_csv

        write_csv(sys.stdout, kwic.CSV_HEADER, map(kwic.csv_row, lines))
    elif not print_concordance(lines, width):
        click.echo(kwic.why_no_lines(library.matches(text)))


def print_concordance(lines, width: int) -> int:
    """Print the lines and their count; how many there were."""
    from rich.console import Console
    from rich.text import Text

    from civicreader.textsafe import one_line

    console = Console(highlight=False, soft_wrap=True)
    count = 0
    posts: set[str] = set()
    for line in lines:
        count += 1
        posts.add(line.post_id)
        console.print(
            Text.assemble(
                line.left.rstrip().rjust(width),
                " ",
                (line.match, "bold reverse"),
                line.right.ljust(width),
                "  ",
                (line.date_label, "cyan"),
                "  ",
                (one_line(line.blog), "magenta"),
                "  ",
                (one_line(line.who) or "anonymous", "green"),
                "  ",
                (line.place, "dim"),
                "  ",
                (one_line(line.title) or "(untitled)", "bold"),
                "  ",
                (line.post_id, "dim"),
            )
        )
    lines_found = "1 line" if count == 1 else f"{count:,} lines"
    console.print(Text(f"{lines_found} in {len(posts):,} post{'' if len(posts) == 1 else 's'}", style="bold"))
    return count


def print_collocates(found, as_json: bool, as_csv: bool) -> None:
    from civicreader.concordance import COLLOCATE_HEADER

    if as_json:
        dump_json([collocate.to_dict() for collocate in found])
        return
    if as_csv:
        from civicreader.spreadsheet import write_csv

        write_csv(sys.stdout, COLLOCATE_HEADER, ([c.to_dict()[name] for name in COLLOCATE_HEADER] for c in found))
        return
    from rich.console import Console
    from rich.table import Table

    from civicreader.textsafe import one_line

    table = Table(box=None, pad_edge=False, caption="within five words either side; log-likelihood (Dunning's G²)")
    for name, justify in (("word", "left"), ("count", "right"), ("left", "right"), ("right", "right"),
                          ("in archive", "right"), ("log-likelihood", "right")):
        table.add_column(name, justify=justify)
    for c in found:
        table.add_row(one_line(c.word), str(c.count), str(c.left), str(c.right), str(c.frequency),
                      f"{c.log_likelihood:.2f}")
    Console(highlight=False).print(table)
