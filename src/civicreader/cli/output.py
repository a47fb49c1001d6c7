"""What every command prints with: one-line problems on stderr, JSON however deep or long, CSV cells."""

from __future__ import annotations

import json
import sys

import click


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


def one_line_text(text: str) -> str:
    from civicreader.textsafe import one_line

    return one_line(text)


def write_csv(header: list[str], rows) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([one_line_text(value) if isinstance(value, str) else value for value in row])


def one_format(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
