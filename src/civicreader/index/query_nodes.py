"""A compiled query's nodes: small immutable values, named and shaped as Whoosh's query classes (what the
ranking, the snippets and the tantivy engine read), and normalised as Whoosh normalises them.

Whoosh itself is only imported to hand a node to its own searcher (`whoosh_query`): importing `whoosh.query`
took about 60 ms of a first search.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


class _Node:
    """What every node answers: its one field (or None), a copy with another boost, its normal form."""

    __slots__ = ()
    boost = 1.0

    def field(self) -> str | None:
        return getattr(self, "fieldname", None)

    def with_boost(self, boost: float):
        return replace(self, boost=boost)

    def normalize(self):
        return self


@dataclass(frozen=True, slots=True)
class NullQuery(_Node):
    """Matches nothing."""

    def field(self) -> None:
        return None

    def with_boost(self, boost: float) -> NullQuery:
        return self


NULL = NullQuery()


@dataclass(frozen=True, slots=True)
class Every(_Node):
    """Every document (Whoosh's `Every`; a field name, from `title:*`, is kept but not searched by)."""

    fieldname: str | None = None
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Term(_Node):
    fieldname: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Phrase(_Node):
    fieldname: str
    words: tuple[str, ...]
    slop: int = 1
    """Each word within this many positions of the one before (1: side by side)."""
    boost: float = 1.0

    def normalize(self):
        if not self.words:
            return NULL
        if len(self.words) == 1:
            return Term(self.fieldname, self.words[0])  # Whoosh drops the boost here
        return self


@dataclass(frozen=True, slots=True)
class Prefix(_Node):
    fieldname: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Wildcard(_Node):
    """`*` any run of characters, `?` one."""

    fieldname: str
    text: str
    boost: float = 1.0

    def normalize(self):
        text = self.text
        if text == "*":
            return Every(self.fieldname, boost=self.boost)
        if "*" not in text and "?" not in text:
            return Term(self.fieldname, text, boost=self.boost)
        if "?" not in text and text.find("*") == len(text) - 1:
            return Prefix(self.fieldname, text[:-1], boost=self.boost)
        return self


@dataclass(frozen=True, slots=True)
class FuzzyTerm(_Node):
    fieldname: str
    text: str
    boost: float = 1.0
    maxdist: int = 1
    prefixlength: int = 1


@dataclass(frozen=True, slots=True)
class _Range(_Node):
    fieldname: str
    start: Any
    end: Any
    startexcl: bool = False
    endexcl: bool = False
    boost: float = 1.0

    # Comparable ends, as Whoosh compares them: an open start below every value, an open end above.
    def _start(self) -> tuple:
        return (0, "", 0) if self.start is None else (1, self.start, 1 if self.startexcl else 0)

    def _end(self) -> tuple:
        return (2, "", 0) if self.end is None else (1, self.end, -1 if self.endexcl else 0)


@dataclass(frozen=True, slots=True)
class TermRange(_Range):
    """A range of a field's values as typed (`date:[2011 to 2012]`), before the compiler reads it."""

    def overlaps(self, other) -> bool:
        if not isinstance(other, TermRange) or self.fieldname != other.fieldname:
            return False
        start1, end1, start2, end2 = self._start(), self._end(), other._start(), other._end()
        return (start2 <= start1 <= end2 or start2 <= end1 <= end2 or start1 <= start2 <= end1
                or start1 <= end2 <= end1)

    def merge(self, other: TermRange, intersect: bool) -> TermRange:
        start1, end1, start2, end2 = self._start(), self._end(), other._start(), other._end()
        if start1 >= start2 and end1 <= end2:
            start, end = start2, end2
        elif start2 >= start1 and end2 <= end1:
            start, end = start1, end1
        elif intersect:
            start, end = max(start1, start2), min(end1, end2)
        else:
            start, end = min(start1, start2), max(end1, end2)
        return TermRange(
            self.fieldname,
            None if start[0] == 0 else start[1],
            None if end[0] == 2 else end[1],
            start[2] == 1,
            end[2] == -1,
            boost=max(self.boost, other.boost),
        )

    def normalize(self):
        if self.start in ("", None) and self.end in ("\uffff", None):
            return Every(self.fieldname, boost=self.boost)
        if self.start == self.end:
            return NULL if self.startexcl or self.endexcl else Term(self.fieldname, self.start, boost=self.boost)
        return self


@dataclass(frozen=True, slots=True)
class NumericRange(_Range):
    """Numbers from `start` to `end` (None: open); the day numbers of `date:` and the counts of `comments:`."""


@dataclass(frozen=True, slots=True)
class Not(_Node):
    query: Any
    boost: float = 1.0

    def field(self) -> None:
        return None

    def normalize(self):
        inner = self.query.normalize()
        return NULL if inner == NULL else Not(inner, boost=self.boost)


@dataclass(frozen=True, slots=True)
class AndNot(_Node):
    """Documents matching `a` and not `b`."""

    a: Any
    b: Any

    def field(self) -> str | None:
        found = self.a.field()
        return found if self.b.field() == found else None

    def with_boost(self, boost: float) -> AndNot:
        return AndNot(self.a.with_boost(boost), self.b)

    def normalize(self):
        a, b = self.a.normalize(), self.b.normalize()
        if a == NULL:
            return NULL
        return a if b == NULL else AndNot(a, b)


@dataclass(frozen=True, slots=True)
class AndMaybe(_Node):
    """Documents matching `a`; `b`, where it also matches, adds to the score."""

    a: Any
    b: Any

    def field(self) -> str | None:
        found = self.a.field()
        return found if self.b.field() == found else None

    def with_boost(self, boost: float) -> AndMaybe:
        return AndMaybe(self.a.with_boost(boost), self.b.with_boost(boost))

    def normalize(self):
        a, b = self.a.normalize(), self.b.normalize()
        if a == NULL:
            return NULL
        return a if b == NULL else AndMaybe(a, b)


@dataclass(frozen=True, slots=True)
class _Compound(_Node):
    subqueries: tuple
    boost: float = 1.0

    _intersect = True
    """How two overlapping ranges of one field merge: their intersection (And) or their union (Or)."""

    def field(self) -> str | None:
        if self.subqueries:
            first = self.subqueries[0].field()
            if all(query.field() == first for query in self.subqueries[1:]):
                return first
        return None

    def normalize(self):
        """As Whoosh's CompoundQuery.normalize: flattened, ranges merged, duplicates and null queries dropped."""
        kind = type(self)
        subqueries = []
        for child in self.subqueries:
            child = child.normalize()
            if type(child) is kind:
                subqueries.extend(inner.with_boost(inner.boost * child.boost) for inner in child.subqueries)
            else:
                subqueries.append(child)
        if all(query == NULL for query in subqueries):
            return NULL
        if any(isinstance(query, Every) and query.fieldname is None for query in subqueries):
            return Every()
        every_fields = set()
        index = 0
        while index < len(subqueries):
            query = subqueries[index]
            if query.field() in every_fields:
                subqueries.pop(index)
                continue
            if isinstance(query, _Range):
                later = index + 1
                while later < len(subqueries):
                    if isinstance(query, TermRange) and query.overlaps(subqueries[later]):
                        query = query.merge(subqueries.pop(later), intersect=self._intersect)
                    else:
                        later += 1
                query = subqueries[index] = query.normalize()
            if isinstance(query, Every):
                every_fields.add(query.fieldname)
            index += 1
        kept = list(dict.fromkeys(
            query for query in subqueries
            if (isinstance(query, Every) or query.field() not in every_fields) and query != NULL
        ))
        if not kept:
            return NULL
        if len(kept) == 1:
            only = kept[0]
            if not (self.boost == 1.0 and only.boost == 1.0):
                only = only.with_boost(only.boost * self.boost)
            return only
        return kind(tuple(kept), boost=self.boost)


@dataclass(frozen=True, slots=True)
class And(_Compound):
    pass


@dataclass(frozen=True, slots=True)
class Or(_Compound):
    _intersect = False


def whoosh_query(node):
    """The same query as Whoosh's own objects, for its searcher."""
    from whoosh import query as wq

    if isinstance(node, And | Or):
        kind = wq.And if isinstance(node, And) else wq.Or
        return kind([whoosh_query(child) for child in node.subqueries], boost=node.boost)
    if isinstance(node, Not):
        return wq.Not(whoosh_query(node.query), boost=node.boost)
    if isinstance(node, AndNot | AndMaybe):
        kind = wq.AndNot if isinstance(node, AndNot) else wq.AndMaybe
        return kind(whoosh_query(node.a), whoosh_query(node.b))
    if isinstance(node, NullQuery):
        return wq.NullQuery
    if isinstance(node, Every):
        return wq.Every(node.fieldname, boost=node.boost)
    if isinstance(node, Phrase):
        return wq.Phrase(node.fieldname, list(node.words), slop=node.slop, boost=node.boost)
    if isinstance(node, FuzzyTerm):
        return wq.FuzzyTerm(node.fieldname, node.text, boost=node.boost, maxdist=node.maxdist,
                            prefixlength=node.prefixlength)
    if isinstance(node, _Range):
        kind = wq.NumericRange if isinstance(node, NumericRange) else wq.TermRange
        return kind(node.fieldname, node.start, node.end, node.startexcl, node.endexcl, boost=node.boost)
    kind = {Term: wq.Term, Prefix: wq.Prefix, Wildcard: wq.Wildcard}[type(node)]
    return kind(node.fieldname, node.text, boost=node.boost)
