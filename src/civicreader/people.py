"""Everyone who wrote in the archive, authors and commenters, and what each wrote.

A person is a name: two names are the same person when they are equal after Unicode (NFKC)
and white-space normalisation and case folding, with controls and invisible format characters
(zero-width spaces, bidi marks) removed. Different spellings are never merged by guess;
`similar_pairs` only points out likely pairs for a person to judge.

A post yields one `Writing` per author and one per comment; `tally` turns writings into one
`Person` each. The index keeps the writings of every post so an update re-counts only what
changed.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from civicreader.model import Post, normalise_key_text
from civicreader.textsafe import one_line

REPLIED_TO_SHOWN = 5
"""How many of the people someone replied to most a Person keeps."""

SORTS = ("name", "posts", "comments", "first", "last", "wrote")


@lru_cache(maxsize=100_000)  # an archive's thousands of names, met hundreds of thousands of times in a build
def shown_name(name: str) -> str:
    """A name as written, made inert: controls, bidi overrides and invisible characters removed, one line."""
    return one_line("".join(ch for ch in name if unicodedata.category(ch) != "Cf"))


@lru_cache(maxsize=100_000)
def person_key(name: str) -> str:
    """What two spellings of a name must share to be one person ("" for a name with nothing in it)."""
    text = unicodedata.normalize("NFKC", shown_name(name))
    return unicodedata.normalize("NFKC", " ".join(text.split()).casefold())


@dataclass(frozen=True)
class Writing:
    """One thing a person wrote: a post (`comment` 0) or comment number `comment` of a post, as `show` numbers them."""

    key: str
    name: str
    post_id: str
    comment: int
    when: date | None
    blog: str
    title: str
    replied_to: tuple[str, ...] = ()
    """The names this answers: a reply's parent comment's writer; a top-level comment's, the post's authors."""


def writings(post: Post) -> list[Writing]:
    """Everything in `post` someone wrote, the post's authors first, then its comments in thread order."""
    found: list[Writing] = []
    authors = tuple(name for name in (shown_name(author) for author in post.authors) if person_key(name))
    for author in authors:
        found.append(Writing(person_key(author), author, post.id, 0, post.date, post.blog, post.title))
    parents: list[str] = []  # the writer of the comment open at each depth
    for number, (depth, comment) in enumerate(post.walk_comments(), start=1):
        name = shown_name(comment.author)
        del parents[depth:]
        answers = (parents[depth - 1],) if depth else authors
        parents.append(name)
        if not person_key(name):
            continue
        key = person_key(name)
        replied_to = tuple(other for other in dict.fromkeys(answers) if person_key(other) not in ("", key))
        when = comment.date.date() if comment.date else None
        found.append(Writing(key, name, post.id, number, when, post.blog, post.title, replied_to))
    return found


@dataclass(frozen=True)
class Person:
    name: str
    """The spelling used most often (the first seen among equals)."""
    posts: int
    comments: int
    blogs: tuple[str, ...]
    first: date | None
    last: date | None
    replied_to: tuple[tuple[str, int], ...]
    """The people this person answered most, with how often, most first."""

    @property
    def key(self) -> str:
        return person_key(self.name)

    @property
    def wrote(self) -> int:
        return self.posts + self.comments

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "posts": self.posts,
            "comments": self.comments,
            "blogs": list(self.blogs),
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "replied_to": [[name, count] for name, count in self.replied_to],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Person:
        return cls(
            name=data["name"],
            posts=data["posts"],
            comments=data["comments"],
            blogs=tuple(data["blogs"]),
            first=date.fromisoformat(data["first"]) if data["first"] else None,
            last=date.fromisoformat(data["last"]) if data["last"] else None,
            replied_to=tuple((name, count) for name, count in data["replied_to"]),
        )


def tally(found: Iterable[Writing]) -> list[Person]:
    """One Person per name key, sorted by how much each wrote."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    posts: Counter[str] = Counter()
    comments: Counter[str] = Counter()
    blogs: dict[str, set[str]] = defaultdict(set)
    first: dict[str, date] = {}
    last: dict[str, date] = {}
    answered: dict[str, Counter[str]] = defaultdict(Counter)
    mentioned: dict[str, str] = {}
    for writing in found:
        key = writing.key
        spellings[key][writing.name] += 1
        if writing.comment:
            comments[key] += 1
        else:
            posts[key] += 1
        blogs[key].add(writing.blog)
        if writing.when is not None:
            if key not in first or writing.when < first[key]:
                first[key] = writing.when
            if key not in last or writing.when > last[key]:
                last[key] = writing.when
        for other in writing.replied_to:
            answered[key][person_key(other)] += 1
            mentioned.setdefault(person_key(other), other)
    # Whoever is answered but not among these writings (an update re-counts only some people) keeps the
    # spelling the reply named them by.
    names = mentioned | {key: counts.most_common(1)[0][0] for key, counts in spellings.items()}
    people = [
        Person(
            name=names[key],
            posts=posts[key],
            comments=comments[key],
            blogs=tuple(sorted(blogs[key], key=str.casefold)),
            first=first.get(key),
            last=last.get(key),
            replied_to=tuple(
                (names[other], count)
                for other, count in sorted(answered[key].items(), key=lambda item: (-item[1], item[0]))[
                    :REPLIED_TO_SHOWN
                ]
            ),
        )
        for key in spellings
    ]
    return sort_people(people, "wrote")


def sort_people(people: Iterable[Person], by: str) -> list[Person]:
    """By name (A-Z); posts, comments or all they wrote (most first); first date (earliest first); last (latest first).

    Undated people go last; ties by name.
    """
    people = sorted(people, key=lambda person: person.key)
    if by == "name":
        return people
    if by in ("posts", "comments", "wrote"):
        return sorted(people, key=lambda person: -getattr(person, by))
    if by == "first":
        return sorted(people, key=lambda person: (person.first is None, person.first or date.min))
    if by == "last":
        return sorted(people, key=lambda person: (person.last is None, -(person.last or date.min).toordinal()))
    raise ValueError(f"unknown sort {by!r}: one of {', '.join(SORTS)}")


# --- likely pairs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SimilarPair:
    first: str
    second: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"names": [self.first, self.second], "why": self.why}


def similar_pairs(people: Iterable[Person]) -> list[SimilarPair]:
    """Names that may be one person, for a person to judge; never merged.

    Found by keys that are cheap to group on, so 20,000 names take well under a second:
    the same letters without spaces, accents or punctuation ("maggieholroyd", "Maggie Holroyd");
    the same words in another order ("Holroyd, Maggie"); an initial for a first name ("M. Holroyd");
    one letter apart in a name of six letters or more ("Maggie Holryod" is two, "Maggie Holroid" one).
    """
    names = sorted({person.name for person in people}, key=person_key)
    pairs: dict[tuple[str, str], str] = {}

    def group(key_of, why: str, confirm=lambda one, other: True) -> None:
        groups: dict[str, list[str]] = defaultdict(list)
        for name in names:
            for key in key_of(name):
                if key:
                    groups[key].append(name)
        for members in groups.values():
            for position, one in enumerate(members):
                for other in members[position + 1 :]:
                    if person_key(one) != person_key(other) and confirm(one, other):
                        pairs.setdefault((one, other), why)

    group(lambda name: [_squashed(name)], "the same letters")
    group(lambda name: [" ".join(sorted(_words(name)))] if len(_words(name)) > 1 else [], "the same words")
    group(_initial_keys, "an initial for a first name")
    group(_one_letter_out_keys, "one letter apart", confirm=_one_edit)
    found = [SimilarPair(one, other, why) for (one, other), why in pairs.items()]
    return sorted(found, key=lambda pair: (person_key(pair.first), person_key(pair.second)))


def _words(name: str) -> list[str]:
    return normalise_key_text(name).split()


def _squashed(name: str) -> str:
    return "".join(_words(name))


def _initial_keys(name: str) -> list[str]:
    words = _words(name)
    if len(words) < 2:
        return []
    return [f"{words[0][0]} {words[-1]}"] if len(words[-1]) > 1 else []


MIN_LETTERS_FOR_ONE_APART = 6


def _one_letter_out_keys(name: str) -> list[str]:
    """The letters, and every spelling with one taken out: names one edit apart share one of these."""
    squashed = _squashed(name)
    if len(squashed) < MIN_LETTERS_FOR_ONE_APART:
        return []
    return [squashed, *(squashed[:at] + squashed[at + 1 :] for at in range(len(squashed)))]


def _one_edit(one: str, other: str) -> bool:
    first, second = _squashed(one), _squashed(other)
    if first == second:
        return False  # found as "the same letters"
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) == 1
    shorter, longer = sorted((first, second), key=len)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:at] + longer[at + 1 :] == shorter for at in range(len(longer)))
