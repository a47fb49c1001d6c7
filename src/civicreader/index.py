"""The search index: one Whoosh index per corpus, updated incrementally, read by the UI and the CLI.

This is the only module that imports whoosh (always lazily, inside functions).

What lives in an index folder:

* ``whoosh/``: the Whoosh index, one document per post. The whole post is stored (JSON), so
  `get`, `show` and the UI never read the corpus; a small ``meta`` column feeds facets and the
  archive tree without unpickling stored fields.
* ``manifest.json``: every corpus file with its size, mtime and SHA-1, the content hash of every
  post, and the Whoosh generation it describes. A stat walk against it says whether the index is stale.
  It also holds, per page, the other files and folders its reader looked at (a Markdown post's comment
  files, see `ingest.Dependency`) with a stamp and a digest of each: when one changes, the page is read again.
* ``pages-<token>.pickle``: every file's parsed `Page` (or `Problem`), so an update re-reads only
  added and changed files, then re-merges all pages in memory and rewrites only the posts that differ.
* ``catalogue.pickle``: the meta column of every live post for one Whoosh generation, so the archive
  tree and the facets need neither Whoosh nor a pass over the column at start-up.
* ``words.pickle``: how many posts use each unstemmed word; fuzzy terms, prefixes and did-you-mean
  are expanded against it (spelling on the stemmed fields would suggest stems).
* ``FORMAT``: the layout version; an index in another layout is rebuilt, never misread.
* ``write.lock``: held (fcntl) by the one process updating the index.

Writes are atomic: Whoosh commits by writing a new table of contents, and the other files are
written beside and renamed into place, manifest last. A killed writer leaves the last good index;
a manifest that does not match the committed Whoosh generation is repaired from the index itself.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import hashlib
import heapq
import json
import os
import pickle
import re
import threading
import time
import uuid
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

from civicreader import paths
from civicreader.ingest import ABSENT, Dependency, Page, Problem, dependency_stamp, dependency_state
from civicreader.model import Comment, Post, normalise_key_text

FORMAT_VERSION = 6
"""5: segments as separate files, not one compound file (see _write_posts). 6: the manifest records
each page's dependencies (the comment files a Markdown post was read with)."""
TEXT_FIELDS = ("title", "body", "comment")
"""Analysed with stemming; bare words search these."""
PLAIN_FIELDS = ("author", "commenter", "category", "tag", "blog")
QUERY_FIELDS = (*TEXT_FIELDS, *PLAIN_FIELDS, "date")
TITLE_BOOST = 3.0
BUSY_WAIT_SECONDS = 3.0
FRESHNESS_CHECK_SECONDS = 1.0
"""How often a Library looks for a newer commit by another process."""
FUZZY_EXPANSIONS = 8
PREFIX_EXPANSIONS = 200
SNIPPET_CHARS = 220
SNIPPET_FIELD_ORDER = {"body": 2, "comment": 1, "title": 0}
"""Where a snippet comes from when fields hold as many of the query's words."""
RARE_DOC_FREQUENCY = 3
PARALLEL_WRITE_POSTS = 1000
"""A first build of this many posts is indexed by two processes (below it, starting one costs more)."""
PARALLEL_READ_FILES = 400
"""Read in worker processes from this many changed files: below it, starting them costs more than it saves."""
_TOC_NAME = re.compile(r"_MAIN_(\d+)\.toc")
"""Whoosh's table of contents for one committed generation of the index."""
WORD_PATTERN = re.compile(r"\w+(?:\.?\w+)*")
"""Whoosh's default tokenizer, so the word list and the index see the same words."""


class IndexBusy(Exception):
    """Another process holds the write lock."""


class QueryError(ValueError):
    """A malformed query; str(error) is one line for the user."""


class UpdateCancelled(Exception):
    """`update` stopped because its cancel event was set; the index is as it was before."""


@dataclass(frozen=True)
class PostSummary:
    id: str
    title: str
    date: date | None
    date_inferred: bool
    blog: str
    comment_count: int
    excerpt: bool


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    date: date | None
    date_inferred: bool
    blog: str
    score: float
    snippet: str
    """Plain text, no markup."""
    highlights: tuple[tuple[int, int], ...]
    """(start, end) offsets of the matched words inside `snippet`."""
    matched_in: str
    """"title", "body" or "comment"."""
    commenter: str | None
    """Whose comment matched, when matched_in == "comment"."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "date_inferred": self.date_inferred,
            "blog": self.blog,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
            "matched_in": self.matched_in,
            "commenter": self.commenter,
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int
    """Exact: every matching post, not only the hits shown."""
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]]
    """{"year": {...}, "blog": {...}, "category": {...}} counted over all matches."""
    suggestion: str | None
    """A whole corrected query string, or None."""
    terms: tuple[str, ...]
    """The words to highlight in the reading pane (after fuzzy and prefix expansion)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": self.facets,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class UpdateReport:
    added: int
    changed: int
    removed: int
    unchanged: int
    """Counts of files."""
    posts: int
    """Posts in the index after the update."""
    problems: tuple[Problem, ...]
    seconds: float
    posts_written: int = 0
    """Posts added or rewritten in the index by this update."""
    posts_deleted: int = 0
    read_seconds: float = 0.0
    """Of `seconds`, the time spent reading changed files and merging pages (the rest is the index)."""


# ---------------------------------------------------------------- analysis and schema


@lru_cache(maxsize=1)
def _stemming_analyzer():
    from whoosh.analysis import StemmingAnalyzer

    return StemmingAnalyzer()


@lru_cache(maxsize=1)
def _plain_analyzer():
    from whoosh.analysis import LowercaseFilter, RegexTokenizer

    return RegexTokenizer() | LowercaseFilter()


def _schema():
    from whoosh import columns, fields

    stemmed = _stemming_analyzer()
    plain = _plain_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=stemmed),
        body=fields.TEXT(analyzer=stemmed),
        comment=fields.TEXT(analyzer=stemmed),
        author=fields.TEXT(analyzer=plain),
        commenter=fields.TEXT(analyzer=plain),
        category=fields.TEXT(analyzer=plain),
        tag=fields.TEXT(analyzer=plain),
        blog=fields.TEXT(analyzer=plain),
        day=fields.NUMERIC(int, bits=32, sortable=True),
        meta=fields.COLUMN(columns.VarBytesColumn()),
        post=fields.STORED,
    )


def stems(text: str) -> list[str]:
    """The index's terms for `text` (lower case, stemmed, stop words dropped)."""
    return [token.text for token in _stemming_analyzer()(text)]


def body_text(post: Post) -> str:
    return "\n\n".join(post.body)


def comment_parts(post: Post) -> tuple[str, list[tuple[int, int, str]]]:
    """All comment text as one string, and (start, end, author) of each comment inside it."""
    pieces: list[str] = []
    spans: list[tuple[int, int, str]] = []
    offset = 0
    for _, comment in post.walk_comments():
        text = "\n\n".join(comment.body)
        if pieces:
            offset += 2
        spans.append((offset, offset + len(text), comment.author))
        pieces.append(text)
        offset += len(text)
    return "\n\n".join(pieces), spans


def post_digest(post: Post) -> str:
    data = json.dumps(post.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(data.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _day_number(when: date | None) -> int:
    return when.year * 10000 + when.month * 100 + when.day if when else 0


def _document(post: Post, digest: str) -> dict[str, Any]:
    comments, _ = comment_parts(post)
    commenters = dict.fromkeys(comment.author for _, comment in post.walk_comments() if comment.author)
    meta = _pack_meta(
        post.id,
        _packable(post.title),
        post.date.isoformat() if post.date else "",
        "1" if post.date_inferred else "",
        _packable(post.blog),
        RECORD.join(_packable(category) for category in post.categories),
        str(post.comment_count),
        "1" if post.excerpt else "",
        digest,
    )
    stored = json.dumps(post.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return {
        "id": post.id,
        "title": post.title,
        "body": body_text(post),
        "comment": comments,
        "author": "\n".join(post.authors),
        "commenter": "\n".join(commenters),
        "category": "\n".join(post.categories),
        "tag": "\n".join(post.tags),
        "blog": post.blog,
        "day": _day_number(post.date),
        "meta": meta,
        "post": zlib.compress(stored.encode("utf-8", "surrogatepass"), 3),
    }


UNIT, RECORD = "\x1f", "\x1e"
"""Separators of the meta column: split() reads 100,000 rows far faster than json.loads."""


def _packable(text: str) -> str:
    return text.replace(UNIT, " ").replace(RECORD, " ")


def _pack_meta(*values: str) -> bytes:
    """Values must not hold UNIT (pass them through _packable); a list inside one is RECORD-joined."""
    return UNIT.join(values).encode("utf-8", "surrogatepass")


def _decode_post(stored: bytes) -> Post:
    return Post.from_dict(json.loads(zlib.decompress(stored).decode("utf-8", "surrogatepass")))


def post_words(post: Post) -> set[str]:
    """The distinct unstemmed words of a post, for the word list behind fuzzy terms and suggestions."""
    parts = [post.title, *post.body]
    for _, comment in post.walk_comments():
        parts.extend(comment.body)
    return {word for word in WORD_PATTERN.findall(" ".join(parts).lower()) if _is_word(word)}


def _is_word(word: str) -> bool:
    return 2 < len(word) <= 40 and not word.isdigit() and "_" not in word


# ---------------------------------------------------------------- the word list


class Vocabulary:
    """Unstemmed words and how many posts use each: expands `word~` and `word*`, suggests spellings."""

    def __init__(self, frequencies: dict[str, int]):
        self.frequencies = frequencies
        self._sorted: list[str] | None = None
        self._by_initial: dict[str, list[str]] | None = None

    def frequency(self, word: str) -> int:
        return self.frequencies.get(word, 0)

    def near(self, word: str, max_edits: int = 1) -> list[str]:
        """Known words within `max_edits` edits that keep the first letter, most used first."""
        word = word.lower()
        found = {candidate for candidate in _one_edit(word) if candidate in self.frequencies}
        if max_edits >= 2:
            found |= self._scan_two_edits(word)
        found.discard(word)
        found = {candidate for candidate in found if candidate[:1] == word[:1]}
        return sorted(found, key=lambda candidate: (-self.frequencies[candidate], candidate))

    def _scan_two_edits(self, word: str) -> set[str]:
        if self._by_initial is None:
            by_initial: dict[str, list[str]] = {}
            for known in self.frequencies:
                by_initial.setdefault(known[:1], []).append(known)
            self._by_initial = by_initial
        return {
            known
            for known in self._by_initial.get(word[:1], ())
            if abs(len(known) - len(word)) <= 2 and _edit_distance(word, known, 2) <= 2
        }

    def starting_with(self, prefix: str) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.frequencies)
        words = self._sorted
        start = bisect.bisect_left(words, prefix)
        end = bisect.bisect_left(words, prefix + "\U0010ffff")
        return words[start:end]

    def matching(self, pattern: str) -> list[str]:
        """Words matching a wildcard pattern (* any run, ? one character)."""
        literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
        regex = re.compile("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern))
        pool = self.starting_with(literal) if literal else list(self.frequencies)
        return [word for word in pool if regex.fullmatch(word)]

    def most_used(self, words: Iterable[str], limit: int) -> list[str]:
        return sorted(words, key=lambda word: (-self.frequencies.get(word, 0), word))[:limit]

    def correction(self, word: str, seen: int) -> str | None:
        """A much more common spelling of a word `seen` in that many posts, or None."""
        if seen > RARE_DOC_FREQUENCY or not word.isalpha():
            return None
        candidates = self.near(word, 1)
        if not candidates and len(word) >= 5:
            candidates = self.near(word, 2)
        if not candidates:
            return None
        best = candidates[0]
        if seen == 0 or self.frequencies[best] >= 20 * seen:
            return best
        return None


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + transposes + replaces + inserts)


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


# ---------------------------------------------------------------- queries


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
            raise QueryError(f"ranges work on dates only (date:[2011-03-01 to 2011-03-31]), not on {field}:")
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


def _split_date_filter(scored):
    """Pull top-level date ranges out of the scored query: they filter, they do not rank."""
    from whoosh import query as wq

    def is_date(node) -> bool:
        return isinstance(node, wq.NumericRange) and node.fieldname == "day"

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


# ---------------------------------------------------------------- reading the index


@dataclass(frozen=True)
class _Catalogue:
    """Everything the facets and the archive tree need, per document number, from the meta column."""

    rows: dict[int, list[str]]
    """Live documents only: id, title, date, inferred, blog, categories, comment count, excerpt, digest."""
    categories: dict[int, tuple[str, ...]]
    year_labels: dict[int, str]
    """"2011", or "undated"."""
    blogs: dict[int, str]
    day_numbers: dict[int, int]
    """yyyymmdd, 0 when undated: sorts newest first."""
    by_year: dict[int, set[int]]
    by_blog: dict[str, set[int]]
    by_category: dict[str, set[int]]
    summaries: dict[int, PostSummary] = field(default_factory=dict)
    """Made when first asked for."""

    @classmethod
    def load(cls, reader) -> _Catalogue:
        rows: dict[int, list[str]] = {}
        for segment, base in reader.leaf_readers():
            if not segment.has_column("meta"):
                continue
            deleted = segment.deleted_docs_set if segment.has_deletions() else frozenset()
            # Iterating a column reads the values in order; asking for each document seeks for each.
            for local, value in enumerate(segment.column_reader("meta")):
                if local not in deleted:
                    rows[base + local] = value.decode("utf-8", "surrogatepass").split(UNIT)
        categories: dict[int, tuple[str, ...]] = {}
        year_labels: dict[int, str] = {}
        blogs: dict[int, str] = {}
        day_numbers: dict[int, int] = {}
        by_year: dict[int, set[int]] = {}
        by_blog: dict[str, set[int]] = {}
        by_category: dict[str, set[int]] = {}
        for docnum, row in rows.items():
            when, blog = row[2], row[4]
            cats = tuple(row[5].split(RECORD)) if row[5] else ()
            categories[docnum] = cats
            year_labels[docnum] = when[:4] if when else "undated"
            blogs[docnum] = blog
            day_numbers[docnum] = int(when.replace("-", "")) if when else 0
            by_year.setdefault(int(when[:4]) if when else 0, set()).add(docnum)
            by_blog.setdefault(blog, set()).add(docnum)
            for category in cats:
                by_category.setdefault(category, set()).add(docnum)
        return cls(rows, categories, year_labels, blogs, day_numbers, by_year, by_blog, by_category)

    @property
    def digests(self) -> dict[str, str]:
        """post id -> content hash."""
        return {row[0]: row[8] for row in self.rows.values()}

    def summary(self, docnum: int) -> PostSummary:
        found = self.summaries.get(docnum)
        if found is None:
            post_id, title, when, inferred, blog, _, comments, excerpt, _ = self.rows[docnum]
            found = PostSummary(
                id=post_id,
                title=title,
                date=date.fromisoformat(when) if when else None,
                date_inferred=bool(inferred),
                blog=blog,
                comment_count=int(comments),
                excerpt=bool(excerpt),
            )
            self.summaries[docnum] = found
        return found

    def facets(self, docnums: Iterable[int]) -> dict[str, dict[str, int]]:
        docnums = list(docnums)
        years = Counter(map(self.year_labels.__getitem__, docnums))
        blogs = Counter(map(self.blogs.__getitem__, docnums))
        categories = Counter(chain.from_iterable(map(self.categories.__getitem__, docnums)))
        return {
            "year": dict(sorted(years.items())),
            "blog": dict(blogs.most_common()),
            "category": dict(categories.most_common()),
        }

    def allowed(self, filters: Mapping[str, str]) -> set[int] | None:
        allowed: set[int] | None = None
        for name, value in filters.items():
            if name == "year":
                key = 0 if str(value) in ("undated", "None", "") else int(value)
                chosen = self.by_year.get(key, set())
            elif name == "blog":
                chosen = self.by_blog.get(value, set())
            elif name == "category":
                chosen = self.by_category.get(value, set())
            else:
                raise QueryError(f"cannot filter on '{name}'; use year, blog or category")
            allowed = set(chosen) if allowed is None else allowed & chosen
        return allowed


def _newest_first(summaries: Iterable[PostSummary]) -> list[PostSummary]:
    dated = sorted((s for s in summaries if s.date), key=lambda s: (s.date, s.title), reverse=True)
    return dated + sorted((s for s in summaries if not s.date), key=lambda s: s.title)


# ---------------------------------------------------------------- the library


@dataclass
class _State:
    generation: int
    files: dict[str, list]
    """relative path -> [size, mtime_ns, sha1]"""
    digests: dict[str, str]
    pages_file: str | None
    dependencies: dict[str, list[list]] = field(default_factory=dict)
    """relative path of a page -> [path, kind, detail, stamp, state] of each file or folder besides its
    own that its reader looked at; the path relative to the corpus where it is inside it."""


class _Looks:
    """Stamps and states of dependencies, each taken once per update: the posts of a folder share it."""

    def __init__(self, corpus: Path):
        self._corpus = str(corpus)
        self._stamps: dict[tuple[str, str], str] = {}
        self._states: dict[tuple[str, str, tuple[str, ...]], str] = {}
        self._folders: dict[str, bool] = {}

    def dependency(self, record: list) -> Dependency:
        # os.path, not pathlib: this runs for every dependency of every page on every staleness check.
        path, kind, detail = record[0], record[1], tuple(record[2])
        return Dependency(os.path.join(self._corpus, path), kind, detail)

    def stamp(self, dependency: Dependency) -> str:
        key = (dependency.path, dependency.kind)
        if key not in self._stamps:
            # Most posts have no comment folder of their own, and most sites no `_data/comments`: one
            # look at the parent answers for all of its would-be children.
            parent = os.path.dirname(dependency.path)
            if parent not in self._folders:
                self._folders[parent] = os.path.isdir(parent)
            self._stamps[key] = dependency_stamp(dependency) if self._folders[parent] else ABSENT
        return self._stamps[key]

    def state(self, dependency: Dependency) -> str:
        key = (dependency.path, dependency.kind, dependency.detail)
        if key not in self._states:
            self._states[key] = dependency_state(dependency)
        return self._states[key]

    def refreshed(self, records: list[list]) -> list[list] | None:
        """The records with today's stamps, or None when a dependency's state has changed."""
        fresh = []
        for record in records:
            dependency = self.dependency(record)
            stamp = self.stamp(dependency)
            if stamp != record[3]:
                if self.state(dependency) != record[4]:
                    return None
                record = [*record[:3], stamp, record[4]]
            fresh.append(record)
        return fresh

    def stale(self, records: list[list]) -> bool:
        """Cheaply (stat only): might a dependency have changed?"""
        return any(self.stamp(self.dependency(record)) != record[3] for record in records)


class _PackedPages(MutableMapping):
    """relative path -> the file's Page, or the Problem that stopped it, each kept pickled until asked for.

    An update re-merges a few of 20,000 pages; unpickling and pickling them all was most of its time.
    """

    def __init__(self, pages: Mapping[str, Page | Problem] = ()):
        self._packed: dict[str, bytes] = {}
        self._unpacked: dict[str, Page | Problem] = {}
        self._changed: dict[str, Page | Problem] = dict(pages)
        self._problems = {key for key, page in self._changed.items() if isinstance(page, Problem)}

    def __getitem__(self, key: str) -> Page | Problem:
        if key in self._changed:
            return self._changed[key]
        found = self._unpacked.get(key)
        if found is None:
            found = self._unpacked[key] = pickle.loads(self._packed[key])
        return found

    def __setitem__(self, key: str, page: Page | Problem) -> None:
        self._packed.pop(key, None)
        self._unpacked.pop(key, None)
        self._changed[key] = page
        if isinstance(page, Problem):
            self._problems.add(key)
        else:
            self._problems.discard(key)

    def __delitem__(self, key: str) -> None:
        if self._changed.pop(key, None) is None and self._packed.pop(key, None) is None:
            raise KeyError(key)
        self._unpacked.pop(key, None)
        self._problems.discard(key)

    def __contains__(self, key: object) -> bool:
        return key in self._packed or key in self._changed

    def __iter__(self) -> Iterator[str]:
        yield from self._packed
        yield from self._changed

    def __len__(self) -> int:
        return len(self._packed) + len(self._changed)

    def problems(self) -> list[Problem]:
        return [self[key] for key in sorted(self._problems)]  # type: ignore[misc]

    def __getstate__(self) -> tuple[dict[str, bytes], set[str]]:
        for key, page in self._changed.items():
            self._packed[key] = pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
        self._changed.clear()
        return self._packed, self._problems

    def __setstate__(self, state: tuple[dict[str, bytes], set[str]]) -> None:
        self._packed, self._problems = state
        self._unpacked, self._changed = {}, {}


@dataclass
class _PageCache:
    """What the last update read, so the next one re-reads and re-merges only what changed."""

    pages: _PackedPages = field(default_factory=_PackedPages)
    keys: dict[str, frozenset[tuple]] = field(default_factory=dict)
    """relative path -> what links the page to others in merging: its post ids and (blog, title)s."""
    post_pages: dict[str, frozenset[str]] | None = field(default_factory=dict)
    """merged post id -> the relative paths of the pages it was merged from."""


def _page_keys(page: Page | Problem) -> frozenset[tuple]:
    if not isinstance(page, Page):
        return frozenset()
    keys: set[tuple] = set()
    for post in page.posts:
        keys.add(("id", post.id))
        keys.add(("title", normalise_key_text(post.blog), normalise_key_text(post.title)))
    return frozenset(keys)


def _linked_pages(touched: set[str], old_keys: set[tuple], keys: dict[str, frozenset[tuple]],
                  post_pages: dict[str, frozenset[str]]) -> set[str]:
    """Every page that shares, directly or through others, a post id or a title with a touched page.

    merge_pages joins pages only through these (same id, an undated post folded into the dated one
    of the same title, neighbours on one archive page), so pages outside this set merge as before.
    """
    by_key: dict[tuple, list[str]] = {}
    for relative, page_keys in keys.items():
        for key in page_keys:
            by_key.setdefault(key, []).append(relative)
    linked = set(touched)
    frontier = set(old_keys)
    for relative in touched:
        frontier |= keys.get(relative, frozenset())
    for rels in post_pages.values():
        if not rels.isdisjoint(touched):
            for relative in rels - linked:
                linked.add(relative)
                frontier |= keys.get(relative, frozenset())
    while frontier:
        for relative in by_key.get(frontier.pop(), ()):
            if relative not in linked:
                linked.add(relative)
                frontier |= keys[relative]
    return linked


class Library:
    """One corpus and its index. Cheap to create; opens the index on first use.

    Safe from one thread at a time per instance.
    """

    def __init__(self, corpus: Path, index_dir: Path | None = None):
        self.corpus = Path(corpus).expanduser()
        self.index_dir = Path(index_dir).expanduser() if index_dir else paths.index_dir_for(self.corpus)
        self.busy_wait = BUSY_WAIT_SECONDS
        self._index = None
        self._searcher = None
        self._checked_at = 0.0
        self._catalogue: _Catalogue | None = None
        self._catalogue_generation: int | None = None
        self._vocabulary: Vocabulary | None = None
        self._term_scores: _TermScores | None = None

    # ---- where things are

    @property
    def _whoosh_dir(self) -> Path:
        return self.index_dir / "whoosh"

    @property
    def _manifest_path(self) -> Path:
        return self.index_dir / "manifest.json"

    @property
    def _words_path(self) -> Path:
        return self.index_dir / "words.pickle"

    @property
    def _catalogue_path(self) -> Path:
        return self.index_dir / "catalogue.pickle"

    @property
    def _outline_path(self) -> Path:
        return self.index_dir / "outline.json"

    def _committed_generation(self) -> int | None:
        """The newest Whoosh generation on disk, from its table-of-contents file names (no Whoosh import)."""
        try:
            names = os.listdir(self._whoosh_dir)
        except OSError:
            return None
        found = [_TOC_NAME.fullmatch(name) for name in names]
        generations = [int(match.group(1)) for match in found if match]
        return max(generations) if generations else None

    # ---- state

    def exists(self) -> bool:
        # Without importing Whoosh: the app asks this before its first screen.
        return self._manifest_path.exists() and self._readable() and self._committed_generation() is not None

    def _readable(self) -> bool:
        """The index was written in the format this version reads (a small file, read on every open)."""
        try:
            return (self.index_dir / "FORMAT").read_text(encoding="ascii").strip() == str(FORMAT_VERSION)
        except (OSError, ValueError):
            return False

    def is_stale(self) -> bool:
        state = self._read_state()
        if state is None or not self.exists():
            return True
        seen = 0
        for file, _root, stat in self._discover():
            relative = self._relative(file)
            known = state.files.get(relative)
            if stat is None:
                return True
            if known is None or known[0] != stat.st_size or known[1] != stat.st_mtime_ns:
                return True
            seen += 1
        if seen != len(state.files):
            return True
        looks = _Looks(self.corpus)
        return any(looks.stale(records) for records in state.dependencies.values())

    def _read_state(self) -> _State | None:
        try:
            data = json.loads(self._manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("format") != FORMAT_VERSION or not self._readable():
            return None
        return _State(
            generation=data["generation"],
            files=data["files"],
            digests=data["digests"],
            pages_file=data.get("pages_file"),
            dependencies=data.get("dependencies") or {},
        )

    def _discover(self, passed_over: list[Problem] | None = None) -> Iterator[tuple[Path, Path, os.stat_result | None]]:
        from civicreader.ingest import discover_with_stats

        return discover_with_stats([self.corpus], passed_over)

    def _relative(self, file: Path) -> str:
        # String slicing, not Path.relative_to: this runs for every file on every update.
        text, prefix = str(file), self._corpus_prefix
        return text[len(prefix) :] if text.startswith(prefix) else file.as_posix()

    @property
    def _corpus_prefix(self) -> str:
        return str(self.corpus).rstrip(os.sep) + os.sep

    # ---- writing

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with (self.index_dir / "write.lock").open("a+") as handle:
            deadline = time.monotonic() + self.busy_wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy(
                            f"the index in {self.index_dir} is being updated by another civicreader process; "
                            "try again when it has finished"
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def update(
        self,
        progress: Callable[[int, int, str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> UpdateReport:
        """Build the index, or bring it up to date with the corpus by re-reading only what changed."""
        if not self.corpus.is_dir():
            raise FileNotFoundError(f"no corpus folder at {self.corpus}")
        started = time.perf_counter()
        with self._write_lock():
            report = self._update_locked(progress or _no_progress, cancel or threading.Event(), started)
        self._drop_searcher()
        return report

    def _update_locked(self, progress, cancel: threading.Event, started: float) -> UpdateReport:
        from whoosh import index

        from civicreader.dedupe import merge_pages

        self._whoosh_dir.mkdir(parents=True, exist_ok=True)
        self._remove_temporary_files()
        state = self._read_state()
        if state is not None and index.exists_in(str(self._whoosh_dir)):
            whoosh_index = index.open_dir(str(self._whoosh_dir))
        else:
            # No manifest (first run, or one from another version): build afresh.
            whoosh_index = index.create_in(str(self._whoosh_dir), _schema())
            state = None
        cache = self._load_cache(state)
        if cache is None:
            state = None
            cache = _PageCache()
        pages, keys = cache.pages, cache.keys
        in_step = state is not None and state.generation == whoosh_index.latest_generation()
        frequencies = self._load_words() if in_step else None
        in_step = in_step and frequencies is not None
        files = dict(state.files) if state else {}
        dependencies = dict(state.dependencies) if state else {}
        looks = _Looks(self.corpus)
        if in_step:
            assert state is not None
            digests = state.digests
        else:
            # A writer died after committing Whoosh but before the manifest: trust the index.
            with whoosh_index.reader() as reader:
                digests = _Catalogue.load(reader).digests

        passed_over: list[Problem] = []
        found = list(self._discover(passed_over))
        added = changed = unchanged = 0
        seen: dict[str, tuple[Path, Path]] = {}
        to_read: list[tuple[str, Path, Path]] = []
        for number, (file, root, stat) in enumerate(found, 1):
            if cancel.is_set():
                raise UpdateCancelled("indexing was cancelled; the index is as it was")
            relative = self._relative(file)
            seen[relative] = (file, root)
            if stat is None:
                continue
            known = files.get(relative)
            if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns and relative in pages:
                unchanged += 1
                continue
            if number % 100 == 0:
                progress(number, len(found), "checking files")
            try:
                sha1 = hashlib.sha1(file.read_bytes()).hexdigest()
            except OSError as error:
                pages[relative] = Problem(str(file), f"cannot read: {error.strerror or error}")
                files[relative] = [stat.st_size, stat.st_mtime_ns, ""]
                changed += 1
                continue
            files[relative] = [stat.st_size, stat.st_mtime_ns, sha1]
            if known and known[2] == sha1 and relative in pages:
                unchanged += 1
                continue
            if known:
                changed += 1
            else:
                added += 1
            to_read.append((relative, file, root))
        # An unchanged file is read again when what its reader looked at beside it has changed.
        queued = {relative for relative, _, _ in to_read}
        for relative, records in list(dependencies.items()):
            if relative in queued or relative not in seen:
                continue
            refreshed = looks.refreshed(records)
            if refreshed is None:
                to_read.append((relative, *seen[relative]))
                changed += 1
                unchanged -= 1
            else:
                dependencies[relative] = refreshed
        touched: set[str] = set()
        old_keys: set[tuple] = set()
        for number, (relative, page) in enumerate(_read_pages(to_read, cancel), 1):
            progress(number, len(to_read), relative)
            touched.add(relative)
            old_keys |= keys.get(relative, frozenset())
            pages[relative] = page
            keys[relative] = _page_keys(page)
            dependencies.pop(relative, None)
            if isinstance(page, Page) and page.depends_on:
                dependencies[relative] = [self._dependency_record(d, looks) for d in page.depends_on]
        removed_files = [relative for relative in files if relative not in seen]
        for relative in removed_files:
            dependencies.pop(relative, None)
            files.pop(relative, None)
            pages.pop(relative, None)
            old_keys |= keys.pop(relative, frozenset())
            touched.add(relative)

        post_pages = cache.post_pages
        if in_step and post_pages is not None and len(touched) * 4 <= len(pages):
            # Only the pages linked to a changed one (by a shared post or title) can merge differently.
            affected = _linked_pages(touched, old_keys, keys, post_pages)
            posts = merge_pages([pages[r] for r in sorted(affected) if isinstance(pages.get(r), Page)])
            leaving = {post_id for post_id, rels in post_pages.items() if not rels.isdisjoint(affected)}
            new_digests = {post_id: digest for post_id, digest in digests.items() if post_id not in leaving}
            post_pages = {post_id: rels for post_id, rels in post_pages.items() if post_id not in leaving}
        else:
            posts = merge_pages([page for _, page in sorted(pages.items()) if isinstance(page, Page)])
            leaving = set(digests)
            new_digests = {}
            post_pages = {}
        new_digests.update((post.id, post_digest(post)) for post in posts)
        for post in posts:
            post_pages[post.id] = frozenset(self._relative(Path(source)) for source in post.sources)
        if any(not rels for rels in post_pages.values()):
            post_pages = None  # a reader that names no sources: merge everything each time
        read_seconds = time.perf_counter() - started
        to_write = [post for post in posts if digests.get(post.id) != new_digests[post.id]]
        to_delete = [post_id for post_id in leaving if post_id not in new_digests]
        problems = tuple(pages.problems()) + tuple(passed_over)

        nothing_to_do = in_step and not to_write and not to_delete
        unmoved = files == (state.files if state else {}) and dependencies == (state.dependencies if state else {})
        if nothing_to_do and not touched and unmoved and self._outline_path.exists():
            seconds = time.perf_counter() - started
            return UpdateReport(0, 0, 0, unchanged, len(new_digests), problems, seconds, read_seconds=read_seconds)

        vocabulary = self._updated_words(whoosh_index, frequencies, digests, posts, to_write, to_delete)
        if not nothing_to_do:
            self._write_posts(whoosh_index, to_write, to_delete, new_digests, fresh=not digests, progress=progress,
                              cancel=cancel)
        pages_file = self._save_cache(_PageCache(pages, keys, post_pages))
        _atomic_write(self._words_path, pickle.dumps(vocabulary, protocol=pickle.HIGHEST_PROTOCOL))
        if not nothing_to_do or not self._outline_path.exists():  # an index written before outlines gets one
            self._save_catalogue(whoosh_index)
        manifest = {
            "format": FORMAT_VERSION,
            "corpus": str(self.corpus.resolve()),
            "generation": whoosh_index.latest_generation(),
            "files": files,
            "digests": new_digests,
            "pages_file": pages_file,
            "dependencies": dependencies,
        }
        _atomic_write(self.index_dir / "FORMAT", f"{FORMAT_VERSION}\n".encode())
        _atomic_write(self._manifest_path, json.dumps(manifest, ensure_ascii=True).encode())
        self._remove_stale_page_files(keep=pages_file)
        return UpdateReport(
            added=added,
            changed=changed,
            removed=len(removed_files),
            unchanged=unchanged,
            posts=len(new_digests),
            problems=problems,
            seconds=time.perf_counter() - started,
            posts_written=len(to_write),
            posts_deleted=len(to_delete),
            read_seconds=read_seconds,
        )

    def _dependency_record(self, dependency: Dependency, looks: _Looks) -> list:
        """What the manifest keeps of a dependency: its path relative to the corpus where it is inside it."""
        path, prefix = dependency.path, self._corpus_prefix
        stored = path[len(prefix) :] if path.startswith(prefix) else os.path.abspath(path)
        return [stored, dependency.kind, list(dependency.detail), looks.stamp(dependency), looks.state(dependency)]

    def _write_posts(self, whoosh_index, to_write, to_delete, digests, *, fresh, progress, cancel) -> None:
        if fresh and len(to_write) >= PARALLEL_WRITE_POSTS and (os.cpu_count() or 1) >= 2:
            try:
                self._write_new_posts_in_two(whoosh_index, to_write, digests, progress, cancel)
                return
            except _SegmentWorkerFailed:
                pass  # the index is as it was: write them all here
        # Not compound: Whoosh opens a compound segment by copying each part out of its memory map, so a
        # searcher over 20,000 posts held 413 MB and took 0.3 s to open; as separate files, 60 MB and 0.13 s.
        writer = whoosh_index.writer(limitmb=256, compound=False)
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
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def _write_new_posts_in_two(self, whoosh_index, to_write, digests, progress, cancel) -> None:
        """A first build on two cores: a worker process writes half the posts as a segment of its own
        while this one writes the other half; one commit then lists both. Whoosh alone indexes on one
        core, and indexing is most of a first build."""
        writer = whoosh_index.writer(limitmb=256, compound=False)
        half = len(to_write) // 2
        mine, theirs = to_write[:half], to_write[half:]
        worker = None
        try:
            documents = pickle.dumps([_document(post, digests[post.id]) for post in theirs])
            worker = _start_segment_worker(str(self._whoosh_dir), documents)
            total = len(to_write)
            progress(0, total, "indexing posts")
            for number, post in enumerate(mine, 1):
                if number % 200 == 0:
                    if cancel.is_set():
                        raise UpdateCancelled("indexing was cancelled; the index is as it was")
                    progress(number, total, "indexing posts")
                writer.add_document(**_document(post, digests[post.id]))
            progress(len(mine), total, "indexing posts (the other half in a second process)")
            segments = writer._merge_segments(None, None, None)
            segments.append(writer._finalize_segment())
            segments.append(worker.segment(cancel))
            progress(total, total, "indexing posts")
        except BaseException:
            if worker is not None:
                worker.stop()
            writer.cancel()
            raise
        writer._commit_toc(segments)
        writer._finish()

    def _load_words(self) -> dict[str, int] | None:
        try:
            return pickle.loads(self._words_path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None

    def _updated_words(self, whoosh_index, frequencies, old_digests, posts, to_write, to_delete) -> dict[str, int]:
        """The word list after this update: adjusted by the posts that changed, or counted afresh."""
        if frequencies is None:
            counts: Counter[str] = Counter()
            for post in posts:
                counts.update(post_words(post))
            return dict(counts)
        leaving = [post.id for post in to_write if post.id in old_digests] + list(to_delete)
        if leaving:
            with whoosh_index.searcher() as searcher:
                for post_id in leaving:
                    docnum = searcher.document_number(id=post_id)
                    if docnum is None:
                        continue
                    for word in post_words(_decode_post(searcher.stored_fields(docnum)["post"])):
                        remaining = frequencies.get(word, 0) - 1
                        if remaining > 0:
                            frequencies[word] = remaining
                        else:
                            frequencies.pop(word, None)
        for post in to_write:
            for word in post_words(post):
                frequencies[word] = frequencies.get(word, 0) + 1
        return frequencies

    def _load_cache(self, state: _State | None) -> _PageCache | None:
        if state is None or not state.pages_file:
            return _PageCache() if state is None else None
        try:
            cache = pickle.loads((self.index_dir / state.pages_file).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None
        if not isinstance(cache, _PageCache):
            return None
        if isinstance(cache.pages, dict):  # written before pages were kept packed
            cache.pages = _PackedPages(cache.pages)
        return cache

    def _save_cache(self, cache: _PageCache) -> str:
        name = f"pages-{uuid.uuid4().hex[:12]}.pickle"
        _atomic_write(self.index_dir / name, pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))
        return name

    def _remove_temporary_files(self) -> None:
        """What a writer killed before its renames left behind (the caller holds the write lock)."""
        for stale in self.index_dir.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def _remove_stale_page_files(self, keep: str) -> None:
        for stale in self.index_dir.glob("pages-*.pickle*"):
            if stale.name != keep:
                with contextlib.suppress(OSError):
                    stale.unlink()

    # ---- reading

    def _open_searcher(self):
        """The shared searcher, reopened when another process has committed; None when there is no index."""
        from whoosh import index
        from whoosh.scoring import BM25F

        if self._searcher is not None:
            now = time.monotonic()
            if now - self._checked_at >= FRESHNESS_CHECK_SECONDS:
                self._checked_at = now
                if not self._searcher.up_to_date():
                    # Not Searcher.refresh(): it reuses a segment's reader and misses deletions made since.
                    self._searcher.close()
                    self._searcher = self._index.searcher(weighting=BM25F())
                    self._catalogue = None
                    self._vocabulary = None
                    self._term_scores = None
            return self._searcher
        if self._index is None:
            if not self._readable() or not index.exists_in(str(self._whoosh_dir)):
                return None
            self._index = index.open_dir(str(self._whoosh_dir))
        self._searcher = self._index.searcher(weighting=BM25F())
        self._checked_at = time.monotonic()
        return self._searcher

    def _drop_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        self._index = None
        self._catalogue = None
        self._vocabulary = None
        self._term_scores = None

    def close(self) -> None:
        self._drop_searcher()

    def _catalogue_for(self, searcher) -> _Catalogue:
        generation = searcher.reader().generation()
        if self._catalogue is None or self._catalogue_generation != generation:
            self._catalogue = self._stored_catalogue(generation) or _Catalogue.load(searcher.reader())
            self._catalogue_generation = generation
        return self._catalogue

    def _stored_catalogue(self, generation: int) -> _Catalogue | None:
        """The catalogue the last update saved, if it describes this generation of the index."""
        try:
            stored_generation, catalogue = pickle.loads(self._catalogue_path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        if stored_generation != generation or not isinstance(catalogue, _Catalogue):
            return None
        return catalogue

    def _save_catalogue(self, whoosh_index) -> None:
        with whoosh_index.reader() as reader:
            catalogue = _Catalogue.load(reader)
            generation = reader.generation()
        _atomic_write(self._catalogue_path, pickle.dumps((generation, catalogue), protocol=pickle.HIGHEST_PROTOCOL))
        outline = {
            "generation": generation,
            "blogs": {blog: len(docnums) for blog, docnums in sorted(catalogue.by_blog.items())},
            "categories": {name: len(docnums) for name, docnums in sorted(catalogue.by_category.items())},
        }
        _atomic_write(self._outline_path, json.dumps(outline, ensure_ascii=True).encode("ascii"))

    def _stored_outline(self) -> dict[str, dict[str, int]] | None:
        """The blogs and categories with their counts, as the last update saved them, while nothing bigger is read.

        The archive's first level needs only these: read from a file that grows with the number of
        blogs and categories, not of posts, the first screen does not slow down as an archive grows
        (the catalogue it would otherwise load takes 0.17 s at 20,000 posts). None when the catalogue
        is in memory, when a searcher is open, or when the file does not describe the index as it is now
        (an index written before outlines were).
        """
        if self._searcher is not None or not self._readable():
            return None
        generation = self._committed_generation()
        if generation is None or (self._catalogue is not None and self._catalogue_generation == generation):
            return None
        try:
            outline = json.loads(self._outline_path.read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(outline, dict) or outline.get("generation") != generation:
            return None
        return {"blogs": dict(outline.get("blogs") or {}), "categories": dict(outline.get("categories") or {})}

    def _words(self) -> Vocabulary:
        if self._vocabulary is None:
            try:
                frequencies = pickle.loads(self._words_path.read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                frequencies = {}
            self._vocabulary = Vocabulary(frequencies)
        return self._vocabulary

    def search(
        self,
        query: str,
        *,
        sort: str = "relevance",
        limit: int = 20,
        offset: int = 0,
        filters: Mapping[str, str] | None = None,
    ) -> SearchResults:
        """Ranked hits with snippets, exact total and facets over every match. Raises QueryError."""
        if sort not in ("relevance", "date"):
            raise QueryError(f"cannot sort by '{sort}'; use relevance or date")
        compiled = _QueryCompiler(self._words).compile(query)
        searcher = self._open_searcher()
        if searcher is None:
            return SearchResults(query, 0, (), {"year": {}, "blog": {}, "category": {}}, None, ())
        catalogue = self._catalogue_for(searcher)
        allowed = catalogue.allowed(filters) if filters else None
        offset = max(0, offset)
        window = offset + max(0, limit)
        if self._term_scores is None:
            self._term_scores = _TermScores(searcher)
        evaluator = _Evaluator(self._term_scores, catalogue)
        if compiled.date_filter is not None:
            in_dates = evaluator.scores(compiled.date_filter).keys()
            allowed = set(in_dates) if allowed is None else allowed & in_dates
        matched, ranked = _run(evaluator, compiled.query, catalogue, allowed, window, sort)
        shown = ranked[offset:window]
        hits = self._hits(searcher, catalogue, shown, compiled) if shown else ()
        return SearchResults(
            query=query,
            total=len(matched),
            hits=hits,
            facets=catalogue.facets(matched),
            suggestion=self._suggestion(searcher, query, compiled.plain_words),
            terms=tuple(compiled.words),
        )

    def _hits(self, searcher, catalogue, shown, compiled: _Compiled) -> tuple[Hit, ...]:
        hits = []
        for docnum, score in shown:
            summary = catalogue.summary(docnum)
            post = _decode_post(searcher.stored_fields(docnum)["post"])
            fields = self._fields_matched(docnum, compiled.highlight)
            snippet, marks, where, commenter = _snippet(post, compiled.highlight, compiled.commenter_words, fields)
            hits.append(
                Hit(
                    id=summary.id,
                    title=summary.title,
                    date=summary.date,
                    date_inferred=summary.date_inferred,
                    blog=summary.blog,
                    score=float(score),
                    snippet=snippet,
                    highlights=marks,
                    matched_in=where,
                    commenter=commenter,
                )
            )
        return tuple(hits)

    def _fields_matched(self, docnum: int, highlight: dict[str, set[str]]) -> list[str]:
        """The text fields, the one holding most of the query's distinct terms first (body, comment, title on ties)."""
        assert self._term_scores is not None
        holds = self._term_scores.holds

        def strength(field: str) -> tuple[int, int]:
            return sum(holds(field, term, docnum) for term in highlight.get(field, ())), SNIPPET_FIELD_ORDER[field]

        return sorted(TEXT_FIELDS, key=strength, reverse=True)

    def _suggestion(self, searcher, query: str, words: Sequence[str]) -> str | None:
        """The query with unknown or rare words respelt as much more common ones, or None."""
        corrected = query
        for word in dict.fromkeys(word.lower() for word in words):
            if not word.isalpha() or len(word) < 3:
                continue
            word_stems = stems(word)
            if not word_stems:
                continue
            seen = _posts_with_stem(searcher, word_stems[0])
            if seen > RARE_DOC_FREQUENCY:
                continue
            better = self._words().correction(word, seen)
            if better and stems(better) != word_stems:
                corrected = re.sub(rf"(?<![\w:~*]){re.escape(word)}(?![\w~*])", better, corrected, flags=re.I)
        return corrected if corrected != query else None

    def prepare_search(self) -> None:
        """Open what searching needs (Whoosh, the searcher, the catalogue) ahead of the first query.

        The archive tree does without them, so an app can show it first and call this in the background.
        """
        searcher = self._open_searcher()
        if searcher is not None:
            self._catalogue_for(searcher)

    def get(self, post_id: str) -> Post | None:
        searcher = self._open_searcher()
        if searcher is None:
            return None
        docnum = searcher.document_number(id=post_id)
        if docnum is None:
            return None
        return _decode_post(searcher.stored_fields(docnum)["post"])

    def highlight_spans(self, text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
        """Where `terms` match in `text` with the index's analyzer (so "commissioner" marks "commissioners")."""
        wanted = {term for word in terms for term in stems(word)}
        return [(start, end) for start, end, _ in find_stems(text, wanted)]

    # ---- the archive tree

    def _catalogue_or_none(self) -> _Catalogue | None:
        """The catalogue for the tree: from the saved file while no searcher is open, so the app's
        first screen needs neither Whoosh nor the index's column files."""
        if self._searcher is None and self._readable():
            generation = self._committed_generation()
            if generation is not None and self._catalogue is not None and self._catalogue_generation == generation:
                return self._catalogue
            stored = self._stored_catalogue(generation) if generation is not None else None
            if stored is not None:
                self._catalogue, self._catalogue_generation = stored, generation
                return stored
        searcher = self._open_searcher()
        return self._catalogue_for(searcher) if searcher is not None else None

    def _blog_posts(self, blog: str) -> list[PostSummary]:
        catalogue = self._catalogue_or_none()
        if catalogue is None:
            return []
        return [catalogue.summary(docnum) for docnum in catalogue.by_blog.get(blog, ())]

    def blogs(self) -> dict[str, int]:
        if (outline := self._stored_outline()) is not None:
            return outline["blogs"]
        catalogue = self._catalogue_or_none()
        if catalogue is None:
            return {}
        return {blog: len(docnums) for blog, docnums in sorted(catalogue.by_blog.items())}

    def years(self, blog: str) -> dict[int | None, int]:
        counts = Counter(s.date.year if s.date else None for s in self._blog_posts(blog))
        return dict(sorted(counts.items(), key=lambda item: (item[0] is None, -(item[0] or 0))))

    def months(self, blog: str, year: int) -> dict[int, int]:
        counts = Counter(s.date.month for s in self._blog_posts(blog) if s.date and s.date.year == year)
        return dict(sorted(counts.items(), reverse=True))

    def posts_in(self, blog: str, year: int | None, month: int | None = None) -> list[PostSummary]:
        def wanted(summary: PostSummary) -> bool:
            if year is None:
                return summary.date is None
            if summary.date is None or summary.date.year != year:
                return False
            return month is None or summary.date.month == month

        return _newest_first(s for s in self._blog_posts(blog) if wanted(s))

    def categories(self) -> dict[str, int]:
        if (outline := self._stored_outline()) is not None:
            return outline["categories"]
        catalogue = self._catalogue_or_none()
        if catalogue is None:
            return {}
        return {name: len(docnums) for name, docnums in sorted(catalogue.by_category.items())}

    def posts_in_category(self, category: str) -> list[PostSummary]:
        catalogue = self._catalogue_or_none()
        if catalogue is None:
            return []
        return _newest_first(catalogue.summary(d) for d in catalogue.by_category.get(category, ()))


def _run(evaluator: _Evaluator, query, catalogue: _Catalogue, allowed: set[int] | None, window: int, sort: str):
    """Every matching document number, and the first `window` of them as (docnum, score)."""
    scores = evaluator.scores(query)
    if allowed is not None:
        scores = {docnum: score for docnum, score in scores.items() if docnum in allowed}
    matched = scores.keys()
    if not scores or window <= 0:
        return matched, []
    if sort == "date" or not any(scores.values()):  # nothing ranks a bare date or NOT query: newest first
        newest = heapq.nlargest(window, matched, key=catalogue.day_numbers.__getitem__)
        return matched, [(docnum, 0.0) for docnum in newest]
    # Ties go to the older document, as Whoosh orders them.
    best = heapq.nlargest(window, scores.items(), key=lambda item: (item[1], -item[0]))
    return matched, best


# ---------------------------------------------------------------- ranking


BM25_B = 0.75
BM25_K1 = 1.2
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

    def by_whoosh(self, node) -> dict[int, float]:
        """Scores of a query kind the evaluator does not combine itself, from Whoosh's own matchers."""
        return {docnum: score for score, docnum in self._searcher.search(node, limit=None).top_n}

    def holds(self, field: str, text: str, docnum: int) -> bool:
        docnums = self._cache.get((field, text), (None,))[0]
        if docnums is None:
            self.scores(field, text)
            docnums = self._cache[(field, text)][0]
        place = bisect.bisect_left(docnums, docnum)  # postings come in document order
        return place < len(docnums) and docnums[place] == docnum

    def positions(self, field: str, terms: Sequence[str], docnums: Iterable[int]) -> Iterator[tuple[int, list]]:
        """(docnum, each term's positions in it) for `docnums`, every one of which holds every term."""
        wanted = sorted(docnums)
        for segment, base in self._segments:
            end = base + segment.doc_count_all()
            local = [docnum - base for docnum in wanted if base <= docnum < end]
            if not local:
                continue
            matchers = [segment.postings(field, term) for term in terms]
            for docnum in local:
                places = []
                for matcher in matchers:
                    matcher.skip_to(docnum)
                    places.append(matcher.value_as("positions"))
                yield docnum + base, places

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

    def __init__(self, terms: _TermScores, catalogue: _Catalogue):
        self._terms = terms
        self._everything = catalogue.rows.keys()
        self._day_numbers = catalogue.day_numbers

    def scores(self, node) -> dict[int, float]:
        from whoosh import query as wq

        if isinstance(node, wq.Term):
            return self._terms.scores(node.fieldname, node.text, node.boost)
        if isinstance(node, wq.Or):
            return self._boosted(_summed([self.scores(child) for child in node.subqueries]), node.boost)
        if isinstance(node, wq.And):
            wanted = [self.scores(child) for child in node.subqueries if not isinstance(child, wq.Not)]
            unwanted = [self.scores(child.query) for child in node.subqueries if isinstance(child, wq.Not)]
            found = _intersected(wanted) if wanted else dict.fromkeys(self._everything, 0.0)
            return self._boosted(_without(found, unwanted), node.boost)
        if isinstance(node, wq.AndNot):
            return _without(self.scores(node.a), [self.scores(node.b)])
        if isinstance(node, wq.AndMaybe):
            found = self.scores(node.a)
            extra = self.scores(node.b)
            return {docnum: score + extra.get(docnum, 0.0) for docnum, score in found.items()}
        if isinstance(node, wq.Not):
            return _without(dict.fromkeys(self._everything, 0.0), [self.scores(node.query)])
        if isinstance(node, wq.Every):
            return dict.fromkeys(self._everything, 0.0)
        if isinstance(node, type(wq.NullQuery)):
            return {}
        if isinstance(node, wq.Phrase):
            return self._phrase(node)
        if isinstance(node, wq.NumericRange) and node.fieldname == "day":
            return self._days(node)
        return self._terms.by_whoosh(node)

    def _days(self, node) -> dict[int, float]:
        """Dates from the catalogue: Whoosh expands a numeric range into many terms, slowly."""
        low = (node.start + node.startexcl) if node.start is not None else 0
        high = (node.end - node.endexcl) if node.end is not None else 99_999_999
        return {docnum: node.boost for docnum, day in self._day_numbers.items() if day and low <= day <= high}

    def _phrase(self, node) -> dict[int, float]:
        """Documents holding every word, then only those where the words stand in order within `slop`."""
        words = [self._terms.scores(node.fieldname, word) for word in node.words]
        candidates = _intersected(words)
        found = {}
        for docnum, places in self._terms.positions(node.fieldname, node.words, candidates):
            ends = set(places[0])
            for following in places[1:]:
                ends = {place for place in following if any(0 < place - end <= node.slop for end in ends)}
                if not ends:
                    break
            if ends:
                found[docnum] = candidates[docnum] * node.boost
        return found

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


def _read_pages(
    to_read: list[tuple[str, Path, Path]], cancel: threading.Event, parallel: bool = True
) -> Iterator[tuple[str, Page | Problem]]:
    """Read files into pages, in several processes when there are many (parsing is most of a first build)."""
    from civicreader.ingest import read_file

    workers = min(os.cpu_count() or 1, 4)
    if not parallel or len(to_read) < PARALLEL_READ_FILES or workers < 2:
        for relative, file, root in to_read:
            if cancel.is_set():
                raise UpdateCancelled("indexing was cancelled; the index is as it was")
            yield relative, read_file(file, root)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    remaining = list(to_read)
    chunksize = 32
    # spawn, not fork: the caller may be a thread of the UI.
    context = multiprocessing.get_context("spawn")
    read_any = False
    while remaining:
        done = 0
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            try:
                jobs = pool.map(_read_one, [(file, root) for _, file, root in remaining], chunksize=chunksize)
                for (relative, _, _), page in zip(remaining, jobs, strict=True):
                    if cancel.is_set():
                        raise UpdateCancelled("indexing was cancelled; the index is as it was")
                    done += 1
                    read_any = True
                    yield relative, page
                remaining = []
            except BrokenProcessPool:
                remaining = remaining[done:]
                if not read_any and not _workers_can_start(context):
                    # Not a file's fault: no worker can start here (a parent whose __main__ cannot be
                    # imported again, say). Read in this process, as for a few files.
                    yield from _read_pages(remaining, cancel, parallel=False)
                    return
                # A worker died (out of memory, a crash in a C library): read the rest one file a
                # job, so the next death names its file, which is then skipped as a bad file.
                if chunksize == 1:
                    relative, file, _ = remaining.pop(0)
                    yield relative, Problem(str(file), "reading it stopped the process reading it (out of memory?)")
                chunksize = 1
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise


class _SegmentWorkerFailed(Exception):
    """The process writing half a first build died or failed: the whole build is written in one process."""


class _SegmentWorker:
    """A process writing one new segment of the index (spawned: the caller may be a thread of the UI)."""

    def __init__(self, whoosh_dir: str, documents: bytes):
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._results, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_write_segment, args=(whoosh_dir, documents, sender), daemon=True)
        self._process.start()
        sender.close()

    def segment(self, cancel: threading.Event):
        """The finished segment (Whoosh's description of it), waiting for it; raises _SegmentWorkerFailed."""
        try:
            while not self._results.poll(0.2):
                if cancel.is_set():
                    raise UpdateCancelled("indexing was cancelled; the index is as it was")
                if not self._process.is_alive() and not self._results.poll():
                    raise _SegmentWorkerFailed(f"the second indexing process stopped ({self._process.exitcode})")
            status, payload = self._results.recv()
        except (EOFError, OSError) as error:
            raise _SegmentWorkerFailed(f"the second indexing process stopped: {error}") from None
        finally:
            self.stop()
        if status != "ok":
            raise _SegmentWorkerFailed(payload)
        return pickle.loads(payload)

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._results.close()


def _start_segment_worker(whoosh_dir: str, documents: bytes) -> _SegmentWorker:
    return _SegmentWorker(whoosh_dir, documents)


def _write_segment(whoosh_dir: str, documents: bytes, results) -> None:
    """In the worker: index the documents into a new segment and send back its description; the files
    stay unlisted until the parent's commit names them (or its next commit sweeps them away)."""
    try:
        from whoosh import index
        from whoosh.writing import SegmentWriter

        # Not locked: the parent holds the index's lock for both. Not finished either: that would remove
        # the temporary folder the parent's writer shares.
        writer = SegmentWriter(index.open_dir(whoosh_dir), _lk=False, limitmb=128, compound=False)
        for document in pickle.loads(documents):
            writer.add_document(**document)
        results.send(("ok", pickle.dumps(writer._finalize_segment())))
    except BaseException as error:  # said to the parent, which writes these posts itself instead
        results.send(("failed", f"{type(error).__name__}: {error}"))
    finally:
        results.close()


def _workers_can_start(context) -> bool:
    """Whether a worker process can run at all: one that has nothing to read."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            pool.submit(os.getpid).result(timeout=60)
        return True
    except (BrokenProcessPool, TimeoutError, OSError):
        return False


def _read_one(job: tuple[Path, Path]) -> Page | Problem:
    from civicreader.ingest import read_file

    return read_file(*job)


def _posts_with_stem(searcher, stem: str) -> int:
    return max(searcher.doc_frequency(field, stem) for field in TEXT_FIELDS)


def _no_progress(done: int, total: int, label: str) -> None:
    return None


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


# ---------------------------------------------------------------- snippets


def find_stems(text: str, wanted: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, stem) of every word in `text` whose stem is wanted.

    Only words sharing a stem's first letters are stemmed (and stems are remembered), so a
    whole post is scanned at regular-expression speed rather than through the analyzer.
    """
    wanted = frozenset(wanted)
    if not wanted or not text:
        return []
    found = []
    for match in _stem_pattern(wanted).finditer(text):
        stem = _stem_of(match.group().lower())
        if stem in wanted:
            found.append((match.start(), match.end(), stem))
    return found


@lru_cache(maxsize=256)
def _stem_pattern(wanted: frozenset[str]) -> re.Pattern:
    # Porter stemming rewrites only a word's ending, and of what is left at most the last letter
    # ("possibility" -> "possibl", "eyed" -> "ei"): every word with a wanted stem starts with the stem less one
    # letter (checked over 54,000 words of the corpora).
    starts = sorted({stem[: max(1, len(stem) - 1)] for stem in wanted}, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, starts)) + r")\w*(?:\.\w+)*", re.IGNORECASE)


@lru_cache(maxsize=200_000)
def _stem_of(word: str) -> str | None:
    found = stems(word)
    return found[0] if len(found) == 1 else None


def _snippet(post: Post, highlight: dict[str, set[str]], commenter_words: Sequence[str] = (),
             fields: Sequence[str] = TEXT_FIELDS):
    """(snippet, highlight offsets, matched_in, commenter) for one hit; `fields` are where to look, best first."""
    for where in fields:
        if where == "comment":
            text, parts = comment_parts(post)
        else:
            text, parts = (post.title if where == "title" else body_text(post)), []
        places = find_stems(text, highlight.get(where, ()))
        if places:
            break
    else:
        return _unhighlighted_snippet(post, commenter_words)
    commenter = None
    if where == "comment":
        # The one comment with the most matched words, on its own: whose words they are matters.
        def matched_words(part: tuple[int, int, str]) -> tuple[int, int]:
            inside = [place for place in places if part[0] <= place[0] < part[1]]
            return len({term for *_, term in inside}), len(inside)

        begin, end, commenter = max(parts, key=matched_words)
        text = text[begin:end]
        places = [(start - begin, stop - begin, term) for start, stop, term in places if begin <= start < end]
    else:
        # The words matched elsewhere, but the query also named a commenter: say whose comments those are.
        commenter = next((comment.author for comment in _commenters_comments(post, commenter_words)), None)
    start = _best_window(places)
    snippet, marks = _excerpt(text, start, places)
    return snippet, marks, where, commenter


def _commenters_comments(post: Post, commenter_words: Sequence[str]) -> Iterator[Comment]:
    """The comments whose author's name holds one of `commenter_words` (as `commenter:` matches them)."""
    wanted = set(commenter_words)
    if wanted:
        for _, comment in post.walk_comments():
            if wanted & {token.text for token in _plain_analyzer()(comment.author)}:
                yield comment


def _unhighlighted_snippet(post: Post, commenter_words: Sequence[str]):
    """No words matched in the text (a date, field or NOT query): the comment of a matched commenter, or the start."""
    for comment in _commenters_comments(post, commenter_words):
        snippet, _ = _excerpt("\n\n".join(comment.body), 0, [])
        return snippet, (), "comment", comment.author
    if post.body:
        snippet, _ = _excerpt(body_text(post), 0, [])
        return snippet, (), "body", None
    return _excerpt(post.title, 0, [])[0], (), "title", None


def _best_window(places: list[tuple[int, int, str]]) -> int:
    """Where the window of SNIPPET_CHARS holding the most distinct matched terms begins."""
    best_start, best_key = places[0][0], (-1, -1)
    inside: Counter[str] = Counter()
    last = 0  # places[index:last] end within the window that starts at places[index]
    for index, (start, _, _) in enumerate(places):
        while last < len(places) and places[last][1] <= start + SNIPPET_CHARS:
            inside[places[last][2]] += 1
            last += 1
        key = (len(inside), last - index)
        if key > best_key:
            best_start, best_key = start, key
        term = places[index][2]
        if index < last:
            inside[term] -= 1
            if not inside[term]:
                del inside[term]
    return best_start


def _excerpt(text: str, anchor: int, places: list[tuple[int, int, str]]):
    """About SNIPPET_CHARS of `text` around `anchor`, on one line, with the offsets of the places inside it."""
    lead = SNIPPET_CHARS // 4
    start = max(0, anchor - lead)
    if start:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and start - space < 30 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + SNIPPET_CHARS // 2 else end
    raw = text[start:end]
    # A paragraph break or a run of spaces becomes one space ("run  The" read as a typo); the marks
    # move with the text: kept_before[i] is where raw[i] lands.
    kept = [not (ch.isspace() and i and raw[i - 1].isspace()) for i, ch in enumerate(raw)]
    kept_before = [0, *accumulate(kept)]
    body = "".join(" " if ch.isspace() else ch for ch, keep in zip(raw, kept, strict=True) if keep)
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    marks = tuple(
        (len(prefix) + kept_before[begin - start], len(prefix) + kept_before[finish - start])
        for begin, finish, _ in places
        if begin >= start and finish <= end
    )
    return prefix + body + suffix, marks
