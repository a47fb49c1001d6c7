"""The precomputed people file: built once, kept in step post by post, caught up when it fell behind."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from civicreader.index import people as people_store
from civicreader.index.people import PeopleStore, PeopleUnavailable
from civicreader.model import Comment, Post
from civicreader.people import tally, writings


def post(post_id: str, author: str, *commenters: str, when=date(2012, 1, 1)) -> Post:
    comments = tuple(Comment(name, datetime(2012, 1, n + 2, 9, 0), ("x",)) for n, name in enumerate(commenters))
    return Post(
        id=post_id, blog="b", title=f"Post {post_id}", date=when, body=("x",), authors=(author,), comments=comments
    )


def digests(posts: list[Post]) -> dict[str, str]:
    return {p.id: repr(p) for p in posts}


def no_loading(ids):
    raise AssertionError(f"should not need the index's posts: {list(ids)}")


def sync(store: PeopleStore, posts: list[Post], at_hand=None, load=no_loading) -> int:
    return store.sync(digests(posts), posts if at_hand is None else at_hand, load)


def as_counts(store: PeopleStore) -> dict[str, tuple[int, int]]:
    return {person.name: (person.posts, person.comments) for person in store.people()}


def test_the_file_holds_what_tallying_every_post_gives(tmp_path):
    posts = [post("p1", "Ruth", "Sue", "Derek"), post("p2", "Ken", "Sue"), post("p3", "Ruth")]
    store = PeopleStore(tmp_path)
    assert sync(store, posts) == 3
    assert store.people() == tally(w for p in posts for w in writings(p))
    assert as_counts(store) == {"Ruth": (2, 0), "Sue": (0, 2), "Ken": (1, 0), "Derek": (0, 1)}


def test_an_update_recounts_only_the_changed_posts_people(tmp_path):
    posts = [post("p1", "Ruth", "Sue", "Derek"), post("p2", "Ken", "Sue")]
    store = PeopleStore(tmp_path)
    sync(store, posts)
    changed = [post("p1", "Ruth", "Sue"), post("p2", "Ken", "Sue"), post("p3", "Derek", "Ann")]
    # only the changed and the new post are at hand: p2 is the same, so never asked for
    assert store.sync(digests(changed), [changed[0], changed[2]], no_loading) == 2  # p1 changed, p3 is new
    assert as_counts(store) == {"Ruth": (1, 0), "Sue": (0, 2), "Ken": (1, 0), "Derek": (1, 0), "Ann": (0, 1)}
    assert store.people() == tally(w for p in changed for w in writings(p))


def test_a_post_whose_text_alone_changed_counts_no_one_again_and_is_in_step(tmp_path, monkeypatch):
    posts = [post("p1", "Ruth", "Sue", "Derek"), post("p2", "Ken", "Sue")]
    store = PeopleStore(tmp_path)
    sync(store, posts)
    reworded = dataclasses.replace(posts[0], body=("y", "more words"))
    monkeypatch.setattr(people_store, "_retally", lambda *args, **kwargs: pytest.fail("re-tallied"))
    assert store.sync(digests([reworded, posts[1]]), [reworded], no_loading) == 1
    monkeypatch.undo()
    assert store.people() == tally(w for p in posts for w in writings(p))
    # In step with the new digest: the same posts again change nothing; a new commenter on it is counted.
    assert sync(store, [reworded, posts[1]], at_hand=[]) == 0
    late = Comment("Ann", datetime(2012, 2, 1), ("z",))
    answered = dataclasses.replace(reworded, comments=(*reworded.comments, late))
    sync(store, [answered, posts[1]])
    assert as_counts(store)["Ann"] == (0, 1)
    assert store.people() == tally(w for p in (answered, posts[1]) for w in writings(p))


def test_someone_whose_only_post_left_is_no_longer_listed(tmp_path):
    posts = [post("p1", "Ruth", "Sue"), post("p2", "Ken")]
    store = PeopleStore(tmp_path)
    sync(store, posts)
    sync(store, posts[:1], at_hand=[])
    assert as_counts(store) == {"Ruth": (1, 0), "Sue": (0, 1)}
    assert store.writings_of("Ken") == []


def test_nothing_changed_is_nothing_done(tmp_path):
    posts = [post("p1", "Ruth", "Sue")]
    store = PeopleStore(tmp_path)
    sync(store, posts)
    assert sync(store, posts, at_hand=[]) == 0


def test_a_file_that_fell_behind_reads_the_posts_it_lacks_from_the_index(tmp_path):
    posts = [post("p1", "Ruth", "Sue"), post("p2", "Ken", "Sue")]
    asked: list[str] = []

    def load(ids):
        asked.extend(ids)
        return [p for p in posts if p.id in ids]

    store = PeopleStore(tmp_path)
    sync(store, posts[:1])
    sync(store, posts, at_hand=[], load=load)
    assert asked == ["p2"]
    assert as_counts(store)["Sue"] == (0, 2)


def test_a_file_in_step_with_the_last_sync_compares_only_the_posts_changed_since(tmp_path):
    posts = [post("p1", "Ruth", "Sue"), post("p2", "Ken", "Sue"), post("p3", "Ann")]
    store = PeopleStore(tmp_path)
    store.sync(digests(posts), posts, no_loading, (None, "first"))
    changed = [post("p1", "Ruth"), posts[1], post("p4", "Derek", "Sue")]
    assert store.sync(digests(changed), [changed[0], changed[2]], no_loading, ("first", "second"),
                      {"p1", "p3", "p4"}) == 3
    assert store.people() == tally(w for p in changed for w in writings(p))


def test_a_file_whose_mark_is_not_the_last_syncs_compares_every_post(tmp_path):
    # As when a writer was killed after the people file's commit but before the manifest that keeps its mark: the
    # caller's changed posts say nothing about the file, which is compared whole.
    posts = [post("p1", "Ruth", "Sue"), post("p2", "Ken", "Sue")]
    store = PeopleStore(tmp_path)
    store.sync(digests(posts), posts, no_loading, (None, "first"))
    moved_on = [post("p1", "Ruth"), post("p2", "Ken", "Sue", "Ann")]
    store.sync(digests(moved_on), moved_on, no_loading, ("first", "second"), {"p1", "p2"})
    assert store.sync(digests(posts), posts, no_loading, ("first", "third"), {"p1"}) == 2
    assert store.people() == tally(w for p in posts for w in writings(p))


def test_a_damaged_file_is_built_again_from_the_index(tmp_path):
    posts = [post("p1", "Ruth", "Sue")]
    store = PeopleStore(tmp_path)
    store.path.write_bytes(b"this is not a database" * 100)
    sync(store, posts, at_hand=[], load=lambda ids: [p for p in posts if p.id in ids])
    assert as_counts(store) == {"Ruth": (1, 0), "Sue": (0, 1)}


def test_reading_a_missing_or_damaged_file_is_a_one_line_error(tmp_path):
    store = PeopleStore(tmp_path)
    with pytest.raises(PeopleUnavailable, match="run `civicreader index`"):
        store.people()
    store.path.write_bytes(b"junk" * 1000)
    with pytest.raises(PeopleUnavailable, match="unreadable people table"):
        store.people()


def test_writings_of_a_person_newest_first_with_the_post_each_is_on(tmp_path):
    posts = [post("p1", "Ruth", "Sue", when=date(2011, 5, 1)), post("p2", "Sue", when=date(2013, 1, 1))]
    store = PeopleStore(tmp_path)
    sync(store, posts)
    found = store.writings_of("  SUE ")
    assert [(w.post_id, w.comment, w.title) for w in found] == [("p2", 0, "Post p2"), ("p1", 1, "Post p1")]


def test_writings_come_newest_first_undated_last_and_in_pages_that_add_up_to_the_whole(tmp_path):
    posts = [
        post("p1", "Sue", "Sue", when=date(2011, 5, 1)),  # the comment is dated 2012-01-02
        post("p2", "Sue", when=None),
        post("p3", "Sue", when=date(2013, 1, 1)),
        post("p4", "Ruth", "Sue", "Sue", when=date(2010, 1, 1)),  # comments 2012-01-02 and 2012-01-03
    ]
    store = PeopleStore(tmp_path)
    sync(store, posts)
    whole = [(w.post_id, w.comment) for w in store.writings_of("Sue")]
    assert whole == [("p3", 0), ("p4", 2), ("p1", 1), ("p4", 1), ("p1", 0), ("p2", 0)]
    for size in (1, 2, 4, 5):
        pages = [store.writings_of("Sue", start, size) for start in range(0, len(whole), size)]
        assert [(w.post_id, w.comment) for page in pages for w in page] == whole
    assert store.writings_of("Sue", 6, 10) == []


def test_an_interrupted_update_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    posts = [post("p1", "Ruth", "Sue")]
    store = PeopleStore(tmp_path)
    sync(store, posts)

    def interrupted(*args, **kwargs):  # after the old rows went and the new came, before the commit
        raise KeyboardInterrupt

    monkeypatch.setattr(people_store, "_retally", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sync(store, [post("p1", "Ken", "Ann")])
    monkeypatch.undo()
    assert as_counts(store) == {"Ruth": (1, 0), "Sue": (0, 1)}
    assert [w.post_id for w in store.writings_of("Sue")] == ["p1"]
