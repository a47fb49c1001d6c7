"""A Markdown (or HTML) body as plain paragraphs, Liquid tags dropped."""

from __future__ import annotations

import re
from functools import lru_cache

from civicreader.ingest.htmltext import html_paragraphs

# Bounded, so text full of unclosed "{%" costs a linear scan, not a quadratic one.
_LIQUID = re.compile(r"\{%[^%]{0,2000}%\}|\{\{[^{}]{0,2000}\}\}")
_FOOTNOTE_BACKREF = re.compile(r'<a href="[^"]*" class="footnote-backref">.*?</a>')


def strip_liquid(text: str) -> str:
    return _LIQUID.sub("", text)


def markdown_to_paragraphs(text: str) -> tuple[str, ...]:
    """Markdown (with any HTML inside it) to plain paragraphs, the way every reader turns HTML into text."""
    rendered = _markdown_renderer().render(strip_liquid(text))
    return html_paragraphs(_FOOTNOTE_BACKREF.sub("", rendered))


@lru_cache(maxsize=1)
def _markdown_renderer():
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    try:
        from mdit_py_plugins.footnote import footnote_plugin
    except ImportError:  # footnotes then stay as written, "[^1]", which loses no text
        return renderer
    return renderer.use(footnote_plugin)
