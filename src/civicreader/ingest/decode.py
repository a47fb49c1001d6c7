"""Bytes to text for readers: UTF-8 first, then the encoding the bytes declare or suggest."""

from __future__ import annotations

import codecs
import re

from civicreader.ingest import IngestError

STRAY_NUL_SHARE = 0.01
"""A few NUL bytes in otherwise clean UTF-8 are damage from a bad save, not a binary file."""
_NOT_CONTROL = bytes(byte for byte in range(256) if not (byte < 9 or 13 < byte < 32))


def looks_binary(head: bytes) -> bool:
    """NUL bytes outside a UTF-16/32 or damaged UTF-8 text, or mostly non-text bytes: not a page."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return False
    if not head:
        return False
    nuls = head.count(b"\x00")
    if nuls and (nuls / len(head) > STRAY_NUL_SHARE or not _is_utf8(head)):
        return True
    controls = len(head.translate(None, _NOT_CONTROL))  # a count in C: this runs for every file read
    return controls / len(head) > 0.1


def _is_utf8(head: bytes) -> bool:
    """UTF-8 all through, allowing for a character cut off at the end of the head."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode a file's bytes to str, never dropping it for a wrong or missing declaration.

    Mojibake (UTF-8 read as cp1252 and saved again) is repaired with ftfy when the text
    shows its tell-tale pairs; clean text is left exactly as it is.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _repair(data.decode(encoding, errors="replace"))
    try:
        return _repair(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return _repair(data.decode(declared))
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * 1024 * 1024]).best()
    if best is not None and best.encoding:
        try:
            return _repair(data.decode(best.encoding, errors="replace"))
        except LookupError:
            pass
    if looks_binary(data[:4096]):
        raise IngestError("binary data, not text")
    return _repair(data.decode("cp1252", errors="replace"))


# UTF-8 read as cp1252 and saved again leaves these pairs: "â€™" for ’, "Ã©" for é, "Â\xa0" for a
# no-break space. A lone "Ã" or "Â " is ordinary text (Portuguese, a typo) and is left alone.
_MOJIBAKE = re.compile("â€[™œ\x9d“”˜¦¢\x90-\x9f]|Ã[\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]|Â[\xa0-\xbf]")


def _repair(text: str) -> str:
    if _MOJIBAKE.search(text):
        import ftfy

        return ftfy.fix_encoding(text)
    return text
