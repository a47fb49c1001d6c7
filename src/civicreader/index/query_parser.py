"""Reading a query into query nodes: the query language as Whoosh's parser read it (civicreader's configuration:
bare words in several fields, `field:value`, "phrases"~slop, [ranges], `field:>value`, `wild*cards`, `word~N`,
AND, OR, NOT, ANDNOT, ANDMAYBE, parentheses), in a few small passes of our own.

Whoosh's parser tags the text, then runs passes over the tagged pieces in a fixed order; this does the same, with
the same rules, so every query reads as it did (tests/test_query_parser.py compares the two). Its own quirks are
kept on purpose (a field name before a group applies to the group; unbalanced brackets are tolerated; an
operator with nothing on one side is dropped): a query that found something must keep finding it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from civicreader.index import query_nodes as qn
from civicreader.index.results import QueryError
from civicreader.index.schema import PLAIN_FIELDS, QUERY_FIELDS, TEXT_FIELDS
from civicreader.index.word_marks import plain_form, word_pattern

ANALYSED_FIELDS = frozenset((*TEXT_FIELDS, *PLAIN_FIELDS))
"""Read with the plain analyser (words, lower case; stemming comes later, in the compiler)."""
WHOLE_FIELDS = frozenset(("date", "comments"))
"""Read whole, as typed: the compiler reads their values."""
QUESTION_MARKS = "?\u055e\u061f\u1367"
"""Question marks (Latin, Armenian, Arabic, Ethiopic): each stands for one character in a wildcard."""

_TAGS = re.compile(
    r"""
      (?P<andnot>(?<=\s)ANDNOT(?=\s))
    | (?P<andmaybe>(?<=\s)ANDMAYBE(?=\s))
    | (?P<every>[*]:[*])
    | (?:^|(?<=\W))'(?P<quoted>.*?)'(?=\s|\]|[)}]|$)
    | (?P<field>\w+|[*]):
    | (?P<wild>[*?\u055e\u061f\u1367])
    | (?P<phrase>"(?P<phrase_text>.*?)"(?:~(?P<slop>[1-9][0-9]*))?)
    | (?P<open>[(])
    | (?P<close>[)])
    | (?P<not>(?:^|(?<=\s|[()]))NOT(?=\s))
    | (?P<and>(?<=\s)AND(?=\s))
    | (?P<or>(?<=\s)OR(?=\s))
    | (?P<fuzzy>(?<=\S)~(?P<maxdist>[0-9])?(?:/(?P<prefix>[1-9][0-9]*))?)
    | (?P<rel><=|>=|<|>|=<|=>)
    | (?P<range>(?P<range_open>[{\[])
        (?P<start>'[^']*?'\s+|[^\]}]+?(?=[Tt][Oo]))?
        [Tt][Oo]
        (?P<end>\s+'[^']*?'|[^\]}]+?)?
        (?P<range_close>[}\]]))
    | (?P<space>\s+)
    """,
    re.VERBOSE,
)
"""Every piece of syntax, in the order Whoosh's taggers try them: at any place, the first that fits wins."""


class _Piece:
    """A tagged piece of the query text."""

    has_fieldname = has_text = has_boost = False

    def is_ws(self) -> bool:
        return False

    def is_text(self) -> bool:
        return False

    def set_fieldname(self, name: str, override: bool = False) -> None:
        if self.has_fieldname and (self.fieldname is None or override):
            self.fieldname = name

    def set_boost(self, boost: float) -> None:
        if self.has_boost:
            self.boost = boost


class _Space(_Piece):
    def is_ws(self) -> bool:
        return True


class _Marker(_Piece):
    """`(`, `)`, or an operator (`kind`: the group it makes)."""

    def __init__(self, kind):
        self.kind = kind


class _Every(_Piece):
    """`*:*`."""

    def query(self):
        return qn.Every()


class _FieldName(_Piece):
    has_fieldname = True

    def __init__(self, fieldname: str, original: str):
        self.fieldname = fieldname
        self.original = original


class _Fuzziness(_Piece):
    def __init__(self, maxdist: int, prefixlength: int, original: str):
        self.maxdist = maxdist
        self.prefixlength = prefixlength
        self.original = original


class _Relation(_Piece):
    def __init__(self, rel: str):
        self.rel = rel


class _Range(_Piece):
    has_fieldname = has_boost = True

    def __init__(self, start: str | None, end: str | None, startexcl: bool, endexcl: bool):
        self.start, self.end, self.startexcl, self.endexcl = start, end, startexcl, endexcl
        self.fieldname: str | None = None
        self.boost = 1.0

    def query(self):
        start, end = self.start, self.end
        if self.fieldname in ANALYSED_FIELDS:
            start, end = start and start.lower(), end and end.lower()
        return qn.TermRange(self.fieldname, start, end, self.startexcl, self.endexcl, boost=self.boost)


class _Text(_Piece):
    """Text searched in a field: a word, a wildcard or prefix, a fuzzy word, a phrase."""

    has_fieldname = has_text = has_boost = True
    kind = qn.Term
    split = False
    """Whether the text is split into words (a typed word: `well-being` is two) or searched whole."""

    def __init__(self, text: str):
        self.fieldname: str | None = None
        self.text = text
        self.boost = 1.0

    def is_text(self) -> bool:
        return True

    def query(self):
        field, text = self.fieldname, self.text
        if field in WHOLE_FIELDS:
            texts = [text]
        elif field in ANALYSED_FIELDS:
            texts = _words(text) if self.split else [text.lower()]
        else:
            return self.kind(field, text, boost=self.boost)
        if len(texts) > 1:
            return qn.And(tuple(self.kind(field, word, boost=self.boost) for word in texts))
        return self.kind(field, texts[0], boost=self.boost) if texts else None


class _Word(_Text):
    split = True


class _Wild(_Text):
    kind = qn.Wildcard


class _Prefix(_Text):
    kind = qn.Prefix


class _Fuzzy(_Text):
    def __init__(self, word: _Word, maxdist: int, prefixlength: int):
        super().__init__(word.text)
        self.fieldname, self.boost = word.fieldname, word.boost
        self.maxdist, self.prefixlength = maxdist, prefixlength

    def query(self):
        field = self.fieldname
        text = self.text.lower() if field in ANALYSED_FIELDS else self.text
        return qn.FuzzyTerm(field, text, boost=self.boost, maxdist=self.maxdist, prefixlength=self.prefixlength)


class _Phrase(_Text):
    def __init__(self, text: str, slop: int):
        super().__init__(text)
        self.slop = slop

    def query(self):
        field, text = self.fieldname, self.text
        if field in WHOLE_FIELDS:
            words = [text]
        elif field in ANALYSED_FIELDS:
            words = _words(text)
        else:
            words = text.split()
        return qn.Phrase(field, tuple(words), slop=self.slop, boost=self.boost)


def _words(text: str) -> list[str]:
    """The words of a value as the plain fields index them (schema.value_tokens), in lower case."""
    return [plain_form(word.lower()) for word in word_pattern(text).findall(text)]


class _Group(_Piece):
    has_boost = True
    merging = True
    """Whether `a OP b OP c` adds to one group rather than nesting."""
    kind = qn.And

    def __init__(self, nodes=None):
        self.nodes = list(nodes or ())
        self.boost = 1.0

    def empty_copy(self) -> _Group:
        made = type(self)()
        made.boost = self.boost
        return made

    def set_fieldname(self, name: str, override: bool = False) -> None:
        for node in self.nodes:
            node.set_fieldname(name, override)

    def query(self):
        found = [query for node in self.nodes if (query := node.query()) is not None]
        return self.kind(tuple(found), boost=self.boost)


class _AndGroup(_Group):
    pass


class _OrGroup(_Group):
    kind = qn.Or


class _BinaryGroup(_Group):
    merging = False

    def query(self):
        first, second = (node.query() for node in self.nodes)
        if first is None and second is None:
            return qn.NULL
        if first is None or second is None:
            return second if first is None else first
        return self.kind(first, second)


class _AndNotGroup(_BinaryGroup):
    kind = qn.AndNot


class _AndMaybeGroup(_BinaryGroup):
    kind = qn.AndMaybe


class _NotGroup(_Group):
    merging = False

    def query(self):
        if not self.nodes:
            raise QueryError("cannot read the query: NOT needs something after it")
        inner = self.nodes[0].query()
        return qn.Not(inner) if _something(inner) else None


def _something(query) -> bool:
    """False for no query and for an empty And or Or (Whoosh's truth of a query)."""
    return query is not None and not (isinstance(query, qn.And | qn.Or) and not query.subqueries)


_OPERATORS = {"not": _NotGroup, "and": _AndGroup, "or": _OrGroup, "andnot": _AndNotGroup,
              "andmaybe": _AndMaybeGroup}


def parse(text: str, fields: Sequence[str], boosts: Mapping[str, float]):
    """The normalised query for `text`; a word without a field is searched in each of `fields`, weighted
    by `boosts` (1 where not named). Raises QueryError for what cannot be read."""
    group = _tagged(text)
    group = _grouped(group)
    group = _fuzzy_terms(group)
    group = _wildcards(group)
    group = _relations(group)
    group = _fieldnames(group)
    group = _multifield(group, fields, boosts)
    group = _without_spaces(group)
    group = _operators(group)
    query = group.query()
    return (query if _something(query) else qn.NULL).normalize()


def _tagged(text: str) -> _AndGroup:
    pieces: list[_Piece] = []
    before = 0
    for match in _TAGS.finditer(text):
        if before < match.start():
            pieces.append(_Word(text[before : match.start()]))
        pieces.append(_piece(match))
        before = match.end()
    if before < len(text):
        pieces.append(_Word(text[before:]))
    return _AndGroup(pieces)


def _piece(match: re.Match) -> _Piece:
    kind = match.lastgroup
    found = match.groupdict()
    if kind in _OPERATORS:
        return _Marker(_OPERATORS[kind])
    if kind in ("open", "close"):
        return _Marker(kind)
    if kind == "every":
        return _Every()
    if found["quoted"] is not None:
        return _Word(found["quoted"])
    if kind == "field":
        return _FieldName(found["field"], match.group())
    if kind == "wild":
        return _Wild(match.group())
    if kind == "phrase":
        return _Phrase(found["phrase_text"], int(found["slop"] or 1))
    if kind == "fuzzy":
        return _Fuzziness(int(found["maxdist"] or 1), int(found["prefix"] or 0), match.group())
    if kind == "rel":
        return _Relation(match.group())
    if kind == "range":
        start, end = found["start"], found["end"]
        if start:
            start = start.rstrip()
            start = start[1:-1] if start.startswith("'") and start.endswith("'") else start
        if end:
            end = end.lstrip()
            end = end[1:-1] if end.startswith("'") and end.endswith("'") else end
        return _Range(start, end, found["range_open"] == "{", found["range_close"] == "}")
    return _Space()


def _is_marker(node: _Piece, kind) -> bool:
    return isinstance(node, _Marker) and node.kind == kind


def _as_word(piece) -> _Word:
    """Syntax that applies to nothing is searched as the text it was."""
    return _Word(piece.original)


def _grouped(group: _Group) -> _Group:
    """Parentheses into nested groups; a closing one too many is dropped, an opening one never closed ignored."""
    stack = [_AndGroup()]
    for node in group.nodes:
        if _is_marker(node, "open"):
            stack.append(_AndGroup())
        elif _is_marker(node, "close"):
            if len(stack) > 1:
                inner = stack.pop()
                stack[-1].nodes.append(inner)
        else:
            stack[-1].nodes.append(node)
    top = stack[0]
    for level in stack[1:]:
        top.nodes.extend(level.nodes)
    if len(top.nodes) == 1 and isinstance(top.nodes[0], _Group):
        boost, top = top.boost, top.nodes[0]
        top.boost = boost
    return top


def _fuzzy_terms(group: _Group) -> _Group:
    """`word~`, `word~2`, `word~2/3`: a word with a fuzziness after it; a `~` after anything else is text."""
    made = group.empty_copy()
    nodes = group.nodes
    index = 0
    while index < len(nodes):
        node = nodes[index]
        if index < len(nodes) - 1 and type(node) is _Word and isinstance(nodes[index + 1], _Fuzziness):
            after = nodes[index + 1]
            node = _Fuzzy(node, after.maxdist, after.prefixlength)
            index += 1
        if isinstance(node, _Fuzziness):
            node = _as_word(node)
        if isinstance(node, _Group):
            node = _fuzzy_terms(node)
        made.nodes.append(node)
        index += 1
    return made


def _wildcards(group: _Group) -> _Group:
    """A `*` or `?` joins the text on either side of it; one trailing `*` alone makes a prefix."""
    nodes = group.nodes
    index = 0
    while index < len(nodes):
        node = nodes[index]
        if isinstance(node, _Wild):
            if index < len(nodes) - 1 and nodes[index + 1].is_text():
                node.text += nodes.pop(index + 1).text
            if index > 0 and nodes[index - 1].is_text():
                node.text = nodes.pop(index - 1).text + node.text
            else:
                index += 1
        else:
            if isinstance(node, _Group):
                _wildcards(node)
            index += 1
    for index, node in enumerate(nodes):
        if isinstance(node, _Wild):
            text = node.text
            if len(text) > 1 and not any(mark in text for mark in QUESTION_MARKS) and text.find("*") == len(text) - 1:
                nodes[index] = _Prefix(text[:-1])
    return group


def _relations(group: _Group) -> _Group:
    """`field:>value` and the like into ranges; a `<` or `>` anywhere else is dropped."""
    made = group.empty_copy()
    nodes = group.nodes
    index = 0
    while index < len(nodes):
        node = nodes[index]
        if isinstance(node, _Relation):
            if index < len(nodes) - 1:
                if not made.nodes:
                    raise QueryError(f"'{node.rel}' needs a field before it: date:>2012, comments:>=10")
                following = nodes[index + 1]
                if isinstance(made.nodes[-1], _FieldName) and following.has_text:
                    made.nodes.append(_relation_range(node.rel, following.text))
                    index += 1
        elif isinstance(node, _Group):
            made.nodes.append(_relations(node))
        else:
            made.nodes.append(node)
        index += 1
    return made


def _relation_range(rel: str, text: str) -> _Range:
    if rel == "<":
        return _Range(None, text, False, True)
    if rel == ">":
        return _Range(text, None, True, False)
    if rel in ("<=", "=<"):
        return _Range(None, text, False, False)
    return _Range(text, None, False, False)


def _fieldnames(group: _Group) -> _Group:
    """A field name applies to what follows it (a whole group too); an unknown one is text, as is one
    followed by nothing it can apply to."""
    known = group.empty_copy()
    unknown = None
    for node in group.nodes:
        if isinstance(node, _FieldName) and node.fieldname not in QUERY_FIELDS:
            unknown = node
            continue
        if unknown is not None:
            if node.has_text:
                node.text = unknown.original + node.text
            else:
                known.nodes.append(_as_word(unknown))
            unknown = None
        known.nodes.append(node)
    if unknown is not None:
        known.nodes.append(_as_word(unknown))
    nodes = known.nodes
    made = group.empty_copy()
    index = len(nodes)
    while index > 0:
        index -= 1
        node = nodes[index]
        if isinstance(node, _FieldName):
            node = _as_word(node)
        elif isinstance(node, _Group):
            node = _fieldnames(node)
        if index > 0 and not node.is_ws() and isinstance(nodes[index - 1], _FieldName):
            node.set_fieldname(nodes[index - 1].fieldname)
            index -= 1
        made.nodes.append(node)
    made.nodes.reverse()
    return made


def _multifield(group: _Group, fields: Sequence[str], boosts: Mapping[str, float]) -> _Group:
    """What has no field is searched in each of `fields`, any of them."""
    for index, node in enumerate(group.nodes):
        if isinstance(node, _Group):
            group.nodes[index] = _multifield(node, fields, boosts)
        elif node.has_fieldname and node.fieldname is None:
            each = []
            for field in fields:
                made = object.__new__(type(node))
                made.__dict__.update(node.__dict__)
                made.set_fieldname(field)
                made.set_boost(boosts.get(field, 1.0))
                each.append(made)
            group.nodes[index] = _OrGroup(each)
    return group


def _without_spaces(group: _Group) -> _Group:
    made = group.empty_copy()
    for node in group.nodes:
        if isinstance(node, _Group):
            made.nodes.append(_without_spaces(node))
        elif not node.is_ws():
            made.nodes.append(node)
    return made


def _operators(group: _Group) -> _Group:
    """NOT, then AND, OR, ANDNOT and ANDMAYBE, each left to right, gather what they join into groups."""
    nodes = group.nodes
    for kind in _OPERATORS.values():
        index = 0
        while index < len(nodes):
            if _is_marker(nodes[index], kind):
                _replace_operator(nodes, index, kind)
            else:
                index += 1
    for index, node in enumerate(nodes):
        if isinstance(node, _Group):
            nodes[index] = _operators(node)
    return group


def _replace_operator(nodes: list, index: int, kind) -> None:
    if kind is _NotGroup:
        count = len(nodes)
        del nodes[index]
        if index < count - 1:
            nodes[index] = _NotGroup([nodes[index]])
    elif 0 < index < len(nodes) - 1:
        left, right = nodes[index - 1], nodes[index + 1]
        if kind.merging and type(left) is kind:
            left.nodes.append(right)
            del nodes[index : index + 2]
        else:
            nodes[index - 1 : index + 2] = [kind([left, right])]
    else:
        del nodes[index]
