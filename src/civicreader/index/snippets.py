"""Snippets: the stretch of a hit's text around most of the query's words, with the words marked."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from unicodedata import category

from civicreader.index.schema import TEXT_FIELDS, body_text, comment_parts, stems, value_tokens
from civicreader.index.word_marks import MARK, POINT, letter_pattern, word_source
from civicreader.model import Comment, Post

SNIPPET_CHARS = 220
_WHITE_SPACE = re.compile(r"\s+")
_WHITE_SPACE_RUN = re.compile(r"\s\s+")
SNIPPET_FIELD_ORDER = {"body": 2, "comment": 1, "title": 0}
"""Where a snippet comes from when fields hold as many of the query's words."""


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
    if all(stem.isascii() for stem in wanted):
        start = "(?:" + "|".join(map(re.escape, starts)) + ")"
        return re.compile(r"(?<![\w.])" + start + r"\w*(?:\.\w+)*", re.IGNORECASE)
    # A word with marks (Hindi's vowel signs) goes on past them; only such stems pay for the marks' class. The
    # stems are plain forms: the text may have vowel points after any letter, and another form of a letter.
    start = "(?:" + "|".join(f"{POINT}*".join(map(letter_pattern, start)) for start in starts) + ")"
    return re.compile(rf"(?<![\w.])(?<!{MARK})" + word_source(start=start + r"\w*+"), re.IGNORECASE)


@lru_cache(maxsize=200_000)
def _stem_of(word: str) -> str | None:
    found = stems(word)
    return found[0] if len(found) == 1 else None


def _snippet(post: Post, highlight: dict[str, set[str]], commenter_names: Sequence[tuple[str, ...]] = (),
             fields: Sequence[str] = TEXT_FIELDS, unfielded_names: Sequence[tuple[str, ...]] = ()):
    """(snippet, highlight offsets, matched_in, commenter) for one hit; `fields` are where to look, best first.
    With no word of the query in the text, a comment by one of `commenter_names`, or else of `unfielded_names`
    (the query's plain words, which found the post by a name), is shown."""
    for where in fields:
        if where == "comment":
            text, parts = comment_parts(post)
        else:
            text, parts = (post.title if where == "title" else body_text(post)), []
        places = find_stems(text, highlight.get(where, ()))
        if places:
            break
    else:
        return _unhighlighted_snippet(post, commenter_names or unfielded_names)
    commenter = None
    if where == "comment":
        # The one comment with the most matched words, on its own: whose words they are matters.
        def matched_words(part: tuple[int, int, str]) -> tuple[int, int]:
            inside = [place for place in places if part[0] <= place[0] < part[1]]
            return len({term for *_, term in inside}), len(inside)

        # When the query named a commenter, a comment of theirs that holds a word comes first.
        theirs = [part for part in parts if _named(part[2], commenter_names) and matched_words(part)[0]]
        begin, end, commenter = max(theirs or parts, key=matched_words)
        text = text[begin:end]
        places = [(start - begin, stop - begin, term) for start, stop, term in places if begin <= start < end]
    else:
        # The words matched elsewhere, but the query also named a commenter: say whose comments those are.
        commenter = next((comment.author for comment in _commenters_comments(post, commenter_names)), None)
    start = _best_window(places)
    snippet, marks = _excerpt(text, start, places)
    return snippet, marks, where, commenter


def _named(author: str | None, names: Sequence[tuple[str, ...]]) -> bool:
    """Whether `author` is one of `names`: each name's words stand in it whole and in order, so
    "Fred Bloggs" is not "Jane Bloggs" though they share a word."""
    if not author or not names:
        return False
    words = tuple(word.lower() for word, *_ in value_tokens(author))
    return any(
        name and any(words[start : start + len(name)] == name for start in range(len(words) - len(name) + 1))
        for name in names
    )


def _commenters_comments(post: Post, commenter_names: Sequence[tuple[str, ...]]) -> Iterator[Comment]:
    """The comments by one of `commenter_names` (see `_named`)."""
    for _, comment in post.walk_comments():
        if _named(comment.author, commenter_names):
            yield comment


def _unhighlighted_snippet(post: Post, commenter_names: Sequence[tuple[str, ...]]):
    """No words matched in the text (a date, field or NOT query): the comment of a matched commenter, or the start."""
    for comment in _commenters_comments(post, commenter_names):
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


def _is_mark(character: str) -> bool:
    return not character.isascii() and category(character)[0] == "M"


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
    # Where no space was near (Thai, Chinese), never between a letter and its vowel signs.
    while 0 < start < len(text) and _is_mark(text[start]):
        start -= 1
    while end < len(text) and _is_mark(text[end]):
        end += 1
    raw = text[start:end]
    # A paragraph break or a run of spaces becomes one space ("run  The" read as a typo); the marks move
    # with the text, back by the spaces dropped before them. With regexes: a loop over each character
    # was a quarter of a search's time.
    body = _WHITE_SPACE.sub(" ", raw)
    dropped = [(run.start() + 1, run.end()) for run in _WHITE_SPACE_RUN.finditer(raw)]
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""

    def landing(offset: int) -> int:
        return len(prefix) + offset - sum(max(0, min(offset, last) - first) for first, last in dropped)

    marks = tuple(
        (landing(begin - start), landing(finish - start))
        for begin, finish, _ in places
        if begin >= start and finish <= end
    )
    return prefix + body + suffix, marks
