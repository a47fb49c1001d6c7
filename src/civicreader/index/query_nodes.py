"""A compiled query's nodes: small immutable values, named and shaped as Whoosh's query classes (what the
ranking, the snippets and the tantivy engine read), and normalised as Whoosh normalises them.

Whoosh itself is only imported to hand a node to its own searcher (`whoosh_query`): importing `whoosh.query`
took about 60 ms of a first search.
"""

from __future__ import annotations

from operator import attrgetter


class _Node:
    """What every node answers: its one field (or None), a copy with another boost, its normal form.

    Each kind names its `_fields` (its slots, in constructor order) and the `_defaults` of the last of them;
    nodes are equal when of one kind with equal fields. Plain slotted classes: as dataclasses, making them
    took 10 ms of every start."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _defaults: tuple = ()
    boost = 1.0

    def __init_subclass__(cls):
        fields = cls._fields
        if len(fields) == 1:
            one = attrgetter(fields[0])
            cls._read = staticmethod(lambda node: (one(node),))
        else:
            cls._read = staticmethod(attrgetter(*fields) if fields else lambda node: ())

    def _values(self) -> tuple:
        return self._read(self)

    def __init__(self, *values, **named):
        fields = self._fields
        if named or len(values) != len(fields):
            given = dict(zip(fields, values, strict=False), **named)
            for name, default in zip(fields[len(fields) - len(self._defaults) :], self._defaults, strict=True):
                given.setdefault(name, default)
            if len(values) > len(fields) or given.keys() != set(fields):
                raise TypeError(f"{type(self).__name__} takes {', '.join(fields)}")
            values = [given[name] for name in fields]
        for name, value in zip(fields, values, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other._values() == self._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self._values()))})"

    def field(self) -> str | None:
        return getattr(self, "fieldname", None)

    def with_boost(self, boost: float):
        return type(self)(**{name: boost if name == "boost" else getattr(self, name) for name in self._fields})

    def normalize(self):
        return self


class NullQuery(_Node):
    """Matches nothing."""

    __slots__ = ()

    def with_boost(self, boost: float) -> NullQuery:
        return self


NULL = NullQuery()


class Every(_Node):
    """Every(fieldname=None, boost=1.0): every document; a field name (from `title:*`) is kept, not searched by."""

    __slots__ = _fields = ("fieldname", "boost")
    _defaults = (None, 1.0)


class Term(_Node):
    """Term(fieldname, text, boost=1.0)."""

    __slots__ = _fields = ("fieldname", "text", "boost")
    _defaults = (1.0,)


class Phrase(_Node):
    """Phrase(fieldname, words, slop=1, boost=1.0): the words (a tuple) in order, each within `slop` positions
    of the one before (1: side by side)."""

    __slots__ = _fields = ("fieldname", "words", "slop", "boost")
    _defaults = (1, 1.0)

    def normalize(self):
        if not self.words:
            return NULL
        if len(self.words) == 1:
            return Term(self.fieldname, self.words[0])  # Whoosh drops the boost here
        return self


class Prefix(_Node):
    """Prefix(fieldname, text, boost=1.0)."""

    __slots__ = _fields = ("fieldname", "text", "boost")
    _defaults = (1.0,)


class Wildcard(_Node):
    """Wildcard(fieldname, text, boost=1.0): in `text`, `*` any run of characters, `?` one."""

    __slots__ = _fields = ("fieldname", "text", "boost")
    _defaults = (1.0,)

    def normalize(self):
        text = self.text
        if text == "*":
            return Every(self.fieldname, boost=self.boost)
        if "*" not in text and "?" not in text:
            return Term(self.fieldname, text, boost=self.boost)
        if "?" not in text and text.find("*") == len(text) - 1:
            return Prefix(self.fieldname, text[:-1], boost=self.boost)
        return self


class FuzzyTerm(_Node):
    """FuzzyTerm(fieldname, text, boost=1.0, maxdist=1, prefixlength=1)."""

    __slots__ = _fields = ("fieldname", "text", "boost", "maxdist", "prefixlength")
    _defaults = (1.0, 1, 1)


class _Range(_Node):
    """(fieldname, start, end, startexcl=False, endexcl=False, boost=1.0); None: an open end."""

    __slots__ = _fields = ("fieldname", "start", "end", "startexcl", "endexcl", "boost")
    _defaults = (False, False, 1.0)

    # Comparable ends, as Whoosh compares them: an open start below every value, an open end above.
    def _start(self) -> tuple:
        return (0, "", 0) if self.start is None else (1, self.start, 1 if self.startexcl else 0)

    def _end(self) -> tuple:
        return (2, "", 0) if self.end is None else (1, self.end, -1 if self.endexcl else 0)


class TermRange(_Range):
    """A range of a field's values as typed (`date:[2011 to 2012]`), before the compiler reads it."""

    __slots__ = ()

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


class NumericRange(_Range):
    """Numbers from `start` to `end`: the day numbers of `date:` and the counts of `comments:`."""

    __slots__ = ()


class Not(_Node):
    """Not(query, boost=1.0)."""

    __slots__ = _fields = ("query", "boost")
    _defaults = (1.0,)

    def field(self) -> None:
        return None

    def normalize(self):
        inner = self.query.normalize()
        return NULL if inner == NULL else Not(inner, boost=self.boost)


class _Binary(_Node):
    """(a, b): two queries, `a` the one that decides what matches."""

    __slots__ = _fields = ("a", "b")

    def field(self) -> str | None:
        found = self.a.field()
        return found if self.b.field() == found else None

    def normalize(self):
        a, b = self.a.normalize(), self.b.normalize()
        if a == NULL:
            return NULL
        return a if b == NULL else type(self)(a, b)


class AndNot(_Binary):
    """AndNot(a, b): documents matching `a` and not `b`."""

    __slots__ = ()

    def with_boost(self, boost: float) -> AndNot:
        return AndNot(self.a.with_boost(boost), self.b)


class AndMaybe(_Binary):
    """AndMaybe(a, b): documents matching `a`; `b`, where it also matches, adds to the score."""

    __slots__ = ()

    def with_boost(self, boost: float) -> AndMaybe:
        return AndMaybe(self.a.with_boost(boost), self.b.with_boost(boost))


class _Compound(_Node):
    """(subqueries, boost=1.0): the subqueries a tuple."""

    __slots__ = _fields = ("subqueries", "boost")
    _defaults = (1.0,)
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


class And(_Compound):
    __slots__ = ()


class Or(_Compound):
    __slots__ = ()
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
