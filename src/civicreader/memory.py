"""The reader's working memory for one corpus: read marks, bookmarks and notes, in a SQLite file of its own.

Unlike the index (a cache, rebuilt at will) this is the reader's work: nothing here is derived from the corpus,
so nothing in the index's life (rebuild, deletion, a page re-read) touches it. Rows are keyed by post id, which
is stable across runs and rebuilds; a note whose post left the corpus is kept and reported as orphaned.
Every write is one short transaction, so two windows (or the app and the CLI) writing at once lose nothing.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Marks the file as ours, so a foreign SQLite database is recognised and moved aside rather than written into.
APPLICATION_ID = 0x43524D31  # "CRM1"

# Each entry takes the schema from version i to i + 1; `PRAGMA user_version` records how far a file has come.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE read_marks (post_id TEXT PRIMARY KEY, read_at REAL NOT NULL);
    CREATE TABLE bookmarks (post_id TEXT PRIMARY KEY, created REAL NOT NULL);
    CREATE TABLE notes (
        post_id TEXT NOT NULL,
        paragraph INTEGER,
        comment INTEGER,
        text TEXT NOT NULL,
        passage TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL,
        updated REAL NOT NULL,
        CHECK ((paragraph IS NULL) <> (comment IS NULL))
    );
    CREATE UNIQUE INDEX notes_place ON notes (post_id, IFNULL(paragraph, -1), IFNULL(comment, -1));
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
BUSY_TIMEOUT_SECONDS = 10.0


class MemoryStoreError(Exception):
    """The memory file could not be opened or written (a message for the reader, naming the file)."""


@dataclass(frozen=True)
class Note:
    """A note on one paragraph (numbered from 1 as `show` numbers them) or one comment of a post."""

    post_id: str
    paragraph: int | None
    comment: int | None
    text: str
    passage: str
    title: str
    created: float
    updated: float

    @property
    def place(self) -> str:
        return f"paragraph {self.paragraph}" if self.paragraph is not None else f"comment {self.comment}"


class Memory:
    """One corpus's memory file, safe to use from worker threads (one connection behind a lock)."""

    def __init__(self, path: Path, connection: sqlite3.Connection, moved_aside: str | None = None) -> None:
        self.path = path
        self._connection = connection
        self._lock = threading.Lock()
        # A one-line message when a damaged or foreign file was moved aside on opening; None otherwise.
        self.moved_aside = moved_aside

    # -- reading ---------------------------------------------------------------------------------------

    def _rows(self, sql: str, parameters: Iterable = ()) -> list[tuple]:
        with self._lock:
            return self._connection.execute(sql, tuple(parameters)).fetchall()

    def read_ids(self) -> set[str]:
        return {row[0] for row in self._rows("SELECT post_id FROM read_marks")}

    def bookmarked_ids(self) -> set[str]:
        return {row[0] for row in self._rows("SELECT post_id FROM bookmarks")}

    def bookmarks(self) -> list[str]:
        """Bookmarked post ids, most recent first."""
        return [row[0] for row in self._rows("SELECT post_id FROM bookmarks ORDER BY created DESC, post_id")]

    def noted_ids(self) -> set[str]:
        return {row[0] for row in self._rows("SELECT DISTINCT post_id FROM notes")}

    def is_read(self, post_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM read_marks WHERE post_id = ?", (post_id,)))

    def is_bookmarked(self, post_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM bookmarks WHERE post_id = ?", (post_id,)))

    def notes(self, post_id: str | None = None) -> list[Note]:
        """Notes of one post (or all), in reading order: paragraphs first, then comments."""
        where, parameters = ("WHERE post_id = ?", (post_id,)) if post_id is not None else ("", ())
        rows = self._rows(
            "SELECT post_id, paragraph, comment, text, passage, title, created, updated FROM notes "
            f"{where} ORDER BY post_id, comment IS NOT NULL, IFNULL(paragraph, comment)",
            parameters,
        )
        return [Note(*row) for row in rows]

    def notes_matching(self, words: Iterable[str]) -> set[str]:
        """Ids of posts with a note containing every one of `words` (case-insensitive)."""
        ids: set[str] | None = None
        for word in words:
            found = {row[0] for row in self._rows("SELECT post_id FROM notes WHERE instr(lower(text), ?) > 0",
                                                  (word.lower(),))}
            ids = found if ids is None else ids & found
        return ids or set()

    # -- writing ---------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front (BEGIN IMMEDIATE): what it reads no other process changes
        before it commits."""
        with self._lock:
            connection = self._connection
            try:
                connection.execute("BEGIN IMMEDIATE")
                yield connection
                connection.execute("COMMIT")
            except BaseException as error:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise MemoryStoreError(f"{self.path}: could not save ({error})") from error
                raise

    def _write(self, statements: Iterable[tuple[str, tuple]]) -> None:
        with self._transaction() as connection:
            for sql, parameters in statements:
                connection.execute(sql, parameters)

    def mark_read(self, post_ids: Iterable[str], read: bool = True) -> None:
        now = time.time()
        if read:
            sql = "INSERT OR IGNORE INTO read_marks (post_id, read_at) VALUES (?, ?)"
            self._write((sql, (post_id, now)) for post_id in post_ids)
        else:
            self._write(("DELETE FROM read_marks WHERE post_id = ?", (post_id,)) for post_id in post_ids)

    def set_bookmark(self, post_id: str, bookmarked: bool) -> None:
        if bookmarked:
            self._write([("INSERT OR IGNORE INTO bookmarks (post_id, created) VALUES (?, ?)", (post_id, time.time()))])
        else:
            self._write([("DELETE FROM bookmarks WHERE post_id = ?", (post_id,))])

    def toggle_bookmark(self, post_id: str) -> bool:
        """Flip the bookmark, read and written in one transaction (two processes flipping it at once flip it
        twice); returns whether the post is bookmarked now."""
        with self._transaction() as connection:
            bookmarked = connection.execute("SELECT 1 FROM bookmarks WHERE post_id = ?", (post_id,)).fetchone() is None
            if bookmarked:
                connection.execute("INSERT INTO bookmarks (post_id, created) VALUES (?, ?)", (post_id, time.time()))
            else:
                connection.execute("DELETE FROM bookmarks WHERE post_id = ?", (post_id,))
        return bookmarked

    def set_note(
        self,
        post_id: str,
        text: str,
        *,
        paragraph: int | None = None,
        comment: int | None = None,
        passage: str = "",
        title: str = "",
        created: float | None = None,
    ) -> None:
        """Write (or, with empty text, remove) the note on one paragraph or one comment of a post."""
        if (paragraph is None) == (comment is None):
            raise ValueError("a note belongs to exactly one paragraph or one comment")
        place = ("post_id = ? AND IFNULL(paragraph, -1) = IFNULL(?, -1) AND IFNULL(comment, -1) = IFNULL(?, -1)",
                 (post_id, paragraph, comment))
        if not text.strip():
            self._write([(f"DELETE FROM notes WHERE {place[0]}", place[1])])
            return
        now = time.time()
        self._write([
            (f"DELETE FROM notes WHERE {place[0]}", place[1]),
            (
                "INSERT INTO notes (post_id, paragraph, comment, text, passage, title, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (post_id, paragraph, comment, text, passage, title, created if created is not None else now, now),
            ),
        ])

    def restore_notes(self, post_id: str, notes: Iterable[Note]) -> tuple[int, int]:
        """Put back notes read from an export: each fills its place unless a note is there already (the reader's
        newer work wins). Returns (restored, left because the place held another note)."""
        restored = differing = 0
        with self._transaction() as connection:
            for note in notes:
                held = connection.execute(
                    "SELECT text FROM notes WHERE post_id = ? AND IFNULL(paragraph, -1) = IFNULL(?, -1) "
                    "AND IFNULL(comment, -1) = IFNULL(?, -1)",
                    (post_id, note.paragraph, note.comment),
                ).fetchone()
                if held is not None:
                    differing += held[0] != note.text
                    continue
                connection.execute(
                    "INSERT INTO notes (post_id, paragraph, comment, text, passage, title, created, updated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (post_id, note.paragraph, note.comment, note.text, note.passage, note.title, note.created,
                     note.updated),
                )
                restored += 1
        return restored, differing

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we open transactions ourselves (BEGIN IMMEDIATE), so a writer waits for the lock
    # up front instead of failing half way through.
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False)


def _check_identity(connection: sqlite3.Connection) -> None:
    """Raise unless the file is ours or empty; reads only, so a foreign file is moved aside unchanged."""
    if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
        raise sqlite3.DatabaseError("failed its integrity check")
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if application_id not in (0, APPLICATION_ID) or (application_id == 0 and tables):
        raise sqlite3.DatabaseError("not a civicreader memory file")


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise MemoryStoreError(f"{path}: written by a newer civicreader (schema {version}); left untouched")
    if version == SCHEMA_VERSION:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the lock.
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        for step in MIGRATIONS[version:]:
            for statement in filter(str.strip, step.split(";")):
                connection.execute(statement)
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def open_memory(path: Path) -> Memory:
    """Open (creating and migrating as needed) the memory file at `path`.

    A damaged or foreign file is renamed aside (its WAL and shared-memory files with it) and a fresh one begun;
    the returned Memory's `moved_aside` says so in one line naming the kept file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = _connect(path)
        try:
            _check_identity(connection)
            _migrate(connection, path)
        except BaseException:
            connection.close()
            raise
        return Memory(path, connection)
    except sqlite3.DatabaseError as error:
        kept = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        for suffix in ("", "-wal", "-shm"):
            source = path.with_name(path.name + suffix)
            if source.exists():
                source.replace(kept.with_name(kept.name + suffix))
        connection = _connect(path)
        _migrate(connection, path)
        message = f"{path}: unreadable as civicreader's memory ({error}); moved aside to {kept}, started afresh"
        return Memory(path, connection, moved_aside=message)


# ---- the query words that ask the memory rather than the index ----

_MEMORY_TERM = re.compile(
    r'(?<!\S)(?P<negated>-?)(?:(?P<flag>is:(?:unread|read|bookmarked)|has:notes?)|note:(?P<note>"[^"]*"|\S+))(?!\S)',
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MemoryConditions:
    """The `is:` / `has:note` / `note:` words of a query: which of the reader's posts it keeps or leaves out."""

    wanted: tuple[str, ...] = ()
    """"unread", "read", "bookmarked", "note", or "note:word word" for a note holding those words."""
    unwanted: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.wanted or self.unwanted)

    def id_sets(self, memory: Memory) -> tuple[set[str] | None, set[str]]:
        """(only these ids, or None for any; never these ids), for the index's search."""
        only: set[str] | None = None
        without: set[str] = set()
        for condition in self.wanted:
            if condition == "unread":
                without |= memory.read_ids()
                continue
            ids = self._ids(condition, memory)
            only = ids if only is None else only & ids
        for condition in self.unwanted:
            if condition == "unread":  # -is:unread: the read ones
                ids = memory.read_ids()
                only = ids if only is None else only & ids
            else:
                without |= self._ids(condition, memory)
        return only, without

    @staticmethod
    def _ids(condition: str, memory: Memory) -> set[str]:
        if condition == "read":
            return memory.read_ids()
        if condition == "bookmarked":
            return memory.bookmarked_ids()
        if condition == "note":
            return memory.noted_ids()
        return memory.notes_matching(condition.removeprefix("note:").split())


def split_memory_terms(query: str) -> tuple[str, MemoryConditions]:
    """The query without its memory words (for the index), and what those words ask."""
    wanted: list[str] = []
    unwanted: list[str] = []

    def take(match: re.Match) -> str:
        if match["note"] is not None:
            condition = "note:" + match["note"].strip('"')
        else:
            flag = match["flag"].lower()
            condition = "note" if flag.startswith("has:") else flag.removeprefix("is:")
        (unwanted if match["negated"] else wanted).append(condition)
        return ""

    rest = _MEMORY_TERM.sub(take, query)
    return " ".join(rest.split()), MemoryConditions(tuple(wanted), tuple(unwanted))


def memory_words(query: str) -> str:
    """The memory's words of a query as typed ("is:unread note:\"two words\""), to keep in a suggested query."""
    return " ".join(match.group(0) for match in _MEMORY_TERM.finditer(query))
