"""The query language: checking what the user typed, then compiling it to query nodes (`query_nodes`) over the
index's stemmed fields (expanding `word~` and `word*` against the word list, reading dates)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from civicreader.index import query_nodes as qn
from civicreader.index.query_parser import parse
from civicreader.index.results import QueryError
from civicreader.index.schema import MAX_WORD_CHARS, QUERY_FIELDS, TEXT_FIELDS, _day_number, stems
from civicreader.index.words import Vocabulary

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from typing import Any

TITLE_BOOST = 3.0
NAME_FIELDS = ("author", "commenter")
"""Searched, besides the text, for a word typed without a field: `Taylor` finds the posts Joe Taylor wrote or
commented on."""
NAME_BOOST = 0.2
"""What a name found that way weighs against the same word in the text, which ranks above it; `author:` and
`commenter:` typed weigh 1."""
FUZZY_EXPANSIONS = 8
PREFIX_EXPANSIONS = 200
# Bounds on what one query may cost, whatever is typed or pasted (bench/hostile_queries.py): past them
# the query is searched in part, and the results' notes say which part.
MAX_QUERY_TERMS = 64
"""Words searched, of every kind; the rest of a longer query is left out."""
MAX_EXPANDED_TERMS = 8
"""`word~`, `word*` and `wo?d` terms expanded against the word list; later `word~` are searched as
typed, later `word*` and `wo?d` left out (300 `word~2` took 5.5 s)."""
MAX_EXPANSION_WORDS = PREFIX_EXPANSIONS
"""Words all of a query's expansions may add, together: each costs a read of its postings in every field."""
MAX_TYPED_WORD_CHARS = 1000
"""A longer run of letters is cut to this before parsing: the parser tries its syntax at every letter, which takes
the square of a word's length (10,000 characters: 0.5 s), and no such word is ever corrected or expanded (see
MAX_WORD_CHARS)."""
MAX_QUERY_TOKENS = 256
"""Pieces of a query between spaces that are parsed at all: 2,000 words took 0.13 s to parse (Whoosh's parser:
0.26 s)."""
MAX_PHRASE_WORDS = 32
"""Words of a phrase that must stand in order; a longer phrase is searched by its first ones."""


@dataclass
class _Compiled:
    """A query's text compiled: what to score, what to filter on, and the words to mark."""

    query: Any
    """The scored query (query_nodes)."""
    date_filter: Any
    """Date ranges that every hit must meet (applied as a filter, not scored), or None."""
    highlight: dict[str, set[str]]
    """Stemmed terms per text field, for snippets."""
    words: list[str]
    """Unstemmed words to highlight in the reading pane."""
    words_by_field: dict[str, list[str]]
    """The same words, under the text field each was searched in (`title:` words under "title" only)."""
    plain_words: list[str]
    """Words as typed, candidates for did-you-mean."""
    commenter_names: list[tuple[str, ...]]
    """The names (a word, or a phrase's words in order) that `commenter:` asked for."""
    unfielded_names: list[tuple[str, ...]]
    """Words and phrases typed without a field, which commenters' names may hold (see NAME_FIELDS)."""
    notes: list[str]
    """What was left out of the search, one line each (see MAX_QUERY_TERMS and the others)."""


class _QueryCompiler:
    """Parse over unstemmed fields, then rewrite the tree: stem, expand, dates."""

    def __init__(self, vocabulary: Callable[[], Vocabulary], leaving_out: Collection[str] = ()):
        self._vocabulary = vocabulary
        self._leaving_out = frozenset(leaving_out)
        """Words as typed that the query is compiled without (to count the posts that have all the others)."""
        self.highlight: dict[str, set[str]] = {field: set() for field in TEXT_FIELDS}
        self.words: list[str] = []
        self.words_by_field: dict[str, list[str]] = {field: [] for field in TEXT_FIELDS}
        self.plain_words: list[str] = []
        self.commenter_names: list[tuple[str, ...]] = []
        self.unfielded_names: list[tuple[str, ...]] = []
        self._words_seen: set[str] = set()
        self._expansions: dict[tuple, list[str]] = {}
        """Each word's expansion, made once for all the fields an unfielded word is searched in."""
        self._expansion_words = 0
        self._left_out: set[str] = set()

    def compile(self, text: str) -> _Compiled:
        text = _check_syntax(text)
        if len(text.split(None, MAX_QUERY_TOKENS)) > MAX_QUERY_TOKENS:
            self._left_out.add("terms")
            text = _first_tokens(text)
        if _LONG_RUN.search(text):
            self._left_out.add("long")
            text = _LONG_RUN.sub(lambda run: run.group()[:MAX_TYPED_WORD_CHARS], text)
        if not text.strip():
            return _Compiled(qn.Every(), None, self.highlight, [], self.words_by_field, [], [], [], [])
        parsed = parse(_minus_to_not(text), (*TEXT_FIELDS, *NAME_FIELDS), dict.fromkeys(NAME_FIELDS, NAME_BOOST))
        scored = self._rewrite(parsed, positive=True).normalize()
        scored, date_filter = _split_date_filter(scored)
        if isinstance(scored, qn.Not):
            scored = qn.AndNot(qn.Every(), scored.query)
        words = list(dict.fromkeys(self.words))
        notes = [note for kind, note in _NOTES.items() if kind in self._left_out]
        by_field = {field: list(dict.fromkeys(found)) for field, found in self.words_by_field.items()}
        return _Compiled(
            scored, date_filter, self.highlight, words, by_field, self.plain_words, self.commenter_names,
            self.unfielded_names, notes
        )

    def _counted(self, node) -> bool:
        """Count the node's word among those searched; False (and noted) past MAX_QUERY_TERMS."""
        word = " ".join(getattr(node, "words", None) or [str(getattr(node, "text", ""))])
        if word not in self._words_seen:
            if len(self._words_seen) >= MAX_QUERY_TERMS:
                self._left_out.add("terms")
                return False
            self._words_seen.add(word)
        return True

    def _long(self, word: str) -> bool:
        """True (and noted) for a word longer than any the word list holds."""
        if len(word) > MAX_WORD_CHARS:
            self._left_out.add("long")
            return True
        return False

    def _expanded(self, node, expand: Callable[[Vocabulary], list[str]]) -> list[str] | None:
        """The node's word expanded against the word list (once a word), or None past MAX_EXPANDED_TERMS."""
        key = (type(node).__name__, node.text, getattr(node, "maxdist", 0))
        if key not in self._expansions:
            if len(self._expansions) >= MAX_EXPANDED_TERMS:
                self._left_out.add("expanded")
                return None
            words = expand(self._vocabulary())
            room = MAX_EXPANSION_WORDS - self._expansion_words
            if len(words) > room:
                self._left_out.add("expanded")
                words = words[:room]
            self._expansion_words += len(words)
            self._expansions[key] = words
        return self._expansions[key]

    def _rewrite(self, node, positive: bool):
        if isinstance(node, qn.Not):
            return qn.Not(self._rewrite(node.query, not positive))
        if isinstance(node, qn.AndNot):
            return qn.AndNot(self._rewrite(node.a, positive), self._rewrite(node.b, not positive))
        if isinstance(node, qn.AndMaybe):
            return qn.AndMaybe(self._rewrite(node.a, positive), self._rewrite(node.b, positive))
        if isinstance(node, qn.And | qn.Or):
            return type(node)(tuple(self._rewrite(child, positive) for child in node.subqueries), boost=node.boost)
        if not self._counted(node) or (positive and type(node) is qn.Term and node.text in self._leaving_out):
            return qn.NULL
        field = getattr(node, "fieldname", None)
        if field == "date":
            return _date_query(node)
        if field == "comments":
            return _comments_query(node)
        if field not in TEXT_FIELDS:
            name = tuple(getattr(node, "words", None) or [getattr(node, "text", "")])
            unfielded = field in NAME_FIELDS and node.boost == NAME_BOOST
            if unfielded and not stems(" ".join(name)):
                return qn.NULL  # a stop word ("and", "the") is not searched in the text, nor in names
            if field == "commenter" and positive:
                (self.unfielded_names if unfielded else self.commenter_names).append(name)
            return node
        if isinstance(node, qn.FuzzyTerm):
            edits = 2 if node.maxdist >= 2 else 1
            near = None
            if not self._long(node.text):
                near = self._expanded(node, lambda words: words.near(node.text, edits)[:FUZZY_EXPANSIONS])
            return self._any_of(field, [node.text, *(near or [])], positive, boost=node.boost)
        if isinstance(node, qn.Prefix | qn.Wildcard):
            prefix = isinstance(node, qn.Prefix)

            def expand(words: Vocabulary) -> list[str]:
                found = words.starting_with(node.text) if prefix else words.matching(node.text)
                return words.most_used(found, PREFIX_EXPANSIONS)

            literal = node.text.replace("*", "")  # a star can stand for nothing
            found = None if self._long(literal) else self._expanded(node, expand)
            if found is None:
                return qn.NULL  # no known word is that long; past the bound, left out
            return self._any_of(field, found, positive, boost=node.boost)
        if isinstance(node, qn.Phrase):
            if len(node.words) > MAX_PHRASE_WORDS:
                self._left_out.add("phrase")
                node = qn.Phrase(node.fieldname, node.words[:MAX_PHRASE_WORDS], slop=node.slop, boost=node.boost)
            terms = stems(" ".join(node.words))
            if positive:
                self.words.extend(node.words)
                self.words_by_field[field].extend(node.words)
                self.highlight[field].update(terms)
            if not terms:
                return qn.NULL
            if len(terms) == 1:
                return qn.Term(field, terms[0], boost=self._boost(field, node.boost))
            return qn.Phrase(field, tuple(terms), slop=node.slop, boost=self._boost(field, node.boost))
        if isinstance(node, qn.Term):
            if positive and not self._long(node.text):
                self.plain_words.append(node.text)
            return self._any_of(field, [node.text], positive, boost=node.boost)
        if isinstance(node, qn.TermRange):
            raise QueryError(
                f"ranges work on dates and comment counts only (date:[2011-03-01 to 2011-03-31], "
                f"comments:[5 to 20]), not on {field}:"
            )
        return node

    def _any_of(self, field: str, words: Sequence[str], positive: bool, boost: float):
        terms = list(dict.fromkeys(term for word in words for term in stems(word)))
        if positive:
            self.words.extend(words)
            self.words_by_field[field].extend(words)
            self.highlight[field].update(terms)
        if not terms:
            return qn.NULL
        queries = tuple(qn.Term(field, term, boost=self._boost(field, boost)) for term in terms)
        return queries[0] if len(queries) == 1 else qn.Or(queries)

    @staticmethod
    def _boost(field: str, boost: float) -> float:
        return boost * TITLE_BOOST if field == "title" else boost


_LONG_RUN = re.compile(rf"\w{{{MAX_TYPED_WORD_CHARS + 1},}}")
_NOTES = {
    "long": f"words longer than {MAX_WORD_CHARS} characters are searched as typed, never corrected or expanded",
    "expanded": f"only the first {MAX_EXPANDED_TERMS} ~, * and ? terms were expanded, to {MAX_EXPANSION_WORDS} words"
    " in all (later ~ terms were searched as typed, later * and ? terms left out)",
    "phrase": f"a phrase was searched by its first {MAX_PHRASE_WORDS} words",
    "terms": f"only the first {MAX_QUERY_TERMS} words of the query were searched",
}


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


def _first_tokens(text: str) -> str:
    """The first MAX_QUERY_TOKENS pieces of a query, with the quotes and brackets open at the cut closed."""
    shortened = " ".join(text.split()[:MAX_QUERY_TOKENS])
    if shortened.count('"') % 2:
        shortened += '"'
    still_open = []
    for ch in _outside_quotes(shortened):
        if ch in "([":
            still_open.append(")" if ch == "(" else "]")
        elif ch in ")]" and still_open:
            still_open.pop()
    return shortened + "".join(reversed(still_open))


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
    if isinstance(node, qn.Term):
        bounds = _date_bounds(node.text, node.text)
        assert bounds is not None
        low, high = bounds
    elif isinstance(node, qn.TermRange):
        opening, closing = "{" if node.startexcl else "[", "}" if node.endexcl else "]"
        shown = f"{opening}{node.start or ''} to {node.end or ''}{closing}"
        start = _date_bounds(node.start, shown)
        end = _date_bounds(node.end, shown)
        try:
            low = date(1, 1, 1) if start is None else (start[1] + timedelta(days=1) if node.startexcl else start[0])
            high = date(9999, 12, 31) if end is None else (end[0] - timedelta(days=1) if node.endexcl else end[1])
        except OverflowError:  # after 9999 or before year 1: Python's calendar has no such day
            raise QueryError(f"date:{shown} reaches past the calendar (years 0001 to 9999)") from None
    else:
        raise QueryError("date: takes 2011, 2011-03, 2011-03-08, a range [2011-03-01 to 2011-03-31], or >2012")
    return qn.NumericRange("day", _day_number(low), _day_number(high))


_COUNT = re.compile(r"^\d{1,9}$")


def _comments_query(node):
    """`comments:10`, `comments:>=10`, `comments:<3`, `comments:[5 to 20]`: a range of comment counts."""

    def count(value: str | None, shown: str) -> int | None:
        if value is None:
            return None
        if not _COUNT.match(value.strip()):
            raise QueryError(
                f"comments:{shown} is not a number of comments; use comments:10, comments:>=10, comments:<3 "
                "or comments:[5 to 20]"
            )
        return int(value)

    if isinstance(node, qn.Term):
        number = count(node.text, node.text)
        return qn.NumericRange("comments", number, number)
    if isinstance(node, qn.TermRange):
        shown = f"[{node.start or ''} to {node.end or ''}]"
        return qn.NumericRange(
            "comments", count(node.start, shown), count(node.end, shown), node.startexcl, node.endexcl
        )
    raise QueryError("comments: takes a number: comments:10, comments:>=10, comments:<3 or comments:[5 to 20]")


def _split_date_filter(scored):
    """Pull top-level date and comment-count ranges out of the scored query: they filter, they do not rank."""

    def is_date(node) -> bool:
        return isinstance(node, qn.NumericRange) and node.fieldname in ("day", "comments")

    if is_date(scored):
        return qn.Every(), scored
    if isinstance(scored, qn.And):
        dates = tuple(child for child in scored.subqueries if is_date(child))
        if dates:
            rest = tuple(child for child in scored.subqueries if not is_date(child))
            remaining = qn.And(rest).normalize() if rest else qn.Every()
            if isinstance(remaining, qn.Not):
                remaining = qn.AndNot(qn.Every(), remaining.query)
            return remaining, (dates[0] if len(dates) == 1 else qn.And(dates))
    return scored, None
