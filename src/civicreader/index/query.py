"""The query language: checking what the user typed, then compiling it to a Whoosh query over the index's
stemmed fields (expanding `word~` and `word*` against the word list, reading dates)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from civicreader.index.results import QueryError
from civicreader.index.schema import (
    PLAIN_FIELDS,
    QUERY_FIELDS,
    TEXT_FIELDS,
    _day_number,
    _plain_analyzer,
    stems,
)
from civicreader.index.words import Vocabulary

TITLE_BOOST = 3.0
FUZZY_EXPANSIONS = 8
PREFIX_EXPANSIONS = 200


@dataclass
class _Compiled:
    query: Any
    """The scored Whoosh query."""
    date_filter: Any
    """Date ranges that every hit must meet (applied as a filter, not scored), or None."""
    highlight: dict[str, set[str]]
    """Stemmed terms per text field, for snippets."""
    words: list[str]
    """Unstemmed words to highlight in the reading pane."""
    plain_words: list[str]
    """Words as typed, candidates for did-you-mean."""
    commenter_words: list[str]


class _QueryCompiler:
    """Parse with Whoosh's parser over unstemmed fields, then rewrite the tree: stem, expand, dates."""

    def __init__(self, vocabulary: Callable[[], Vocabulary]):
        self._vocabulary = vocabulary
        self.highlight: dict[str, set[str]] = {field: set() for field in TEXT_FIELDS}
        self.words: list[str] = []
        self.plain_words: list[str] = []
        self.commenter_words: list[str] = []

    def compile(self, text: str) -> _Compiled:
        from whoosh import query as wq

        text = _check_syntax(text)
        if not text.strip():
            return _Compiled(wq.Every(), None, self.highlight, [], [], [])
        try:
            parsed = _parser().parse(_minus_to_not(text))
        except QueryError:
            raise
        except Exception as error:
            raise QueryError(f"cannot read the query: {error}") from None
        scored = self._rewrite(parsed, positive=True).normalize()
        scored, date_filter = _split_date_filter(scored)
        if isinstance(scored, wq.Not):
            scored = wq.AndNot(wq.Every(), scored.query)
        words = list(dict.fromkeys(self.words))
        return _Compiled(scored, date_filter, self.highlight, words, self.plain_words, self.commenter_words)

    def _rewrite(self, node, positive: bool):
        from whoosh import query as wq

        if isinstance(node, wq.Not):
            return wq.Not(self._rewrite(node.query, not positive))
        if isinstance(node, wq.AndNot):
            return wq.AndNot(self._rewrite(node.a, positive), self._rewrite(node.b, not positive))
        if isinstance(node, wq.AndMaybe):
            return wq.AndMaybe(self._rewrite(node.a, positive), self._rewrite(node.b, positive))
        if isinstance(node, wq.CompoundQuery):
            return type(node)([self._rewrite(child, positive) for child in node.subqueries], boost=node.boost)
        field = getattr(node, "fieldname", None)
        if field == "date":
            return _date_query(node)
        if field == "comments":
            return _comments_query(node)
        if field not in TEXT_FIELDS:
            if field == "commenter" and positive:
                self.commenter_words.extend(getattr(node, "words", None) or [getattr(node, "text", "")])
            return node
        if isinstance(node, wq.FuzzyTerm):
            words = self._vocabulary().near(node.text, 2 if node.maxdist >= 2 else 1)[:FUZZY_EXPANSIONS]
            return self._any_of(field, [node.text, *words], positive, boost=node.boost)
        if isinstance(node, wq.Prefix):
            vocabulary = self._vocabulary()
            words = vocabulary.most_used(vocabulary.starting_with(node.text), PREFIX_EXPANSIONS)
            return self._any_of(field, words, positive, boost=node.boost)
        if isinstance(node, wq.Wildcard):
            vocabulary = self._vocabulary()
            words = vocabulary.most_used(vocabulary.matching(node.text), PREFIX_EXPANSIONS)
            return self._any_of(field, words, positive, boost=node.boost)
        if isinstance(node, wq.Phrase):
            terms = stems(" ".join(node.words))
            if positive:
                self.words.extend(node.words)
                self.highlight[field].update(terms)
            if not terms:
                return wq.NullQuery
            if len(terms) == 1:
                return wq.Term(field, terms[0], boost=self._boost(field, node.boost))
            return wq.Phrase(field, terms, slop=node.slop, boost=self._boost(field, node.boost))
        if isinstance(node, wq.Term):
            if positive:
                self.plain_words.append(node.text)
            return self._any_of(field, [node.text], positive, boost=node.boost)
        if isinstance(node, wq.TermRange):
            raise QueryError(
                f"ranges work on dates and comment counts only (date:[2011-03-01 to 2011-03-31], "
                f"comments:[5 to 20]), not on {field}:"
            )
        return node

    def _any_of(self, field: str, words: Sequence[str], positive: bool, boost: float):
        from whoosh import query as wq

        terms = list(dict.fromkeys(term for word in words for term in stems(word)))
        if positive:
            self.words.extend(words)
            self.highlight[field].update(terms)
        if not terms:
            return wq.NullQuery
        queries = [wq.Term(field, term, boost=self._boost(field, boost)) for term in terms]
        return queries[0] if len(queries) == 1 else wq.Or(queries)

    @staticmethod
    def _boost(field: str, boost: float) -> float:
        return boost * TITLE_BOOST if field == "title" else boost


@lru_cache(maxsize=1)
def _parser():
    from whoosh import fields, qparser
    from whoosh.qparser import plugins

    plain = _plain_analyzer()
    schema = fields.Schema(
        **{name: fields.TEXT(analyzer=plain) for name in (*TEXT_FIELDS, *PLAIN_FIELDS)},
        date=fields.ID(),
        comments=fields.ID(),
    )
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), schema)
    parser.add_plugin(plugins.FuzzyTermPlugin())
    parser.add_plugin(plugins.GtLtPlugin())
    parser.remove_plugin_class(plugins.BoostPlugin)
    return parser


_FIELD_PREFIX = re.compile(r"(?<![\w.])([A-Za-z_]+):")
_DATE_VALUE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _outside_quotes(text: str) -> str:
    """The query with quoted phrases blanked out (same length), so syntax checks skip them."""
    return re.sub(r'"[^"]*"', lambda match: " " * len(match.group()), text)


def _check_syntax(text: str) -> str:
    """Raise QueryError for what cannot be meant; return the query with field names in lower case and
    a colon that ends a word before a space ("Plan B: the missing") read as punctuation."""
    if text.count('"') % 2:
        raise QueryError('a quote is not closed: add the closing "')
    bare = _outside_quotes(text)
    for opening, closing, name in (("(", ")", "parenthesis"), ("[", "]", "bracket")):
        depth = 0
        for ch in bare:
            depth += (ch == opening) - (ch == closing)
            if depth < 0:
                raise QueryError(f"a closing {name} '{closing}' has no opening '{opening}'")
        if depth:
            raise QueryError(f"a {name} is not closed: add '{closing}'")
    pieces = []
    last = 0
    for match in _FIELD_PREFIX.finditer(bare):
        name = match.group(1)
        known = name.lower() in QUERY_FIELDS
        following = text[match.end() : match.end() + 1]
        if following in ("", " ", ")"):
            if known:
                raise QueryError(f"'{name}:' needs something to search for after it")
            replacement = name + " "
        elif not known:
            raise QueryError(f"unknown field '{name}:'; fields are {', '.join(f + ':' for f in QUERY_FIELDS)}")
        else:
            replacement = name.lower() + ":"
        pieces.append(text[last : match.start()] + replacement)
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _minus_to_not(text: str) -> str:
    """`-word` means NOT word; a hyphen inside a word (well-being) stays a hyphen."""
    out: list[str] = []
    in_quote = False
    for index, ch in enumerate(text):
        if ch == '"':
            in_quote = not in_quote
        before = text[index - 1] if index else " "
        after = text[index + 1 : index + 2]
        if ch == "-" and not in_quote and (before.isspace() or before == "(") and after and not after.isspace():
            out.append("NOT ")
        else:
            out.append(ch)
    return "".join(out)


def _date_bounds(value: str | None, query_text: str) -> tuple[date, date] | None:
    if value is None:
        return None
    match = _DATE_VALUE.match(value.strip())
    if not match:
        raise QueryError(
            f"date:{query_text} is not a date; use date:2011, date:2011-03, date:2011-03-08, "
            "date:[2011-03-01 to 2011-03-31] or date:>2012"
        )
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if day is not None:
            first = last = date(year, month, day)
        elif month is not None:
            first = date(year, month, 1)
            last = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
        else:
            first, last = date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        raise QueryError(f"date:{query_text} is not a date on the calendar") from None
    return first, last


def _date_query(node):
    from whoosh import query as wq

    if isinstance(node, wq.Term):
        bounds = _date_bounds(node.text, node.text)
        assert bounds is not None
        low, high = bounds
    elif isinstance(node, wq.TermRange):
        shown = f"[{node.start or ''} to {node.end or ''}]"
        start = _date_bounds(node.start, shown)
        end = _date_bounds(node.end, shown)
        low = date(1, 1, 1) if start is None else (start[1] + timedelta(days=1) if node.startexcl else start[0])
        high = date(9999, 12, 31) if end is None else (end[0] - timedelta(days=1) if node.endexcl else end[1])
    else:
        raise QueryError("date: takes 2011, 2011-03, 2011-03-08, a range [2011-03-01 to 2011-03-31], or >2012")
    return wq.NumericRange("day", _day_number(low), _day_number(high), constantscore=True)


_COUNT = re.compile(r"^\d{1,9}$")


def _comments_query(node):
    """`comments:10`, `comments:>=10`, `comments:<3`, `comments:[5 to 20]`: a range of comment counts."""
    from whoosh import query as wq

    def count(value: str | None, shown: str) -> int | None:
        if value is None:
            return None
        if not _COUNT.match(value.strip()):
            raise QueryError(
                f"comments:{shown} is not a number of comments; use comments:10, comments:>=10, comments:<3 "
                "or comments:[5 to 20]"
            )
        return int(value)

    if isinstance(node, wq.Term):
        number = count(node.text, node.text)
        return wq.NumericRange("comments", number, number, constantscore=True)
    if isinstance(node, wq.TermRange):
        shown = f"[{node.start or ''} to {node.end or ''}]"
        return wq.NumericRange(
            "comments",
            count(node.start, shown),
            count(node.end, shown),
            startexcl=node.startexcl,
            endexcl=node.endexcl,
            constantscore=True,
        )
    raise QueryError("comments: takes a number: comments:10, comments:>=10, comments:<3 or comments:[5 to 20]")


def _split_date_filter(scored):
    """Pull top-level date and comment-count ranges out of the scored query: they filter, they do not rank."""
    from whoosh import query as wq

    def is_date(node) -> bool:
        return isinstance(node, wq.NumericRange) and node.fieldname in ("day", "comments")

    if is_date(scored):
        return wq.Every(), scored
    if isinstance(scored, wq.And):
        dates = [child for child in scored.subqueries if is_date(child)]
        if dates:
            rest = [child for child in scored.subqueries if not is_date(child)]
            remaining = wq.And(rest).normalize() if rest else wq.Every()
            if isinstance(remaining, wq.Not):
                remaining = wq.AndNot(wq.Every(), remaining.query)
            return remaining, (dates[0] if len(dates) == 1 else wq.And(dates))
    return scored, None
