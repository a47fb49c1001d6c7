"""A whole search evaluated inside tantivy: the compiled query with its filters, the total, the first hits in
order and the facets, with no Python value made for each matching post.

The Library's own evaluation (ranking.py) combines one dict of scores a term, and counts facets over a set of
every match: at 200,000 posts a common word's 130,000 matches cost most of a query's 265 ms that way. Here the
compiled query becomes one tantivy query that scores as the Library's evaluation does (a stem is the sum of its
indexed words' BM25 scores, AND and OR add their parts' scores, dates and NOT add nothing), tantivy counts and
ranks it, and its terms aggregation counts the facets from fast fields written for them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from civicreader.index.catalogue import _most_first
from civicreader.index.ranking import stop_if_cancelled
from civicreader.index.results import QueryError
from civicreader.index.schema import TEXT_FIELDS

FACET_FIELDS = {"year": "in_year", "blog": "in_blog", "category": "in_category"}
"""Each facet (and filter) and the raw, fast field that holds its values as the catalogue shows them."""
THREAD_ORDER = "thread_order"
"""A fast field ordering posts as "the longest threads first, the newer post among equals" does: comment count
above the day number (yyyymmdd)."""
DAYS_PER_COUNT = 100_000_000
FACET_BUCKETS = 1_000_000
"""More values than any facet has: a terms aggregation returns only this many buckets."""


class NotNative(Exception):
    """A query kind this module does not translate: the Library evaluates the search itself."""


@dataclass(frozen=True)
class Found:
    """What a search needs from the engine: how many posts match, the first `window` of them in order as
    (document number, score), and the facets over every match."""

    total: int
    ranked: list[tuple[int, float]]
    facets: dict[str, dict[str, int]]


class NativeSearch:
    """Searches over one open tantivy searcher; `terms` finds the indexed words of a stem, `docnum` numbers a
    hit's address as the engine numbers documents (see TantivyEngine)."""

    def __init__(self, tantivy, schema, searcher, terms, docnum: Callable[[object], int]):
        self._tantivy = tantivy
        self._schema = schema
        self._searcher = searcher
        self._terms = terms
        self._docnum = docnum

    def find(self, query, date_filter, filters: Mapping[str, str] | None, only_ids: Collection[str] | None,
             without_ids: Collection[str], window: int, sort: str, cancel: threading.Event | None = None) -> Found:
        whole = self._whole(query, date_filter, filters, only_ids, without_ids)
        stop_if_cancelled(cancel)
        searcher = self._searcher
        limit = max(1, window)
        if sort == "relevance":
            result = searcher.search(whole, limit=limit, count=True)
            ranked = [(self._docnum(address), score) for score, address in result.hits]
            if ranked and ranked[0][1] == 0.0:  # nothing ranks a bare date or NOT query: newest first
                ranked = self._ordered(whole, "day", limit)
        else:
            result = searcher.search(whole, limit=1, count=True)
            ranked = self._ordered(whole, "day" if sort == "date" else THREAD_ORDER, limit)
        total = result.count
        stop_if_cancelled(cancel)
        return Found(total, ranked[:window], self._facets(whole) if total else _no_facets())

    def _ordered(self, whole, field: str, limit: int) -> list[tuple[int, float]]:
        hits = self._searcher.search(whole, limit=limit, order_by_field=field).hits
        return [(self._docnum(address), 0.0) for _, address in hits]

    def _facets(self, whole) -> dict[str, dict[str, int]]:
        asked = {name: {"terms": {"field": field, "size": FACET_BUCKETS}} for name, field in FACET_FIELDS.items()}
        found = self._searcher.aggregate(whole, asked)
        counts = {name: {bucket["key"]: bucket["doc_count"] for bucket in found[name]["buckets"]} for name in asked}
        return {
            "year": dict(sorted(counts["year"].items())),
            "blog": _most_first(counts["blog"]),
            "category": _most_first(counts["category"]),
        }

    def _whole(self, query, date_filter, filters, only_ids, without_ids):
        """The scored query with every narrowing as a clause that adds nothing to the score."""
        tantivy = self._tantivy
        must, must_not = tantivy.Occur.Must, tantivy.Occur.MustNot
        clauses = [(must, self.translate(query))]
        if date_filter is not None:
            clauses.append((must, self._unscored(self.translate(date_filter))))
        for name, value in (filters or {}).items():
            clauses.append((must, self._unscored(self._filter(name, value))))
        if only_ids is not None:
            chosen = self._ids(only_ids) if only_ids else tantivy.Query.empty_query()
            clauses.append((must, self._unscored(chosen)))
        if without_ids:
            clauses.append((must_not, self._ids(without_ids)))
        return clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)

    def _filter(self, name: str, value: str):
        field = FACET_FIELDS.get(name)
        if field is None:
            raise QueryError(f"cannot filter on '{name}'; use year, blog or category")
        if name == "year":
            value = "undated" if str(value) in ("undated", "None", "") else f"{int(value):04d}"
        return self._tantivy.Query.term_query(self._schema, field, value)

    def _ids(self, post_ids: Collection[str]):
        return self._tantivy.Query.term_set_query(self._schema, "id", list(post_ids))

    def _unscored(self, query, score: float = 0.0):
        return self._tantivy.Query.const_score_query(query, score)

    def _everything(self):
        return self._unscored(self._tantivy.Query.all_query())

    def translate(self, node):
        """The tantivy query for a compiled query node, scoring as ranking._Evaluator scores it."""
        tantivy = self._tantivy
        query_kind = tantivy.Query
        must, should, must_not = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
        kind = type(node).__name__
        if kind in ("_NullQuery", "NullQuery"):
            return query_kind.empty_query()
        if kind == "Every":
            return self._everything()
        if kind == "Term":
            return _boosted(query_kind, self.stem(node.fieldname, node.text), node.boost)
        if kind == "Or":
            parts = [(should, self.translate(child)) for child in node.subqueries]
            return _boosted(query_kind, query_kind.boolean_query(parts), node.boost) if parts \
                else query_kind.empty_query()
        if kind == "And":
            parts = [(must_not, self.translate(child.query)) if type(child).__name__ == "Not"
                     else (must, self.translate(child)) for child in node.subqueries]
            if not any(occur == must for occur, _ in parts):
                parts.append((must, self._everything()))
            return _boosted(query_kind, query_kind.boolean_query(parts), node.boost)
        if kind == "AndNot":
            return query_kind.boolean_query([(must, self.translate(node.a)), (must_not, self.translate(node.b))])
        if kind == "AndMaybe":
            return query_kind.boolean_query([(must, self.translate(node.a)), (should, self.translate(node.b))])
        if kind == "Not":
            return query_kind.boolean_query([(must, self._everything()), (must_not, self.translate(node.query))])
        if kind == "Phrase" and node.fieldname in TEXT_FIELDS:
            return self._phrase(node)
        if kind == "NumericRange" and node.fieldname in ("day", "comments"):
            return self._unscored(self._range(node), node.boost)
        return _boosted(query_kind, self.plain(node), getattr(node, "boost", 1.0))

    def stem(self, field: str, stem: str):
        """The posts holding any indexed word of `field` whose stem is `stem` (a plain field's word as written),
        scored as the sum of those words' scores."""
        query_kind = self._tantivy.Query
        words = self._terms.words(field, stem)
        if not words:
            return query_kind.empty_query()
        if len(words) == 1:
            return query_kind.term_query(self._schema, field, words[0])
        should = self._tantivy.Occur.Should
        return query_kind.boolean_query([(should, query_kind.term_query(self._schema, field, word)) for word in words])

    def _phrase(self, node):
        """Every word (its score) and, adding nothing, the words in order: as the evaluator scores a phrase."""
        tantivy = self._tantivy
        in_order = self.in_order(node.fieldname, node.words, node.slop)
        if in_order is None:
            return tantivy.Query.empty_query()
        must = tantivy.Occur.Must
        parts = [(must, self.stem(node.fieldname, word)) for word in node.words]
        parts.append((must, self._unscored(in_order)))
        return _boosted(tantivy.Query, tantivy.Query.boolean_query(parts), node.boost)

    def in_order(self, field: str, words, slop: int):
        """The posts where the stems' words stand in order, each within `slop` places of the one before, or None
        when a stem has no word in the index. Tantivy's slop counts the gaps in all, Whoosh's each gap: `slop - 1`
        for each of the gaps (README: "Engines")."""
        alternatives = [self._terms.words(field, word) for word in words]
        if not all(alternatives):
            return None
        patterns = ["|".join(re.escape(word) for word in found) for found in alternatives]
        gaps = max(0, slop - 1) * (len(words) - 1)
        return self._tantivy.Query.regex_phrase_query(self._schema, field, patterns, slop=gaps)

    def _range(self, node):
        """A day or comment-count range; an undated post (day 0) is in no range of days."""
        low = node.start + node.startexcl if node.start is not None else 0
        high = node.end - node.endexcl if node.end is not None else None
        if node.fieldname == "day":
            low = max(low, 1)
        tantivy = self._tantivy
        return tantivy.Query.range_query(self._schema, node.fieldname, tantivy.FieldType.Integer, low, high)

    def plain(self, node):
        """A word, phrase, prefix, wildcard or fuzzy word in a field searched as written (author:jo*)."""
        tantivy = self._tantivy
        query_kind = tantivy.Query
        kind, field = type(node).__name__, node.fieldname
        if kind == "Term":
            return query_kind.term_query(self._schema, field, node.text)
        if kind == "Prefix":
            words = [word for word, _ in self._searcher.terms_with_prefix(field, node.text)]
            should = tantivy.Occur.Should
            return query_kind.boolean_query(
                [(should, query_kind.term_query(self._schema, field, word)) for word in words]
            ) if words else query_kind.empty_query()
        if kind == "Wildcard":
            pattern = ".*".join(re.escape(part) for part in node.text.split("*")).replace(r"\?", ".")
            return query_kind.regex_query(self._schema, field, pattern)
        if kind == "FuzzyTerm":
            return query_kind.fuzzy_term_query(self._schema, field, node.text, distance=min(2, node.maxdist))
        if kind == "Phrase":
            return query_kind.phrase_query(self._schema, field, list(node.words), slop=max(0, node.slop - 1))
        raise NotNative(kind)


def _boosted(query_kind, query, boost: float):
    return query if boost == 1.0 else query_kind.boost_query(query, boost)


def _no_facets() -> dict[str, dict[str, int]]:
    return {"year": {}, "blog": {}, "category": {}}

