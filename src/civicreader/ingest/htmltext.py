"""HTML to plain-text paragraphs, the one way every export reader does it.

Block elements end paragraphs; `<br>` is a line break inside one (two in a row end it);
list items become "• item" (or "1. item") lines indented by nesting; `<pre>` keeps its lines;
scripts, styles, forms and embedded players are dropped. WordPress stores post content
before `wpautop`, so its readers ask for `autop`: a blank line ends a paragraph there and a
single newline is a line break.
"""

from __future__ import annotations

import re

from civicreader.textsafe import strip_controls

DROPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "form", "button",
        "select", "textarea", "input", "svg", "canvas", "audio", "video", "head", "map",
    }
)  # fmt: skip
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "aside", "header", "footer", "main", "nav",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "figcaption", "address",
        "table", "thead", "tbody", "tfoot", "tr", "caption", "dl", "dt", "dd", "hr", "center",
        "details", "summary", "fieldset", "body", "html",
    }
)  # fmt: skip
CELL_TAGS = frozenset({"td", "th"})

# WordPress shortcodes of the kinds real exports hold: the brackets go, the words inside stay.
_SHORTCODE = re.compile(
    r"\[/?(?:caption|wp_caption|gallery|embed|audio|video|playlist|youtube|vimeo|soundcloud|"
    r"googlemaps|slideshow|contact-form(?:-7)?|code|sourcecode|source|php|html|css|js|javascript|"
    r"python|ruby|bash|sql|xml|text|tweet|twitter|instagram|blip\.tv|dailymotion|flickr|scribd|"
    r"polldaddy|issuu|ted|archives|recipe|more|nextpage|spoiler|quote)\b[^\]]*\]",
    re.IGNORECASE,
)
_TEXT_GUARD_CHARS = 2_000_000
"""Over this (in characters, up to 4 bytes each) a fragment may pass libxml2's 10 MB guard."""
_PARAGRAPH_GAP = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_WHITESPACE = re.compile(r"\s+")


def strip_shortcodes(text: str) -> str:
    """Remove WordPress shortcode brackets (`[caption id=...]`, `[/caption]`), keeping what they wrap."""
    return _SHORTCODE.sub("", text)


def html_paragraphs(fragment: str, *, autop: bool = False) -> tuple[str, ...]:
    """An HTML fragment (or plain text) as a tuple of plain-text paragraphs."""
    fragment = strip_controls(fragment or "")
    if not fragment.strip():
        return ()
    if "<" not in fragment and "&" not in fragment:  # plain text, as most comments are: no parse needed
        builder = _Paragraphs(autop)
        builder.text(fragment)
        builder.flush()
        return tuple(builder.paragraphs)
    import lxml.html
    from lxml import etree

    # past libxml2's 10 MB text guard the default parser drops the text without a word
    parser = lxml.html.HTMLParser(huge_tree=True) if len(fragment) > _TEXT_GUARD_CHARS else None
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        return tuple(p for p in (" ".join(part.split()) for part in _PARAGRAPH_GAP.split(fragment)) if p)
    return element_paragraphs(root, autop=autop)


def element_paragraphs(element, *, autop: bool = False) -> tuple[str, ...]:
    """The paragraphs of an already parsed lxml element and everything inside it."""
    builder = _Paragraphs(autop)
    builder.walk(element, list_depth=0, with_tail=False)
    builder.flush()
    return tuple(builder.paragraphs)


class _Paragraphs:
    def __init__(self, autop: bool):
        self.autop = autop
        self.paragraphs: list[str] = []
        self.parts: list[str] = []
        self.prefix = ""

    def flush(self) -> None:
        text = "".join(self.parts)
        self.parts = []
        lines: list[str] = []
        for raw_line in text.split("\n"):
            line = " ".join(raw_line.split())
            if line:
                lines.append(line)
            elif lines:
                self._emit(lines)
                lines = []
        if lines:
            self._emit(lines)

    def _emit(self, lines: list[str]) -> None:
        paragraph = self.prefix + "\n".join(lines)
        self.prefix = ""
        self.paragraphs.append(strip_controls(paragraph))

    def text(self, text: str | None) -> None:
        if not text:
            return
        if not self.autop:
            self.parts.append(_WHITESPACE.sub(" ", text))
            return
        for index, chunk in enumerate(_PARAGRAPH_GAP.split(text)):
            if index:
                self.flush()
            if chunk.startswith("\n") and self.parts and self.parts[-1] == "\n":
                chunk = chunk[1:]  # "<br />" and the newline after it are one break
            self.parts.append(chunk)

    def walk(self, element, list_depth: int, with_tail: bool = True) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        if tag and tag not in DROPPED_TAGS:
            self._element(element, tag, list_depth)
        if with_tail:
            self.text(element.tail)

    def _element(self, element, tag: str, list_depth: int) -> None:
        if tag == "br":
            self.parts.append("\n")
            return
        if tag == "pre":
            self._pre(element)
            return
        if tag in ("ul", "ol", "menu"):
            self._list(element, ordered=tag == "ol", list_depth=list_depth)
            return
        block = tag in BLOCK_TAGS or tag == "li"
        if block:
            self.flush()
        self.text(element.text)
        for child in element:
            self.walk(child, list_depth)
        if block:
            self.flush()
        elif tag in CELL_TAGS:
            self.parts.append(" ")

    def _pre(self, element) -> None:
        self.flush()
        lines = [line.rstrip() for line in element.text_content().split("\n")]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        if lines:
            self.paragraphs.append(strip_controls(self.prefix + "\n".join(lines)))
            self.prefix = ""

    def _list(self, element, ordered: bool, list_depth: int) -> None:
        self.flush()
        number = 0
        for child in element:
            child_tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if child_tag == "li":
                number += 1
                self.flush()
                self.prefix = "  " * list_depth + (f"{number}. " if ordered else "• ")
                self.text(child.text)
                for grandchild in child:
                    self.walk(grandchild, list_depth + 1)
                self.flush()
                self.prefix = ""
                self.text(child.tail)
            else:
                self.walk(child, list_depth + 1)
        self.flush()
