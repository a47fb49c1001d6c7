"""The engine seam: what the Library reads from a search engine's committed index, and which engine an index uses.

The Library does the rest itself, the same for every engine: compiling queries, combining term scores,
totals, facets and the archive tree (from the catalogue), snippets and did-you-mean (from the word list).
An engine answers only what lives in its own files: which document holds a post, the stored post, each
term's scores and positions, per-document columns, and counts for did-you-mean and collocations.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence

from civicreader.index.catalogue import _Catalogue
from civicreader.index.results import IndexDamaged
from civicreader.model import Post

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from typing import Protocol

    from civicreader.index.store import IndexFolder
    from civicreader.index.tantivy_search import Found
else:
    Protocol = object  # the seam is for type checkers and readers: at run time nothing checks an engine against it

ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"


class TermScores(Protocol):
    """Each term's scores and positions, as the evaluator, snippets and the comment calendar read them."""

    def scores(self, field: str, text: str, boost: float = 1.0) -> dict[int, float]: ...

    def holding(self, field: str, text: str, docnums: Iterable[int]) -> set[int]:
        """Those of `docnums` whose `field` holds the term."""
        ...

    def positions(self, field: str, terms: Sequence[str], docnums: Iterable[int]) -> Iterator[tuple[int, list]]: ...

    def phrase_matches(self, field: str, words: Sequence[str], slop: int, candidates: Iterable[int],
                       cancel: threading.Event | None = None) -> Iterable[int]: ...

    def by_engine(self, node) -> dict[int, float]:
        """Scores of a query kind the evaluator does not combine itself (a prefix in a plain field)."""
        ...


class Engine(Protocol):
    """One open, committed index of one engine; documents are numbered by the engine, stable while it is open."""

    def is_current(self) -> bool:
        """False once another process has committed a newer index (the Library then opens it afresh)."""
        ...

    def generation(self) -> int: ...

    def document_number(self, post_id: str) -> int | None: ...

    def post(self, docnum: int) -> Post: ...

    def term_scores(self) -> TermScores: ...

    def catalogue(self) -> _Catalogue:
        """Every live document's summary row, read from the index (when no saved catalogue fits)."""
        ...

    def column_values(self, name: str, docnums: Iterable[int]) -> dict[int, bytes]: ...

    def find(self, query, date_filter, filters: Mapping[str, str] | None, only_ids: Collection[str] | None,
             without_ids: Collection[str], window: int, sort: str,
             cancel: threading.Event | None = None) -> Found | None:
        """A whole search (total, the first `window` ranked, facets) evaluated by the engine itself; None when it
        leaves that to the Library, which combines term scores (ranking.py)."""
        ...

    def doc_frequency(self, field: str, term: str) -> int: ...

    def frequency(self, field: str, term: str) -> float: ...

    def field_length(self, field: str) -> float: ...

    def close(self) -> None: ...


def open_engine(folder: IndexFolder) -> Engine:
    """The committed index in `folder` (whose seal the caller has checked), opened for reading."""
    engine, generation = folder._engine_record()
    if engine == "tantivy":
        from civicreader.index.tantivy_engine import TantivyEngine, generation_folder

        if generation is None:
            raise IndexDamaged(f"the index in {folder.index_dir} is damaged (its ENGINE file cannot be read)")
        return TantivyEngine(generation_folder(folder._tantivy_dir, generation), generation,
                             folder._committed_generation)
    from civicreader.index.whoosh_engine import WhooshEngine

    return WhooshEngine.open(folder._whoosh_dir)
