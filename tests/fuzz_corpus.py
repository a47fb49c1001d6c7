"""A seeded corpus of hostile files mixed with good pages, for the hostile-input tests and bench/fuzz.py.

`build(root, count, seed)` writes `count` files (every file class at least once, then a weighted
random mix) and returns a `FuzzCorpus` saying what each file is and what must come of it:

* ``good``: a page whose posts must all come through; each post carries a unique marker word
  in its body, so a search for the marker finds exactly that post;
* ``bad``: a file that cannot be a blog page; it must be named once on stderr with a reason;
* ``any``: junk a reader may make something of or refuse; either is fine, a traceback is not.

Hostile text (escape sequences, Rich markup) sits inside good pages too, so the output-safety
tests can follow it from the file to the terminal. The text is made up here, word by word.
"""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from civicreader.model import Comment
from tests import textpage_shapes as shapes

WORDS = (
    "parish council budget volunteers commissioning localism charity trustees ward library housing tenants "
    "outcomes procurement pilot partnership community rota depot grant funders evidence mutual reform "
    "allotment bus route hospice food bank youth club minutes agenda survey consultation"
).split()

ESCAPES = [
    "\x1b[31m", "\x1b[0m", "\x1b[2J", "\x1b[H", "\x1b]0;owned title\x07", "\x1b]2;window\x1b\\",
    "\x1b]8;;file:///etc/passwd\x1b\\link\x1b]8;;\x1b\\", "\x07", "\x9b31m", "\x1bP+q544e\x1b\\", "\x1b[6n",
    "\x1b[?1049h", "\x1bc", "\x08\x08\x08", "\x00", "\u202e",
]  # fmt: skip
MARKUP = ["[bold]", "[/bold]", "[/]", "[link=file:///etc/passwd]", "[/link]", "[red on black]", "[@click=app.quit]",
          "[b]", "[i]x[/i]", "[", "]", "\\[bold]", "[reverse blink]"]  # fmt: skip
PASSWD_TELL = "root:x:0:0"
"""What /etc/passwd would put in the output if an external entity were ever resolved."""


@dataclass
class FuzzFile:
    path: Path
    family: str
    kind: str
    """"good", "bad" or "any" (see the module docstring)."""
    markers: tuple[str, ...] = ()
    """One unique word per post the file must yield (good files only)."""


@dataclass
class FuzzCorpus:
    root: Path
    files: list[FuzzFile] = field(default_factory=list)
    links: list[Path] = field(default_factory=list)
    """Symlink loops and dangling links: never followed, never hang the run."""
    seed: int = 0

    def of_kind(self, kind: str) -> list[FuzzFile]:
        return [file for file in self.files if file.kind == kind]

    @property
    def markers(self) -> dict[str, FuzzFile]:
        return {marker: file for file in self.files for marker in file.markers}

    def families(self) -> dict[str, list[FuzzFile]]:
        grouped: dict[str, list[FuzzFile]] = {}
        for file in self.files:
            grouped.setdefault(file.family, []).append(file)
        return grouped


class _Writer:
    def __init__(self, corpus: FuzzCorpus, rng: random.Random, big_line_bytes: int):
        self.corpus = corpus
        self.rng = rng
        self.big_line_bytes = big_line_bytes
        self.serial = 0

    def next_number(self) -> int:
        self.serial += 1
        return self.serial

    def words(self, low: int = 8, high: int = 30) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def hostile_words(self, low: int = 4, high: int = 12) -> str:
        pieces = []
        for _ in range(self.rng.randint(low, high)):
            roll = self.rng.random()
            pieces.append(self.rng.choice(ESCAPES) if roll < 0.3 else self.rng.choice(MARKUP) if roll < 0.6
                          else self.rng.choice(WORDS))
        return " ".join(pieces)

    def marker(self, number: int, post: int = 0) -> str:
        return f"zq{number:05d}p{post}mark"

    def write(self, name: str, data: bytes, family: str, kind: str, markers=(), folder: str | None = None) -> Path:
        directory = self.corpus.root / (folder or family)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / name
        path.write_bytes(data)
        self.corpus.files.append(FuzzFile(path, family, kind, tuple(markers)))
        return path


# ---------------------------------------------------------------- good pages (posts that must come through)


def _text_page(w: _Writer, number: int, title: str, body_extra: str = "", author: str = "Ann Example",
               comment_text: str = "", commenter: str = "Martha Quill") -> tuple[str, str]:
    marker = w.marker(number)
    when = date(2010 + number % 4, 1 + number % 12, 1 + number % 28)
    body = [f"{w.words()} {marker} {w.words()}.", f"{body_extra} {w.words(4, 10)}.".strip()]
    comments = [Comment(commenter, datetime(when.year, when.month, when.day, 10, 30),
                        (f"{comment_text} {w.words(4, 12)}.".strip(),))]
    page = shapes.posted_on_theme(title, when, body, comments, author, ("Funding",), ("notes",))
    return page, marker


def good_text(w: _Writer) -> None:
    number = w.next_number()
    page, marker = _text_page(w, number, f"Notes on the {w.rng.choice(WORDS)} plan number {number}")
    w.write(f"post-{number}.txt", page.encode(), "good_text", "good", [marker])


def good_encoded(w: _Writer) -> None:
    """A good page in UTF-16 (with BOM), cp1252 or Latin-1: the words must come through."""
    number = w.next_number()
    page, marker = _text_page(w, number, f"Café budget review {number} – naïve figures", "£5m for the café")
    encoding = w.rng.choice(["utf-16", "cp1252", "latin-1", "utf-8-sig"])
    data = page.encode(encoding, errors="replace")  # the theme's arrows have no cp1252/Latin-1 byte
    w.write(f"encoded-{number}-{encoding}.txt", data, "good_encoded", "good", [marker])


def good_escapes(w: _Writer) -> None:
    """Terminal escapes in title, author, body and comments of a page that is otherwise good."""
    number = w.next_number()
    title = f"Escaped {number} \x1b]0;owned title\x07budget \x1b[31mred\x1b[0m review"
    page, marker = _text_page(w, number, title, w.hostile_words(), author="Ann \x1b[2JExample",
                              comment_text="\x1b]8;;file:///etc/passwd\x1b\\click\x1b]8;;\x1b\\ me \x07",
                              commenter="Mallory \x1b[5mBlink")
    w.write(f"escapes-{number}.txt", page.encode(), "good_escapes", "good", [marker])


def good_markup(w: _Writer) -> None:
    """Rich markup in title, author, body and comments of a page that is otherwise good."""
    number = w.next_number()
    title = f"Markup {number} [bold]budget[/bold] [link=file:///etc/passwd]review[/link] [/]"
    page, marker = _text_page(w, number, title, "[red]not red[/red] and a stray [/] and [@click=app.quit]",
                              author="[i]Ann[/i] Example", comment_text="[reverse]loud[/reverse] [/",
                              commenter="[b]Mallory[/b]")
    w.write(f"markup-{number}.txt", page.encode(), "good_markup", "good", [marker])


def good_odd_name(w: _Writer) -> None:
    """Good pages whose file names hold spaces, unicode, newlines, tabs, escapes, leading dashes."""
    number = w.next_number()
    page, marker = _text_page(w, number, f"Oddly named post {number} about the {w.rng.choice(WORDS)}")
    name = w.rng.choice([
        "with spaces {n}.txt", "ünïcødé 日本語 {n}.txt", "new\nline {n}.txt", "tab\there {n}.txt",
        "-{n} dash.txt", "esc \x1b[31m{n}.txt", "quote \"' {n}.txt", "[bold]{n}[i] [@click=app.quit].txt",
        "emoji 😀 {n}.txt", os.fsdecode(b"latin-1 caf\xe9 \xff {n}.txt"),
    ]).format(n=number)
    folder = w.rng.choice(["good_odd_name", os.fsdecode(b"odd names caf\xe9"), "odd names \x1b]0;t\x07 [b]"])
    w.write(name, page.encode(), "good_odd_name", "good", [marker], folder=folder)


def _wxr(title: str, items: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
        f"<channel><title>{escape(title)}</title><wp:wxr_version>1.2</wp:wxr_version>\n{items}</channel></rss>\n"
    )


def _wxr_item(title: str, body: str, when: datetime, comment_author: str, comment: str) -> str:
    return (
        f"<item><title>{escape(title)}</title><dc:creator>Ann Example</dc:creator>"
        f"<content:encoded><![CDATA[<p>{escape(body)}</p>]]></content:encoded>"
        f"<wp:post_date>{when:%Y-%m-%d %H:%M:%S}</wp:post_date><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type>"
        f"<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>{escape(comment_author)}</wp:comment_author>"
        f"<wp:comment_date>{when:%Y-%m-%d} 12:00:00</wp:comment_date>"
        f"<wp:comment_content>{escape(comment)}</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        "<wp:comment_parent>0</wp:comment_parent></wp:comment></item>\n"
    )


def _wxr_document(w: _Writer, number: int, posts: int, hostile: bool) -> tuple[str, list[str]]:
    items, markers = [], []
    for post in range(posts):
        marker = w.marker(number, post)
        markers.append(marker)
        title = f"Export post {number}.{post} on the {w.rng.choice(WORDS)}"
        body = f"{w.words()} {marker} {w.words()}"
        author, comment = "Priya", w.words(4, 10)
        if hostile:
            title += " [bold]x[/bold] \x1b]0;t\x07"
            body += " " + w.hostile_words()
            author, comment = "[red]Mallory[/red] \x1b[31m", w.hostile_words() + " &lt;script&gt;"
        when = datetime(2011, 1 + post % 12, 1 + number % 28, 9, 0)
        items.append(_wxr_item(title, body, when, author, comment))
    blog = f"Export blog {number}" + (" [b]x" if hostile else "")
    # XML 1.0 forbids most C0 controls even as references; keep those that are legal there.
    text = _wxr(blog, "".join(items))
    if hostile:
        text = "".join(ch for ch in text if ch in "\t\n\r" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F))
    return text, markers


def good_wxr(w: _Writer) -> None:
    number = w.next_number()
    text, markers = _wxr_document(w, number, w.rng.randint(1, 4), hostile=w.rng.random() < 0.5)
    w.write(f"export-{number}.xml", text.encode(), "good_wxr", "good", markers)


def good_feed(w: _Writer) -> None:
    number = w.next_number()
    marker = w.marker(number)
    item = (f"<item><title>Feed post {number} on the {w.rng.choice(WORDS)}</title>"
            f"<link>http://example.org/{number}</link><pubDate>Tue, 0{1 + number % 9} Mar 2011 10:00:00 +0000"
            f"</pubDate><description>{escape('<p>' + w.words() + ' ' + marker + ' ' + w.words() + '</p>')}"
            "</description></item>")
    text = (f'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Feed blog {number}</title>'
            f"<link>http://example.org/</link>{item}</channel></rss>\n")
    w.write(f"feed-{number}.rss", text.encode(), "good_feed", "good", [marker])


def good_markdown(w: _Writer) -> None:
    number = w.next_number()
    marker = w.marker(number)
    text = (f'---\ntitle: "Markdown post {number} on the {w.rng.choice(WORDS)}"\n'
            f"date: 2012-0{1 + number % 9}-1{number % 9}\n---\n\n{w.words()} {marker} {w.words()}.\n\n{w.words()}.\n")
    w.write(f"md-{number}.md", text.encode(), "good_markdown", "good", [marker])


# ---------------------------------------------------------------- bad files (must be named)


def random_bytes(w: _Writer) -> None:
    number = w.next_number()
    data = bytes(w.rng.getrandbits(8) for _ in range(w.rng.randint(64, 8192))) + b"\x00"
    w.write(f"random-{number}.txt", data, "random_bytes", "bad")


def empty(w: _Writer) -> None:
    number = w.next_number()
    w.write(f"empty-{number}.txt", b"", "empty", "bad")


def disguised_binary(w: _Writer) -> None:
    number = w.next_number()
    header = w.rng.choice([b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
                           b"PK\x03\x04\x14\x00"])
    w.write(f"page-{number}.html", header + bytes(w.rng.getrandbits(8) for _ in range(2048)), "disguised_binary", "bad")


def long_line(w: _Writer) -> None:
    """One enormous line, no newline: plain text, markup or an HTML paragraph."""
    number = w.next_number()
    size = w.big_line_bytes
    unit = w.rng.choice([b"budget ", b"[bold]x[/bold] ", b"\x1b[31mred ", b"a"])
    data = (unit * (size // len(unit) + 1))[:size]
    w.write(f"longline-{number}.txt", data, "long_line", "bad")


def billion_laughs(w: _Writer) -> None:
    number = w.next_number()
    entities = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        below = f"&lol{level - 1 if level > 1 else ''};"
        entities.append(f'<!ENTITY lol{level} "{below * 10}">')
    root, body = w.rng.choice([
        ("rss", '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&lol9;</title>'
                "<item><title>&lol9;</title></item></channel></rss>"),
        ("rss", '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
                "<description>&lol9;</description></item></channel></rss>"),
        ("feed", '<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title><entry><title>&lol9;</title>'
                 '<category scheme="http://schemas.google.com/g/2005#kind" term="http://schemas.google.com/blogger/'
                 '2008/kind#post"/><content>&lol9;</content></entry></feed>'),
    ])
    text = f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(entities) + f"\n]>\n{body}\n"
    w.write(f"bomb-{number}.xml", text.encode(), "billion_laughs", "bad")


def external_entity(w: _Writer) -> None:
    number = w.next_number()
    root, body = w.rng.choice([
        ("rss", '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&xxe;</title>'
                "<item><title>Leak</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
                "<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">&xxe;</content:encoded>"
                "</item></channel></rss>"),
        ("rss", '<rss version="2.0"><channel><title>Leak feed</title><item><title>Leak &xxe;</title>'
                "<description>&xxe;</description></item></channel></rss>"),
        ("html", "<html><body><h1 class='entry-title'>Leak</h1><div class='entry-content'><p>&xxe;</p></div>"
                 "</body></html>"),
    ])
    text = f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n{body}\n'
    w.write(f"xxe-{number}.xml", text.encode(), "external_entity", "bad" if root != "html" else "any")


def unreadable(w: _Writer) -> None:
    """chmod 000: unreadable to anyone but root (the tests simulate it when they run as root)."""
    number = w.next_number()
    page, _ = _text_page(w, number, f"Locked post {number}")
    path = w.write(f"locked-{number}.txt", page.encode(), "unreadable", "bad")
    path.chmod(0)


# ---------------------------------------------------------------- junk that may or may not yield posts


def encoding_mix(w: _Writer) -> None:
    """UTF-8, cp1252, UTF-16 fragments and invalid sequences (a lone surrogate's bytes) in one file."""
    number = w.next_number()
    parts = [
        f"Mixed {number}\n\n".encode(),
        "Posted on March 3, 2011 by Ann\n\ncafé ".encode(),
        "naïve £5 ".encode("cp1252"),
        "\u2018quoted\u2019 ".encode("utf-16-le"),
        b"\xed\xa0\x80 lone surrogate \xff\xfe \xc3( ",
        "ÃƒÂ© mojibake Ã© â€™\n".encode(),
    ]
    w.rng.shuffle(parts)
    w.write(f"mixed-{number}.txt", b"".join(parts) + w.words().encode(), "encoding_mix", "any")


def deep_nesting(w: _Writer) -> None:
    number = w.next_number()
    depth = w.rng.choice([2_000, 20_000, 100_000])
    kind = w.rng.choice(["html", "wxr", "markdown", "feed"])
    if kind == "html":
        nested = "<div><ul><li>" * depth + "deep" + "</li></ul></div>" * depth
        text = f"<html><body><div class='entry-content'>{nested}</div></body></html>"
        name = f"deep-{number}.html"
    elif kind == "wxr":
        text = _wxr("Deep", "<item><title>Deep</title><content:encoded>" + "<a>" * depth + "x" + "</a>" * depth
                    + "</content:encoded></item>")
        name = f"deep-{number}.xml"
    elif kind == "feed":
        text = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title><item><title>Deep</title>'
                + "<x>" * depth + "</x>" * depth + "</item></channel></rss>")
        name = f"deep-{number}.rss"
    else:
        text = "---\ntitle: Deep\ndate: 2011-01-01\n---\n\n" + ">" * depth + " deep\n\n" + "  " * depth + "- item\n"
        name = f"deep-{number}.md"
    w.write(name, text.encode(), f"deep_nesting_{kind}", "any")


def truncated_xml(w: _Writer) -> None:
    number = w.next_number()
    text, _ = _wxr_document(w, number, 3, hostile=False)
    data = text.encode()
    w.write(f"truncated-{number}.xml", data[: w.rng.randint(40, len(data) - 10)], "truncated_xml", "any")


def html_with_scripts(w: _Writer) -> None:
    number = w.next_number()
    text = (
        "<!DOCTYPE html><html><head><title>Scripted page</title>"
        "<script>document.title='\x1b]0;owned\x07';alert('scriptleak')</script></head>"
        "<body onload=\"alert('scriptleak')\"><h1 class='entry-title'>Scripted post "
        f"{number}</h1><div class='entry-content'><p>{w.words()} [bold]bold?[/bold]</p>"
        "<script>var leak='scriptleak';</script><style>p{color:red}/*scriptleak*/</style>"
        "<iframe src='javascript:alert(1)'>scriptleak</iframe>"
        f"<p><a href=\"javascript:alert('x')\">{w.words(3, 6)}</a></p></div></body></html>"
    )
    w.write(f"scripted-{number}.html", text.encode(), "html_with_scripts", "any")


def hostile_text(w: _Writer) -> None:
    """Lines of escapes, markup and words, with no post structure to speak of."""
    number = w.next_number()
    lines = [w.hostile_words() for _ in range(w.rng.randint(1, 40))]
    w.write(f"hostile-{number}.txt", "\n".join(lines).encode("utf-8", "surrogatepass"), "hostile_text", "any")


def pathological_lines(w: _Writer) -> None:
    """Many short lines that look like structure: dates, 'says:', reply markers, titles."""
    number = w.next_number()
    pattern = w.rng.choice(["{w} says:\n", "March {d}, 2011 at 9:{d:02d} am\n", "Reply\n", "{d} Dec\n{w}\n\n",
                            "Posted on June {d}, 2012 by {w}\n", "  " * 30 + "• {w}\n", "Title {d}\n\n{w}\n\n"])
    lines = [pattern.format(w=w.rng.choice(WORDS), d=1 + n % 28) for n in range(w.rng.choice([500, 5000, 30000]))]
    w.write(f"pattern-{number}.txt", "".join(lines).encode(), "pathological_lines", "any")


def yaml_tricks(w: _Writer) -> None:
    """Front matter with an alias bomb or a python tag: never expanded, never executed."""
    number = w.next_number()
    bomb = "\n".join([
        "a: &a [x, x, x, x, x, x, x, x, x]",
        *(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)),
        "tags: *i",
    ])
    front = w.rng.choice([
        f"title: Alias bomb {number}\ndate: 2011-02-02\n{bomb}",
        f"title: !!python/object/apply:os.system ['touch /tmp/civicreader-pwned-{number}']\ndate: 2011-02-02",
        "title: [unclosed\ndate: 2011-02-02",
    ])
    w.write(f"yaml-{number}.md", f"---\n{front}\n---\n\n{w.words()}\n".encode(), "yaml_tricks", "any")


def special_file(w: _Writer) -> None:
    """A named pipe: reading it would block for ever."""
    number = w.next_number()
    directory = w.corpus.root / "special_file"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"pipe-{number}.txt"
    os.mkfifo(path)
    w.corpus.files.append(FuzzFile(path, "special_file", "any"))


def symlink_loops(w: _Writer) -> None:
    number = w.next_number()
    directory = w.corpus.root / "links" / f"set-{number}"
    directory.mkdir(parents=True, exist_ok=True)
    pairs = [("self.txt", "self.txt"), ("a.txt", "b.txt"), ("b.txt", "a.txt"), ("dangling.txt", "nowhere/at/all.txt"),
             ("up", ".."), ("root", "/")]
    for name, target in pairs:
        link = directory / name
        with contextlib.suppress(FileExistsError):
            os.symlink(target, link)
        w.corpus.links.append(link)


GOOD: dict[str, Callable[[_Writer], None]] = {
    "good_text": good_text, "good_encoded": good_encoded, "good_escapes": good_escapes, "good_markup": good_markup,
    "good_odd_name": good_odd_name, "good_wxr": good_wxr, "good_feed": good_feed, "good_markdown": good_markdown,
}  # fmt: skip
HOSTILE: dict[str, Callable[[_Writer], None]] = {
    "random_bytes": random_bytes, "empty": empty, "disguised_binary": disguised_binary, "long_line": long_line,
    "billion_laughs": billion_laughs, "external_entity": external_entity, "unreadable": unreadable,
    "encoding_mix": encoding_mix, "deep_nesting": deep_nesting, "truncated_xml": truncated_xml,
    "html_with_scripts": html_with_scripts, "hostile_text": hostile_text, "pathological_lines": pathological_lines,
    "yaml_tricks": yaml_tricks, "special_file": special_file, "symlink_loops": symlink_loops,
}  # fmt: skip
RARE = {"long_line": 0.1, "deep_nesting": 0.3, "special_file": 0.1, "symlink_loops": 0.1, "pathological_lines": 0.3}
"""Weights below 1 for the classes that are slow to read or write, so a big corpus stays quick to build."""


def build(root: Path, count: int, seed: int = 8, big_line_bytes: int = 3 * 1024 * 1024,
          good_share: float = 0.4) -> FuzzCorpus:
    """Write a corpus of about `count` files under `root`: every class at least once, then a seeded mix."""
    rng = random.Random(seed)
    corpus = FuzzCorpus(root=root, seed=seed)
    root.mkdir(parents=True, exist_ok=True)
    writer = _Writer(corpus, rng, big_line_bytes)
    for make in (*GOOD.values(), *HOSTILE.values()):
        make(writer)
    hostile_names = list(HOSTILE)
    weights = [RARE.get(name, 1.0) for name in hostile_names]
    good = list(GOOD.values())
    while len(corpus.files) + len(corpus.links) < count:
        if rng.random() < good_share:
            rng.choice(good)(writer)
        else:
            HOSTILE[rng.choices(hostile_names, weights)[0]](writer)
    return corpus



def build_families(root: Path, families: tuple[str, ...], per_family: int, seed: int = 8,
                   big_line_bytes: int = 3 * 1024 * 1024) -> FuzzCorpus:
    """Only the named classes, `per_family` files each: for measuring one class at a time."""
    corpus = FuzzCorpus(root=root, seed=seed)
    root.mkdir(parents=True, exist_ok=True)
    writer = _Writer(corpus, random.Random(seed), big_line_bytes)
    makers = {**GOOD, **HOSTILE}
    for family in families:
        for _ in range(per_family):
            makers[family](writer)
    return corpus
