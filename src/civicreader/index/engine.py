"""The engine seam: what the Library reads from a search engine's committed index, and which engine an index uses.

The Library does the rest itself, the same for every engine: compiling queries, combining term scores,
totals, facets and the archive tree (from the catalogue), snippets and did-you-mean (from the word list).
An engine answers only what lives in its own files: which document holds a post, the stored post, each
term's scores and positions, per-document columns, and counts for did-you-mean and collocations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from civicreader.index.catalogue import _Catalogue
from civicreader.model import Post

ENGINES = ("whoosh",)
DEFAULT_ENGINE = "whoosh"


class TermScores(Protocol):
    """Each term's scores and positions, as the evaluator, snippets and the comment calendar read them."""

    def scores(self, field: str, text: str, boost: float = 1.0) -> dict[int, float]: ...

    def holds(self, field: str, text: str, docnum: int) -> bool: ...

    def positions(self, field: str, terms: Sequence[str], docnums: Iterable[int]) -> Iterator[tuple[int, list]]: ...


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

    def doc_frequency(self, field: str, term: str) -> int: ...

    def frequency(self, field: str, term: str) -> float: ...

    def field_length(self, field: str) -> float: ...

    def close(self) -> None: ...


def open_engine(folder: Path) -> Engine:
    """The committed index in `folder` (whose seal the caller has checked), opened for reading."""
    from civicreader.index.whoosh_engine import WhooshEngine

    return WhooshEngine.open(folder)
