"""Where a search's words fall in a post: the spans the reading pane marks and `n` / `N` step through.

Plain functions over a `Post`, no widgets: the pane's blocks are keyed as `block_texts` keys them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from civicreader.model import Comment, Post

BlockKey = tuple
"""("title",), ("body", paragraph), or ("comment", n) with n in thread order."""
Span = tuple[int, int]
FIELDS = ("title", "body", "comment")
"""The text fields a query can name; each is the first part of the keys of its blocks."""


def comment_text(comment: Comment) -> str:
    return "\n\n".join(comment.body)


def block_texts(post: Post) -> Iterator[tuple[BlockKey, str]]:
    """(key, text) for every block that can hold a match, in reading order."""
    yield ("title",), post.title
    for number, paragraph in enumerate(post.body):
        yield ("body", number), paragraph
    for number, (_depth, comment) in enumerate(post.walk_comments()):
        yield ("comment", number), comment_text(comment)


def match_spans(
    post: Post,
    terms_by_field: Mapping[str, Sequence[str]],
    find: Callable[[str, Sequence[str]], Sequence[Span]],
) -> dict[BlockKey, list[Span]]:
    """The spans of each block where the words the query gave its field match (`find(text, terms)` finds them).

    A field the query did not search (`title:` alone leaves out the body and comments) has no terms, so
    its blocks have no matches to step through.
    """
    matches: dict[BlockKey, list[Span]] = {}
    for key, text in block_texts(post):
        terms = terms_by_field.get(key[0])
        if terms and text:
            spans = list(find(text, terms))
            if spans:
                matches[key] = spans
    return matches


def commenter_spans(post: Post, commenter: str, matches: Mapping[BlockKey, list[Span]]) -> dict[BlockKey, list[Span]]:
    """The first paragraph of each of `commenter`'s comments, when none of them already holds a match.

    `commenter:taylor` has no words to mark: the reader is taken to that person's comments instead.
    """
    theirs = {
        ("comment", number): comment
        for number, (_depth, comment) in enumerate(post.walk_comments())
        if comment.author == commenter and comment.body
    }
    if any(key in matches for key in theirs):
        return {}
    return {key: [(0, len(comment.body[0]))] for key, comment in theirs.items()}


def place_spans(post: Post, at_comment: int = 0, at_paragraph: int = 0) -> dict[BlockKey, list[Span]]:
    """The comment (`at_comment`, from 1 in thread order) or paragraph (`at_paragraph`, from 1) a post opens at,
    marked whole (a comment's first paragraph); nothing for a place the post does not have."""
    spans: dict[BlockKey, list[Span]] = {}
    if at_comment:
        chosen = [comment for _depth, comment in post.walk_comments()][at_comment - 1 : at_comment]
        if chosen:
            spans[("comment", at_comment - 1)] = [(0, len(chosen[0].body[0]) if chosen[0].body else 0)]
    if 0 < at_paragraph <= len(post.body):
        spans[("body", at_paragraph - 1)] = [(0, len(post.body[at_paragraph - 1]))]
    return spans
