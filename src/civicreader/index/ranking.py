"""Ranking: each term's BM25F scores read from the postings, combined over a compiled query, and the top k."""

from __future__ import annotations

import bisect
import heapq
import threading
from array import array
from collections.abc import Iterable, Iterator, Sequence

from civicreader.index import query_nodes as qn
from civicreader.index.catalogue import _Catalogue
from civicreader.index.results import SearchCancelled

BM25_B = 0.75
BM25_K1 = 1.2
BLOCK_READ_SHARE = 8
"""Positions are read block by block when the documents wanted are at least 1/8 of a term's postings."""
CACHED_POSTINGS = 4_000_000
"""Term score lists kept between queries (12 bytes a posting): search as you type repeats its terms."""


class _TermScores:
    """Each term's BM25F score in every live document that holds it, read from the postings once.

    Whoosh's matchers cost microseconds a posting in Python, and exact totals and facets forbid
    their pruning; reading a term's postings a block at a time and combining whole score lists
    with dict operations is several times faster, and ranks as Whoosh's BM25F with its defaults.
    """

    def __init__(self, searcher):
        self._searcher = searcher
        self._reader = searcher.reader()
        self._segments = list(self._reader.leaf_readers())
        self._lengths: dict[str, list[int]] = {}
        self._cache: dict[tuple[str, str], tuple[array, array]] = {}
        self._cached_postings = 0

    def scores(self, field: str, text: str, boost: float = 1.0) -> dict[int, float]:
        key = (field, text)
        found = self._cache.pop(key, None)
        if found is None:
            found = self._read(field, text)
            self._cached_postings += len(found[0])
            while self._cache and self._cached_postings > CACHED_POSTINGS:
                self._cached_postings -= len(self._cache.pop(next(iter(self._cache)))[0])
        self._cache[key] = found  # dicts keep insertion order: the least recently used is first
        docnums, scores = found
        if boost == 1.0:
            return dict(zip(docnums, scores, strict=True))
        return {docnum: score * boost for docnum, score in zip(docnums, scores, strict=True)}

    def by_engine(self, node) -> dict[int, float]:
        """Scores of a query kind the evaluator does not combine itself, from Whoosh's own matchers."""
        found = self._searcher.search(qn.whoosh_query(node), limit=None)
        return {docnum: score for score, docnum in found.top_n}

    def holding(self, field: str, text: str, docnums: Iterable[int]) -> set[int]:
        """Those of `docnums` whose `field` holds the term."""
        if (field, text) not in self._cache:
            self.scores(field, text)
        postings = self._cache[(field, text)][0]  # in document order
        found = set()
        for docnum in docnums:
            place = bisect.bisect_left(postings, docnum)
            if place < len(postings) and postings[place] == docnum:
                found.add(docnum)
        return found

    def positions(self, field: str, terms: Sequence[str], docnums: Iterable[int]) -> Iterator[tuple[int, list]]:
        """(docnum, each term's positions in it) for `docnums`, every one of which holds every term."""
        wanted = sorted(docnums)
        for segment, base in self._segments:
            end = base + segment.doc_count_all()
            local = [docnum - base for docnum in wanted if base <= docnum < end]
            if not local:
                continue
            found = [_term_positions(segment, field, term, local) for term in terms]
            for docnum in local:
                yield docnum + base, [places.get(docnum, []) for places in found]

    def phrase_matches(self, field: str, words: Sequence[str], slop: int, candidates: Iterable[int],
                       cancel: threading.Event | None = None) -> Iterator[int]:
        """Of `candidates` (every one holding every word), those where the words stand in order, each within
        `slop` places of the one before."""
        for docnum, places in self.positions(field, words, candidates):
            stop_if_cancelled(cancel)
            ends = set(places[0])
            for following in places[1:]:
                ends = {place for place in following if any(0 < place - end <= slop for end in ends)}
                if not ends:
                    break
            if ends:
                yield docnum

    def _read(self, field: str, text: str) -> tuple[array, array]:
        searcher = self._searcher
        docnums, scores = array("i"), array("d")
        if not searcher.schema[field].scorable or (field, text) not in self._reader:
            return docnums, scores
        idf = searcher.idf(field, text)
        lengths = self._field_lengths(field)
        k1, length_weight = BM25_K1, BM25_B / (searcher.avg_field_length(field) or 1.0)
        for segment, base in self._segments:
            if (field, text) not in segment:
                continue
            deleted = segment.deleted_docs_set if segment.has_deletions() else frozenset()
            for local, frequency in _postings(segment.postings(field, text)):
                if local not in deleted:
                    docnum = local + base
                    docnums.append(docnum)
                    norm = k1 * ((1 - BM25_B) + length_weight * lengths[docnum])
                    scores.append(idf * frequency * (k1 + 1) / (frequency + norm))
        return docnums, scores

    def _field_lengths(self, field: str) -> list[int]:
        lengths = self._lengths.get(field)
        if lengths is None:
            lengths = []
            for segment, _ in self._segments:
                lengths.extend(_segment_lengths(segment, field))
            self._lengths[field] = lengths
        return lengths


def _term_positions(segment, field: str, term: str, local: list[int]) -> dict[int, list[int]]:
    """The term's positions in each of the segment's documents `local` (ascending) that holds it.

    A broad query wants most of a common term's postings: reading them a block at a time costs a
    fraction of a skip per document (5 to 20 microseconds each in Whoosh); a few wanted among many
    postings are still reached by skipping.
    """
    matcher = segment.postings(field, term)
    leaf = getattr(matcher, "child", matcher)  # documents not wanted (deleted among them) are passed over
    found: dict[int, list[int]] = {}
    by_block = all(hasattr(leaf, name) for name in ("_read_ids", "_read_values", "_next_block", "_i", "format"))
    if by_block and len(local) * BLOCK_READ_SHARE >= segment.doc_frequency(field, term):
        decode = leaf.format.decoder("positions")
        wanted = set(local)
        while leaf.is_active():
            leaf._read_ids()
            ids = leaf._ids
            hits = [place for place in range(leaf._i, len(ids)) if ids[place] in wanted]
            if hits:
                leaf._read_values()
                for place in hits:
                    found[ids[place]] = decode(leaf._values[place])
            leaf._next_block()
        return found
    for docnum in local:
        if not matcher.is_active():
            break
        matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            found[docnum] = matcher.value_as("positions")
    return found


def _postings(matcher) -> Iterator[tuple[int, float]]:
    """(segment docnum, term frequency) of every posting; a block at a time where the codec allows."""
    leaf = getattr(matcher, "child", matcher)  # deletions are filtered by the caller
    if all(hasattr(leaf, name) for name in ("_read_ids", "_read_weights", "_next_block", "_i")):
        while leaf.is_active():
            leaf._read_ids()
            leaf._read_weights()
            yield from zip(leaf._ids[leaf._i :], leaf._weights[leaf._i :], strict=True)
            leaf._next_block()
        return
    while matcher.is_active():
        yield matcher.id(), matcher.weight()
        matcher.next()


def _segment_lengths(segment, field: str) -> list[int]:
    """Every document's length in `field` as Whoosh scores it (a byte each); the whole column at once."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN
    from whoosh.util.numeric import byte_to_length

    count = segment.doc_count_all()
    try:
        column = segment._perdoc.column_reader(f"_{field}_len", LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, count)
        if len(raw) == count:
            return [byte_to_length(byte) for byte in raw]
    except (AttributeError, OSError, KeyError):
        pass
    return [segment.doc_field_length(docnum, field) or 0 for docnum in range(count)]


class _Evaluator:
    """A compiled query's matches with their scores, combined as Whoosh combines them (sums)."""

    def __init__(self, terms: _TermScores, catalogue: _Catalogue, cancel: threading.Event | None = None):
        self._terms = terms
        self._everything = catalogue.rows.keys()
        self._day_numbers = catalogue.day_numbers
        self._cancel = cancel
        self._comment_counts = catalogue.comment_counts

    def scores(self, node) -> dict[int, float]:
        stop_if_cancelled(self._cancel)
        if isinstance(node, qn.Term):
            return self._terms.scores(node.fieldname, node.text, node.boost)
        if isinstance(node, qn.Or):
            return self._boosted(_summed([self.scores(child) for child in node.subqueries]), node.boost)
        if isinstance(node, qn.And):
            wanted = [self.scores(child) for child in node.subqueries if not isinstance(child, qn.Not)]
            unwanted = [self.scores(child.query) for child in node.subqueries if isinstance(child, qn.Not)]
            found = _intersected(wanted) if wanted else dict.fromkeys(self._everything, 0.0)
            return self._boosted(_without(found, unwanted), node.boost)
        if isinstance(node, qn.AndNot):
            return _without(self.scores(node.a), [self.scores(node.b)])
        if isinstance(node, qn.AndMaybe):
            found = self.scores(node.a)
            extra = self.scores(node.b)
            return {docnum: score + extra.get(docnum, 0.0) for docnum, score in found.items()}
        if isinstance(node, qn.Not):
            return _without(dict.fromkeys(self._everything, 0.0), [self.scores(node.query)])
        if isinstance(node, qn.Every):
            return dict.fromkeys(self._everything, 0.0)
        if isinstance(node, qn.NullQuery):
            return {}
        if isinstance(node, qn.Phrase):
            return self._phrase(node)
        if isinstance(node, qn.NumericRange) and node.fieldname == "day":
            return self._days(node)
        if isinstance(node, qn.NumericRange) and node.fieldname == "comments":
            return self._comment_counts_in(node)
        return self._terms.by_engine(node)

    def _days(self, node) -> dict[int, float]:
        """Dates from the catalogue: Whoosh expands a numeric range into many terms, slowly."""
        low = (node.start + node.startexcl) if node.start is not None else 0
        high = (node.end - node.endexcl) if node.end is not None else 99_999_999
        return {docnum: node.boost for docnum, day in self._day_numbers.items() if day and low <= day <= high}

    def _comment_counts_in(self, node) -> dict[int, float]:
        """`comments:>=10` from the catalogue, as dates are."""
        low = (node.start + node.startexcl) if node.start is not None else 0
        high = (node.end - node.endexcl) if node.end is not None else None
        return {
            docnum: node.boost
            for docnum, count in self._comment_counts.items()
            if low <= count and (high is None or count <= high)
        }

    def _phrase(self, node) -> dict[int, float]:
        """Documents holding every word, then only those where the words stand in order within `slop`."""
        words = [self._terms.scores(node.fieldname, word) for word in node.words]
        candidates = _intersected(words)
        found = self._terms.phrase_matches(node.fieldname, node.words, node.slop, candidates, self._cancel)
        return {docnum: candidates[docnum] * node.boost for docnum in found}

    @staticmethod
    def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
        return scores if boost == 1.0 else {docnum: score * boost for docnum, score in scores.items()}


def _summed(parts: list[dict[int, float]]) -> dict[int, float]:
    if not parts:
        return {}
    parts.sort(key=len, reverse=True)
    total = parts[0]  # a fresh dict made for this query: safe to add to
    for part in parts[1:]:
        for docnum, score in part.items():
            total[docnum] = total.get(docnum, 0.0) + score
    return total


def _intersected(parts: list[dict[int, float]]) -> dict[int, float]:
    parts.sort(key=len)
    total = parts[0]
    for part in parts[1:]:
        total = {docnum: score + part[docnum] for docnum, score in total.items() if docnum in part}
    return total


def _without(scores: dict[int, float], unwanted: list[dict[int, float]]) -> dict[int, float]:
    for part in unwanted:
        scores = {docnum: score for docnum, score in scores.items() if docnum not in part}
    return scores


def stop_if_cancelled(cancel: threading.Event | None) -> None:
    """Raise SearchCancelled once the search's cancel event is set (the app started a newer search)."""
    if cancel is not None and cancel.is_set():
        raise SearchCancelled("the search was cancelled")


def _run(evaluator: _Evaluator, query, catalogue: _Catalogue, allowed: set[int] | None, window: int, sort: str):
    """Every matching document number, and the first `window` of them as (docnum, score)."""
    scores = evaluator.scores(query)
    if allowed is not None:
        scores = {docnum: score for docnum, score in scores.items() if docnum in allowed}
    matched = scores.keys()
    if not scores or window <= 0:
        return matched, []
    if sort == "comments":  # the longest threads first; the newer post first among equals
        counts, days = catalogue.comment_counts, catalogue.day_numbers
        longest = heapq.nlargest(window, matched, key=lambda docnum: (counts[docnum], days[docnum]))
        return matched, [(docnum, scores[docnum]) for docnum in longest]
    if sort == "date" or not any(scores.values()):  # nothing ranks a bare date or NOT query: newest first
        newest = heapq.nlargest(window, matched, key=catalogue.day_numbers.__getitem__)
        return matched, [(docnum, 0.0) for docnum in newest]
    # Ties go to the older document, as Whoosh orders them.
    best = heapq.nlargest(window, scores.items(), key=lambda item: (item[1], -item[0]))
    return matched, best
