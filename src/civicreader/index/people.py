"""The people of an index, precomputed: an SQLite file beside the index that an update keeps in step.

It holds every post's writings (`people.writings`) and the tally of each person, so `civicreader
people` and the app's People branch read a table instead of every post, and choosing a person reads
only their rows. An update hands over the index's post digests and the posts it has at hand; the
file drops the writings of posts that left or changed, adds the new ones and re-tallies only the
people those touched. Each update is one transaction: an interrupted one leaves the file as it was,
and the digests it keeps let the next update catch up with an index that moved on without it.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date
from pathlib import Path

from civicreader.model import Post
from civicreader.people import Person, Writing, person_key, sort_people, tally, writings

FILE_NAME = "people.sqlite"
FORMAT = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS posts (post_id TEXT PRIMARY KEY, digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS writings (
    key TEXT NOT NULL, name TEXT NOT NULL, post_id TEXT NOT NULL, comment INTEGER NOT NULL,
    day TEXT, blog TEXT NOT NULL, title TEXT NOT NULL, replied_to TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS writings_by_key ON writings (key);
CREATE INDEX IF NOT EXISTS writings_by_key_newest ON writings (key, day DESC);
CREATE INDEX IF NOT EXISTS writings_by_post ON writings (post_id);
CREATE TABLE IF NOT EXISTS people (
    key TEXT PRIMARY KEY, name TEXT NOT NULL, posts INTEGER NOT NULL, comments INTEGER NOT NULL,
    blogs TEXT NOT NULL, first TEXT, last TEXT, replied_to TEXT NOT NULL
);
"""


class PeopleUnavailable(Exception):
    """The people file is missing or unreadable; the message is one line for the user."""


class PeopleStore:
    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / FILE_NAME

    def exists(self) -> bool:
        return self.path.exists()

    def _connect(self, *, write: bool) -> sqlite3.Connection:
        if not write and not self.path.exists():
            raise PeopleUnavailable(f"no people table in {self.path.parent}: run `civicreader index`")
        uri = f"{self.path.resolve().as_uri()}?mode={'rwc' if write else 'ro'}"
        try:
            connection = sqlite3.connect(uri, uri=True, isolation_level=None)
            if write:
                connection.executescript(_SCHEMA)
                stored = connection.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
                if stored is not None and stored[0] != FORMAT:
                    connection.close()
                    self.path.unlink()
                    return self._connect(write=True)
                if stored is None:  # a commit of its own: not made again by every update
                    connection.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
        except sqlite3.DatabaseError as error:
            raise PeopleUnavailable(f"{self.path}: unreadable people table ({error})") from error
        return connection

    # --- writing ----------------------------------------------------------------------------

    def sync(
        self,
        digests: Mapping[str, str],
        at_hand: Iterable[Post],
        load: Callable[[Iterable[str]], Iterable[Post]],
        step: tuple[str | None, str] = (None, ""),
        changed: Collection[str] = (),
    ) -> int:
        """Bring the file in step with an index whose posts have these digests; return how many posts changed.

        Posts are taken from `at_hand` where there, else from `load` (the index's stored posts),
        which is called only when the file had fallen behind or was new. `step`: the mark the last sync left
        (when the caller knows it) and the one to leave; while the file holds the first, only the posts `changed`
        since that sync are compared (comparing all 20,000 took a tenth of a one-page update).
        """
        try:
            return self._sync(digests, {post.id: post for post in at_hand}, load, step, changed)
        except (sqlite3.DatabaseError, PeopleUnavailable):
            # A damaged file is only a cache of the index: start it again, whole.
            self.path.unlink(missing_ok=True)
            return self._sync(digests, {}, load, (None, step[1]), ())

    def _sync(self, digests: Mapping[str, str], at_hand: dict[str, Post], load, step: tuple[str | None, str],
              changed: Collection[str]) -> int:
        connection = self._connect(write=True)
        try:
            left, leaving_mark = step
            held = connection.execute("SELECT value FROM meta WHERE name = 'step'").fetchone()
            if left is not None and held is not None and held[0] == left:
                stored = {post_id: digest for post_id in changed for (digest,) in
                          connection.execute("SELECT digest FROM posts WHERE post_id = ?", (post_id,))}
                arriving = [post_id for post_id in changed
                            if post_id in digests and stored.get(post_id) != digests[post_id]]
                empty = False
            else:
                stored = dict(connection.execute("SELECT post_id, digest FROM posts"))
                arriving = [post_id for post_id, digest in digests.items() if stored.get(post_id) != digest]
                empty = not stored
            leaving = [post_id for post_id, digest in stored.items() if digests.get(post_id) != digest]
            if not leaving and not arriving:
                with connection:
                    connection.execute("INSERT OR REPLACE INTO meta VALUES ('step', ?)", (leaving_mark,))
                return 0
            missing = [post_id for post_id in arriving if post_id not in at_hand]
            posts = [at_hand[post_id] for post_id in arriving if post_id in at_hand]
            if missing:
                posts.extend(post for post in load(missing) if post is not None)
            rows = {post.id: [_row(writing) for writing in writings(post)] for post in posts}
            # A post whose text changed but whose writers, dates and replies did not changes no one's counts:
            # re-tallying its commenters read every one of their writings (17,000 rows at 20,000 posts).
            same = {post_id for post_id, found in rows.items()
                    if post_id in stored and _stored_rows(connection, post_id) == Counter(found)}
            leaving = [post_id for post_id in leaving if post_id not in same]
            connection.execute("BEGIN IMMEDIATE")
            touched = _keys_of_posts(connection, leaving) | {
                row[0] for post_id, found in rows.items() if post_id not in same for row in found}
            connection.executemany("DELETE FROM writings WHERE post_id = ?", ((post_id,) for post_id in leaving))
            connection.executemany("DELETE FROM posts WHERE post_id = ?", ((post_id,) for post_id in leaving))
            connection.executemany("INSERT INTO writings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   (row for post_id, found in rows.items() if post_id not in same for row in found))
            connection.executemany(
                "INSERT OR REPLACE INTO posts VALUES (?, ?)", ((post.id, digests[post.id]) for post in posts)
            )
            if touched or empty:
                _retally(connection, touched, fresh=empty)
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('step', ?)", (leaving_mark,))
            connection.execute("COMMIT")
            return len({*leaving, *arriving})
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    # --- reading ----------------------------------------------------------------------------

    def people(self, sort: str = "wrote") -> list[Person]:
        connection = self._connect(write=False)
        try:
            rows = connection.execute("SELECT name, posts, comments, blogs, first, last, replied_to FROM people")
            people = [_person(row) for row in rows]
        except sqlite3.DatabaseError as error:
            raise PeopleUnavailable(f"{self.path}: unreadable people table ({error})") from error
        finally:
            connection.close()
        return sort_people(people, sort)

    def count(self) -> int:
        connection = self._connect(write=False)
        try:
            return connection.execute("SELECT count(*) FROM people").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise PeopleUnavailable(f"{self.path}: unreadable people table ({error})") from error
        finally:
            connection.close()

    def writings_of(self, name: str, start: int = 0, limit: int | None = None) -> list[Writing]:
        """What the person of this name wrote, newest first (undated last): `limit` of them from `start`.

        The top commenter of a big archive wrote a hundred thousand comments: a screen needs a page of them.
        """
        order = " WHERE key = ? ORDER BY day IS NULL, day DESC, post_id, comment LIMIT ? OFFSET ?"
        connection = self._connect(write=False)
        try:
            rows = connection.execute(_WRITINGS + order, (person_key(name), -1 if limit is None else limit, start))
            return [_writing(row) for row in rows]
        except sqlite3.DatabaseError as error:
            raise PeopleUnavailable(f"{self.path}: unreadable people table ({error})") from error
        finally:
            connection.close()


_WRITINGS = "SELECT key, name, post_id, comment, day, blog, title, replied_to FROM writings"


def _writing(row) -> Writing:
    key, name, post_id, comment, day, blog, title, replied_to = row
    when = date.fromisoformat(day) if day else None
    # Most writings answer no one: a re-tally reads every writing of each commenter touched (17,000 at 20,000 posts).
    answered = () if replied_to == "[]" else tuple(json.loads(replied_to))
    return Writing(key, name, post_id, comment, when, blog, title, answered)


def _row(writing: Writing) -> tuple:
    day = writing.when.isoformat() if writing.when else None
    replied_to = json.dumps(list(writing.replied_to), ensure_ascii=False)
    return (writing.key, writing.name, writing.post_id, writing.comment, day, writing.blog, writing.title, replied_to)


def _stored_rows(connection: sqlite3.Connection, post_id: str) -> Counter:
    """The writings the file holds for this post, as rows (as many of each as there are)."""
    return Counter(connection.execute(_WRITINGS + " WHERE post_id = ?", (post_id,)))


def _keys_of_posts(connection: sqlite3.Connection, post_ids: list[str]) -> set[str]:
    keys: set[str] = set()
    for post_id in post_ids:
        keys.update(key for (key,) in connection.execute("SELECT key FROM writings WHERE post_id = ?", (post_id,)))
    return keys


def _retally(connection: sqlite3.Connection, keys: set[str], *, fresh: bool) -> None:
    """The people rows of these keys counted again from their writings (all rows when the file is new)."""
    if fresh:
        rows = connection.execute(_WRITINGS)
    else:
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS touched (key TEXT PRIMARY KEY)")
        connection.execute("DELETE FROM touched")
        connection.executemany("INSERT OR IGNORE INTO touched VALUES (?)", ((key,) for key in keys))
        connection.execute("DELETE FROM people WHERE key IN (SELECT key FROM touched)")
        rows = connection.execute(_WRITINGS + " WHERE key IN (SELECT key FROM touched)")
    people = tally(_writing(row) for row in rows.fetchall())
    connection.executemany(
        "INSERT OR REPLACE INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                person.key,
                person.name,
                person.posts,
                person.comments,
                json.dumps(list(person.blogs), ensure_ascii=False),
                person.first.isoformat() if person.first else None,
                person.last.isoformat() if person.last else None,
                json.dumps([list(pair) for pair in person.replied_to], ensure_ascii=False),
            )
            for person in people
        ),
    )


def _person(row) -> Person:
    name, posts, comments, blogs, first, last, replied_to = row
    return Person(
        name=name,
        posts=posts,
        comments=comments,
        blogs=tuple(json.loads(blogs)),
        first=date.fromisoformat(first) if first else None,
        last=date.fromisoformat(last) if last else None,
        replied_to=tuple((other, count) for other, count in json.loads(replied_to)),
    )
