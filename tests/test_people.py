"""People: who wrote what, names compared after normalisation only, likely pairs shown but never merged."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicreader.model import Comment, Post
from civicreader.people import (
    Person,
    person_key,
    shown_name,
    similar_pairs,
    sort_people,
    tally,
    writings,
)


def post(post_id="p1", authors=("Ruth Okafor",), comments=(), when=date(2011, 2, 5), blog="stacks") -> Post:
    return Post(id=post_id, blog=blog, title="A post", date=when, body=("Text.",), authors=authors, comments=comments)


def comment(author, replies=(), when=datetime(2011, 2, 6, 10, 0)) -> Comment:
    return Comment(author=author, date=when, body=("Said.",), replies=tuple(replies))


def people_of(*posts: Post) -> dict[str, Person]:
    return {person.name: person for person in tally(w for p in posts for w in writings(p))}


def test_a_name_is_the_same_person_whatever_its_case_spacing_width_and_invisible_characters():
    spellings = [
        "Ruth Okafor",
        "ruth  OKAFOR",
        " Ruth\tOkafor ",
        "Ｒｕｔｈ Okafor",  # full-width letters fold (NFKC)
        "Ruth Oka\u200bfor",  # a zero-width space inside
        "\u202eRuth Okafor",  # a right-to-left override before it
    ]
    assert {person_key(name) for name in spellings} == {"ruth okafor"}
    found = people_of(post(authors=(), comments=tuple(comment(name) for name in spellings)))
    assert list(found) == ["Ruth Okafor"]
    assert found["Ruth Okafor"].comments == len(spellings)


def test_different_spellings_are_never_merged_but_are_offered_as_likely_pairs():
    names = ["Maggie Holroyd", "maggieholroyd", "Holroyd, Maggie", "M. Holroyd", "Maggie Holroid", "Tom Ashworth"]
    found = people_of(post(authors=(), comments=tuple(comment(name) for name in names)))
    assert len(found) == len(names)
    pairs = {(pair.first, pair.second): pair.why for pair in similar_pairs(found.values())}
    assert pairs[("Maggie Holroyd", "maggieholroyd")] == "the same letters"
    assert pairs[("Holroyd, Maggie", "Maggie Holroyd")] == "the same words"
    assert pairs[("M. Holroyd", "Maggie Holroyd")] == "an initial for a first name"
    assert pairs[("Maggie Holroid", "Maggie Holroyd")] == "one letter apart"
    assert not any("Tom Ashworth" in pair for pair in pairs)


def test_short_names_one_letter_apart_are_not_offered():
    found = people_of(post(authors=(), comments=(comment("Jo Lee"), comment("Jo Lea"))))
    assert similar_pairs(found.values()) == []


def test_markup_and_control_characters_stay_text_in_the_name():
    raw = "[bold]Sue[/bold] \x1b[31mLister\x07"
    assert shown_name(raw) == "[bold]Sue[/bold] Lister"
    found = people_of(post(authors=(), comments=(comment(raw),)))
    assert list(found) == ["[bold]Sue[/bold] Lister"]


def test_counts_blogs_dates_and_the_people_replied_to():
    thread = (
        comment(
            "Sue Lister",
            when=datetime(2011, 2, 6, 9, 0),
            replies=[comment("Ruth Okafor", replies=[comment("Sue Lister")])],
        ),
        comment("Derek Sowden", when=datetime(2011, 3, 1, 9, 0)),
    )
    other = post("p2", authors=("Sue Lister",), when=date(2012, 5, 1), blog="wheels")
    found = people_of(post(comments=thread), other)
    sue = found["Sue Lister"]
    assert (sue.posts, sue.comments) == (1, 2)
    assert sue.blogs == ("stacks", "wheels")
    assert (sue.first, sue.last) == (date(2011, 2, 6), date(2012, 5, 1))
    # her top-level comment answers the post's author, her reply the comment above it: Ruth twice
    assert sue.replied_to == (("Ruth Okafor", 2),)
    ruth = found["Ruth Okafor"]
    assert (ruth.posts, ruth.comments) == (1, 1)
    assert ruth.replied_to == (("Sue Lister", 1),)
    assert found["Derek Sowden"].replied_to == (("Ruth Okafor", 1),)


def test_replying_to_yourself_is_not_counted():
    found = people_of(post(comments=(comment("Ruth Okafor"),)))
    assert found["Ruth Okafor"].replied_to == ()


def test_comments_are_numbered_in_thread_order_as_show_numbers_them():
    thread = (comment("A", replies=[comment("B", replies=[comment("C")])]), comment("D"))
    numbered = {w.name: w.comment for w in writings(post(authors=("Author",), comments=thread))}
    assert numbered == {"Author": 0, "A": 1, "B": 2, "C": 3, "D": 4}


def test_a_nameless_comment_is_nobody_but_keeps_its_number_for_the_rest():
    thread = (comment(""), comment("\u200b"), comment("Sue Lister"))
    found = writings(post(authors=(), comments=thread))
    assert [(w.name, w.comment) for w in found] == [("Sue Lister", 3)]


def test_the_spelling_used_most_is_the_name_shown():
    thread = tuple(comment(name) for name in ("sue lister", "Sue Lister", "Sue Lister"))
    assert list(people_of(post(authors=(), comments=thread))) == ["Sue Lister"]


def test_sorts():
    people = [
        Person("Bea", 1, 5, ("b",), date(2011, 1, 1), date(2011, 6, 1), ()),
        Person("amy", 3, 0, ("b",), date(2010, 1, 1), date(2010, 2, 1), ()),
        Person("Cal", 0, 2, ("b",), None, None, ()),
    ]
    names = lambda by: [p.name for p in sort_people(people, by)]  # noqa: E731
    assert names("name") == ["amy", "Bea", "Cal"]
    assert names("posts") == ["amy", "Bea", "Cal"]
    assert names("comments") == ["Bea", "Cal", "amy"]
    assert names("wrote") == ["Bea", "amy", "Cal"]
    assert names("first") == ["amy", "Bea", "Cal"]
    assert names("last") == ["Bea", "amy", "Cal"]
    with pytest.raises(ValueError):
        sort_people(people, "age")


def test_person_round_trips_through_a_dict():
    person = Person("Sue", 1, 2, ("b",), date(2011, 1, 1), None, (("Ruth", 2),))
    assert Person.from_dict(person.to_dict()) == person
    assert person.to_dict()["replied_to"] == [["Ruth", 2]]


NAMES = st.sampled_from(["Sue Lister", "sue lister", "Ruth Okafor", "", "Anonymous", "R\u200bO", "Ｓue Lister"])


@st.composite
def threads(draw, depth=0):
    count = draw(st.integers(0, 3 if depth < 3 else 0))
    return tuple(
        Comment(author=draw(NAMES), date=None, body=("x",), replies=draw(threads(depth=depth + 1)))
        for _ in range(count)
    )


@given(st.lists(st.tuples(st.lists(NAMES, max_size=2), threads()), max_size=5))
def test_every_named_post_and_comment_is_counted_once(posts):
    built = [post(f"p{n}", authors=tuple(authors), comments=thread) for n, (authors, thread) in enumerate(posts)]
    found = tally(w for p in built for w in writings(p))
    named_comments = sum(1 for p in built for _, c in p.walk_comments() if person_key(c.author))
    named_authors = sum(1 for p in built for a in p.authors if person_key(a))
    assert sum(person.comments for person in found) == named_comments
    assert sum(person.posts for person in found) == named_authors
    assert len({person.key for person in found}) == len(found)
