"""The search index: one Whoosh index per corpus, updated incrementally, read by the UI and the CLI.

Only this package imports whoosh, always lazily (inside functions), so opening the app's first screen does
not load it. Its modules, each one thing:

* `library`: `Library`, what the app and the CLI use: update, search, get, the archive tree.
* `store`: the index folder on disk: paths, FORMAT, manifest, page cache, write lock, atomic writes.
* `update`: one update run: diff the corpus, read what changed, merge, write.
* `parallel`: reading files in a process pool, and a second writer process for half a first build.
* `schema`: analysers, the Whoosh schema, and how a post becomes a stored document.
* `query`: the query language and its compiler to Whoosh queries.
* `words`: the word list behind `word~`, `word*` and did-you-mean.
* `ranking`: BM25F scores from the postings, combined over a query; the top k.
* `snippets`: the text shown under a hit, with the matched words marked.
* `catalogue`: every post's summary row, behind facets and the archive tree; the saved outline.
* `results`: what the index hands out (summaries, hits, results, reports) and its errors.
"""

from civicreader.index.catalogue import _Catalogue
from civicreader.index.library import FRESHNESS_CHECK_SECONDS, Library
from civicreader.index.parallel import _SegmentWorkerFailed
from civicreader.index.query import _QueryCompiler
from civicreader.index.results import (
    Hit,
    IndexBusy,
    PostSummary,
    QueryError,
    SearchResults,
    UpdateCancelled,
    UpdateReport,
)
from civicreader.index.schema import body_text, comment_parts, stems
from civicreader.index.snippets import find_stems
from civicreader.index.store import FORMAT_VERSION, _PackedPages, _PageCache

# _Catalogue, _PackedPages and _PageCache are named here because indexes written before this was a package
# pickled them as civicreader.index.<name>: they still load.
__all__ = [
    "FORMAT_VERSION",
    "FRESHNESS_CHECK_SECONDS",
    "Hit",
    "IndexBusy",
    "Library",
    "PostSummary",
    "QueryError",
    "SearchResults",
    "UpdateCancelled",
    "UpdateReport",
    "_Catalogue",
    "_PackedPages",
    "_PageCache",
    "_QueryCompiler",
    "_SegmentWorkerFailed",
    "body_text",
    "comment_parts",
    "find_stems",
    "stems",
]
