"""Whoosh's tokenizer for the text fields: the words of our word pattern (`word_marks`), without vowel points.

A module of its own because Whoosh keeps the schema, this class named in it, inside the index: it imports
Whoosh, which `schema` imports only when an index is opened.
"""

from __future__ import annotations

from whoosh.analysis import RegexTokenizer

from civicreader.index.word_marks import has_points, marked_word_pattern, unpointed


class WordsTokenizer(RegexTokenizer):
    """A RegexTokenizer of `marked_word_pattern(starred=True)` whose words lose their Hebrew and Arabic vowel points.
    A text without points is looked through once and its words left as they come: a filter taking points out of
    every word made Whoosh's analysis of real pages a quarter slower."""

    def __init__(self):
        super().__init__(expression=marked_word_pattern(starred=True))

    def __call__(self, value, **kwargs):
        tokens = super().__call__(value, **kwargs)
        return _unpointed(tokens) if has_points(value) else tokens


def _unpointed(tokens):
    for token in tokens:
        token.text = unpointed(token.text)
        yield token
