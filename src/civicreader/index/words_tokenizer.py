"""Whoosh's tokenizer for the text fields: the words of our word pattern (`word_marks`), in their plain form.

A module of its own because Whoosh keeps the schema, this class named in it, inside the index: it imports
Whoosh, which `schema` imports only when an index is opened.
"""

from __future__ import annotations

from whoosh.analysis import RegexTokenizer

from civicreader.index.word_marks import marked_word_pattern, needs_plain_form, plain_word


class WordsTokenizer(RegexTokenizer):
    """A RegexTokenizer of `marked_word_pattern(starred=True)` whose words take their `plain_form` (no Hebrew or
    Arabic vowel points, one form of each Arabic letter). A text with nothing to change is looked through once and
    its words left as they come: a filter changing every word made Whoosh's analysis of real pages a quarter
    slower."""

    def __init__(self):
        super().__init__(expression=marked_word_pattern(starred=True))

    def __call__(self, value, **kwargs):
        tokens = super().__call__(value, **kwargs)
        return _plain(tokens) if needs_plain_form(value) else tokens


def _plain(tokens):
    for token in tokens:
        token.text = plain_word(token.text)
        yield token
