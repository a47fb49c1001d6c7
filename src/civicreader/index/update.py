"""Bringing an index up to date with its corpus: diff the files, read what changed, merge, write.

One `Update` is one run, under the write lock; each phase is a method and hands the next what it found.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from civicreader.dedupe import linked_pages, merge_pages, page_keys
from civicreader.index import parallel
from civicreader.index.catalogue import _Catalogue, save_catalogue
from civicreader.index.results import UpdateCancelled, UpdateReport
from civicreader.index.schema import _decode_post, _document, _schema, post_digest, post_words
from civicreader.index.store import FORMAT_VERSION, IndexFolder, _atomic_write, _Looks, _PageCache, _State
from civicreader.ingest import Dependency, Page, Problem


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
        self.seen: dict[str, tuple[Path, Path]] = {}
        self.to_read: list[tuple[str, Path, Path]] = []
        self.touched: set[str] = set()
        self.old_keys: set[tuple] = set()
        self.removed_files: list[str] = []

    def run(self) -> UpdateReport:
        self._open()
        self._diff()
        self._recheck_dependencies()
        self._read()
        self._merge()
        return self._write()

    def _open(self) -> None:
        """Open (or create) the Whoosh index and load what the last update left: manifest, page cache, words."""
        from whoosh import index

        folder = self.folder
        folder._whoosh_dir.mkdir(parents=True, exist_ok=True)
        folder._remove_temporary_files()
        state = folder._read_state()
        if state is not None and index.exists_in(str(folder._whoosh_dir)):
            self.whoosh_index = index.open_dir(str(folder._whoosh_dir))
        else:
            # No manifest (first run, or one from another version): build afresh.
            self.whoosh_index = index.create_in(str(folder._whoosh_dir), _schema())
            state = None
        cache = folder._load_cache(state)
        if cache is None:
            state = None
            cache = _PageCache()
        self.state: _State | None = state
        self.cache = cache
        self.pages, self.keys = cache.pages, cache.keys
        in_step = state is not None and state.generation == self.whoosh_index.latest_generation()
        self.frequencies = folder._load_words() if in_step else None
        self.in_step = in_step and self.frequencies is not None
        self.files = dict(state.files) if state else {}
        self.dependencies = dict(state.dependencies) if state else {}
        if self.in_step:
            assert state is not None
            self.digests = state.digests
        else:
            # A writer died after committing Whoosh but before the manifest: trust the index.
            with self.whoosh_index.reader() as reader:
                self.digests = _Catalogue.load(reader).digests

    def _diff(self) -> None:
        """Which corpus files are added or changed (by size and mtime, then SHA-1): those are to be read."""
        found = list(self.folder._discover(self.passed_over))
        files, pages = self.files, self.pages
        for number, (file, root, stat) in enumerate(found, 1):
            if self.cancel.is_set():
                raise UpdateCancelled("indexing was cancelled; the index is as it was")
            relative = self.folder._relative(file)
            self.seen[relative] = (file, root)
            if stat is None:
                continue
            known = files.get(relative)
            if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns and relative in pages:
                self.unchanged += 1
                continue
            if number % 100 == 0:
                self.progress(number, len(found), "checking files")
            try:
                sha1 = hashlib.sha1(file.read_bytes()).hexdigest()
            except OSError as error:
                pages[relative] = Problem(str(file), f"cannot read: {error.strerror or error}")
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

    def _recheck_dependencies(self) -> None:
        """An unchanged file is read again when what its reader looked at beside it has changed."""
        queued = {relative for relative, _, _ in self.to_read}
        for relative, records in list(self.dependencies.items()):
            if relative in queued or relative not in self.seen:
                continue
            refreshed = self.looks.refreshed(records)
            if refreshed is None:
                self.to_read.append((relative, *self.seen[relative]))
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
            self.old_keys |= keys.get(relative, frozenset())
            pages[relative] = page
            keys[relative] = page_keys(page)
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

    def _merge(self) -> None:
        """Merge the pages into posts (only those linked to a touched page, when few were touched), and say
        which posts to write and which to delete."""
        pages, digests = self.pages, self.digests
        post_pages = self.cache.post_pages
        if self.in_step and post_pages is not None and len(self.touched) * 4 <= len(pages):
            # Only the pages linked to a changed one (by a shared post or title) can merge differently.
            affected = linked_pages(self.touched, self.old_keys, self.keys, post_pages)
            posts = merge_pages([pages[r] for r in sorted(affected) if isinstance(pages.get(r), Page)])
            leaving = {post_id for post_id, rels in post_pages.items() if not rels.isdisjoint(affected)}
            new_digests = {post_id: digest for post_id, digest in digests.items() if post_id not in leaving}
            post_pages = {post_id: rels for post_id, rels in post_pages.items() if post_id not in leaving}
        else:
            posts = merge_pages([page for _, page in sorted(pages.items()) if isinstance(page, Page)])
            leaving = set(digests)
            new_digests = {}
            post_pages = {}
        new_digests.update((post.id, post_digest(post)) for post in posts)
        for post in posts:
            post_pages[post.id] = frozenset(self.folder._relative(Path(source)) for source in post.sources)
        if any(not rels for rels in post_pages.values()):
            post_pages = None  # a reader that names no sources: merge everything each time
        self.posts, self.new_digests, self.post_pages = posts, new_digests, post_pages
        self.read_seconds = time.perf_counter() - self.started
        self.to_write = [post for post in posts if digests.get(post.id) != new_digests[post.id]]
        self.to_delete = [post_id for post_id in leaving if post_id not in new_digests]
        self.problems = tuple(pages.problems()) + tuple(self.passed_over)

    def _write(self) -> UpdateReport:
        """Write the posts, then the page cache, word list, catalogue, FORMAT and manifest (last), each atomically."""
        folder, state, whoosh_index = self.folder, self.state, self.whoosh_index
        nothing_to_do = self.in_step and not self.to_write and not self.to_delete
        unmoved = self.files == (state.files if state else {}) and self.dependencies == (
            state.dependencies if state else {}
        )
        people = folder._people
        if nothing_to_do and not self.touched and unmoved and folder._outline_path.exists() and people.exists():
            seconds = time.perf_counter() - self.started
            return UpdateReport(0, 0, 0, self.unchanged, len(self.new_digests), self.problems, seconds,
                                read_seconds=self.read_seconds)

        vocabulary = self._updated_words()
        if not nothing_to_do:
            self._write_posts(fresh=not self.digests)
        people_started = time.perf_counter()
        people.sync(self.new_digests, self.to_write, self._stored_posts)
        people_seconds = time.perf_counter() - people_started
        pages_file = folder._save_cache(_PageCache(self.pages, self.keys, self.post_pages))
        _atomic_write(folder._words_path, pickle.dumps(vocabulary, protocol=pickle.HIGHEST_PROTOCOL))
        if not nothing_to_do or not folder._outline_path.exists():  # an index written before outlines gets one
            save_catalogue(whoosh_index, folder._catalogue_path, folder._outline_path)
        manifest = {
            "format": FORMAT_VERSION,
            "corpus": str(folder.corpus.resolve()),
            "generation": whoosh_index.latest_generation(),
            "files": self.files,
            "digests": self.new_digests,
            "pages_file": pages_file,
            "dependencies": self.dependencies,
        }
        _atomic_write(folder.index_dir / "FORMAT", f"{FORMAT_VERSION}\n".encode())
        _atomic_write(folder._manifest_path, json.dumps(manifest, ensure_ascii=True).encode())
        folder._remove_stale_page_files(keep=pages_file)
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
            people_seconds=people_seconds,
        )

    def _stored_posts(self, post_ids):
        """The posts the index holds under these ids (for a people file that fell behind the index)."""
        with self.whoosh_index.searcher() as searcher:
            for post_id in post_ids:
                docnum = searcher.document_number(id=post_id)
                if docnum is not None:
                    yield _decode_post(searcher.stored_fields(docnum)["post"])

    def _dependency_record(self, dependency: Dependency) -> list:
        """What the manifest keeps of a dependency: its path relative to the corpus where it is inside it."""
        path, prefix = dependency.path, self.folder._corpus_prefix
        stored = path[len(prefix) :] if path.startswith(prefix) else os.path.abspath(path)
        looks = self.looks
        return [stored, dependency.kind, list(dependency.detail), looks.stamp(dependency), looks.state(dependency)]

    def _write_posts(self, *, fresh: bool) -> None:
        whoosh_index, to_write, digests = self.whoosh_index, self.to_write, self.new_digests
        progress, cancel = self.progress, self.cancel
        if parallel.two_writers_pay(fresh, len(to_write)):
            try:
                parallel.write_new_posts_in_two(whoosh_index, self.folder._whoosh_dir, to_write, digests, progress,
                                                cancel)
                return
            except parallel._SegmentWorkerFailed:
                pass  # the index is as it was: write them all here
        # Not compound: Whoosh opens a compound segment by copying each part out of its memory map, so a
        # searcher over 20,000 posts held 413 MB and took 0.3 s to open; as separate files, 60 MB and 0.13 s.
        writer = whoosh_index.writer(limitmb=256, compound=False)
        try:
            total = len(to_write)
            progress(0, total, "indexing posts")
            for post_id in self.to_delete:
                writer.delete_by_term("id", post_id)
            for number, post in enumerate(to_write, 1):
                if number % 200 == 0:
                    if cancel.is_set():
                        raise UpdateCancelled("indexing was cancelled; the index is as it was")
                    progress(number, total, "indexing posts")
                document = _document(post, digests[post.id])
                if fresh:
                    writer.add_document(**document)
                else:
                    writer.update_document(**document)
            progress(total, total, "indexing posts")
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def _updated_words(self) -> dict[str, int]:
        """The word list after this update: adjusted by the posts that changed, or counted afresh."""
        frequencies, old_digests, to_write = self.frequencies, self.digests, self.to_write
        if frequencies is None:
            counts: Counter[str] = Counter()
            for post in self.posts:
                counts.update(post_words(post))
            return dict(counts)
        leaving = [post.id for post in to_write if post.id in old_digests] + list(self.to_delete)
        if leaving:
            with self.whoosh_index.searcher() as searcher:
                for post_id in leaving:
                    docnum = searcher.document_number(id=post_id)
                    if docnum is None:
                        continue
                    for word in post_words(_decode_post(searcher.stored_fields(docnum)["post"])):
                        remaining = frequencies.get(word, 0) - 1
                        if remaining > 0:
                            frequencies[word] = remaining
                        else:
                            frequencies.pop(word, None)
        for post in to_write:
            for word in post_words(post):
                frequencies[word] = frequencies.get(word, 0) + 1
        return frequencies
