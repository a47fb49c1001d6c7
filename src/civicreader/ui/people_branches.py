"""The archive's People and Most discussed branches: who wrote most, what each wrote, the longest threads.

The archive tree asks `children_of` here for these branches' children, in its worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from civicreader.textsafe import one_line
from civicreader.ui.text import short_date

MOST_DISCUSSED = 50
"""Posts the Most discussed branch lists."""

PAGE = 200
"""Writings a person's branch shows at once, and adds each time the cursor reaches the end: the most
prolific commenter of a big archive wrote a hundred thousand comments, too many to read and lay out."""


@dataclass(frozen=True)
class PeopleBranch:
    pass


@dataclass(frozen=True)
class PersonBranch:
    name: str


@dataclass(frozen=True)
class MoreWritings:
    """The last leaf of a person's branch while more of what they wrote is still to be listed."""

    name: str
    start: int
    """How many are listed above it."""


@dataclass(frozen=True)
class MostDiscussedBranch:
    pass


@dataclass(frozen=True)
class WritingLeaf:
    writing: object
    """A civicreader.people.Writing: a post (comment 0) or one comment, opened at that comment."""


def kept_end(data, label: Text) -> int | None:
    """How much of the end of these branches' labels must stay when cut to fit (None: not one of theirs)."""
    if isinstance(data, WritingLeaf):
        return 0  # the title says more than the blog: cut from the end
    if isinstance(data, PersonBranch):
        return len(label.plain) - len(one_line(data.name) or "(unnamed)")
    return None


def person_label(person) -> Text:
    """Name, then how much they wrote: "Ruth Okafor 12" with "8 posts, 4 comments" dim after it."""
    parts = []
    if person.posts:
        parts.append(f"{person.posts} post{'s' if person.posts != 1 else ''}")
    if person.comments:
        parts.append(f"{person.comments} comment{'s' if person.comments != 1 else ''}")
    return Text.assemble(one_line(person.name) or "(unnamed)", (f" {', '.join(parts)}", "dim"))


def writing_label(writing) -> Text:
    """'2011-02-05 comment on Save Our Libraries day · stacks-and-shelves', newest first in the branch."""
    what = "comment on " if writing.comment else ""
    return Text.assemble(
        (short_date(writing.when), "dim"),
        " ",
        (what, "italic"),
        one_line(writing.title) or "(untitled)",
        (f" · {one_line(writing.blog)}", "dim"),
    )


def top_level(library):
    """The People and Most discussed branches under the blogs: (label, data, is_branch)."""
    from civicreader.ui.archive_tree import counted

    people = library.people_count()
    if people:
        yield counted("People", people, "italic"), PeopleBranch(), True
    if library.commented_posts():  # from the outline: the whole catalogue took 1.7 s at 200,000 posts
        yield Text("Most discussed", "italic"), MostDiscussedBranch(), True


def children_of(library, data):
    from civicreader.ui.archive_tree import PostLeaf, post_label

    if isinstance(data, PeopleBranch):
        for person in library.people():
            yield person_label(person), PersonBranch(person.name), True
    elif isinstance(data, PersonBranch):
        yield from writings_from(library, MoreWritings(data.name, 0))
    elif isinstance(data, MoreWritings):
        yield from writings_from(library, data)
    elif isinstance(data, MostDiscussedBranch):
        for summary in library.most_discussed(MOST_DISCUSSED):
            yield post_label(summary), PostLeaf(summary), False


def writings_from(library, more: MoreWritings):
    """A page of what the person wrote from `more.start`, then a MoreWritings leaf if there is more."""
    found = library.writings_of(more.name, more.start, PAGE + 1)
    for writing in found[:PAGE]:
        yield writing_label(writing), WritingLeaf(writing), False
    if len(found) > PAGE:
        yield Text("more…", "dim italic"), MoreWritings(more.name, more.start + PAGE), False
