"""A citation of a post, of one of its paragraphs or of one comment, that a reader can check.

`citation` gathers what is cited (who wrote it, the post's title and blog, the date and whether its
year was inferred, the permalink, else the files it was read from, and the quoted text); `render`
writes it as plain text, Markdown, BibTeX (biblatex `@online`) or CSL-JSON. Paragraphs and comments
are numbered from 1, comments in thread order, as `civicreader show` numbers them.

An inferred year is marked in each format's own way: "[2011]" in text and Markdown (the
bibliographer's brackets for what the source does not print), an EDTF uncertain date
(`2011-03-08?`) in biblatex, `"circa": true` in CSL-JSON, and said in words in the note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from civicreader.model import Post
from civicreader.textsafe import one_line, strip_controls

FORMATS = ("text", "markdown", "bibtex", "csl-json")


class CitationError(ValueError):
    """What was asked for is not in the post; the message is one line for the user."""


@dataclass(frozen=True)
class Citation:
    post_id: str
    writers: tuple[str, ...]
    """The post's authors or the comment's writer; the blog when nobody is named."""
    by_blog: bool
    """True when `writers` is the blog because the post names no author."""
    title: str
    blog: str
    when: date | None
    """The day of what is cited: the post's, or the comment's."""
    year_inferred: bool
    date_note: str
    """How the post's year was inferred, where it was."""
    post_when: date | None
    post_year_inferred: bool
    kind: str
    """"post", "paragraph" or "comment"."""
    number: int | None
    quote: tuple[str, ...]
    """The cited paragraph, or the comment's paragraphs; empty for a whole post."""
    url: str
    sources: tuple[str, ...]


def citation(post: Post, *, paragraph: int | None = None, comment: int | None = None) -> Citation:
    """What a citation of the post, or of paragraph N or comment N of it, says; CitationError for a missing N."""
    if paragraph is not None and comment is not None:
        raise CitationError("cite a paragraph or a comment, not both")
    authors = tuple(name for name in (one_line(author) for author in post.authors) if name)
    fields = {
        "post_id": post.id,
        "title": one_line(post.title) or "(untitled)",
        "blog": one_line(post.blog),
        "url": post.url,
        "sources": tuple(one_line(source) for source in post.sources),
        "post_when": post.date,
        "post_year_inferred": post.date_inferred,
        "date_note": one_line(post.date_note) if post.date_inferred else "",
    }
    by_blog = not authors
    writers = authors or (one_line(post.blog),)
    if comment is not None:
        comments = [found for _, found in post.walk_comments()]
        if not 1 <= comment <= len(comments):
            has = _counted(len(comments), "comment")
            raise CitationError(f"post {post.id} has {has}: there is no comment {comment}")
        cited = comments[comment - 1]
        return Citation(
            writers=(one_line(cited.author) or "Anonymous",),
            by_blog=False,
            when=cited.date.date() if cited.date else None,
            year_inferred=cited.date_inferred,
            kind="comment",
            number=comment,
            quote=tuple(strip_controls(text) for text in cited.body),
            **fields,
        )
    if paragraph is not None:
        if not 1 <= paragraph <= len(post.body):
            raise CitationError(
                f"post {post.id} has {_counted(len(post.body), 'paragraph')}: there is no paragraph {paragraph}"
            )
        quote: tuple[str, ...] = (strip_controls(post.body[paragraph - 1]),)
    else:
        quote = ()
    return Citation(
        writers=writers,
        by_blog=by_blog,
        when=post.date,
        year_inferred=post.date_inferred,
        kind="paragraph" if paragraph is not None else "post",
        number=paragraph,
        quote=quote,
        **fields,
    )


def render(cited: Citation, style: str = "text") -> str:
    if style == "text":
        return _text(cited)
    if style == "markdown":
        return _markdown(cited)
    if style == "bibtex":
        return _bibtex(cited)
    if style == "csl-json":
        return json.dumps([csl_item(cited)], ensure_ascii=False, indent=2)
    raise CitationError(f"unknown citation format {style!r}: one of {', '.join(FORMATS)}")


def cite(post: Post, *, paragraph: int | None = None, comment: int | None = None, style: str = "text") -> str:
    return render(citation(post, paragraph=paragraph, comment=comment), style)


def describe(cited: Citation) -> str:
    """What a citation is of, in a few words for a notice: "comment 3 by Sue Lister"."""
    if cited.kind == "comment":
        return f"comment {cited.number} by {cited.writers[0]}"
    if cited.kind == "paragraph":
        return f"paragraph {cited.number} of “{cited.title}”"
    return f"“{cited.title}”"


# --- words ------------------------------------------------------------------------------------


def _day(when: date | None, year_inferred: bool) -> str:
    if when is None:
        return "undated"
    year = f"[{when.year}]" if year_inferred else str(when.year)
    day = f"{when.day} {when.strftime('%B')} {year}"
    return f"{day} (year inferred)" if year_inferred else day


def _where(cited: Citation) -> str:
    """The permalink, else the files the post was read from."""
    if cited.url:
        return cited.url
    if cited.sources:
        return "Read from " + "; ".join(cited.sources)
    return ""


def _parts(cited: Citation, title: str, blog: str) -> list[str]:
    """The citation's statements in order, the title and blog already marked up as the format wants."""
    writers = " and ".join(cited.writers)
    post_day = _day(cited.post_when, cited.post_year_inferred)
    if cited.kind == "comment":
        comment_day = _day(cited.when, cited.year_inferred)
        return [writers, f"comment {cited.number} of {comment_day} on {title}", blog, post_day]
    parts = [title, post_day] if cited.by_blog else [writers, title, blog, post_day]
    if cited.by_blog:
        parts.insert(0, blog)
    if cited.kind == "paragraph":
        parts.append(f"paragraph {cited.number}")
    return parts


def _text(cited: Citation) -> str:
    line = ", ".join(_parts(cited, f"“{cited.title}”", cited.blog)) + "."
    where = _where(cited)
    lines = [f"{line} {where}" if where else line]
    if cited.quote:
        lines.append("“" + "\n".join(cited.quote) + "”")
    return "\n".join(lines)


def _markdown(cited: Citation) -> str:
    from civicreader.ingest.markdown.export_format import escape_inline

    title = f"“{escape_inline(cited.title)}”"
    blog = f"*{escape_inline(cited.blog)}*"
    parts = _parts(cited, title, blog)
    writers = escape_inline(" and ".join(cited.writers))
    if not cited.by_blog or cited.kind == "comment":
        parts[0] = writers
    line = ", ".join(parts) + "."
    if cited.url:
        line += f" <{cited.url}>"
    elif cited.sources:
        line += " Read from " + "; ".join(f"`{source.replace('`', '')}`" for source in cited.sources)
    lines = [line]
    for paragraph in cited.quote:
        lines.append("" if len(lines) == 1 else ">")
        lines.extend("> " + text for text in escape_inline(paragraph).split("\n"))
    return "\n".join(lines)


# --- BibTeX -----------------------------------------------------------------------------------

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX field value: TeX's special characters escaped, so braces always balance."""
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in one_line(text))


def bibtex_key(cited: Citation) -> str:
    from slugify import slugify

    name = slugify(cited.writers[0].split()[-1] if cited.writers[0].split() else "", separator="") or "anon"
    year = str(cited.when.year) if cited.when else "nd"
    suffix = f"-c{cited.number}" if cited.kind == "comment" else f"-p{cited.number}" if cited.number else ""
    return f"{name[:24]}{year}-{cited.post_id}{suffix}"


def _bibtex(cited: Citation) -> str:
    if cited.by_blog:
        author = "{" + bibtex_escape(cited.blog) + "}"
    else:
        author = " and ".join("{" + bibtex_escape(name) + "}" for name in cited.writers)
    title = cited.title if cited.kind != "comment" else f"Comment {cited.number} on “{cited.title}”"
    fields = [("author", author), ("title", bibtex_escape(title)), ("organization", bibtex_escape(cited.blog))]
    if cited.when:
        fields.append(("date", cited.when.isoformat() + ("?" if cited.year_inferred else "")))
    if cited.url:
        fields.append(("url", bibtex_escape(cited.url)))
    fields.append(("note", bibtex_escape(_note(cited))))
    if cited.quote:
        fields.append(("annotation", bibtex_escape(" / ".join(cited.quote))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{bibtex_key(cited)},\n{body}\n}}"


def _note(cited: Citation) -> str:
    notes = []
    if cited.kind == "paragraph":
        notes.append(f"Paragraph {cited.number}")
    if cited.kind == "comment":
        posted = cited.post_when.isoformat() if cited.post_when else "no date"
        notes.append(f"Comment {cited.number} in the thread of a post of {posted}")
        if cited.year_inferred:
            notes.append("The comment's year inferred from its post's")
    if cited.post_year_inferred:
        notes.append("The post's year inferred" + (f" ({cited.date_note})" if cited.date_note else ""))
    if not cited.url and cited.sources:
        notes.append("Read from " + "; ".join(cited.sources))
    return ". ".join(notes)


# --- CSL-JSON ---------------------------------------------------------------------------------


def csl_item(cited: Citation) -> dict:
    """One CSL-JSON item: a `post-weblog` for a post or paragraph, a `post` (CSL's blog comment) for a comment."""
    item: dict = {
        "id": bibtex_key(cited),
        "type": "post" if cited.kind == "comment" else "post-weblog",
        "title": cited.title if cited.kind != "comment" else f"Comment {cited.number} on “{cited.title}”",
        "container-title": cited.blog,
        "author": [{"literal": name} for name in cited.writers],
    }
    if cited.when:
        issued: dict = {"date-parts": [[cited.when.year, cited.when.month, cited.when.day]]}
        if cited.year_inferred:
            issued["circa"] = True
        item["issued"] = issued
    if cited.url:
        item["URL"] = cited.url
    elif cited.sources:
        item["source"] = "; ".join(cited.sources)
    note = _note(cited)
    if note:
        item["note"] = note
    if cited.quote:
        item["abstract"] = "\n\n".join(cited.quote)
    return item


def _counted(count: int, singular: str) -> str:
    return f"{count} {singular if count == 1 else singular + 's'}"
