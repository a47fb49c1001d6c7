"""Corpus text is data: strip what a terminal would act on before it is kept or shown."""

from __future__ import annotations

import re

# ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other
# two-character escapes, and their 8-bit C1 forms.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]          # CSI
    | (?:\x1b\]|\x9d).*?(?:\x07|\x1b\\|\x9c)  # OSC, ended by BEL or ST
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]).*?(?:\x1b\\|\x9c)  # DCS, SOS, PM, APC
    | \x1b[@-Z\\-_]                           # other escapes
    """,
    re.VERBOSE | re.DOTALL,
)
# Every C0 and C1 control but tab and newline; also the bidi overrides that can make
# text read differently from what it is.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_STRIPPED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""A character of any of the three above: every escape sequence opens with one (ESC or a C1 control)."""
# What `visible` writes as an escape: every control (tab and newline too: a file name has no use for
# them), the bidi overrides, lone surrogates (bytes that were not UTF-8) and the backslash itself,
# so an escape shown can only have come from the name's own characters.
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\\]")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters (tab and newline are kept)."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _STRIPPED.search(text):
        return text  # most text has nothing to strip: one scan for a character, not three patterns
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    return _SURROGATES.sub("\ufffd", text)


def one_line(text: str) -> str:
    """Controls stripped and every run of white space (newlines too) made one space."""
    return " ".join(strip_controls(text).split())


def blank_controls(text: str) -> str:
    """One line with what `strip_controls` removes made spaces, so offsets into `text` still hold.

    For text shown with marks at known offsets (a search snippet and its matched words).
    """
    blanked = _ESCAPES.sub(lambda escape: " " * len(escape.group()), text)
    blanked = _CONTROLS.sub(" ", blanked)
    blanked = _SURROGATES.sub("\ufffd", blanked)
    return blanked.replace("\n", " ").replace("\t", " ").replace("\r", " ")


def visible(name: str) -> str:
    """A file name with every control character written as an escape (`bad\\x1b[31m.txt`), not removed.

    Names that differ only in escape sequences stay told apart; a byte that was not UTF-8 (kept by
    Python as a lone surrogate) is shown as that byte, `\\xff`, and a C1 control as `\\u0085`.
    """
    return _INVISIBLE.sub(_escape, name)


def _escape(found: re.Match) -> str:
    char = found.group()
    if char == "\\":
        return "\\\\"
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"  # from \x80 up, \xNN is a byte
