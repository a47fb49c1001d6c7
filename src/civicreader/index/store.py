"""The index folder on disk: where each file lives, its layout version, the manifest, the page cache, the
write lock and atomic writes.

What lives in an index folder:

* ``whoosh/``: the Whoosh index, one document per post. The whole post is stored (JSON), so
  `get`, `show` and the UI never read the corpus; a small ``meta`` column feeds facets and the
  archive tree without unpickling stored fields.
* ``manifest.json``: the engine generation it describes, and the names of the shard files below. With the
  ``records-<shard>-<token>.json`` it names (see `manifest_shards`): every corpus file with its size, mtime and
  SHA-1, the content hash of every post and the pages it was merged from. A stat walk against it says whether the
  index is stale. It also holds, per page, the other files and folders its reader looked at (a Markdown post's
  comment files, see `ingest.Dependency`) with a stamp and a digest of each: when one changes, the page is read
  again.
* ``pages-<shard>-<token>.data`` and ``.keys``: every file's parsed `Page` (or `Problem`) as JSON and what links
  it to other pages in merging, in 64 shards by a hash of its path (see `page_cache`), so an update re-reads only
  added and changed files, re-merges only the pages linked to them, rewrites only the posts that differ, and
  rewrites only the shards that hold a changed page. The manifest names each shard's files.
* ``catalogue.json``: the meta column of every live post for one Whoosh generation, so the archive
  tree and the facets need neither Whoosh nor a pass over the column at start-up.
* ``outline.json``: the blogs and categories with their counts, for the archive's first level.
* ``words.json``: how many posts use each unstemmed word; fuzzy terms, prefixes and did-you-mean
  are expanded against it (spelling on the stemmed fields would suggest stems).
* ``FORMAT``: the layout version; an index in another layout is rebuilt, never misread.
* ``SEAL``: the SHA-256 of every other file, signed with this user's key (see `integrity`): nothing is read,
  and Whoosh never opens its pickles, unless the folder is private and the file is as this user's civicreader
  wrote it. Our own files are data (JSON), never pickles.
* ``write.lock``: held (fcntl) by the one process updating the index.

Writes are atomic: Whoosh commits by writing a new table of contents, and the other files are
written beside and renamed into place, manifest last. A killed writer leaves the last good index;
a manifest that does not match the committed Whoosh generation is repaired from the index itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from civicreader import paths
from civicreader.index.catalogue import OUTLINE_NAME, PLACES_NAME
from civicreader.index.integrity import LOCK_NAME, SEAL_NAME, Seal, SealBroken, UnsafeFolder, index_key
from civicreader.index.records import RecordError, load_json
from civicreader.index.results import IndexBusy, IndexDamaged

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from typing import TypeVar

    from civicreader.index.manifest_shards import ShardedRecords
    from civicreader.index.page_cache import PageCache
    from civicreader.ingest import Dependency, Problem

# Searching reads neither the manifest nor the page cache, nor looks at the corpus: the modules for those (the page
# cache and the record shards import the readers, ingest, and with it every format's: 10 ms of a new process's first
# search) are imported where used.

FORMAT_VERSION = 16
"""5: segments as separate files, not one compound file (see update.write_posts). 6: the manifest records
each page's dependencies (the comment files a Markdown post was read with). 7: sealed, and JSON, not pickles.
8: posts keep their web address; people and discussion figures beside the index. 9: the comment calendar
column (where each comment begins in the comment field, and its date), for the timeline's comment counts.
10: a gap of positions between the names (and categories, tags) of one post, so no phrase spans two.
11: cached pages keep their folder and masthead lines, so a folder's text pages take the name its other files give.
12: the page cache in shards, the pages' merge keys apart from the pages; the manifest keeps which pages made each
post and the blogs' agreed site names (one changed page rewrote and rehashed a 109 MB file at 20,000 posts).
13: tantivy indexes keep fast fields for days, comment counts and the facets, so tantivy evaluates a whole search.
14: the manifest's records of files and posts in shards beside it (see `manifest_shards`): one changed page
rewrote a 3.7 MB manifest at 20,000 posts. The catalogue a row a line; post places order a day's posts by id.
15: tantivy reads the words of the text fields as Whoosh does (found in Python, `schema.field_words`) and keeps a
field of every word of a post, from which it counts a new index's word list.
16: a word keeps its combining marks (`word_marks`): a Hindi word was three one-letter words, all left out; Hebrew
and Arabic vowel points are left out of the words indexed, as they are of a query's, and each Arabic letter is
indexed in one form (`word_marks.plain_form`)."""
WORDS_NAME = "words.json"
SEAL_ATTEMPTS = 3
"""Reads of the index that a writer's renames overtook, made again with the new seal, before it is called damaged."""
if TYPE_CHECKING:
    T = TypeVar("T")
MANIFEST_NAME = "manifest.json"
ENGINE_NAME = "ENGINE"
"""Names a tantivy index and its committed generation ("tantivy 3"); a Whoosh index has none."""
_ENGINE_RECORD = re.compile(r"tantivy (\d{1,9})\n?")
BUSY_WAIT_SECONDS = 3.0
_TOC_NAME = re.compile(r"_MAIN_(\d+)\.toc")
"""Whoosh's table of contents for one committed generation of the index."""


@dataclass
class _State:
    """The manifest as the last update left it: the files read, the posts written, where the page cache is."""

    generation: int
    files: dict[str, list]
    """relative path -> [size, mtime_ns, sha1]"""
    digests: dict[str, str]
    pages_files: dict[int, list[str]] | None
    """shard -> [its data file, its keys file] (see `page_cache`); None when the manifest names none."""
    dependencies: dict[str, list[list]] = field(default_factory=dict)
    """relative path of a page -> [path, kind, detail, stamp, state] of each file or folder besides its
    own that its reader looked at; the path relative to the corpus where it is inside it."""
    post_pages: object = None
    """As the manifest holds it: merged post id -> the pages it was merged from (checked when the cache loads)."""
    site_names: dict[str, str] | None = None
    people_step: str | None = None
    """The mark the update that wrote the manifest left in the people file (see `PeopleStore.sync`)."""
    records: ShardedRecords = field(default_factory=lambda: _no_records())
    """The record shards the parts above were read from (see `manifest_shards`)."""


def _no_records() -> ShardedRecords:
    from civicreader.index.manifest_shards import ShardedRecords

    return ShardedRecords()


class _Looks:
    """Stamps and states of dependencies, each taken once per update: the posts of a folder share it."""

    def __init__(self, corpus: Path):
        from civicreader import ingest  # imported here: see the imports above

        self._ingest = ingest
        self._corpus = str(corpus)
        self._stamps: dict[tuple[str, str], str] = {}
        self._states: dict[tuple[str, str, tuple[str, ...]], str] = {}
        self._folders: dict[str, bool] = {}

    def dependency(self, record: list) -> Dependency:
        # os.path, not pathlib: this runs for every dependency of every page on every staleness check.
        path, kind, detail = record[0], record[1], tuple(record[2])
        return self._ingest.Dependency(os.path.join(self._corpus, path), kind, detail)

    def stamp(self, dependency: Dependency) -> str:
        key = (dependency.path, dependency.kind)
        if key not in self._stamps:
            # Most posts have no comment folder of their own, and most sites no `_data/comments`: one
            # look at the parent answers for all of its would-be children.
            parent = os.path.dirname(dependency.path)
            if parent not in self._folders:
                self._folders[parent] = os.path.isdir(parent)
            ingest = self._ingest
            self._stamps[key] = ingest.dependency_stamp(dependency) if self._folders[parent] else ingest.ABSENT
        return self._stamps[key]

    def state(self, dependency: Dependency) -> str:
        key = (dependency.path, dependency.kind, dependency.detail)
        if key not in self._states:
            self._states[key] = self._ingest.dependency_state(dependency)
        return self._states[key]

    def refreshed(self, records: list[list]) -> list[list] | None:
        """The records with today's stamps, or None when a dependency's state has changed."""
        fresh = []
        for record in records:
            dependency = self.dependency(record)
            stamp = self.stamp(dependency)
            if stamp != record[3]:
                if self.state(dependency) != record[4]:
                    return None
                record = [*record[:3], stamp, record[4]]
            fresh.append(record)
        return fresh

    def stale(self, records: list[list]) -> bool:
        """Cheaply (stat only): might a dependency have changed?"""
        return any(self.stamp(self.dependency(record)) != record[3] for record in records)


class IndexFolder:
    """One corpus and the folder its index lives in: what is on disk, read and written without Whoosh."""

    def __init__(self, corpus: Path, index_dir: Path | None = None, engine: str | None = None):
        self.engine = engine
        """The engine to build with ("whoosh" or "tantivy"): an index of another engine is rebuilt. None: the
        one the index has, and `fresh_engine` for a first build or a rebuild."""
        self.fresh_engine: str | None = None
        """The engine a first build or a rebuild uses when `engine` is None (the settings'); None: Whoosh."""
        self.corpus = Path(corpus).expanduser()
        self.index_dir = Path(index_dir).expanduser() if index_dir else paths.index_dir_for(self.corpus)
        self.busy_wait = BUSY_WAIT_SECONDS
        self._verified: dict[str, tuple] = {}
        """Files found to match the seal, with their stat identity: not hashed again while it holds."""
        self.unreadable_state: str | None = None
        """Why the last `_read_state` found no manifest it could read, when it can say (a record shard's name)."""

    # ---- where things are

    @property
    def _whoosh_dir(self) -> Path:
        return self.index_dir / "whoosh"

    @property
    def _tantivy_dir(self) -> Path:
        return self.index_dir / "tantivy"

    def require_engine(self) -> None:
        """Raise EngineUnavailable (naming the install command) when the index's engine is not installed."""
        if self._engine_record()[0] == "tantivy":
            from civicreader.index.tantivy_engine import _tantivy

            _tantivy()

    def _engine_record(self) -> tuple[str, int | None]:
        """Which engine wrote the index, and for tantivy the generation its ENGINE file names."""
        try:
            text = (self.index_dir / ENGINE_NAME).read_text(encoding="ascii")
        except FileNotFoundError:
            return "whoosh", None
        except (OSError, ValueError):
            return "tantivy", None
        found = _ENGINE_RECORD.fullmatch(text)
        return "tantivy", int(found.group(1)) if found else None

    @property
    def _manifest_path(self) -> Path:
        return self.index_dir / MANIFEST_NAME

    @property
    def _outline_path(self) -> Path:
        return self.index_dir / OUTLINE_NAME

    @property
    def _places_path(self) -> Path:
        return self.index_dir / PLACES_NAME

    @property
    def _people(self):
        from civicreader.index.people import PeopleStore

        return PeopleStore(self.index_dir)

    def _committed_generation(self) -> int | None:
        """The committed generation: tantivy's from its ENGINE file, else the newest Whoosh one on disk, from its
        table-of-contents file names (no engine import)."""
        engine, generation = self._engine_record()
        if engine == "tantivy":
            return generation
        try:
            names = os.listdir(self._whoosh_dir)
        except OSError:
            return None
        found = [_TOC_NAME.fullmatch(name) for name in names]
        generations = [int(match.group(1)) for match in found if match]
        return max(generations) if generations else None

    # ---- state

    def exists(self) -> bool:
        # Without importing Whoosh: the app asks this before its first screen.
        return self._manifest_path.exists() and self._readable() and self._committed_generation() is not None

    def _readable(self) -> bool:
        """The index was written in the format this version reads (a small file, read on every open)."""
        return self._recorded_format() == str(FORMAT_VERSION)

    def _recorded_format(self) -> str | None:
        """What the FORMAT file says; None when it cannot be read."""
        try:
            return (self.index_dir / "FORMAT").read_text(encoding="ascii").strip()
        except (OSError, ValueError):
            return None

    def is_stale(self) -> bool:
        state = self._read_state()
        if state is None or not self.exists():
            return True
        seen = 0
        for file, _root, stat in self._discover():
            relative = self._relative(file)
            known = state.files.get(relative)
            if stat is None:
                return True
            if known is None or known[0] != stat.st_size or known[1] != stat.st_mtime_ns:
                return True
            seen += 1
        if seen != len(state.files):
            return True
        looks = _Looks(self.corpus)
        return any(looks.stale(records) for records in state.dependencies.values())

    def _read_state(self) -> _State | None:
        """The manifest and the record shards it names; None (and `unreadable_state` says why, when it can) when
        there is none, or it cannot be read, or it is of another layout."""
        from civicreader.index.manifest_shards import ShardedRecords, record_files

        self.unreadable_state = None
        try:
            data = json.loads(self._manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION or not self._readable():
            return None
        try:
            records = ShardedRecords.load(record_files(data.get("records")), self._read_record_file)
        except RecordError as error:
            self.unreadable_state = str(error)
            return None
        parts = records.parts
        return _State(
            generation=data["generation"],
            files=parts["files"],
            digests=parts["digests"],
            pages_files=_shard_files_or_none(data.get("pages_files")),
            dependencies=parts["dependencies"],
            post_pages=parts["post_pages"] if data.get("post_pages_kept") else None,
            site_names=data.get("site_names") if isinstance(data.get("site_names"), dict) else None,
            people_step=data.get("people_step") if isinstance(data.get("people_step"), str) else None,
            records=records,
        )

    def _read_record_file(self, name: str) -> bytes:
        # Not through the seal: the manifest is not either (a writer checks every file against it before it
        # trusts any, and a staleness check only compares sizes and times).
        try:
            return (self.index_dir / name).read_bytes()
        except OSError as error:
            raise RecordError(f"{name} cannot be read ({error.strerror or error})") from None

    def _discover(self, passed_over: list[Problem] | None = None) -> Iterator[tuple[str, Path, os.stat_result | None]]:
        """Every corpus file (its path as a string) with its corpus root and stat."""
        from civicreader.ingest import walk_with_stats

        return walk_with_stats([self.corpus], passed_over, skip=[self.index_dir])

    def _relative(self, file: Path | str) -> str:
        # String slicing, not Path.relative_to: this runs for every file on every update.
        text, prefix = str(file), self._corpus_prefix
        return text[len(prefix) :] if text.startswith(prefix) else Path(file).as_posix()

    @property
    def _corpus_prefix(self) -> str:
        return str(self.corpus).rstrip(os.sep) + os.sep

    # ---- the seal

    def _seal(self) -> Seal:
        """The folder's seal, checked against this user's key; raises IndexDamaged."""
        try:
            return Seal(self.index_dir, index_key())
        except SealBroken as error:
            raise IndexDamaged(_damage(self.index_dir, error)) from None

    def _read_sealed(self, name: str, seal: Seal | None = None) -> bytes:
        """The file `name` of the index, as it was written; raises IndexDamaged."""
        if seal is None:
            return self._under_seal(lambda current: current.read(name, self._verified))
        try:
            return seal.read(name, self._verified)
        except SealBroken as error:
            raise IndexDamaged(_damage(self.index_dir, error)) from None

    def _under_seal(self, attempt: Callable[[Seal], T]) -> T:
        """`attempt(seal)` with the folder's seal; raises IndexDamaged when the seal breaks.

        A writer (another thread or process) renames its files into place and rewrites the seal one after the
        other: a reader that took the seal just before finds a file it does not know, or one already removed. So
        when the seal on disk has changed since it was read, the attempt is made again with the new one; a file
        that fails a seal nobody has changed is damaged.
        """
        for _ in range(SEAL_ATTEMPTS):
            before = _identity(self.index_dir / SEAL_NAME)
            try:
                return attempt(self._seal())
            except SealBroken as error:
                if _identity(self.index_dir / SEAL_NAME) == before:
                    raise IndexDamaged(_damage(self.index_dir, error)) from None
                failure = error
        raise IndexDamaged(_damage(self.index_dir, failure)) from None

    def wipe(self) -> None:
        """Remove everything in the index folder but the lock (the caller holds it), and make it private."""
        import shutil  # imported here, as everywhere in this module: with bz2 and lzma it took 2 ms of a cold open

        self.index_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.index_dir, 0o700)
        for entry in os.scandir(self.index_dir):
            if entry.name == LOCK_NAME and entry.is_file(follow_symlinks=False):
                continue
            if entry.is_dir(follow_symlinks=False):
                _make_removable(Path(entry.path))
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)

    # ---- writing

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        self.index_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock = self.index_dir / LOCK_NAME
        try:
            handle = lock.open("a+")
        except OSError:
            # Not a file we can open (a folder, or unreadable): a lock holds nothing, so make it again.
            if lock.is_dir() and not lock.is_symlink():
                import shutil

                shutil.rmtree(lock)
            else:
                lock.unlink(missing_ok=True)
            handle = lock.open("a+")
        with handle:
            deadline = time.monotonic() + self.busy_wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy(
                            f"the index in {self.index_dir} is being updated by another civicreader process; "
                            "try again when it has finished"
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def writer_at_work(self) -> bool:
        """Whether a writer (this process's or another's) holds the write lock now.

        Probed with a shared lock taken and dropped at once; a writer waits `busy_wait` for the lock, so the
        probe (made only when reading has failed) never turns one away.
        """
        try:
            with open(self.index_dir / LOCK_NAME, "rb") as handle:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.flock(handle, fcntl.LOCK_UN)
        except BlockingIOError:
            return True
        except OSError:
            return False  # never written to, or not a file a writer could lock
        return False

    def seal_mark(self) -> tuple | None:
        """The seal file's identity: every commit rewrites the seal, so a reading that began under one mark and
        failed under another crossed a commit."""
        return _identity(self.index_dir / SEAL_NAME)

    def _load_words(self, seal: Seal | None = None) -> dict[str, int]:
        try:
            return load_json(self._read_sealed(WORDS_NAME, seal), dict)
        except RecordError as error:
            raise IndexDamaged(f"the index in {self.index_dir} is damaged ({WORDS_NAME} {error})") from None

    def _load_cache(self, state: _State, seal: Seal) -> PageCache:
        """The page cache the manifest names: every shard's keys read, its pages only when asked for."""
        from civicreader.index.page_cache import PageCache, ShardedPages, file_names, post_pages_from

        if not state.pages_files:
            raise IndexDamaged(f"the index in {self.index_dir} is damaged (its manifest names no page files)")
        # The pages are read only when merged again, so a missing shard is looked for now, while it can be rebuilt.
        for name in sorted(file_names(state.pages_files)):
            if not os.path.isfile(self.index_dir / name):
                raise IndexDamaged(f"the index in {self.index_dir} is damaged ({name} is missing)")
        try:
            store = ShardedPages(lambda name: self._read_sealed(name, seal), state.pages_files)
            return PageCache(store, post_pages_from(state.post_pages), state.site_names)
        except (RecordError, KeyError, TypeError, AttributeError, ValueError) as error:
            raise IndexDamaged(f"the index in {self.index_dir} is damaged (its page cache: {error})") from None

    def _remove_temporary_files(self) -> None:
        """What a killed or failed writer left behind (the caller holds the write lock): our files being
        written, Whoosh's sorting runs and half-written table of contents, and segments no seal knows."""
        import shutil

        for stale in self.index_dir.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
        whoosh_dir = self._whoosh_dir
        with contextlib.suppress(OSError):
            shutil.rmtree(whoosh_dir / "MAIN.tmp")
        for stale in whoosh_dir.glob("_MAIN_*.toc.*"):
            with contextlib.suppress(OSError):
                stale.unlink()
        try:
            leftovers = Seal(self.index_dir, index_key()).leftovers()
        except (SealBroken, OSError):
            return
        for name in leftovers:
            with contextlib.suppress(OSError):
                (self.index_dir / name).unlink()

    def _remove_stale_shard_files(self, keep: set[str]) -> None:
        """Remove the page-cache and record shards the manifest does not name (those of the update before)."""
        from civicreader.index.manifest_shards import PREFIX as RECORDS_PREFIX

        for entry in os.scandir(self.index_dir):
            name = entry.name
            if (name.startswith("pages-") or name.startswith(RECORDS_PREFIX)) and name not in keep:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _shard_files_or_none(data: object) -> dict[int, list[str]] | None:
    from civicreader.index.page_cache import shard_files

    try:
        return shard_files(data)
    except RecordError:
        return None


def _damage(folder: Path, error: SealBroken) -> str:
    if isinstance(error, UnsafeFolder):
        return f"the index in {folder} cannot be trusted ({error})"
    return f"the index in {folder} is damaged ({error})"


def _make_removable(folder: Path) -> None:
    """Give ourselves the rights to empty a folder (an unreadable one cannot be listed, so not removed)."""
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)
    for root, folders, _ in os.walk(folder):
        for name in folders:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(root, name), 0o700)


def _identity(path: Path) -> tuple[int, int, int] | None:
    """A file's inode, size and change time (None when it is not there): a rewrite by rename changes it."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_size, status.st_ctime_ns
