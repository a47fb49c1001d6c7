"""The Whoosh engine: a searcher over the committed index (reading), and one update's sealed commit (writing)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path

from civicreader.index.catalogue import FEW_WRITTEN, _Catalogue
from civicreader.index.integrity import SealKeeper, file_digest
from civicreader.index.ranking import _TermScores
from civicreader.index.results import UpdateCancelled
from civicreader.index.schema import _decode_post, _document, _schema
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

    def find(self, query, date_filter, filters, only_ids, without_ids, window, sort, cancel=None) -> None:
        """Whoosh's matchers cost microseconds a posting: the Library's evaluation over term scores is faster."""
        return None

    def frequency(self, field: str, term: str) -> float:
        return self._searcher.frequency(field, term)

    def field_length(self, field: str) -> float:
        return self._searcher.field_length(field)

    def close(self) -> None:
        self._searcher.close()


class WhooshWriter:
    """The Whoosh engine's writing side for one update, under the caller's write lock: what the index holds,
    and one sealed commit of the posts to write and delete."""

    def __init__(self, folder: Path, index, keeper: SealKeeper):
        self._folder = folder
        self._index = index
        self._keeper = keeper
        self._segments_before: list[tuple[str, int]] | None = None
        """The segments (id, documents) this writer started from, once it has written."""

    @classmethod
    def create(cls, folder: Path, keeper: SealKeeper) -> WhooshWriter:
        from whoosh import index

        folder.mkdir(mode=0o700)
        return cls(folder, index.create_in(str(folder), _schema()), keeper)

    @classmethod
    def open(cls, folder: Path, keeper: SealKeeper) -> WhooshWriter:
        from whoosh import index

        return cls(folder, index.open_dir(str(folder)), keeper)

    def generation(self) -> int:
        return self._index.latest_generation()

    def catalogue(self, known: dict[int, list[str]] | None = None, leaving: Collection[str] = frozenset(),
                  written: Sequence[str] = ()) -> tuple[_Catalogue, int]:
        """The catalogue of the index as committed, and the generation it describes; given the catalogue's `known`
        rows before this writer's commit, made from them (and the posts `leaving` and `written`) when few were
        written: reading every post's meta took 0.15 s at 20,000 posts."""
        with self._index.reader() as reader:
            if known is not None and self._segments_before is not None and len(written) <= FEW_WRITTEN:
                carried = self._carried(reader, known, leaving, written)
                if carried is not None:
                    return carried, reader.generation()
            return _Catalogue.load(reader), reader.generation()

    def _carried(self, reader, known: dict[int, list[str]], leaving: Collection[str],
                 written: Sequence[str]) -> _Catalogue | None:
        """The rows of `known` moved to where their segments now begin, less `leaving`, and the meta of the posts
        `written` from their new documents; None when that does not account for every live post (merged)."""
        from civicreader.index.schema import UNIT

        bases, base = {}, 0
        for segment_id, count in self._segments_before:  # type: ignore[union-attr]
            bases[segment_id] = (base, base + count)
            base += count
        now = {segment.segment().segment_id(): start for segment, start in reader.leaf_readers()}
        moved = [(start, end, now[segment_id]) for segment_id, (start, end) in bases.items() if segment_id in now]
        rows: dict[int, list[str]] = {}
        for docnum, row in known.items():
            for start, end, new_start in moved:
                if start <= docnum < end:
                    if row[0] not in leaving:
                        rows[docnum - start + new_start] = row
                    break
        with self._index.searcher() as searcher:
            wanted = {searcher.document_number(id=post_id) for post_id in written}
        if None in wanted or not wanted.isdisjoint(rows):
            return None
        for segment, start in reader.leaf_readers():
            local = [docnum - start for docnum in wanted if start <= docnum < start + segment.doc_count_all()]
            if local:
                column = segment.column_reader("meta")
                for number in local:
                    rows[start + number] = column[number].decode("utf-8", "surrogatepass").split(UNIT)
        if len(rows) != reader.doc_count():
            return None
        return _Catalogue.from_rows(dict(sorted(rows.items())))

    def stored_posts(self, post_ids: Iterable[str]) -> Iterator[Post]:
        """The posts the index holds under these ids; an id it does not hold is passed over."""
        with self._index.searcher() as searcher:
            for post_id in post_ids:
                docnum = searcher.document_number(id=post_id)
                if docnum is not None:
                    yield _decode_post(searcher.stored_fields(docnum)["post"])

    def write(self, to_write: list[Post], to_delete: list[str], digests: dict[str, str], *, fresh: bool,
              progress: Callable[[int, int, str], None], cancel: threading.Event) -> None:
        """Delete and (re)write these posts and commit, sealed; cancelled or failed, the index is as it was."""
        # Imported here: it imports pickle and the readers, which a search needs not.
        from civicreader.index import parallel

        self._segments_before = [(segment.segment_id(), segment.doc_count_all()) for segment in self._index._segments()]
        if parallel.two_writers_pay(fresh, len(to_write)):
            try:
                parallel.write_new_posts_in_two(self._index, self._folder, to_write, digests, progress, cancel,
                                                self._commit_toc)
                return
            except parallel._SegmentWorkerFailed:
                pass  # the index is as it was: write them all here
        # Not compound: Whoosh opens a compound segment by copying each part out of its memory map, so a
        # searcher over 20,000 posts held 413 MB and took 0.3 s to open; as separate files, 60 MB and 0.13 s.
        # Without Whoosh's own lock: our write lock keeps writers apart, and a writer that fails as it starts
        # (a full disk) would hold Whoosh's until it is garbage-collected.
        writer = self._index.writer(limitmb=256, compound=False, _lk=False)
        try:
            total = len(to_write)
            progress(0, total, "indexing posts")
            for post_id in to_delete:
                writer.delete_by_term("id", post_id)
            for number, post in enumerate(to_write, 1):
                if number % 200 == 0:
                    if cancel.is_set():
                        raise UpdateCancelled("indexing was cancelled; the index is as it was")
                    progress(number, total, "indexing posts")
                document = _document(post, digests[post.id])
                if fresh:
                    writer.add_document(**document)
                else:
                    writer.update_document(**document)
            progress(total, total, "indexing posts")
            segments = writer._merge_segments(None, None, None)
            if writer._added:
                segments.append(writer._finalize_segment())
            else:
                writer._close_segment()
        except BaseException:
            abandon(writer)
            raise
        self._commit_toc(writer, segments)

    def word_counts(self) -> None:
        """Whoosh keeps no field to count the word list from: the update counts it from the posts."""
        return None

    def publish(self) -> None:
        """Nothing more: the renamed table of contents already named the new generation."""

    def _commit_toc(self, writer, segments) -> None:
        """Whoosh's commit, with the new segments and table of contents sealed before the table takes its place
        (what `writer.commit()` does, less the sealing)."""
        from whoosh.index import TOC, clean_files

        try:
            TOC(writer.schema, segments, writer.generation).write(_SealingStorage(writer.storage, self._keeper),
                                                                  writer.indexname)
            clean_files(writer.storage, writer.indexname, writer.generation, segments)
        finally:
            writer._finish()

    def close(self) -> None:
        self._index.storage.close()


def abandon(writer) -> None:
    """Cancel a Whoosh writer and release its lock, even when cancelling fails too (its files are on a full
    disk: closing them flushes); what it wrote is removed as a killed writer's would be."""
    try:
        writer.cancel()
    except Exception:
        with contextlib.suppress(Exception):
            writer._tempstorage.destroy()
        with contextlib.suppress(Exception):
            writer.writelock.release()


class _SealingStorage:
    """Whoosh's storage, but a table of contents is sealed, with the segments it lists, before its rename."""

    def __init__(self, storage, keeper: SealKeeper):
        self._storage = storage
        self._keeper = keeper

    def __getattr__(self, name):
        return getattr(self._storage, name)

    def rename_file(self, old: str, new: str, safe: bool = False) -> None:
        self._keeper.adopt({f"whoosh/{new}": file_digest(Path(self._storage.folder) / old)})
        self._storage.rename_file(old, new, safe=safe)
