"""The search index: one Whoosh index per corpus, updated incrementally, read by the UI and the CLI.

Only this package imports whoosh, always lazily (inside functions), so opening the app's first screen does
not load it. Its modules, each one thing:

* `library`: `Library`, what the app and the CLI use: update, search, get, the archive tree.
* `store`: the index folder on disk: paths, FORMAT, manifest, page cache, write lock, atomic writes.
* `update`: one update run: diff the corpus, read what changed, merge, write.
* `parallel`: reading files in a process pool, and a second writer process for half a first build.
* `schema`: analysers, the Whoosh schema, and how a post becomes a stored document.
* `query`: the query language and its compiler to query nodes (stemmed, expanded, dates read).
* `query_parser`: reading a query's text into query nodes, as Whoosh's parser read it.
* `query_nodes`: the query nodes both engines evaluate, and their normal form.
* `words`: the word list behind `word~`, `word*` and did-you-mean.
* `ranking`: BM25F scores from the postings, combined over a query; the top k.
* `snippets`: the text shown under a hit, with the matched words marked.
* `occurrences`: where a query's words stand: in a text, and in which comment (the comment calendar); a
  query's matches across the archive (`Matches`).
* `catalogue`: every post's summary row, behind facets and the archive tree; the saved outline.
* `results`: what the index hands out (summaries, hits, results) and its errors.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search

_HOMES = {
    "FRESHNESS_CHECK_SECONDS": "library",
    "Library": "library",
    **dict.fromkeys(("CommentMatch", "Matches", "Pattern", "find_patterns"), "occurrences"),
    "_SegmentWorkerFailed": "parallel",
    "MAX_EXPANDED_TERMS": "query",
    "MAX_PHRASE_WORDS": "query",
    "MAX_QUERY_TERMS": "query",
    "_QueryCompiler": "query",
    **dict.fromkeys(
        ("EngineUnavailable", "Hit", "IndexBusy", "IndexDamaged", "IndexWriteFailed", "PostSummary", "QueryError",
         "SearchCancelled", "SearchResults", "UpdateCancelled"),
        "results",
    ),
    "MAX_WORD_CHARS": "schema",
    "body_text": "schema",
    "comment_parts": "schema",
    "stems": "schema",
    "find_stems": "snippets",
    "FORMAT_VERSION": "store",
    "UpdateReport": "update",
}
"""Each public name and the module it comes from. Imported when first asked for (PEP 562), not with the package:
a search imports only what it reads (the first search of a new process at 20,000 posts spent more time importing
this package's update machinery, the readers of every format and SQLite than searching)."""


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


if TYPE_CHECKING:
    from civicreader.index.library import FRESHNESS_CHECK_SECONDS, Library
    from civicreader.index.occurrences import CommentMatch, Matches, Pattern, find_patterns
    from civicreader.index.parallel import _SegmentWorkerFailed
    from civicreader.index.query import MAX_EXPANDED_TERMS, MAX_PHRASE_WORDS, MAX_QUERY_TERMS, _QueryCompiler
    from civicreader.index.results import (
        EngineUnavailable,
        Hit,
        IndexBusy,
        IndexDamaged,
        IndexWriteFailed,
        PostSummary,
        QueryError,
        SearchCancelled,
        SearchResults,
        UpdateCancelled,
    )
    from civicreader.index.schema import MAX_WORD_CHARS, body_text, comment_parts, stems
    from civicreader.index.snippets import find_stems
    from civicreader.index.store import FORMAT_VERSION
    from civicreader.index.update import UpdateReport

__all__ = [
    "FORMAT_VERSION",
    "FRESHNESS_CHECK_SECONDS",
    "MAX_EXPANDED_TERMS",
    "MAX_PHRASE_WORDS",
    "MAX_QUERY_TERMS",
    "MAX_WORD_CHARS",
    "CommentMatch",
    "EngineUnavailable",
    "Hit",
    "IndexBusy",
    "IndexDamaged",
    "IndexWriteFailed",
    "Library",
    "Matches",
    "Pattern",
    "PostSummary",
    "QueryError",
    "SearchCancelled",
    "SearchResults",
    "UpdateCancelled",
    "UpdateReport",
    "_QueryCompiler",
    "_SegmentWorkerFailed",
    "body_text",
    "comment_parts",
    "find_patterns",
    "find_stems",
    "stems",
]
