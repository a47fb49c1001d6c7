"""Discussion figures: comments, distinct commenters, thread depth, first and last comment day."""

from __future__ import annotations

from datetime import date, datetime

from civicreader.discussion import Discussion, discussion
from civicreader.model import Comment, Post


def comment(author, when=None, replies=()):
    return Comment(author=author, date=when, body=("x",), replies=tuple(replies))


def test_a_post_without_comments():
    found = discussion(Post(id="p", blog="b", title="t", date=None, body=()))
    assert found == Discussion()
    assert found.describe() == "no comments"
    assert found.to_dict() == {
        "comment_count": 0,
        "commenters": 0,
        "thread_depth": 0,
        "first_comment": None,
        "last_comment": None,
    }


def test_a_thread_three_levels_deep_by_two_people():
    thread = (
        comment(
            "Sue Lister",
            datetime(2011, 2, 6, 9),
            [comment("ruth okafor", None, [comment("SUE  LISTER", datetime(2011, 2, 9, 8))])],
        ),
        comment("Ruth Okafor", datetime(2011, 2, 5, 23)),
    )
    found = discussion(Post(id="p", blog="b", title="t", date=None, body=(), comments=thread))
    assert (found.comments, found.commenters, found.depth) == (4, 2, 3)
    assert (found.first, found.last) == (date(2011, 2, 5), date(2011, 2, 9))
    assert found.describe() == "4 comments by 2 people, 3 levels deep, 2011-02-05 to 2011-02-09"
    assert found.to_dict()["first_comment"] == "2011-02-05"


def test_nameless_comments_count_as_comments_not_as_commenters():
    found = discussion(Post(id="p", blog="b", title="t", date=None, body=(), comments=(comment(""), comment(" "))))
    assert (found.comments, found.commenters, found.depth) == (2, 0, 1)
    assert found.describe() == "2 comments"
