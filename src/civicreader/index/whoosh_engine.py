"""The Whoosh engine's reading side: a searcher over the committed index, as the engine seam asks for it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from civicreader.index.catalogue import _Catalogue
from civicreader.index.ranking import _TermScores
from civicreader.index.schema import _decode_post
from civicreader.model import Post


class WhooshEngine:
    """A Whoosh searcher (BM25F weighting) and the postings scorer read through it."""

    def __init__(self, index):
        from whoosh.scoring import BM25F

        self._searcher = index.searcher(weighting=BM25F())
        self._term_scores: _TermScores | None = None

    @classmethod
    def open(cls, folder: Path) -> WhooshEngine:
        from whoosh import index

        return cls(index.open_dir(str(folder)))

    def is_current(self) -> bool:
        # Not Searcher.refresh() when it is not: it reuses a segment's reader and misses deletions made since.
        return self._searcher.up_to_date()

    def generation(self) -> int:
        return self._searcher.reader().generation()

    def document_number(self, post_id: str) -> int | None:
        return self._searcher.document_number(id=post_id)

    def post(self, docnum: int) -> Post:
        return _decode_post(self._searcher.stored_fields(docnum)["post"])

    def term_scores(self) -> _TermScores:
        if self._term_scores is None:
            self._term_scores = _TermScores(self._searcher)
        return self._term_scores

    def catalogue(self) -> _Catalogue:
        return _Catalogue.load(self._searcher.reader())

    def column_values(self, name: str, docnums: Iterable[int]) -> dict[int, bytes]:
        """One column's value for each of `docnums` (index-wide numbers), a segment at a time."""
        wanted = sorted(docnums)
        found: dict[int, bytes] = {}
        for segment, base in self._searcher.reader().leaf_readers():
            end = base + segment.doc_count_all()
            local = [docnum for docnum in wanted if base <= docnum < end]
            if local and segment.has_column(name):
                column = segment.column_reader(name)
                for docnum in local:
                    found[docnum] = column[docnum - base]
        return found

    def doc_frequency(self, field: str, term: str) -> int:
        return self._searcher.doc_frequency(field, term)

    def frequency(self, field: str, term: str) -> float:
        return self._searcher.frequency(field, term)

    def field_length(self, field: str) -> float:
        return self._searcher.field_length(field)

    def close(self) -> None:
        self._searcher.close()
