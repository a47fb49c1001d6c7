"""The page cache: every corpus file's parsed `Page` (or the `Problem` that stopped it) and its merge keys, in
shards by a hash of the file's path, so an update that changes one page rewrites (and reseals) one shard.

Each shard is two sealed files, renamed into place under new names and named by the manifest:

* ``pages-<shard>-<token>.keys``: per page, the keys that link it to other pages in merging (post ids, titles,
  the name a file gives its folder), read on every update; the page's own keys (`OWN_KINDS`: they name its path,
  so link it to no other page, and only `agreed_site_names` reads them), kept apart and decoded only when asked
  for; and the problems, whole.
* ``pages-<shard>-<token>.data``: each page as JSON, read only when one of its pages is merged again.

At 20,000 posts one container of every page was 109 MB: rewriting and rehashing it was most of a one-page update.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from civicreader.index.records import RecordError, dump_json, dump_page, load_json, load_page, pack_blobs, unpack_blobs
from civicreader.ingest import Page, Problem
from civicreader.ingest.blog_names import MASTHEAD, NAMED, PAGE, SITE

SHARDS = 64
"""At 20,000 posts a shard holds about 300 pages (1.7 MB)."""
OWN_KINDS = frozenset({PAGE, SITE, MASTHEAD})
"""Keys that hold the page's own path: they link it to no other page."""
_OWN_BLOB = "own"
_PROBLEM = "problem:"

Keys = frozenset[tuple]


def shard_of(relative: str) -> int:
    """The shard of a corpus file (by its path relative to the corpus): the same in every process."""
    return zlib.crc32(relative.encode("utf-8", "surrogatepass")) % SHARDS


def _split(keys: Keys) -> tuple[Keys, Keys]:
    """(the keys that may link the page to others, its own)."""
    own = frozenset(key for key in keys if key[0] in OWN_KINDS)
    return (keys - own if own else keys), own


def _keys_of(lists) -> Keys:
    return frozenset(map(tuple, lists))


class ShardedPages:
    """What the cache holds, read from a shard's files only when asked for; what changed, and in which shards."""

    def __init__(self, read: Callable[[str], bytes] | None = None, files: Mapping[int, list[str]] | None = None):
        self._read = read
        self.files: dict[int, list[str]] = dict(files or {})
        """shard -> [its data file, its keys file] as on disk; [] for a shard that holds nothing (no files: a small
        corpus leaves most of the 64 empty, and each file written is a sync to disk)."""
        self.links: dict[str, Keys] = {}
        """relative path -> the keys that may link the page to others (every page's, always in memory)."""
        self._own: dict[str, Keys] = {}
        self._own_packed: dict[int, bytes | memoryview] = {}
        self._members: set[str] = set()
        self._problems: dict[str, Problem] = {}
        self._blobs: dict[str, bytes | memoryview] = {}
        self._unpacked: dict[str, Page | Problem] = {}
        self._loaded: set[int] = set()
        self._changed: dict[str, Page | Problem] = {}
        self._in_shard: dict[int, set[str]] = {shard: set() for shard in range(SHARDS)}
        """shard -> the pages and keys it holds (so saving one shard need not hash every path)."""
        self.dirty: set[int] = set(range(SHARDS)) if not self.files else set()
        for shard, names in self.files.items():
            if names:
                self._load_keys(shard, names[1])

    def _load_keys(self, shard: int, name: str) -> None:
        header, blobs = unpack_blobs(self._read(name))  # type: ignore[misc]
        links = header["links"]
        if not isinstance(links, dict):
            raise RecordError("its links cannot be read")
        for relative, found in links.items():
            self.links[relative] = _keys_of(found)
        self._members.update(header["pages"])
        self._in_shard[shard].update(links, header["pages"])
        for blob_name, blob in blobs.items():
            if blob_name.startswith(_PROBLEM):
                problem = load_page(bytes(blob))
                if not isinstance(problem, Problem):
                    raise RecordError("a problem that is not one")
                self._problems[blob_name[len(_PROBLEM):]] = problem
        self._own_packed[shard] = blobs[_OWN_BLOB]

    def _own_keys(self, relative: str) -> Keys:
        self._decode_own(shard_of(relative))
        return self._own.get(relative, frozenset())

    def _decode_own(self, shard: int) -> None:
        packed = self._own_packed.pop(shard, None)
        if packed is not None:
            for relative, found in load_json(bytes(packed), dict).items():
                self._own.setdefault(relative, _keys_of(found))

    def _load_pages(self, shard: int) -> None:
        if shard in self._loaded:
            return
        self._loaded.add(shard)
        if self.files.get(shard):
            _, blobs = unpack_blobs(self._read(self.files[shard][0]))  # type: ignore[misc]
            for relative, blob in blobs.items():
                self._blobs.setdefault(relative, blob)

    def load_everything(self) -> None:
        """Read every shard whole (a check of the index reads what it holds)."""
        for shard in self.files:
            self._load_pages(shard)
            self._decode_own(shard)

    # ---- pages

    def page(self, relative: str) -> Page | Problem:
        if relative in self._changed:
            return self._changed[relative]
        if relative in self._problems:
            return self._problems[relative]
        if relative in self._unpacked:
            return self._unpacked[relative]
        if relative not in self._members:
            raise KeyError(relative)
        self._load_pages(shard_of(relative))
        blob = self._blobs.get(relative)
        if blob is None:
            raise RecordError(f"the page of {relative[:80]} is missing")
        page = self._unpacked[relative] = load_page(bytes(blob))
        return page

    def set_page(self, relative: str, page: Page | Problem) -> None:
        self._touch(relative)
        self._members.add(relative)
        self._changed[relative] = page
        self._unpacked.pop(relative, None)
        self._problems.pop(relative, None)
        if isinstance(page, Problem):
            self._problems[relative] = page

    def drop_page(self, relative: str) -> None:
        if relative not in self._members:
            raise KeyError(relative)
        self._touch(relative)
        self._members.discard(relative)
        self._changed.pop(relative, None)
        self._problems.pop(relative, None)
        self._blobs.pop(relative, None)
        self._unpacked.pop(relative, None)

    def has_page(self, relative: str) -> bool:
        return relative in self._members

    def page_names(self) -> Iterator[str]:
        return iter(self._members)

    def page_name_set(self) -> AbstractSet[str]:
        """The pages held, as a set kept up to date as pages come and go (to look names up in, not to change)."""
        return self._members

    def page_count(self) -> int:
        return len(self._members)

    def problems(self) -> list[Problem]:
        return [self._problems[relative] for relative in sorted(self._problems)]

    # ---- keys

    def keys_of(self, relative: str) -> Keys:
        links = self.links[relative]
        own = self._own.get(relative) if relative in self._own else self._own_keys(relative)
        return links | own if own else links

    def site_name_keys(self) -> Iterator[tuple]:
        """Every page's keys that `agreed_site_names` reads (its own, and the name a file gives its folder), each
        page's once: all its keys took twice as long, their links decoded and joined for nothing."""
        for shard in list(self._own_packed):
            self._decode_own(shard)
        own = self._own
        for relative, links in self.links.items():
            yield from own.get(relative, ())
            for key in links:
                if key[0] == NAMED:
                    yield key

    def set_keys(self, relative: str, keys: Keys) -> None:
        self._touch(relative)
        self.links[relative], self._own[relative] = _split(keys)

    def drop_keys(self, relative: str) -> None:
        if relative not in self.links:
            raise KeyError(relative)
        self._touch(relative)
        del self.links[relative]
        self._own.pop(relative, None)

    def _touch(self, relative: str) -> None:
        """The shard of `relative` changes: its pages and keys are read now, to be written again whole."""
        shard = shard_of(relative)
        self._load_pages(shard)
        self._decode_own(shard)
        self.dirty.add(shard)
        self._in_shard[shard].add(relative)

    # ---- saving

    def save(self, write: Callable[[dict[str, bytes]], None]) -> dict[int, list[str]]:
        """Write the shards that changed under new names (through `write(name -> data)`, a shard at a time, so that
        a first build does not hold every page packed at once); every shard's files."""
        for shard in sorted(self.dirty):
            held = self._in_shard[shard] = {
                relative for relative in self._in_shard[shard] if relative in self._members or relative in self.links}
            if not held:
                self.files[shard] = []
                continue
            token = uuid.uuid4().hex[:12]
            names = [f"pages-{shard:02d}-{token}.data", f"pages-{shard:02d}-{token}.keys"]
            data, keys = self._packed_shard(sorted(held))
            write({names[0]: data, names[1]: keys})
            self.files[shard] = names
        self.dirty.clear()
        return dict(self.files)

    def _packed_shard(self, relatives: list[str]) -> tuple[bytes, bytes]:
        pages: dict[str, bytes] = {}
        problems: dict[str, bytes] = {}
        links: dict[str, list] = {}
        own: dict[str, list] = {}
        for relative in relatives:
            if relative in self._members:
                if relative in self._problems:
                    problems[_PROBLEM + relative] = dump_page(self._problems[relative])
                elif relative in self._changed:
                    pages[relative] = dump_page(self._changed[relative])
                else:
                    pages[relative] = bytes(self._blobs[relative])
            if relative in self.links:
                links[relative] = sorted(map(list, self.links[relative]))
                if found := self._own.get(relative):
                    own[relative] = sorted(map(list, found))
        header = {"links": links, "pages": [r for r in relatives if r in self._members]}
        return pack_blobs({}, pages), pack_blobs(header, {_OWN_BLOB: dump_json(own), **problems})


class CachedPages(MutableMapping):
    """relative path -> the file's Page, or the Problem that stopped it (as the update reads and sets them)."""

    def __init__(self, store: ShardedPages):
        self._store = store

    def __getitem__(self, relative: str) -> Page | Problem:
        return self._store.page(relative)

    def __setitem__(self, relative: str, page: Page | Problem) -> None:
        self._store.set_page(relative, page)

    def __delitem__(self, relative: str) -> None:
        self._store.drop_page(relative)

    def __contains__(self, relative: object) -> bool:
        return self._store.has_page(relative)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[str]:
        return self._store.page_names()

    def __len__(self) -> int:
        return self._store.page_count()

    def problems(self) -> list[Problem]:
        return self._store.problems()


class CachedKeys(MutableMapping):
    """relative path -> the page's `page_keys`; its own keys are decoded only when asked for."""

    def __init__(self, store: ShardedPages):
        self._store = store

    def __getitem__(self, relative: str) -> Keys:
        if relative not in self._store.links:
            raise KeyError(relative)
        return self._store.keys_of(relative)

    def __setitem__(self, relative: str, keys: Keys) -> None:
        self._store.set_keys(relative, keys)

    def __delitem__(self, relative: str) -> None:
        self._store.drop_keys(relative)

    def __contains__(self, relative: object) -> bool:
        return relative in self._store.links

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._store.links))

    def __len__(self) -> int:
        return len(self._store.links)


@dataclass
class PageCache:
    """What the last update read, so the next one re-reads and re-merges only what changed."""

    store: ShardedPages = field(default_factory=ShardedPages)
    post_pages: dict[str, list[str]] | None = field(default_factory=dict)
    """merged post id -> the relative paths of the pages it was merged from, sorted (as the manifest keeps them:
    making 20,000 sets of them on every update took 0.1 s)."""
    site_names: dict[str, str] | None = None
    """What the pages' title lines agreed their blogs are called (`agreed_site_names`), as the last update saved it."""

    def __post_init__(self) -> None:
        self.pages = CachedPages(self.store)
        self.keys = CachedKeys(self.store)

    @property
    def links(self) -> dict[str, Keys]:
        """relative path -> the page's keys that may link it to others (enough for `linked_pages`)."""
        return self.store.links


def post_pages_from(data: object) -> dict[str, list[str]] | None:
    if data is None:
        return None
    if not isinstance(data, dict) or not all(type(rels) is list for rels in data.values()):
        raise RecordError("its post pages cannot be read")
    return data


def shard_files(data: object) -> dict[int, list[str]]:
    """The manifest's record of the shards' files, checked: shard -> [data file, keys file]."""
    if not isinstance(data, dict):
        raise RecordError("its page files cannot be read")
    found: dict[int, list[str]] = {}
    for shard, names in data.items():
        named = isinstance(names, list) and all(isinstance(name, str) and name.startswith("pages-") for name in names)
        if not (isinstance(shard, str) and shard.isdigit() and int(shard) < SHARDS and named and len(names) in (0, 2)):
            raise RecordError("its page files cannot be read")
        found[int(shard)] = names
    if len(found) != SHARDS:
        raise RecordError("it names too few page files")
    return found


def file_names(files: Mapping[int, Iterable[str]]) -> set[str]:
    return {name for names in files.values() for name in names}
