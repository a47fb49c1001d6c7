"""Text from disk made safe for the terminal: file names are shown with their controls as escapes."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from civicreader.textsafe import visible

ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})")
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def read_back(shown: str) -> str:
    """The name `visible` was given, from what it showed: proof that no two names look alike."""

    def one(found: re.Match) -> str:
        escape = found.group(1)
        if escape == "\\":
            return "\\"
        code = int(escape[1:], 16)
        return chr(0xDC00 + code if escape[0] == "x" and code >= 0x80 else code)

    return ESCAPE.sub(one, shown)


names = st.lists(
    st.one_of(st.characters(), st.sampled_from(["\x1b", "[31m", "\\", "\\x1b", "\udcff", "\x85", "\u202e", "\n"]))
).map("".join)


@given(names)
def test_a_shown_name_has_no_controls_and_is_the_name_and_no_other(name):
    shown = visible(name)
    assert not CONTROLS.search(shown)
    assert read_back(shown) == name


def test_escapes_are_written_the_way_a_reader_knows_them():
    assert visible("bad\x1b[31m.txt") == "bad\\x1b[31m.txt"
    assert visible("caf\udce9.txt") == "caf\\xe9.txt"  # a byte that was not UTF-8
    assert visible("a\\b\u202e\x85.txt") == "a\\\\b\\u202e\\u0085.txt"
    assert visible("plain café.txt") == "plain café.txt"
