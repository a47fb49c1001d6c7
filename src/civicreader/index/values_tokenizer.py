"""Whoosh's tokenizer for the plain fields (names, categories, tags, blog): the words of `value_tokens`, with
its positions, so a phrase never runs from one value into the next.

A module of its own because Whoosh keeps the schema, this class named in it, inside the index: it imports
Whoosh, which `schema` imports only when an index is opened.
"""

from __future__ import annotations

from whoosh.analysis import Token, Tokenizer

from civicreader.index.schema import value_tokens


class ValuesTokenizer(Tokenizer):
    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pieces = value_tokens(value) if tokenize else [(value, 0, 0, len(value))]
        for text, position, start, end in pieces:
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token
