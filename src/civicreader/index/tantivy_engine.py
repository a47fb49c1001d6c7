"""The tantivy engine: a compiled index for big archives, behind the same seam as Whoosh.

Tantivy indexes words as written (lower-cased, stop words dropped); our stems (Whoosh's Porter stemmer)
are found by expanding a stem to the indexed words that stem to it, so a query matches exactly the posts
Whoosh would. Scores are tantivy's BM25, summed over those words; phrases are tantivy's, whose positions
count the stop words between words (README: "Engines").

Each commit is a new folder `tantivy/<generation>`: the last one's files hard-linked (tantivy never changes
a file once written), then changed in `tantivy/.next.tmp`, sealed, and renamed into place; the sealed
`ENGINE` file then names it. A writer killed at any point leaves the folder `ENGINE` names as it was.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from civicreader.index.catalogue import FEW_WRITTEN, _Catalogue
from civicreader.index.integrity import SealKeeper, file_digest
from civicreader.index.results import EngineUnavailable, QueryError, UpdateCancelled
from civicreader.index.schema import (
    PLAIN_FIELDS,
    RECORD,
    TEXT_FIELDS,
    UNIT,
    _decode_post,
    _document,
    _stop_words,
    analysed,
    body_text,
    comment_parts,
    comment_words,
    field_words,
    is_listed_word,
    stems,
    value_tokens,
)
from civicreader.index.tantivy_search import DAYS_PER_COUNT, FACET_FIELDS, THREAD_ORDER, Found, NativeSearch, NotNative
from civicreader.model import Post

INSTALL_HINT = "the tantivy engine needs its extra: pip install 'civicreader[tantivy]'"
WORKING = ".next.tmp"
SEGMENT_BITS = 32
DOC_MASK = (1 << SEGMENT_BITS) - 1
"""A document's number here: its segment's ordinal above these bits, its number in the segment below."""
HEAP_BYTES = 256_000_000
CACHED_SCORES = 1_000_000
"""Term score entries kept between queries (search as you type repeats its terms); about 100 bytes each as
dicts, so a 200,000-post archive's common words do not keep the serving process growing past 500 MB."""
VOCABULARY = "vocabulary"
"""Every word of a post's title, body and comments (`post_vocabulary`), indexed without positions: tantivy counts
the word list of a new index from it (counting it in Python was a third of a 20,000-post build)."""
RECENT_DOCUMENTS = 64
"""Stored documents kept after a read: a hit's summary, its post and its id are each read from the same one."""


def _tantivy():
    try:
        import tantivy
    except ImportError:
        raise EngineUnavailable(INSTALL_HINT) from None
    return tantivy


@lru_cache(maxsize=1)
def _schema():
    tantivy = _tantivy()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for field in TEXT_FIELDS:
        builder.add_text_field(field, tokenizer_name="words")
    builder.add_text_field(VOCABULARY, tokenizer_name="spaced", index_option="basic")
    for field in PLAIN_FIELDS:
        builder.add_text_field(field, tokenizer_name="plain")
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_integer_field("comments", indexed=True, fast=True)
    builder.add_integer_field(THREAD_ORDER, fast=True)
    for field in FACET_FIELDS.values():
        builder.add_text_field(field, fast=True, tokenizer_name="raw")
    builder.add_bytes_field("meta", stored=True)
    builder.add_bytes_field("comment_calendar", stored=True)
    builder.add_bytes_field("post", stored=True)
    return builder.build()


def _open_index(folder: Path):
    tantivy = _tantivy()
    index = tantivy.Index(_schema(), path=str(folder), reuse=True)
    # The text fields come as `field_words` (words found in Python, lower-cased, a space apart) and the plain
    # fields pre-tokenised, so no analyser here finds words (a regex one took 2.5 ms to build at each open).
    words = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
    words = words.filter(tantivy.Filter.custom_stopword(sorted(_stop_words())))
    index.register_tokenizer("words", words.build())
    for name in ("spaced", "plain"):
        index.register_tokenizer(name, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    return index


def _docnum(address) -> int:
    return (address.segment_ord << SEGMENT_BITS) | address.doc


def _address(docnum: int):
    return _tantivy().DocAddress(docnum >> SEGMENT_BITS, docnum & ((1 << SEGMENT_BITS) - 1))


def _segment_ids(folder: Path) -> list[str]:
    """The folder's segments in the order its searcher numbers them (its meta.json's)."""
    meta = json.loads((folder / "meta.json").read_bytes())
    return [segment["segment_id"] for segment in meta["segments"]]


def generation_folder(engine_dir: Path, generation: int) -> Path:
    return engine_dir / str(generation)


class _Reading:
    """What reading and writing share: a searcher over one committed folder."""

    def __init__(self, folder: Path, generation: int):
        self._folder = folder
        self._generation = generation
        self._index = _open_index(folder)
        self._searcher = self._index.searcher()
        self._recent: dict[int, object] = {}

    def generation(self) -> int:
        return self._generation

    def document_number(self, post_id: str) -> int | None:
        tantivy = _tantivy()
        hits = self._searcher.search(tantivy.Query.term_query(_schema(), "id", post_id), limit=1).hits
        return _docnum(hits[0][1]) if hits else None

    def _stored(self, docnum: int, field: str) -> bytes:
        document = self._recent.pop(docnum, None)
        if document is None:
            document = self._searcher.doc(_address(docnum))
            if len(self._recent) >= RECENT_DOCUMENTS:
                del self._recent[next(iter(self._recent))]
        self._recent[docnum] = document  # the least recently read first
        return document.get_first(field)

    def post(self, docnum: int) -> Post:
        return _decode_post(self._stored(docnum, "post"))

    def stored_posts(self, post_ids: Iterable[str]) -> Iterator[Post]:
        for post_id in post_ids:
            docnum = self.document_number(post_id)
            if docnum is not None:
                yield self.post(docnum)

    def _every_document(self) -> list[tuple[int, object]]:
        """(docnum, address) of every live document, in docnum order."""
        tantivy = _tantivy()
        count = self._searcher.num_docs
        if not count:
            return []
        hits = self._searcher.search(tantivy.Query.all_query(), limit=count).hits
        return sorted((_docnum(address), address) for _, address in hits)

    def catalogue(self) -> _Catalogue:
        rows = {}
        doc = self._searcher.doc
        for docnum, address in self._every_document():  # the addresses as found: making them anew took 0.5 s
            rows[docnum] = doc(address).get_first("meta").decode("utf-8", "surrogatepass").split(UNIT)
        return _Catalogue.from_rows(rows)

    def catalogue_after(self, known: dict[int, list[str]], segments_before: list[str], leaving: set[str],
                        written: Iterable[str]) -> _Catalogue:
        """The catalogue after a few posts were written: the rows of `known` (the catalogue of the segments
        before) carried over to the segments they still sit in, less the posts `leaving`, and the meta of each
        post `written`, from its new document. Reading every document's meta took 0.25 s at 20,000 posts."""
        segments = _segment_ids(self._folder)
        if len(segments) != self._searcher.num_segments:
            return self.catalogue()
        now_at = {segment: number for number, segment in enumerate(segments)}
        moved = {before: now_at[segment] for before, segment in enumerate(segments_before) if segment in now_at}
        rows: dict[int, list[str]] = {}
        for docnum, row in known.items():
            number = moved.get(docnum >> SEGMENT_BITS)
            if number is not None and row[0] not in leaving:
                rows[(number << SEGMENT_BITS) | (docnum & DOC_MASK)] = row
        for post_id in written:
            docnum = self.document_number(post_id)
            if docnum is None or docnum in rows:
                return self.catalogue()
            rows[docnum] = self._stored(docnum, "meta").decode("utf-8", "surrogatepass").split(UNIT)
        if len(rows) != self._searcher.num_docs:  # segments merged, or documents gone some other way: read all
            return self.catalogue()
        return _Catalogue.from_rows(dict(sorted(rows.items())))

    def column_values(self, name: str, docnums: Iterable[int]) -> dict[int, bytes]:
        return {docnum: self._stored(docnum, name) for docnum in docnums}

    def doc_frequency(self, field: str, term: str) -> int:
        if field in TEXT_FIELDS:  # the posts holding any word of the stem, counted by tantivy
            return self._searcher.search(self._native().stem(field, term), limit=1, count=True).count
        return self._searcher.doc_freq(field, term)

    def find(self, query, date_filter, filters: Mapping[str, str] | None, only_ids: Collection[str] | None,
             without_ids: Collection[str], window: int, sort: str,
             cancel: threading.Event | None = None) -> Found | None:
        """The whole search evaluated by tantivy (tantivy_search.py); None for a query kind it does not translate."""
        try:
            return self._native().find(query, date_filter, filters, only_ids, without_ids, window, sort, cancel)
        except NotNative:
            return None

    def _native(self) -> NativeSearch:
        native = getattr(self, "_native_search", None)
        if native is None:
            native = self._native_search = NativeSearch(_tantivy(), _schema(), self._searcher, self.term_scores(),
                                                        _docnum)
        return native

    def frequency(self, field: str, term: str) -> float:
        # Tantivy's bindings give no term frequencies: the number of posts holding the word stands in.
        return float(self.doc_frequency(field, term))

    def field_length(self, field: str) -> float:
        return float(sum(count for _, count in self._searcher.terms_with_prefix(field, "")))

    def term_scores(self) -> _TantivyTermScores:
        scores = getattr(self, "_term_scores", None)
        if scores is None:
            scores = self._term_scores = _TantivyTermScores(self)
        return scores


class TantivyEngine(_Reading):
    """One committed generation open for reading."""

    def __init__(self, folder: Path, generation: int, committed: Callable[[], int | None]):
        super().__init__(folder, generation)
        self._committed = committed

    def is_current(self) -> bool:
        return self._committed() == self._generation

    def close(self) -> None:
        self._searcher = None


class _TantivyTermScores:
    """A stem's BM25 scores in every document holding one of the words that stem to it; plain fields as written."""

    def __init__(self, reading: _Reading):
        self._reading = reading
        self._searcher = reading._searcher
        self._cache: dict[tuple[str, str], dict[int, float]] = {}
        self._cached_scores = 0
        self._words: dict[tuple[str, str], list[str]] = {}

    def words(self, field: str, stem: str) -> list[str]:
        """The indexed words of `field` whose stem is `stem` (Porter steps change at most the last letters)."""
        key = (field, stem)
        found = self._words.get(key)
        if found is None:
            if field not in TEXT_FIELDS:
                found = [stem]
            else:
                prefix = stem[: max(1, len(stem) - 2)]
                found = [word for word, _ in self._searcher.terms_with_prefix(field, prefix) if _stem(word) == stem]
            self._words[key] = found
        return found

    def scores(self, field: str, text: str, boost: float = 1.0) -> dict[int, float]:
        found = self._cached(field, text)
        if boost == 1.0:
            return dict(found)
        return {docnum: score * boost for docnum, score in found.items()}

    def _cached(self, field: str, text: str) -> dict[int, float]:
        """The term's scores, shared: callers copy before changing them."""
        key = (field, text)
        found = self._cache.pop(key, None)
        if found is None:
            found = self._search(self._reading._native().stem(field, text))
            self._cached_scores += len(found)
            while self._cache and self._cached_scores > CACHED_SCORES:
                self._cached_scores -= len(self._cache.pop(next(iter(self._cache))))
        self._cache[key] = found  # dicts keep insertion order: the least recently used is first
        return found

    def _search(self, query) -> dict[int, float]:
        count = self._searcher.num_docs
        if query is None or not count:
            return {}
        hits = self._searcher.search(query, limit=count).hits
        return {(address.segment_ord << SEGMENT_BITS) | address.doc: score for score, address in hits}

    def holding(self, field: str, text: str, docnums: Iterable[int]) -> set[int]:
        """Those of `docnums` whose `field` holds the term: asked of tantivy for just those posts (by id), unless
        the term's scores are at hand."""
        docnums = list(docnums)
        known = self._cache.get((field, text))
        if known is not None or not docnums:
            return set(docnums).intersection(known or ())
        tantivy = _tantivy()
        ids = [self._reading._stored(docnum, "id") for docnum in docnums]
        # Each id a term: a term set query over a few ids cost 20 times as much (it marks every document).
        among = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(_schema(), "id", post_id)) for post_id in ids])
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, self._reading._native().stem(field, text)),
                                             (tantivy.Occur.Must, among)])
        hits = self._searcher.search(query, limit=len(docnums), count=False).hits
        return {_docnum(address) for _, address in hits}

    def phrase_matches(self, field: str, words: Sequence[str], slop: int, candidates: Iterable[int],
                       cancel: threading.Event | None = None) -> set[int]:
        """Of `candidates`, those where the words stand in order (see NativeSearch.in_order)."""
        in_order = self._reading._native().in_order(field, words, slop)
        return set() if in_order is None else set(self._search(in_order)).intersection(candidates)

    def positions(self, field: str, terms: Sequence[str], docnums: Iterable[int]) -> Iterator[tuple[int, list]]:
        """(docnum, each term's positions in it, numbered as Whoosh numbers them), from the stored posts."""
        wanted = set(terms)
        for docnum in sorted(docnums):
            post = self._reading.post(docnum)
            text = {"title": post.title, "body": body_text(post), "comment": comment_parts(post)[0]}[field]
            places: dict[str, list[int]] = {term: [] for term in wanted}
            for stem, position, _, _ in analysed(text):
                if stem in wanted:
                    places[stem].append(position)
            yield docnum, [places[term] for term in terms]

    def by_engine(self, node) -> dict[int, float]:
        """A prefix, wildcard or fuzzy word in a field searched as written (author:jo*)."""
        try:
            query = self._reading._native().plain(node)
        except NotNative:
            raise QueryError(f"the tantivy engine cannot search {type(node).__name__} queries") from None
        return self._search(query)


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str | None:
    found = stems(word)
    return found[0] if len(found) == 1 else None


class TantivyWriter:
    """One update's writing side: a new generation folder made from the last one, sealed, then named."""

    def __init__(self, engine_dir: Path, generation: int, keeper: SealKeeper, index_dir: Path):
        self._engine_dir = engine_dir
        self._generation = generation
        self._keeper = keeper
        self._index_dir = index_dir
        self._reading: _Reading | None = None
        self._segments_before: list[str] | None = None
        """The segments of the generation this writer started from, once it has written the next."""
        self._wrote_afresh = False

    @classmethod
    def create(cls, engine_dir: Path, keeper: SealKeeper, index_dir: Path) -> TantivyWriter:
        _tantivy()
        engine_dir.mkdir(mode=0o700)
        first = generation_folder(engine_dir, 0)
        first.mkdir(mode=0o700)
        _open_index(first)
        writer = cls(engine_dir, 0, keeper, index_dir)
        writer._seal_folder(first)
        return writer

    @classmethod
    def open(cls, engine_dir: Path, generation: int, keeper: SealKeeper, index_dir: Path) -> TantivyWriter:
        _tantivy()
        for entry in os.scandir(engine_dir):
            if entry.name != str(generation):  # a killed writer's working or unnamed folder
                _remove_folder(entry.path)
        return cls(engine_dir, generation, keeper, index_dir)

    def _current(self) -> _Reading:
        if self._reading is None or self._reading.generation() != self._generation:
            self._reading = _Reading(generation_folder(self._engine_dir, self._generation), self._generation)
        return self._reading

    def generation(self) -> int:
        return self._generation

    def catalogue(self, known: dict[int, list[str]] | None = None, leaving: set[str] = frozenset(),
                  written: Sequence[str] = ()) -> tuple[_Catalogue, int]:
        """The catalogue of the index as committed, and its generation; given the catalogue's `known` rows before
        this writer's commit, made from them (and the posts `leaving` and `written`) when few were written."""
        if known is not None and self._segments_before is not None and len(written) <= FEW_WRITTEN:
            return self._current().catalogue_after(known, self._segments_before, leaving, written), self._generation
        return self._current().catalogue(), self._generation

    def stored_posts(self, post_ids: Iterable[str]) -> Iterator[Post]:
        yield from self._current().stored_posts(post_ids)

    def write(self, to_write: list[Post], to_delete: list[str], digests: dict[str, str], *, fresh: bool,
              progress: Callable[[int, int, str], None], cancel: threading.Event) -> None:
        tantivy = _tantivy()
        working = self._engine_dir / WORKING
        _remove_folder(working)
        working.mkdir(mode=0o700)
        try:
            current = generation_folder(self._engine_dir, self._generation)
            segments_before = _segment_ids(current)
            for entry in os.scandir(current):
                if entry.is_file() and not entry.name.startswith(".tantivy"):
                    os.link(entry.path, working / entry.name)
            index = _open_index(working)
            writer = index.writer(heap_size=HEAP_BYTES, num_threads=min(2, os.cpu_count() or 1))
            total = len(to_write)
            progress(0, total, "indexing posts")
            for post_id in [*to_delete, *([] if fresh else (post.id for post in to_write))]:
                writer.delete_documents_by_term("id", post_id)
            for number, post in enumerate(to_write, 1):
                if number % 200 == 0:
                    if cancel.is_set():
                        writer.rollback()
                        raise UpdateCancelled("indexing was cancelled; the index is as it was")
                    progress(number, total, "indexing posts")
                words_of_comments = comment_words(post)
                document = _document(post, digests[post.id], words_of_comments)
                writer.add_document(_tantivy_document(tantivy, document, words_of_comments))
            progress(total, total, "indexing posts")
            writer.commit()
            writer.wait_merging_threads()
            del writer, index
            for lock in working.glob(".tantivy*lock"):
                lock.unlink()
            following = self._generation + 1
            named = generation_folder(self._engine_dir, following)
            self._seal_folder(working, named.name, linked_from=current)
            os.rename(working, named)
        except BaseException:
            _remove_folder(working)
            raise
        self._generation = following
        self._segments_before = segments_before
        self._wrote_afresh = fresh

    def word_counts(self) -> dict[str, int] | None:
        """The word list of the index as committed, counted by tantivy; None unless this writer wrote it from
        empty: until its segment merges, a deleted post's words still count."""
        if not self._wrote_afresh:
            return None
        terms = self._current()._searcher.terms_with_prefix(VOCABULARY, "")
        return {word: count for word, count in terms if is_listed_word(word)}

    def _seal_folder(self, folder: Path, name: str | None = None, linked_from: Path | None = None) -> None:
        """Seal the folder's files under its name-to-be; a file still hard-linked to the same one in `linked_from`
        (the last generation, sealed) keeps that one's digest: hashing them all took 0.7 s at 200,000 posts."""
        prefix = f"{self._engine_dir.name}/{name or folder.name}"
        digests = {}
        for entry in os.scandir(folder):
            if not entry.is_file() or entry.name.endswith("lock"):
                continue
            known = self._linked_digest(entry, linked_from) if linked_from is not None else None
            digests[f"{prefix}/{entry.name}"] = known or file_digest(Path(entry.path))
        self._keeper.allow(digests)

    def _linked_digest(self, entry: os.DirEntry, linked_from: Path) -> str | None:
        try:
            same_file = os.path.samestat(entry.stat(), os.stat(linked_from / entry.name))
        except OSError:
            return None
        return self._keeper.digest(f"{self._engine_dir.name}/{linked_from.name}/{entry.name}") if same_file else None

    def publish(self) -> None:
        """Name the new generation in the sealed ENGINE file (the moment readers see it), then remove the older
        ones (readers of them keep their open files)."""
        from civicreader.index.store import ENGINE_NAME

        self._keeper.write(ENGINE_NAME, f"tantivy {self._generation}\n".encode("ascii"))
        for entry in os.scandir(self._engine_dir):
            if entry.name != str(self._generation):
                _remove_folder(entry.path)

    def close(self) -> None:
        self._reading = None


def _remove_folder(path: str | Path) -> None:
    """Remove the folder and what it holds, as far as it can (a reader may still hold its files open)."""
    import shutil  # here, not with the search path: with bz2 and lzma it took 2 ms of a cold open

    shutil.rmtree(path, ignore_errors=True)


def _tantivy_document(tantivy, document: dict, words_of_comments: list[str]):
    made = tantivy.Document()
    made.add_text("id", document["id"])
    words = [field_words(document["title"]), field_words(document["body"]),
             " ".join(said for said in words_of_comments if said)]
    for field, text in zip(TEXT_FIELDS, words, strict=True):
        made.add_text(field, text)
    made.add_text(VOCABULARY, " ".join(words))
    for field in PLAIN_FIELDS:  # positions as Whoosh's: NAME_GAP apart between values
        tokens = [tantivy.Token(word.lower(), position, start, end)
                  for word, position, start, end in value_tokens(document[field])]
        made.add_pre_tokenized_text(field, tantivy.PreTokenizedString(document[field], tokens))
    for field in ("meta", "comment_calendar", "post"):
        made.add_bytes(field, document[field])
    # What the facets, filters and orders read, as the catalogue reads them from the meta row.
    row = document["meta"].decode("utf-8", "surrogatepass").split(UNIT)
    comments = int(row[6])
    made.add_integer("day", document["day"])
    made.add_integer("comments", comments)
    made.add_integer(THREAD_ORDER, comments * DAYS_PER_COUNT + document["day"])
    made.add_text(FACET_FIELDS["year"], row[2][:4] or "undated")
    made.add_text(FACET_FIELDS["blog"], row[4])
    for category in dict.fromkeys(row[5].split(RECORD) if row[5] else ()):
        made.add_text(FACET_FIELDS["category"], category)
    return made
