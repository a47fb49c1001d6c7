"""The word list behind `word~`, `word*` and did-you-mean: unstemmed words and how many posts use each."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from unicodedata import category

from civicreader.index.schema import TEXT_FIELDS, stems

RARE_DOC_FREQUENCY = 3
MAX_CORRECTED_WORDS = 8
"""Rare words of one query that did-you-mean tries to respell: each try scans the word list."""


class Vocabulary:
    """Unstemmed words and how many posts use each: expands `word~` and `word*`, suggests spellings."""

    def __init__(self, frequencies: dict[str, int]):
        self.frequencies = frequencies
        self._sorted: list[str] | None = None
        self._by_initial: dict[str, list[str]] | None = None
        self._letters: dict[str, str] = {}

    def frequency(self, word: str) -> int:
        return self.frequencies.get(word, 0)

    def near(self, word: str, max_edits: int = 1) -> list[str]:
        """Known words within `max_edits` edits that keep the first letter, most used first."""
        word = word.lower()
        edited = _one_edit(word, self._letters_of(word[:1]))
        found = {candidate for candidate in edited if candidate in self.frequencies}
        if max_edits >= 2:
            found |= self._scan_two_edits(word)
        found.discard(word)
        found = {candidate for candidate in found if candidate[:1] == word[:1]}
        return sorted(found, key=lambda candidate: (-self.frequencies[candidate], candidate))

    def _starting_with_letter(self, initial: str) -> list[str]:
        if self._by_initial is None:
            by_initial: dict[str, list[str]] = {}
            for known in self.frequencies:
                by_initial.setdefault(known[:1], []).append(known)
            self._by_initial = by_initial
        return self._by_initial.get(initial, [])

    def _letters_of(self, initial: str) -> str:
        """The letters one edit may put into a word starting with `initial`: a to z, and those of the known words
        that start with it (é for "cafe~", a vowel sign for a Hindi word); words of other scripts are not asked."""
        if initial not in self._letters:
            used = set("".join(self._starting_with_letter(initial)))
            self._letters[initial] = "".join(sorted(used.union(_LETTERS)))
        return self._letters[initial]

    def _scan_two_edits(self, word: str) -> set[str]:
        return {
            known
            for known in self._starting_with_letter(word[:1])
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
        import fnmatch

        literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
        # fnmatch's translation never backtracks without end over many stars ("*a*a*a*…*b"), as a plain
        # ".*a.*a…" does; "[" is escaped, so only * and ? are wild.
        regex = re.compile(fnmatch.translate(pattern.replace("[", "[[]")))
        pool = self.starting_with(literal) if literal else list(self.frequencies)
        return [word for word in pool if regex.fullmatch(word)]

    def most_used(self, words: Iterable[str], limit: int) -> list[str]:
        return sorted(words, key=lambda word: (-self.frequencies.get(word, 0), word))[:limit]

    def correction(self, word: str, seen: int) -> str | None:
        """A much more common spelling of a word `seen` in that many posts, or None."""
        if seen > RARE_DOC_FREQUENCY or not _is_spelt(word):
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


def _is_spelt(word: str) -> bool:
    """Whether a word is letters alone (with their marks: Hindi's vowel signs are not letters), not a number or a
    code, which did-you-mean leaves as typed."""
    return word.isalpha() or (not word.isascii() and all(c.isalpha() or category(c)[0] == "M" for c in word))


def _one_edit(word: str, letters: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in letters]
    inserts = [a + c + b for a, b in splits for c in letters]
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


def posts_with_stem(searcher, stem: str) -> int:
    return max(searcher.doc_frequency(field, stem) for field in TEXT_FIELDS)


def suggestion(searcher, query: str, words: Sequence[str], vocabulary: Callable[[], Vocabulary]) -> str | None:
    """The query with unknown or rare words respelt as much more common ones, or None.

    `vocabulary` is asked for only when a word is rare: loading the word list is not free.
    """
    corrected = query
    tries = 0
    for word in dict.fromkeys(word.lower() for word in words):
        if not _is_spelt(word) or len(word) < 3:
            continue
        word_stems = stems(word)
        if not word_stems:
            continue
        seen = posts_with_stem(searcher, word_stems[0])
        if seen > RARE_DOC_FREQUENCY:
            continue
        tries += 1
        if tries > MAX_CORRECTED_WORDS:
            break
        better = vocabulary().correction(word, seen)
        if better and stems(better) != word_stems:
            corrected = re.sub(rf"(?<![\w:~*]){re.escape(word)}(?![\w~*])", better, corrected, flags=re.I)
    return corrected if corrected != query else None
