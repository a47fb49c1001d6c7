"""`notes` and `note`: the reader's notes on passages, listed with their citations, written from a script, and
put back from exports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from civicreader.cli.group import corpus_option, index_option, main
from civicreader.cli.library import open_library, ready_library, repaired
from civicreader.cli.output import dump_json, echo_problem


def open_reader_memory(corpus: Path):
    """The corpus's memory file (read marks, bookmarks, notes); a one-line problem and exit 1 if it cannot open."""
    from civicreader.memory import MemoryStoreError, open_memory
    from civicreader.paths import memory_path_for

    try:
        memory = open_memory(memory_path_for(corpus))
    except (MemoryStoreError, OSError) as error:
        echo_problem(str(error))
        sys.exit(1)
    if memory.moved_aside:
        echo_problem(memory.moved_aside)
    return memory


@main.command("notes")
@corpus_option
@index_option
@click.option("--json", "as_json", is_flag=True,
              help='Print an array of {"post_id", "title", "blog", "date", "paragraph", "comment", "text", '
                   '"passage", "created", "orphaned"}.')
@click.option("--md", "as_markdown", is_flag=True, help="Print them as Markdown: citation, quoted passage, note.")
@click.option("--restore", "restore_from", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Put back the notes that exported Markdown files (or the exports in a folder) carry.")
def notes_command(corpus: Path | None, index_dir: Path | None, as_json: bool, as_markdown: bool,
                  restore_from: tuple[Path, ...]) -> None:
    """List every note with its citation (post, blog, date, paragraph or comment); orphaned notes, whose post
    left the corpus, are listed too."""
    from civicreader.notes import listed_notes, notes_markdown

    if as_json and as_markdown:
        raise click.UsageError("give --json or --md, not both")
    if restore_from:
        restore(open_library(corpus, index_dir).corpus, restore_from)
        return
    library = ready_library(corpus, index_dir)
    memory = open_reader_memory(library.corpus)
    try:
        listed = repaired(library, lambda library: listed_notes(memory, library))
    finally:
        memory.close()
    if as_json:
        dump_json([item.to_dict() for item in listed])
    elif as_markdown:
        click.echo(notes_markdown(listed), nl=False)
    else:
        print_notes(listed)


def print_notes(listed) -> None:
    from civicreader.textsafe import one_line, strip_controls

    if not listed:
        click.echo("No notes yet: `civicreader note ID --paragraph N TEXT`, or press a on a passage in the app.")
        return
    for number, item in enumerate(listed):
        if number:
            click.echo()
        click.echo(item.citation())
        click.echo(f"  post {item.note.post_id}")
        if item.note.passage:
            click.echo(f"  > {_shortened(one_line(item.note.passage), 100)}")
        for line in strip_controls(item.note.text).strip().split("\n"):
            click.echo(f"  {line}")


def _shortened(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def restore(corpus: Path, paths: tuple[Path, ...]) -> None:
    """Read each export's notes into the corpus's memory, under the post id the export names."""
    from civicreader.ingest import Source
    from civicreader.ingest.markdown.export_format import exported_notes, read_own_export
    from civicreader.notes import restore_exported
    from civicreader.textsafe import visible

    named = [path for path in paths if not path.is_dir()]
    files = [*named, *(found for path in paths if path.is_dir() for found in sorted(path.rglob("*.md")))]
    memory = open_reader_memory(corpus)
    restored = differing = 0
    try:
        for path in files:
            try:
                source = Source(path, path.read_bytes(), corpus.name)
            except OSError as error:
                echo_problem(f"{visible(str(path))}: {error.strerror or error}")
                continue
            post = read_own_export(source)
            if post is None:
                if path in named:  # in a folder, other Markdown files are simply not exports
                    echo_problem(f"{visible(str(path))}: not a civicreader export")
                continue
            added, kept = restore_exported(memory, post, exported_notes(source))
            restored += added
            differing += kept
    finally:
        memory.close()
    said = f"{restored} note{'' if restored == 1 else 's'} restored from {len(files)} file" + (
        "" if len(files) == 1 else "s"
    )
    if differing:
        said += f"; {differing} left out where you have since written a different note on that passage"
    click.echo(said)


@main.command("note")
@click.argument("post_id")
@click.argument("text")
@corpus_option
@index_option
@click.option("--paragraph", type=int, default=None, help="On paragraph N of the post's text (from 1).")
@click.option("--comment", type=int, default=None, help="On comment N, numbered as `show` numbers them.")
def note_command(post_id: str, text: str, corpus: Path | None, index_dir: Path | None, paragraph: int | None,
                 comment: int | None) -> None:
    """Write TEXT as the note on a paragraph or comment of a post (replacing one there; "" removes it; "-" reads
    the text from standard input)."""
    from civicreader.memory import MemoryStoreError
    from civicreader.notes import NoteError, write_note

    if (paragraph is None) == (comment is None):
        raise click.UsageError("give --paragraph N or --comment N (one of them)")
    if text == "-":
        text = sys.stdin.read()
    library = ready_library(corpus, index_dir)
    post = repaired(library, lambda library: library.get(post_id.strip()))
    if post is None:
        echo_problem(f"no post with id {post_id!r} in {library.corpus}")
        sys.exit(1)
    memory = open_reader_memory(library.corpus)
    try:
        write_note(memory, post, text, paragraph=paragraph, comment=comment)
    except (NoteError, MemoryStoreError) as error:
        echo_problem(str(error))
        sys.exit(1)
    finally:
        memory.close()
    where = f"paragraph {paragraph}" if paragraph is not None else f"comment {comment}"
    click.echo(f"{'note on' if text.strip() else 'note removed from'} {where} of {post.id}")

