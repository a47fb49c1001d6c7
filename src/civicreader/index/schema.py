"""The index's schema and analysers, and how a post becomes a stored document (and back)."""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from array import array
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from civicreader.index.word_marks import needs_plain_form, plain_form, plain_word, word_pattern
from civicreader.model import Post

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from typing import Any

TEXT_FIELDS = ("title", "body", "comment")
"""Analysed with stemming; bare words search these."""
PLAIN_FIELDS = ("author", "commenter", "category", "tag", "blog")
QUERY_FIELDS = (*TEXT_FIELDS, *PLAIN_FIELDS, "date", "comments")
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in", "is", "it", "may",
    "not", "of", "on", "or", "tbd", "that", "the", "this", "to", "us", "we", "when", "will", "with", "yet", "you",
    "your",
))
"""Whoosh's stop words, which its stemming analyser leaves out (as do `analysed` and the tantivy engine)."""
MIN_WORD_CHARS = 2
"""Shorter words are left out too."""
_LEFT_OUT = re.compile(rf"(?<!\S)(?:\S{{1,{MIN_WORD_CHARS - 1}}}|"
                       + "|".join(sorted(STOP_WORDS, key=len, reverse=True)) + r")(?!\S)")
"""The words of a `field_words` string that the analyser leaves out, found in C: a loop in Python over each word
took 0.38 s of the 3,000 posts' documents profiled, this 0.23 s."""


@lru_cache(maxsize=1)
def _stemming_analyzer():
    """Whoosh's analyser of the text fields, named in a Whoosh index's schema; `analysed` reads text as it does."""
    from whoosh.analysis import LowercaseFilter, StemFilter, StopFilter

    from civicreader.index.words_tokenizer import WordsTokenizer

    return WordsTokenizer() | LowercaseFilter() | StopFilter() | StemFilter()  # StemmingAnalyzer's, our words


def analysed(text: str) -> Iterator[tuple[str, int, int, int]]:
    """(stem, position, start, end) of each word of `text` the index holds, as Whoosh's StemmingAnalyzer gives
    them: lower case, stop words and one-letter words left out, Porter-stemmed; the kept words numbered one
    after another from where the first of them stood. Importing whoosh.analysis took 0.1 s of a first search."""
    stem = _porter_stem()
    position = None
    changed = needs_plain_form(text)
    for place, match in enumerate(word_pattern(text, starred=True).finditer(text)):
        word = plain_word(match.group().lower()) if changed else match.group().lower()
        if len(word) >= MIN_WORD_CHARS and word not in STOP_WORDS:
            position = place if position is None else position + 1
            yield stem(word), position, match.start(), match.end()


@lru_cache(maxsize=1)
def _porter_stem():
    from whoosh.lang.porter import stem  # a module of its own: it imports nothing else of Whoosh's

    return lru_cache(maxsize=50_000)(stem)


NAME_GAP = 100
"""Positions left empty between two values of a plain field (one commenter's name and the next), so a phrase
never runs from one name into another: "bloggs jane" is not in "Fred Bloggs", "Jane Doe"."""


def value_tokens(text: str) -> list[tuple[str, int, int, int]]:
    """(word, position, start, end) of each word of a plain field's "\n"-separated values, as written;
    positions run on inside a value and jump by NAME_GAP between values (both engines index these)."""
    found = []
    position = 0
    offset = 0
    for value in text.split("\n"):
        changed = needs_plain_form(value)
        for match in word_pattern(value).finditer(value):
            word = plain_word(match.group()) if changed else match.group()
            found.append((word, position, offset + match.start(), offset + match.end()))
            position += 1
        position += NAME_GAP
        offset += len(value) + 1
    return found


@lru_cache(maxsize=1)
def _plain_analyzer():
    from whoosh.analysis import LowercaseFilter

    from civicreader.index.values_tokenizer import ValuesTokenizer

    return ValuesTokenizer() | LowercaseFilter()


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
        comment_calendar=fields.COLUMN(columns.VarBytesColumn()),
        post=fields.STORED,
    )


def stems(text: str) -> list[str]:
    """The index's terms for `text` (lower case, stemmed, stop words dropped)."""
    return [stem for stem, *_ in analysed(text)]


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


def _document(post: Post, digest: str, words_of_comments: list[str] | None = None) -> dict[str, Any]:
    """The post as the engines index it; `words_of_comments`, its `comment_words` where the caller has them."""
    from civicreader.discussion import discussion  # a write's, not a search's: it took 1 ms of a cold open

    comments, _ = comment_parts(post)
    commenters = dict.fromkeys(comment.author for _, comment in post.walk_comments() if comment.author)
    talk = discussion(post)
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
        str(talk.commenters),
        str(talk.depth),
        talk.first.isoformat() if talk.first else "",
        talk.last.isoformat() if talk.last else "",
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
        "comment_calendar": comment_calendar(post, words_of_comments),
        "post": zlib.compress(stored.encode("utf-8", "surrogatepass"), 3),
    }


def comment_words(post: Post) -> list[str]:
    """Each comment's `field_words`, in thread order."""
    return [field_words("\n\n".join(comment.body)) for _, comment in post.walk_comments()]


def comment_calendar(post: Post, words_of_comments: list[str] | None = None) -> bytes:
    """Where each comment begins in the comment field, in Whoosh's word positions, with its day and whether
    that was inferred: three int32 per comment, in thread order (read by `occurrences.read_calendar`).

    The stemming analyser numbers the words its stop filter keeps (two letters or more, not a stop word)
    one after another, from the place the first of them stood among all words; counting them here with
    its tokeniser's pattern gives the same numbers without stemming anything.
    """
    entries = array("i")
    position: int | None = None
    raw = 0
    if words_of_comments is None:
        words_of_comments = comment_words(post)
    for (_, comment), words in zip(post.walk_comments(), words_of_comments, strict=True):
        found = words.split()
        kept = len(found) - len(_LEFT_OUT.findall(words))
        if kept and position is None:
            first = raw + next(number for number, word in enumerate(found) if _kept(word))
            begins, position = first, first + kept - 1
        elif kept:
            begins, position = position + 1, position + kept
        else:
            begins = raw + len(found) if position is None else position + 1
        raw += len(found)
        entries.extend((begins, _day_number(comment.date), int(comment.date_inferred)))
    return entries.tobytes()


def _kept(word: str) -> bool:
    return len(word) >= MIN_WORD_CHARS and word not in STOP_WORDS


def _stop_words() -> frozenset[str]:
    return STOP_WORDS


UNIT, RECORD = "\x1f", "\x1e"
"""Separators of the meta column: split() reads 100,000 rows far faster than json.loads."""


def _packable(text: str) -> str:
    return text.replace(UNIT, " ").replace(RECORD, " ")


def _pack_meta(*values: str) -> bytes:
    """Values must not hold UNIT (pass them through _packable); a list inside one is RECORD-joined."""
    return UNIT.join(values).encode("utf-8", "surrogatepass")


def _decode_post(stored: bytes) -> Post:
    return Post.from_dict(json.loads(zlib.decompress(stored).decode("utf-8", "surrogatepass")))


def field_words(text: str) -> str:
    """A text field's words as the tantivy engine indexes them and the word list counts them: `word_pattern`'s
    words of the text as written (as Whoosh finds them), lower-cased, one space apart. Tantivy splits this at
    the spaces: its own regex tokenizer took 9 of a 20,000-post build's 14 CPU seconds of indexing, and read
    word characters by Rust's rules, not ours."""
    return plain_form(" ".join(word_pattern(text).findall(text)).lower())


def post_vocabulary(post: Post) -> str:
    """The words of a post's title, body and comments, as `field_words` gives them."""
    return " ".join((field_words(post.title), field_words(body_text(post)), *comment_words(post)))


def post_words(post: Post) -> set[str]:
    """The distinct unstemmed words of a post, for the word list behind fuzzy terms and suggestions."""
    return {word for word in set(post_vocabulary(post).split()) if is_listed_word(word)}


MAX_WORD_CHARS = 40
"""The longest word the word list keeps: a longer one in a query is searched as typed, never corrected or
expanded (did-you-mean made about 54·n strings of n characters for it: 5,000 took 11.6 s and 1.4 GB)."""


def is_listed_word(word: str) -> bool:
    """Whether the word list keeps the word."""
    return 2 < len(word) <= MAX_WORD_CHARS and not word.isdigit() and "_" not in word


# ---------------------------------------------------------------- the word list
