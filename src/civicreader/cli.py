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
    sys.stdout.write(indented_json(data))
    sys.stdout.write("\n")


def indented_json(data) -> str:
    """`json.dumps(data, ensure_ascii=True, indent=2)` in time linear in its size, however deep.

    The standard library indents in recursive Python generators: every value of a reply fifty
    levels deep passed up through a hundred of them, and a long thread took a minute.
    """
    from json.encoder import encode_basestring_ascii as string

    parts: list[str] = []
    # (the items left, whether they are a mapping's, their depth, whether none has been written yet)
    open_containers: list[list] = []

    def start(value, depth: int) -> None:
        if isinstance(value, dict | list | tuple) and value:
            mapping = isinstance(value, dict)
            parts.append("{" if mapping else "[")
            open_containers.append([iter(value.items() if mapping else value), mapping, depth + 1, True])
        elif isinstance(value, str):
            parts.append(string(value))
        else:
            parts.append(json.dumps(value))

    start(data, 0)
    while open_containers:
        container = open_containers[-1]
        items, mapping, depth, first = container
        item = next(items, _END)
        if item is _END:
            open_containers.pop()
            parts.append("\n" + "  " * (depth - 1) + ("}" if mapping else "]"))
            continue
        parts.append(("\n" if first else ",\n") + "  " * depth)
        container[3] = False
        if mapping:
            key, item = item
            parts.append(string(key) + ": ")
        start(item, depth)
    return "".join(parts)


_END = object()


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
@corpus_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def where(corpus: Path | None, index_dir: Path | None, as_json: bool) -> None:
    """Say where things are: the corpus, its index, the settings file, the app's log and the sample corpus."""
    from civicreader import paths
    from civicreader.config import config_path
    from civicreader.problem_log import log_path

    library = open_library(corpus, index_dir)
    found = {
        "corpus": str(library.corpus.expanduser().resolve()),
        "index": str(Path(library.index_dir).expanduser().resolve()),
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


# ---------------------------------------------------------------- index, search, show


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


def update_index(library, *, announce: str | None = None, busy_is_fine: bool = False, rebuild: bool = False):
    """Run Library.update with a progress bar on a terminal, plain lines otherwise; exit cleanly on failure.

    With `busy_is_fine`, an index another process is updating, or one the disk will not let us update, is
    used as it stands (read-only, with a note).
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
    for problem in report.problems:
        echo_problem(f"skipped {problem}")
    return report


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


@main.command()
@corpus_option
@index_option
@click.option("--check", is_flag=True, help="Check every file of the index against its seal; change nothing.")
@click.option("--rebuild", is_flag=True, help="Build the index afresh from the corpus.")
@click.option("--engine", type=click.Choice(["whoosh", "tantivy"]),
              help="The search engine (an index of the other is rebuilt); default: the index's, else the settings'.")
def index(corpus: Path | None, index_dir: Path | None, check: bool, rebuild: bool, engine: str | None) -> None:
    """Build the index of the corpus, or update it: only added, changed and removed files are read."""
    library = open_library(corpus, index_dir, engine)
    if rebuild and engine is None:
        from civicreader.config import load_config

        library.fresh_engine = load_config().engine
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
    and comments:>=10.
    """
    from civicreader.index import QueryError

    library = ready_library(corpus, index_dir)
    text = " ".join(query)
    try:
        results = repaired(library, lambda library: library.search(text, sort=sort, limit=limit))
    except QueryError as error:
        echo_problem(f"bad query: {error}")
        sys.exit(2)
    if as_json:
        dump_json(results.to_dict())
    else:
        print_results(results)


def print_results(results) -> None:
    from rich.console import Console
    from rich.text import Text

    from civicreader.textsafe import one_line

    console = Console(highlight=False)
    matches = "1 post matches" if results.total == 1 else f"{results.total} posts match"
    console.print(Text(f"{matches} {one_line(results.query)!r}", style="bold"))
    if results.suggestion:
        console.print(Text(f"did you mean: {one_line(results.suggestion)}", style="yellow"))
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
    lines = _ShownLines(console)
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


class _ShownLines:
    """Lines wrapped here and printed a few hundred at a time, styled only on a terminal.

    A thread can have a hundred thousand comments: laid out by Rich one by one, `show` took a minute.
    """

    def __init__(self, console) -> None:
        self.console = console
        self.lines: list = []

    def add(self, text: str, indent: int = 0, style: str = "") -> None:
        """`text` wrapped to the width at `indent` columns; its line breaks kept."""
        import textwrap

        from rich.text import Text

        pad = " " * indent
        room = max(self.console.width - indent, 20)
        for line in text.split("\n"):
            for piece in textwrap.wrap(line, room) or [""]:
                self.append(Text(pad + piece, style=style))

    def append(self, line) -> None:
        self.lines.append(line)
        if len(self.lines) >= 500:
            self.flush()

    def flush(self) -> None:
        if self.console.is_terminal:
            self.console.print(*self.lines, sep="\n", soft_wrap=True)
        else:
            self.console.file.write("".join(f"{line.plain}\n" for line in self.lines))
        self.lines.clear()


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


# ---------------------------------------------------------------- people


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


def one_line_text(text: str) -> str:
    from civicreader.textsafe import one_line

    return one_line(text)


def write_csv(header: list[str], rows) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([one_line_text(value) if isinstance(value, str) else value for value in row])


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


# ---------------------------------------------------------------- export


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
    from civicreader.config import load_config
    from civicreader.export import ExportError, export_post

    library = ready_library(corpus, index_dir)
    out_dir = out_dir or load_config(warn=echo_problem).export_dir or Path.cwd()
    if query is not None:
        export_search(library, query, out_dir, force, as_json)
        return
    post = repaired(library, lambda library: library.get(post_id.strip()))
    if post is None:
        echo_problem(f"no post with id {post_id!r} in {library.corpus}")
        sys.exit(1)
    try:
        path = export_post(post, out_dir, force=force)
    except ExportError as error:
        echo_problem(str(error))
        sys.exit(1)
    if as_json:
        dump_json({"id": post.id, "path": str(path)})
    else:
        click.echo(str(path))


def export_search(library, query: str, out_dir: Path, force: bool, as_json: bool) -> None:
    """Export every hit of `query`; same-named posts get their id in the name; failures are named, then exit 1."""
    from civicreader.export import ExportError, export_filename, export_post
    from civicreader.index import QueryError

    try:
        ids = repaired(library, lambda library: search_ids(library, query))
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
                path = export_post(post, out_dir, force=force, name=name)
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


def search_ids(library, query: str, page: int = 500) -> list[str]:
    """The ids of every post the query matches, in the search's order."""
    ids: list[str] = []
    while True:
        results = library.search(query, limit=page, offset=len(ids))
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


# ---------------------------------------------------------------- timeline and concordance


def one_format(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")


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
    else:
        print_concordance(lines, width)


def stream_json_array(items) -> int:
    """A JSON array written an item at a time, so a long one is never held whole; returns how many."""
    count = 0
    sys.stdout.write("[")
    for item in items:
        sys.stdout.write(",\n  " if count else "\n  ")
        sys.stdout.write(json.dumps(item, ensure_ascii=True))
        count += 1
    sys.stdout.write("\n]\n" if count else "]\n")
    return count


def print_concordance(lines, width: int) -> None:
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
