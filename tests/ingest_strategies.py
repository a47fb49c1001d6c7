"""What the export readers' tests share: random text and comment threads, the thread a reader
should give back, and the checks every reader's file must pass (junk bytes, entity bombs).

A random thread is a list of rows (number, parent number or 0, author, paragraphs) in the order
they were drawn, so a reply always comes after its parent; each test writes the rows in its own
format and compares the reader's comments with `expected_tree`. The text-page reader's page
shapes live in tests/textpage_shapes.py: those draw realistic words, these any printable text.
"""

from __future__ import annotations

import contextlib
import html
import re
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType

from hypothesis import strategies as st

from civicreader.ingest import IngestError, Page, Problem, Source, read_file
from civicreader.model import Comment

PRINTABLE = ["L", "N", "P", "S"]
"""Letters, numbers, punctuation and symbols: every character class a post's text is made of."""

NESTED_ENTITIES = "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 9))
"""Entity declarations after `<!ENTITY e0 "lol">` that would expand `&e8;` to 10^8 copies of it."""


# "Â", "Ã" and "â" open the byte pairs decode.py takes for mojibake and repairs ("Â¡" becomes "¡"):
# real text does not hold those pairs, random text would, so random words leave them out.
MOJIBAKE_STARTS = "ÂÃâ"
MOJIBAKE_PAIR = re.compile("[\u00c2-\u00ef][\u0080-\u00bf]")
"""Any UTF-8 lead byte read as Latin-1 before a continuation byte: feedparser repairs more ("Ä¡" to "ġ")."""


def words(exclude: str = ""):
    """One to eight printable characters, none of those in `exclude` nor of MOJIBAKE_STARTS."""
    exclude += MOJIBAKE_STARTS
    return st.text(
        alphabet=st.characters(categories=PRINTABLE, exclude_characters=exclude or None), min_size=1, max_size=8
    ).filter(lambda word: not MOJIBAKE_PAIR.search(word))


def lines(word=None):
    """One to six words joined by spaces."""
    return st.lists(words() if word is None else word, min_size=1, max_size=6).map(" ".join)


def paragraphs(line=None):
    """One to four lines, as a post's or comment's body."""
    return st.lists(lines() if line is None else line, min_size=1, max_size=4).map(tuple)


LINE = lines()
PARAGRAPHS = paragraphs()


@st.composite
def comment_rows(draw, authors=LINE, bodies=PARAGRAPHS, max_comments: int = 8, threaded: bool = True):
    """Up to `max_comments` rows; each replies to an earlier row or (parent 0) to the post."""
    rows: list[tuple[int, int, str, tuple[str, ...]]] = []
    for number in range(1, draw(st.integers(0, max_comments)) + 1):
        parent = draw(st.sampled_from([0] + [row[0] for row in rows])) if threaded else 0
        rows.append((number, parent, draw(authors), draw(bodies)))
    return rows


def thread_order(rows) -> list[int]:
    """Row numbers in the order a reader walks the thread: parent, its replies, then the next sibling."""
    order: list[int] = []

    def visit(parent: int) -> None:
        for number, up, _, _ in rows:
            if up == parent:
                order.append(number)
                visit(number)

    visit(0)
    return order


def comment_dates(rows, start: datetime, step: timedelta) -> dict[int, datetime]:
    """A date for each row, rising in thread order, so siblings sorted by date keep their order."""
    return {number: start + step * index for index, number in enumerate(thread_order(rows))}


def expected_tree(rows, written, parent: int = 0) -> tuple[Comment, ...]:
    """The comments a reader should give back for `rows` dated `written`."""
    return tuple(
        Comment(author=author, date=written[number], body=body, replies=expected_tree(rows, written, number))
        for number, up, author, body in rows
        if up == parent
    )


def paragraph_tags(body) -> str:
    """Each paragraph escaped in its own <p>."""
    return "".join(f"<p>{html.escape(p)}</p>" for p in body)


def cdata(text: str) -> str:
    """`text` in a CDATA section, any "]]>" inside it split across two sections."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def read_page(path: Path, root: Path | None = None) -> Page:
    """The file read as a user's corpus would read it; fails the test on a Problem."""
    result = read_file(path, root or path.parent)
    assert isinstance(result, Page), result
    return result


def thread_depth(page: Page) -> int:
    """How many levels the deepest thread on the page has (0 with no comments)."""
    return max((level + 1 for post in page.posts for level, _ in post.walk_comments()), default=0)


def assert_refused_for_entities(path: Path) -> Problem:
    """The file is a Problem that names the entities it declares."""
    problem = read_file(path, path.parent)
    assert isinstance(problem, Problem)
    assert "entities" in problem.reason
    return problem


def assert_junk_never_raises(reader: ModuleType, target: Path, data: bytes) -> None:
    """Any bytes are a Page or a Problem, and the reader itself raises nothing but IngestError."""
    target.write_bytes(data)
    assert isinstance(read_file(target, target.parent), Page | Problem)
    with contextlib.suppress(IngestError):  # the contract's own error; anything else fails the test
        reader.read(Source(path=target, data=data, blog="junk"))
