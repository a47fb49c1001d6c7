"""Bringing an index up to date with its corpus: diff the files, read what changed, merge, write.

One `Update` is one run, under the write lock; each phase is a method and hands the next what it found.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import json
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from civicreader.dedupe import linked_pages, merge_pages, page_keys
from civicreader.index import parallel
from civicreader.index.catalogue import (
    CATALOGUE_NAME,
    OUTLINE_NAME,
    PLACES_NAME,
    save_catalogue,
    sit_as_before,
    stored_rows,
)
from civicreader.index.integrity import SEAL_NAME, SealBroken, SealKeeper, index_key
from civicreader.index.manifest_shards import ShardedRecords
from civicreader.index.page_cache import PageCache, file_names
from civicreader.index.records import RecordError, dump_json
from civicreader.index.results import EngineUnavailable, IndexDamaged, IndexWriteFailed, UpdateCancelled
from civicreader.index.schema import post_digest, post_words
from civicreader.index.store import (
    FORMAT_VERSION,
    MANIFEST_NAME,
    WORDS_NAME,
    IndexFolder,
    _Looks,
    _State,
)
from civicreader.index.whoosh_engine import WhooshWriter
from civicreader.ingest import Dependency, Page, Problem
from civicreader.ingest.blog_names import agreed_site_names


@dataclass(frozen=True)
class UpdateReport:
    """What one update did: files and posts counted, problems, and where its time went (here, not in `results`:
    a search does not import it)."""

    added: int
    changed: int
    removed: int
    unchanged: int
    """Counts of files."""
    posts: int
    """Posts in the index after the update."""
    problems: tuple[Problem, ...]
    seconds: float
    posts_written: int = 0
    """Posts added or rewritten in the index by this update."""
    posts_deleted: int = 0
    read_seconds: float = 0.0
    """Of `seconds`, the time spent reading changed files and merging pages (the rest is the index)."""
    rebuilt_because: str | None = None
    """Why the index there was not trusted and was built afresh (one line), or None."""
    people_seconds: float = 0.0
    """Of `seconds`, the time spent bringing the people file in step."""
    new_problems: tuple[Problem, ...] = ()
    """Of `problems`, those this update found (in files it read, or all on a first build); the rest were
    reported by an earlier one."""


class Update:
    """One update of the index in `folder`; the caller holds the write lock."""

    def __init__(self, folder: IndexFolder, progress: Callable[[int, int, str], None], cancel: threading.Event,
                 started: float):
        self.folder = folder
        self.progress = progress
        self.cancel = cancel
        self.started = started
        self.looks = _Looks(folder.corpus)
        self.added = self.changed = self.unchanged = 0
        self.passed_over: list[Problem] = []
        self.seen: dict[str, tuple[str, Path]] = {}
        """relative path -> (the file's path as a string, its corpus root): every file the walk found."""
        self.to_read: list[tuple[str, Path, Path]] = []
        self.touched: set[str] = set()
        self.old_keys: set[tuple] = set()
        self.removed_files: list[str] = []
        self.unreadable_now: set[str] = set()
        self.keys_moved = False
        """Some page's merge keys differ from the last update's (or a page came or went): the agreed site names
        must be worked out again."""

    def run(self, rebuild: bool = False) -> UpdateReport:
        """The update; with `rebuild`, from nothing. Raises IndexWriteFailed (one line) when the disk refuses."""
        with _collector_paused() as paused:
            try:
                self._open(rebuild)
            except OSError as error:
                raise self._write_failed(error) from None
            if self.state is None:  # a build from nothing makes millions of objects: collect as it goes
                paused.resume()
            self._diff()
            self._recheck_dependencies()
            self._read()
            self._merge()
            try:
                return self._write()
            except OSError as error:
                raise self._write_failed(error) from None

    def _open(self, rebuild: bool) -> None:
        """Check the folder and its seal, open the engine's index and load what the last update left (manifest,
        page cache, words); an index that fails any of it is rebuilt, never read, and `rebuilt_because` says why."""
        folder = self.folder
        folder.index_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        state = None if rebuild else folder._read_state()
        self.rebuilt_because: str | None = None
        recorded = folder._engine_record()[0]
        wanted = folder.engine or (recorded if state is not None else folder.fresh_engine or recorded)
        if state is not None and wanted != recorded:
            state = None
            self.rebuilt_because = f"the index in {folder.index_dir} was made by {recorded}, not {wanted}"
        if state is not None:
            try:
                self._open_existing(state)
                return
            except EngineUnavailable:
                raise
            except (UpdateCancelled, OSError) as error:
                if isinstance(error, UpdateCancelled) or _is_write_error(error):
                    raise
                self.rebuilt_because = _one_line(f"the index in {folder.index_dir} is damaged ({error})")
            except IndexDamaged as error:
                self.rebuilt_because = _one_line(str(error))
            except Exception as error:  # whatever Whoosh raises on a damaged file
                self.rebuilt_because = _one_line(
                    f"the index in {folder.index_dir} is damaged ({type(error).__name__}: {error})")
        elif not rebuild and self.rebuilt_because is None and (folder.index_dir / SEAL_NAME).exists():
            layout = folder._recorded_format()
            if layout is not None and layout != str(FORMAT_VERSION):
                self.rebuilt_because = (f"the index in {folder.index_dir} has an older layout ({layout}; this "
                                        f"version writes {FORMAT_VERSION})")
            else:
                why = folder.unreadable_state or "its manifest or FORMAT cannot be read"
                self.rebuilt_because = f"the index in {folder.index_dir} is damaged ({why})"
        # A first build, a rebuild, or an index of another version or a killed first build: from nothing.
        if wanted == "tantivy":
            from civicreader.index.tantivy_engine import _tantivy

            _tantivy()  # says how to install it before anything is wiped
        folder.wipe()
        self.keeper = SealKeeper(folder.index_dir, index_key(), {})
        if wanted == "tantivy":
            from civicreader.index.tantivy_engine import TantivyWriter

            self.engine = TantivyWriter.create(folder._tantivy_dir, self.keeper, folder.index_dir)
        else:
            self.engine = WhooshWriter.create(folder._whoosh_dir, self.keeper)
        self.state, self.cache = None, PageCache()
        self.pages, self.keys = self.cache.pages, self.cache.keys
        self.frequencies, self.in_step = None, False
        self.files, self.dependencies, self.digests = {}, {}, {}

    def _open_existing(self, state: _State) -> None:
        folder = self.folder
        folder._remove_temporary_files()
        seal = folder._seal()
        try:
            digests = seal.check_all(folder._verified)
        except SealBroken as error:
            raise IndexDamaged(f"the index in {folder.index_dir} is damaged ({error})") from None
        self.keeper = SealKeeper(folder.index_dir, index_key(), digests)
        engine, generation = folder._engine_record()
        if engine == "tantivy":
            from civicreader.index.tantivy_engine import TantivyWriter

            if generation is None:
                raise IndexDamaged(f"the index in {folder.index_dir} is damaged (its ENGINE file cannot be read)")
            self.engine = TantivyWriter.open(folder._tantivy_dir, generation, self.keeper, folder.index_dir)
        else:
            self.engine = WhooshWriter.open(folder._whoosh_dir, self.keeper)
        cache = folder._load_cache(state, seal)
        self.state: _State | None = state
        self.cache = cache
        self.pages, self.keys = cache.pages, cache.keys
        self.in_step = state.generation == self.engine.generation()
        self.frequencies = folder._load_words(seal) if self.in_step else None
        self.files = dict(state.files)
        self.dependencies = dict(state.dependencies)
        if self.in_step:
            self.digests = state.digests
        else:
            # A writer died after committing the engine's index but before the manifest: trust the index.
            self.digests = self.engine.catalogue()[0].digests

    def _write_failed(self, error: OSError) -> IndexWriteFailed:
        """Clear what the failed write left (the last good index stays) and say so in one line."""
        folder = self.folder
        with contextlib.suppress(OSError, AttributeError):
            self.engine.close()
        folder._remove_temporary_files()
        state = folder._read_state()
        if state is not None and state.pages_files:
            folder._remove_stale_shard_files(keep=file_names(state.pages_files) | set(state.records.files.values()))
        if state is None:  # a first build that never finished: nothing of it is worth keeping
            with contextlib.suppress(OSError):
                folder.wipe()
        cause = error.strerror or str(error)
        return IndexWriteFailed(_one_line(f"cannot write the index in {folder.index_dir}: {cause}"))

    def _diff(self) -> None:
        """Which corpus files are added or changed (by size and mtime, then SHA-1): those are to be read."""
        found = list(self.folder._discover(self.passed_over))
        files, pages, seen = self.files, self.pages, self.seen
        # Plain names, sets and slices: this loop runs for every corpus file on every update.
        cached = self.cache.store.page_name_set()
        prefix = self.folder._corpus_prefix
        cut = len(prefix)
        looked_alike = 0
        for number, (name, root, stat) in enumerate(found, 1):
            if number % 512 == 1 and self.cancel.is_set():
                raise UpdateCancelled("indexing was cancelled; the index is as it was")
            relative = name[cut:] if name.startswith(prefix) else self.folder._relative(name)
            seen[relative] = (name, root)
            if stat is None:
                continue
            known = files.get(relative)
            if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns and relative in cached:
                looked_alike += 1
                continue
            if self.cancel.is_set():
                raise UpdateCancelled("indexing was cancelled; the index is as it was")
            if number % 100 == 0:
                self.progress(number, len(found), "checking files")
            file = Path(name)
            try:
                sha1 = hashlib.sha1(file.read_bytes()).hexdigest()
            except OSError as error:
                pages[relative] = Problem(str(file), f"cannot read: {error.strerror or error}")
                self.unreadable_now.add(relative)
                files[relative] = [stat.st_size, stat.st_mtime_ns, ""]
                self.changed += 1
                continue
            files[relative] = [stat.st_size, stat.st_mtime_ns, sha1]
            if known and known[2] == sha1 and relative in pages:
                self.unchanged += 1
                continue
            if known:
                self.changed += 1
            else:
                self.added += 1
            self.to_read.append((relative, file, root))
        self.unchanged += looked_alike

    def _recheck_dependencies(self) -> None:
        """An unchanged file is read again when what its reader looked at beside it has changed."""
        queued = {relative for relative, _, _ in self.to_read}
        for relative, records in list(self.dependencies.items()):
            if relative in queued or relative not in self.seen:
                continue
            refreshed = self.looks.refreshed(records)
            if refreshed is None:
                name, root = self.seen[relative]
                self.to_read.append((relative, Path(name), root))
                self.changed += 1
                self.unchanged -= 1
            else:
                self.dependencies[relative] = refreshed

    def _read(self) -> None:
        """Read the files to read into pages, and forget the files that are gone."""
        pages, keys, dependencies = self.pages, self.keys, self.dependencies
        for number, (relative, page) in enumerate(parallel._read_pages(self.to_read, self.cancel), 1):
            self.progress(number, len(self.to_read), relative)
            self.touched.add(relative)
            before = keys.get(relative)
            self.old_keys |= before or frozenset()
            pages[relative] = page
            keys[relative] = page_keys(page)
            self.keys_moved = self.keys_moved or keys[relative] != before
            dependencies.pop(relative, None)
            if isinstance(page, Page) and page.depends_on:
                dependencies[relative] = [self._dependency_record(d) for d in page.depends_on]
        self.removed_files = [relative for relative in self.files if relative not in self.seen]
        for relative in self.removed_files:
            dependencies.pop(relative, None)
            self.files.pop(relative, None)
            pages.pop(relative, None)
            self.old_keys |= keys.pop(relative, frozenset())
            self.touched.add(relative)
            self.keys_moved = True

    def _merge(self) -> None:
        """Merge the pages into posts (only those linked to a touched page, when few were touched), and say
        which posts to write and which to delete."""
        pages, digests = self.pages, self.digests
        post_pages = self.cache.post_pages
        stored_names = self.cache.site_names if self.in_step and not self.keys_moved else None
        # No page's keys moved: the site names are those the last update agreed on, from the same keys.
        site_names = stored_names if stored_names is not None else agreed_site_names(
            self.cache.store.site_name_keys())
        # The names the last update agreed on are those of the keys before this one: when they are the same now,
        # no blog is renamed, so only the pages linked to a touched one can merge differently.
        if (self.in_step and post_pages is not None and len(self.touched) * 4 <= len(pages)
                and (stored_names is not None or site_names == self.cache.site_names)):
            # Only the pages linked to a changed one (by a shared post or title) can merge differently; a page's
            # own keys (its path) link it to no other.
            affected = linked_pages(self.touched, self.old_keys, self.cache.links, post_pages)
            posts = merge_pages([pages[r] for r in sorted(affected) if isinstance(pages.get(r), Page)], site_names)
            leaving = {post_id for post_id, rels in post_pages.items() if not affected.isdisjoint(rels)}
            new_digests = {post_id: digest for post_id, digest in digests.items() if post_id not in leaving}
            post_pages = {post_id: rels for post_id, rels in post_pages.items() if post_id not in leaving}
        else:
            posts = merge_pages([page for _, page in sorted(pages.items()) if isinstance(page, Page)], site_names)
            leaving = set(digests)
            new_digests = {}
            post_pages = {}
        new_digests.update((post.id, post_digest(post)) for post in posts)
        for post in posts:
            post_pages[post.id] = sorted({self.folder._relative(Path(source)) for source in post.sources})
        if any(not rels for rels in post_pages.values()):
            post_pages = None  # a reader that names no sources: merge everything each time
        self.posts, self.new_digests, self.post_pages, self.site_names = posts, new_digests, post_pages, site_names
        self.read_seconds = time.perf_counter() - self.started
        self.to_write = [post for post in posts if digests.get(post.id) != new_digests[post.id]]
        self.to_delete = [post_id for post_id in leaving if post_id not in new_digests]
        self.problems = tuple(pages.problems()) + tuple(self.passed_over)
        self.new_problems = self._new_problems()

    def _new_problems(self) -> tuple[Problem, ...]:
        """The problems of the files read (or found unreadable) now; files passed over only on a first build,
        since every update finds them again."""
        pages = self.pages
        read_now = sorted(self.unreadable_now | self.touched)  # a removed file's page is gone: no problem
        found = tuple(pages[relative] for relative in read_now if isinstance(pages.get(relative), Problem))
        return found + (tuple(self.passed_over) if self.state is None else ())

    def _write(self) -> UpdateReport:
        """Write the posts, then the page cache, word list, catalogue and FORMAT, then the manifest (last), each
        atomically."""
        folder, state, engine = self.folder, self.state, self.engine
        nothing_to_do = self.in_step and not self.to_write and not self.to_delete
        unmoved = self.files == (state.files if state else {}) and self.dependencies == (
            state.dependencies if state else {}
        )
        people = folder._people
        saved_beside = folder._outline_path.exists() and folder._places_path.exists() and people.exists()
        if nothing_to_do and not self.touched and unmoved and saved_beside:
            seconds = time.perf_counter() - self.started
            return UpdateReport(0, 0, 0, self.unchanged, len(self.new_digests), self.problems, seconds,
                                read_seconds=self.read_seconds, rebuilt_because=self.rebuilt_because,
                                new_problems=self.new_problems)

        # Adjusted before the posts that leave are gone from the engine; counted afresh after, by the engine if it can.
        vocabulary = self._updated_words() if self.frequencies is not None else None
        keeper = self.keeper
        if not nothing_to_do:
            engine.write(self.to_write, self.to_delete, self.new_digests, fresh=not self.digests,
                         progress=self.progress, cancel=self.cancel)
            engine.publish()
        if vocabulary is None:
            vocabulary = self._counted_words()
        people_started = time.perf_counter()
        # The people file holds the digests of the update whose mark it keeps; in step, only the posts written or
        # deleted since differ.
        mark = uuid.uuid4().hex
        left = state.people_step if state is not None and self.in_step else None
        changed = {*(post.id for post in self.to_write), *self.to_delete}
        people.sync(self.new_digests, self.to_write, self._stored_posts, (left, mark), changed)
        people_seconds = time.perf_counter() - people_started
        # Sealed together and renamed into place one by one, the manifest that names them last: one rewrite of the
        # seal. A file that already holds what it would be given (FORMAT, most often) is not rewritten.
        staged = keeper.staging()
        pages_files = self.cache.store.save(staged.update)
        staged[WORDS_NAME] = dump_json(vocabulary)
        # An index written before outlines or post places gets them.
        if not nothing_to_do or not folder._outline_path.exists() or not folder._places_path.exists():
            written = [post.id for post in self.to_write]
            leaving = {*self.to_delete, *written}
            before = self._catalogue_before()
            catalogue, generation = engine.catalogue(before[0] if before else None, leaving, written)
            unmoved, was = None, None
            if before is not None and self.state is not None and sit_as_before(before[0], catalogue.rows, leaving):
                unmoved = {name: data for name in (OUTLINE_NAME, PLACES_NAME) if (data := self._saved(name))}
                was = self.state.generation
            save_catalogue(catalogue, generation, staged.__setitem__, unmoved, was, before)
        staged["FORMAT"] = f"{FORMAT_VERSION}\n".encode()
        records = state.records if state is not None else ShardedRecords()
        record_files = records.save({"files": self.files, "dependencies": self.dependencies,
                                     "digests": self.new_digests, "post_pages": self.post_pages or {}}, staged.update)
        manifest = {
            "format": FORMAT_VERSION,
            "corpus": str(folder.corpus.resolve()),
            "generation": engine.generation(),
            "pages_files": {str(shard): names for shard, names in sorted(pages_files.items())},
            "records": {str(shard): name for shard, name in sorted(record_files.items())},
            "post_pages_kept": self.post_pages is not None,
            "site_names": self.site_names,
            "people_step": mark,
        }
        staged[MANIFEST_NAME] = json.dumps(manifest, ensure_ascii=True).encode()  # last: it names the others
        staged.commit()
        folder._remove_stale_shard_files(keep=file_names(pages_files) | set(record_files.values()))
        keeper.settle()
        return UpdateReport(
            added=self.added,
            changed=self.changed,
            removed=len(self.removed_files),
            unchanged=self.unchanged,
            posts=len(self.new_digests),
            problems=self.problems,
            seconds=time.perf_counter() - self.started,
            posts_written=len(self.to_write),
            posts_deleted=len(self.to_delete),
            read_seconds=self.read_seconds,
            rebuilt_because=self.rebuilt_because,
            people_seconds=people_seconds,
            new_problems=self.new_problems,
        )

    def _catalogue_before(self) -> tuple[dict[int, list[str]], bytes] | None:
        """The rows of the catalogue the last update saved, and its file, when it describes the index this update
        started from."""
        if not self.in_step or self.state is None:
            return None
        data = self._saved(CATALOGUE_NAME)
        try:
            rows = stored_rows(data, self.state.generation) if data is not None else None
        except RecordError:
            return None  # read from the index instead
        return (rows, data) if rows is not None and data is not None else None

    def _saved(self, name: str) -> bytes | None:
        """A file beside the index as the last update saved it (None when it is not, or cannot be read)."""
        try:
            data = (self.folder.index_dir / name).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == self.keeper.digest(name) else None

    def _stored_posts(self, post_ids):
        """The posts the index holds under these ids (for a people file that fell behind the index)."""
        yield from self.engine.stored_posts(post_ids)

    def _dependency_record(self, dependency: Dependency) -> list:
        """What the manifest keeps of a dependency: its path relative to the corpus where it is inside it."""
        path, prefix = dependency.path, self.folder._corpus_prefix
        stored = path[len(prefix) :] if path.startswith(prefix) else os.path.abspath(path)
        looks = self.looks
        return [stored, dependency.kind, list(dependency.detail), looks.stamp(dependency), looks.state(dependency)]

    def _counted_words(self) -> dict[str, int]:
        """The word list of every post, counted afresh: by the engine when it can, else here."""
        counted = self.engine.word_counts()
        if counted is not None:
            return counted
        counts: Counter[str] = Counter()
        for post in self.posts:
            counts.update(post_words(post))
        return dict(counts)

    def _updated_words(self) -> dict[str, int]:
        """The word list after this update, adjusted by the posts that changed."""
        frequencies, old_digests, to_write = self.frequencies, self.digests, self.to_write
        leaving = [post.id for post in to_write if post.id in old_digests] + list(self.to_delete)
        for post in self.engine.stored_posts(leaving):
            for word in post_words(post):
                remaining = frequencies.get(word, 0) - 1
                if remaining > 0:
                    frequencies[word] = remaining
                else:
                    frequencies.pop(word, None)
        for post in to_write:
            for word in post_words(post):
                frequencies[word] = frequencies.get(word, 0) + 1
        return frequencies


class _collector_paused(contextlib.AbstractContextManager):
    """The cyclic garbage collector off while an update of a few pages runs, as it was after.

    Such an update decodes a few hundred thousand small lists and strings (the catalogue, the pages' keys), freed
    by their counts; each full pass of the collector they set off walks every object of the process. In the bench,
    which holds 20,000 posts, those passes were 1.3 s of a 2.5 s one-page update.
    """

    def __enter__(self) -> _collector_paused:
        self._was_on = gc.isenabled()
        gc.disable()
        return self

    def resume(self) -> None:
        if self._was_on:
            gc.enable()

    def __exit__(self, *exc_info) -> None:
        self.resume()


WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EIO})


def _is_write_error(error: OSError) -> bool:
    """A refusal of the disk (full, read-only), not damage to what is on it."""
    return error.errno in WRITE_ERRORS


def _one_line(text: str) -> str:
    from civicreader.textsafe import one_line

    return one_line(text)
