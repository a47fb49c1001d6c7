"""The index folder on disk: where each file lives, its layout version, the manifest, the page cache, the
write lock and atomic writes.

What lives in an index folder:

* ``whoosh/``: the Whoosh index, one document per post. The whole post is stored (JSON), so
  `get`, `show` and the UI never read the corpus; a small ``meta`` column feeds facets and the
  archive tree without unpickling stored fields.
* ``manifest.json``: every corpus file with its size, mtime and SHA-1, the content hash of every
  post, and the Whoosh generation it describes. A stat walk against it says whether the index is stale.
  It also holds, per page, the other files and folders its reader looked at (a Markdown post's comment
  files, see `ingest.Dependency`) with a stamp and a digest of each: when one changes, the page is read again.
* ``pages-<token>.pickle``: every file's parsed `Page` (or `Problem`), so an update re-reads only
  added and changed files, then re-merges all pages in memory and rewrites only the posts that differ.
* ``catalogue.pickle``: the meta column of every live post for one Whoosh generation, so the archive
  tree and the facets need neither Whoosh nor a pass over the column at start-up.
* ``outline.json``: the blogs and categories with their counts, for the archive's first level.
* ``words.pickle``: how many posts use each unstemmed word; fuzzy terms, prefixes and did-you-mean
  are expanded against it (spelling on the stemmed fields would suggest stems).
* ``FORMAT``: the layout version; an index in another layout is rebuilt, never misread.
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
import pickle
import re
import time
import uuid
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from civicreader import paths
from civicreader.index.results import IndexBusy
from civicreader.ingest import ABSENT, Dependency, Page, Problem, dependency_stamp, dependency_state

FORMAT_VERSION = 7
"""5: segments as separate files, not one compound file (see update.write_posts). 6: the manifest records
each page's dependencies (the comment files a Markdown post was read with)."""
BUSY_WAIT_SECONDS = 3.0
_TOC_NAME = re.compile(r"_MAIN_(\d+)\.toc")
"""Whoosh's table of contents for one committed generation of the index."""


@dataclass
class _State:
    generation: int
    files: dict[str, list]
    """relative path -> [size, mtime_ns, sha1]"""
    digests: dict[str, str]
    pages_file: str | None
    dependencies: dict[str, list[list]] = field(default_factory=dict)
    """relative path of a page -> [path, kind, detail, stamp, state] of each file or folder besides its
    own that its reader looked at; the path relative to the corpus where it is inside it."""


class _Looks:
    """Stamps and states of dependencies, each taken once per update: the posts of a folder share it."""

    def __init__(self, corpus: Path):
        self._corpus = str(corpus)
        self._stamps: dict[tuple[str, str], str] = {}
        self._states: dict[tuple[str, str, tuple[str, ...]], str] = {}
        self._folders: dict[str, bool] = {}

    def dependency(self, record: list) -> Dependency:
        # os.path, not pathlib: this runs for every dependency of every page on every staleness check.
        path, kind, detail = record[0], record[1], tuple(record[2])
        return Dependency(os.path.join(self._corpus, path), kind, detail)

    def stamp(self, dependency: Dependency) -> str:
        key = (dependency.path, dependency.kind)
        if key not in self._stamps:
            # Most posts have no comment folder of their own, and most sites no `_data/comments`: one
            # look at the parent answers for all of its would-be children.
            parent = os.path.dirname(dependency.path)
            if parent not in self._folders:
                self._folders[parent] = os.path.isdir(parent)
            self._stamps[key] = dependency_stamp(dependency) if self._folders[parent] else ABSENT
        return self._stamps[key]

    def state(self, dependency: Dependency) -> str:
        key = (dependency.path, dependency.kind, dependency.detail)
        if key not in self._states:
            self._states[key] = dependency_state(dependency)
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


class _PackedPages(MutableMapping):
    """relative path -> the file's Page, or the Problem that stopped it, each kept pickled until asked for.

    An update re-merges a few of 20,000 pages; unpickling and pickling them all was most of its time.
    """

    def __init__(self, pages: Mapping[str, Page | Problem] = ()):
        self._packed: dict[str, bytes] = {}
        self._unpacked: dict[str, Page | Problem] = {}
        self._changed: dict[str, Page | Problem] = dict(pages)
        self._problems = {key for key, page in self._changed.items() if isinstance(page, Problem)}

    def __getitem__(self, key: str) -> Page | Problem:
        if key in self._changed:
            return self._changed[key]
        found = self._unpacked.get(key)
        if found is None:
            found = self._unpacked[key] = pickle.loads(self._packed[key])
        return found

    def __setitem__(self, key: str, page: Page | Problem) -> None:
        self._packed.pop(key, None)
        self._unpacked.pop(key, None)
        self._changed[key] = page
        if isinstance(page, Problem):
            self._problems.add(key)
        else:
            self._problems.discard(key)

    def __delitem__(self, key: str) -> None:
        if self._changed.pop(key, None) is None and self._packed.pop(key, None) is None:
            raise KeyError(key)
        self._unpacked.pop(key, None)
        self._problems.discard(key)

    def __contains__(self, key: object) -> bool:
        return key in self._packed or key in self._changed

    def __iter__(self) -> Iterator[str]:
        yield from self._packed
        yield from self._changed

    def __len__(self) -> int:
        return len(self._packed) + len(self._changed)

    def problems(self) -> list[Problem]:
        return [self[key] for key in sorted(self._problems)]  # type: ignore[misc]

    def __getstate__(self) -> tuple[dict[str, bytes], set[str]]:
        for key, page in self._changed.items():
            self._packed[key] = pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
        self._changed.clear()
        return self._packed, self._problems

    def __setstate__(self, state: tuple[dict[str, bytes], set[str]]) -> None:
        self._packed, self._problems = state
        self._unpacked, self._changed = {}, {}


@dataclass
class _PageCache:
    """What the last update read, so the next one re-reads and re-merges only what changed."""

    pages: _PackedPages = field(default_factory=_PackedPages)
    keys: dict[str, frozenset[tuple]] = field(default_factory=dict)
    """relative path -> what links the page to others in merging: its post ids and (blog, title)s."""
    post_pages: dict[str, frozenset[str]] | None = field(default_factory=dict)
    """merged post id -> the relative paths of the pages it was merged from."""


class IndexFolder:
    """One corpus and the folder its index lives in: what is on disk, read and written without Whoosh."""

    def __init__(self, corpus: Path, index_dir: Path | None = None):
        self.corpus = Path(corpus).expanduser()
        self.index_dir = Path(index_dir).expanduser() if index_dir else paths.index_dir_for(self.corpus)
        self.busy_wait = BUSY_WAIT_SECONDS

    # ---- where things are

    @property
    def _whoosh_dir(self) -> Path:
        return self.index_dir / "whoosh"

    @property
    def _manifest_path(self) -> Path:
        return self.index_dir / "manifest.json"

    @property
    def _words_path(self) -> Path:
        return self.index_dir / "words.pickle"

    @property
    def _catalogue_path(self) -> Path:
        return self.index_dir / "catalogue.pickle"

    @property
    def _outline_path(self) -> Path:
        return self.index_dir / "outline.json"

    @property
    def _people(self):
        from civicreader.index.people import PeopleStore

        return PeopleStore(self.index_dir)

    def _committed_generation(self) -> int | None:
        """The newest Whoosh generation on disk, from its table-of-contents file names (no Whoosh import)."""
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
        try:
            return (self.index_dir / "FORMAT").read_text(encoding="ascii").strip() == str(FORMAT_VERSION)
        except (OSError, ValueError):
            return False

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
        try:
            data = json.loads(self._manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("format") != FORMAT_VERSION or not self._readable():
            return None
        return _State(
            generation=data["generation"],
            files=data["files"],
            digests=data["digests"],
            pages_file=data.get("pages_file"),
            dependencies=data.get("dependencies") or {},
        )

    def _discover(self, passed_over: list[Problem] | None = None) -> Iterator[tuple[Path, Path, os.stat_result | None]]:
        from civicreader.ingest import discover_with_stats

        return discover_with_stats([self.corpus], passed_over)

    def _relative(self, file: Path) -> str:
        # String slicing, not Path.relative_to: this runs for every file on every update.
        text, prefix = str(file), self._corpus_prefix
        return text[len(prefix) :] if text.startswith(prefix) else file.as_posix()

    @property
    def _corpus_prefix(self) -> str:
        return str(self.corpus).rstrip(os.sep) + os.sep

    # ---- writing

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with (self.index_dir / "write.lock").open("a+") as handle:
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

    def _load_words(self) -> dict[str, int] | None:
        try:
            return pickle.loads(self._words_path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None

    def _load_cache(self, state: _State | None) -> _PageCache | None:
        if state is None or not state.pages_file:
            return _PageCache() if state is None else None
        try:
            cache = pickle.loads((self.index_dir / state.pages_file).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None
        if not isinstance(cache, _PageCache):
            return None
        if isinstance(cache.pages, dict):  # written before pages were kept packed
            cache.pages = _PackedPages(cache.pages)
        return cache

    def _save_cache(self, cache: _PageCache) -> str:
        name = f"pages-{uuid.uuid4().hex[:12]}.pickle"
        _atomic_write(self.index_dir / name, pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))
        return name

    def _remove_temporary_files(self) -> None:
        """What a writer killed before its renames left behind (the caller holds the write lock)."""
        for stale in self.index_dir.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def _remove_stale_page_files(self, keep: str) -> None:
        for stale in self.index_dir.glob("pages-*.pickle*"):
            if stale.name != keep:
                with contextlib.suppress(OSError):
                    stale.unlink()


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)

