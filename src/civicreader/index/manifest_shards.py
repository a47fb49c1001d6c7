"""The manifest's records in shards: what it keeps of every corpus file (size, mtime, SHA-1; what its reader
looked at beside it) and of every post (content hash; the pages it was merged from), split over `SHARDS` files
by a hash of the file's path or the post's id, so that an update changing one page rewrites one or two of them.

Each shard is one sealed JSON file, ``records-<shard>-<token>.json``, written under a new name before the manifest
that names it (the manifest's rename commits them all). At 20,000 posts the records were a 3.7 MB manifest,
written, hashed and synced whole by every update.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from civicreader.index.page_cache import SHARDS, shard_of
from civicreader.index.records import RecordError

BY_PATH = ("files", "dependencies")
"""Records of a corpus file, by its path relative to the corpus: in the shard of that path."""
BY_POST = ("digests", "post_pages")
"""Records of a merged post, by its id: in the shard of that id."""
PARTS = BY_PATH + BY_POST
PREFIX = "records-"


@dataclass
class ShardedRecords:
    """Every record, whole (an update needs them all), with the shard files they were read from."""

    parts: dict[str, dict] = field(default_factory=lambda: {part: {} for part in PARTS})
    """part ("files", "dependencies", "digests", "post_pages") -> key -> record."""
    files: dict[int, str] = field(default_factory=dict)
    """shard -> the file that holds it ("" for a shard that holds nothing: no file); empty before the first save."""
    members: dict[int, set[str]] = field(default_factory=dict)
    """shard -> the paths and post ids whose records it holds (so saving one shard need not hash every key)."""

    @classmethod
    def load(cls, files: Mapping[int, str], read: Callable[[str], bytes]) -> ShardedRecords:
        """The records of these shard files (`read(name)` gives one's bytes); raises RecordError."""
        loaded = cls(files=dict(files))
        for shard, name in files.items():
            members = loaded.members[shard] = set()
            if not name:
                continue
            try:
                data = json.loads(read(name))
            except ValueError as error:
                raise RecordError(f"{name} cannot be read: {error}") from None
            if not isinstance(data, dict) or not all(isinstance(data.get(part), dict) for part in PARTS):
                raise RecordError(f"{name} cannot be read")
            for part in PARTS:
                loaded.parts[part].update(data[part])
                members.update(data[part])
        return loaded

    def save(self, parts: Mapping[str, Mapping], write: Callable[[dict[str, bytes]], None]) -> dict[int, str]:
        """Make `parts` the records: the shards whose records differ are written under new names (through
        `write(name -> data)`, a shard at a time), the others kept; every shard's file, as the manifest is to name
        it."""
        if len(self.files) == SHARDS:
            dirty = set()
            for part in PARTS:
                before, after = self.parts[part], parts[part]
                if before == after:
                    continue
                changed = [key for key, record in after.items() if before.get(key, _ABSENT) != record]
                changed += [key for key in before if key not in after]
                for key in changed:
                    dirty.add(shard_of(key))
                    self.members[shard_of(key)].add(key)
        else:  # the first save: every shard, every key's shard worked out
            dirty = set(range(SHARDS))
            self.members = {shard: set() for shard in dirty}
            for part in PARTS:
                for key in parts[part]:
                    self.members[shard_of(key)].add(key)
        self.parts = {part: parts[part] for part in PARTS}
        for shard in sorted(dirty):
            held = self.members[shard] = {key for key in self.members[shard]
                                          if any(key in self.parts[part] for part in PARTS)}
            if not held:
                self.files[shard] = ""
                continue
            ordered = sorted(held)
            content = {part: {key: self.parts[part][key] for key in ordered if key in self.parts[part]}
                       for part in PARTS}
            name = f"{PREFIX}{shard:02d}-{uuid.uuid4().hex[:12]}.json"
            write({name: json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")})
            self.files[shard] = name
        return dict(self.files)


_ABSENT = object()


def record_files(data: object) -> dict[int, str]:
    """The manifest's record of the shards' files, checked: shard -> its file ("" for none)."""
    if not isinstance(data, dict):
        raise RecordError("its record files cannot be read")
    found: dict[int, str] = {}
    for shard, name in data.items():
        named = isinstance(name, str) and (name == "" or (name.startswith(PREFIX) and "/" not in name))
        if not (isinstance(shard, str) and shard.isdigit() and int(shard) < SHARDS and named):
            raise RecordError("its record files cannot be read")
        found[int(shard)] = name
    if len(found) != SHARDS:
        raise RecordError("it names too few record files")
    return found
