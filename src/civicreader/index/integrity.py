"""The seal of an index folder: a keyed digest (HMAC-SHA256) over every file in it.

Whoosh keeps its table of contents and its stored fields as pickles, which run code when read.
Anyone who could write into an index folder (a shared `--index`, an archive handed over with its
index) could make us run theirs. So every file an update leaves is listed in ``SEAL`` with its
SHA-256, and the listing is signed with a key only this user can read (``index.key`` in the
config folder, mode 0600, made on first use). Before anything in the folder is read, the folder
must be private (ours, writable by no one else) and the file must match the seal; before Whoosh
opens the index, every file must. An index made elsewhere, or by another user, fails the check.

The write lock, and the temporary files of a writer at work (ours, Whoosh's sorting runs and its
half-written table of contents), are outside the seal: no reader reads them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import stat
from pathlib import Path

SEAL_NAME = "SEAL"
KEY_NAME = "index.key"
KEY_BYTES = 32
SEAL_VERSION = 1
LOCK_NAME = "write.lock"
_UNSEALED = re.compile(
    r"\..*\.tmp"  # our own files being written (see atomic_write)
    r"|[A-Za-z]+\.tmp"  # Whoosh's temporary storage for sorting runs (a folder)
    r"|_[A-Za-z]+_\d+\.toc\.[\d.]+"  # Whoosh's table of contents being written
    r"|[A-Za-z]+_WRITELOCK"  # Whoosh's own lock, always empty
    r"|\.tantivy-[a-z]+\.lock"  # tantivy's own locks, always empty
    r"|people\.sqlite(?:-wal|-shm|-journal)?"  # SQLite's own file: see below
)
"""Names no reader opens (what a writer leaves while at work, or when killed), and the people database: SQLite
reads only data from it (no extension is ever loaded), checks it itself, and rewrites it in place while readers
have it open, so a seal of its bytes would break at every read; a damaged one is PeopleUnavailable, and rebuilt."""


class SealBroken(Exception):
    """The index folder is not as this user's civicreader left it; str(error) is one line saying why."""


class UnsafeFolder(SealBroken):
    """The index folder belongs to someone else, or others may write into it."""


def key_path() -> Path:
    from civicreader import paths

    return paths.config_dir() / KEY_NAME


def index_key(path: Path | None = None) -> bytes:
    """This user's key for sealing indexes: read, or made (0600) on first use.

    A key that others could read is no secret: it is replaced, and every index sealed with it is rebuilt.
    """
    path = path or key_path()
    key = _private_key(path)
    if key is not None:
        return key
    import secrets  # imported here, where a key is made: with random, it took 2 ms of every new process's first search

    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # never replaces: two processes making a key agree on one
            os.link(temporary, path)
    finally:
        temporary.unlink()
    key = _private_key(path)
    if key is None:
        raise OSError(f"cannot keep a private key in {path}")
    return key


def _private_key(path: Path) -> bytes | None:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid() or status.st_mode & 0o077:
            return None
        key = handle.read(KEY_BYTES + 1)
    return key if len(key) == KEY_BYTES else None


def check_private(folder: Path) -> None:
    """Raise UnsafeFolder unless `folder` and every folder inside it are ours and writable by no one else."""
    inside = []
    for root, names, _ in os.walk(folder):
        names[:] = [name for name in names if not _UNSEALED.fullmatch(name)]  # a writer's, never read
        inside.extend(Path(root) / name for name in names)
    for place in (folder, *inside):
        try:
            # The folder itself may be reached through a link the user chose (--index); nothing inside it may be one.
            status = os.stat(place) if place == folder else os.lstat(place)
        except OSError as error:
            if place != folder and isinstance(error, FileNotFoundError):
                continue  # removed since the walk listed it (a writer's generation of the update before): holds nothing
            raise UnsafeFolder(f"cannot look at {place}: {error.strerror or error}") from None
        if stat.S_ISLNK(status.st_mode):
            raise UnsafeFolder(f"{place} is a symbolic link")
        if status.st_uid != os.geteuid():
            raise UnsafeFolder(f"{place} belongs to another user")
        if status.st_mode & 0o022:
            raise UnsafeFolder(f"others may write into {place}")


def sealed_names(folder: Path) -> list[str]:
    """Every file in `folder` (below it too) that the seal covers, as a relative POSIX path."""
    found = []
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not _UNSEALED.fullmatch(name)]
        relative_root = os.path.relpath(root, folder)
        for name in files:
            relative = name if relative_root == "." else f"{relative_root}/{name}"
            if relative not in (SEAL_NAME, LOCK_NAME) and not _UNSEALED.fullmatch(name):
                found.append(relative)
    return sorted(found)


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _signature(key: bytes, body: bytes) -> str:
    return hmac.new(key, body, hashlib.sha256).hexdigest()


_SEGMENT = re.compile(r"whoosh/([A-Za-z]+_[0-9a-z]+)\..+")
_TOC = re.compile(r"whoosh/_[A-Za-z]+_\d+\.toc")


def _segment(name: str) -> str | None:
    found = _SEGMENT.fullmatch(name)
    return found.group(1) if found else None


def _write_seal_file(folder: Path, key: bytes, digests: dict[str, list[str]], stats: dict[str, list[int]]) -> None:
    body = json.dumps({"version": SEAL_VERSION, "files": digests, "stats": stats}, sort_keys=True).encode("ascii")
    atomic_write(folder / SEAL_NAME, _signature(key, body).encode("ascii") + b"\n" + body)


class Seal:
    """A folder's seal, read and its signature checked: what each file's content may be.

    A name may have two digests while a writer replaces the file (the seal is written before the rename,
    so a writer killed at any point leaves a sealed folder). Files of a Whoosh segment the seal does not
    know at all are a killed writer's leftovers: no table of contents names them, so no reader opens them.
    """

    def __init__(self, folder: Path, key: bytes):
        self.folder = folder
        check_private(folder)
        try:
            raw = (folder / SEAL_NAME).read_bytes()
        except FileNotFoundError:
            raise SealBroken("it has no seal (made by another program or an older civicreader)") from None
        except OSError as error:
            raise SealBroken(f"cannot read its seal: {error.strerror or error}") from None
        signature, _, body = raw.partition(b"\n")
        if not hmac.compare_digest(signature, _signature(key, body).encode("ascii")):
            raise SealBroken("its seal was not made with this user's key (made elsewhere, or changed)")
        try:
            data = json.loads(body)
            files = data["files"]
        except (ValueError, KeyError, TypeError):
            raise SealBroken("its seal cannot be read") from None
        stats = data.get("stats") or {}
        if data.get("version") != SEAL_VERSION or not isinstance(files, dict) or not isinstance(stats, dict):
            raise SealBroken("its seal is of another version")
        self.digests: dict[str, list[str]] = files
        self.stats: dict[str, list[int]] = stats
        """name -> the stat identity of the file as it was sealed: while it holds, the file is as sealed (changing
        or replacing a file changes its inode or ctime, which only root can set), and is not hashed again."""

    def _unchanged(self, name: str, identity: tuple) -> bool:
        return self.stats.get(name) == list(identity)

    def _check_digest(self, name: str, actual: str) -> None:
        if not any(hmac.compare_digest(actual, expected) for expected in self.digests.get(name, ())):
            raise SealBroken(f"{name} is not as it was written")

    def check_bytes(self, name: str, data: bytes) -> bytes:
        """`data`, read from the sealed file `name`, if it is what was sealed; else raise SealBroken."""
        if name not in self.digests:
            raise SealBroken(f"{name} is not part of the index as it was written")
        self._check_digest(name, hashlib.sha256(data).hexdigest())
        return data

    def read(self, name: str, verified: dict[str, tuple] | None = None) -> bytes:
        """The bytes of the sealed file `name`, checked; raises SealBroken (also when it cannot be read).

        `verified` is as for check_all: a file checked before and not changed since is not hashed again.
        """
        try:
            with open(self.folder / name, "rb") as handle:
                identity = _identity_of(os.fstat(handle.fileno()))
                data = handle.read()
        except OSError as error:
            raise SealBroken(f"cannot read {name}: {error.strerror or error}") from None
        known = (verified or {}).get(name)
        if self._unchanged(name, identity) or (
                known is not None and known[0] == identity and known[1] in self.digests.get(name, ())):
            return data
        self.check_bytes(name, data)
        if verified is not None:
            verified[name] = (identity, hashlib.sha256(data).hexdigest())
        return data

    def leftovers(self, listed: list[str] | None = None) -> list[str]:
        """Files of Whoosh segments the seal knows nothing of (a killed or failed writer's), among `listed` (the
        folder's `sealed_names`, listed afresh when not given)."""
        known = {_segment(name) for name in self.digests}
        return [name for name in (sealed_names(self.folder) if listed is None else listed)
                if name not in self.digests and (segment := _segment(name)) is not None and segment not in known]

    def check_all(self, verified: dict[str, tuple] | None = None) -> dict[str, str]:
        """Every file in the folder matches the seal; raise SealBroken naming the first that does not.

        Returns each file's digest. `verified` (name -> stat identity) skips files checked before whose
        inode, size and change time are the same: changing a file changes its ctime, which no user can set.
        """
        # The folder is listed once, and a file stat'ed once: a new process's first search checks every file.
        listed = sealed_names(self.folder)
        leftovers = set(self.leftovers(listed))
        found: dict[str, str] = {}
        folder = str(self.folder)
        for name in listed:
            if name in leftovers:
                continue
            if name not in self.digests:
                raise SealBroken(f"{name} is not part of the index as it was written")
            try:
                identity = _identity_of(os.stat(os.path.join(folder, name)))
                known = verified.get(name) if verified is not None else None
                if known is not None and known[0] == identity and known[1] in self.digests[name]:
                    found[name] = known[1]
                    continue
                if self._unchanged(name, identity):
                    found[name] = self.digests[name][-1]
                    continue
                actual = file_digest(self.folder / name)
            except FileNotFoundError:
                # Removed since the folder was listed (a writer's shard of the update before): as if not listed. A
                # file the index needs is missed where it is read (and a live segment's file, below).
                continue
            except OSError as error:
                raise SealBroken(f"cannot read {name}: {error.strerror or error}") from None
            self._check_digest(name, actual)
            found[name] = actual
            if verified is not None:
                verified[name] = (identity, actual)
        present = {_segment(name) for name in found}
        for name in self.digests:
            if name in found:  # listed as a file
                continue
            if os.path.isdir(os.path.join(folder, name)):
                raise SealBroken(f"{name} is a folder, not the file that was written")
            if (segment := _segment(name)) is not None and segment in present:
                # A whole segment goes when a commit no longer needs it; one file of a live one, never.
                raise SealBroken(f"{name} is missing")
        return found


def _identity(path: Path) -> tuple:
    return _identity_of(os.stat(path))


def _identity_of(status: os.stat_result) -> tuple:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


class SealKeeper:
    """The seal as a writer changes the folder: each file is sealed before it is renamed into place."""

    def __init__(self, folder: Path, key: bytes, digests: dict[str, str]):
        self.folder = folder
        self._key = key
        self._digests: dict[str, list[str]] = {name: [digest] for name, digest in digests.items()}
        self._stats: dict[str, list[int]] = {}

    def _save(self) -> None:
        _write_seal_file(self.folder, self._key, self._digests, self._stats)

    def write(self, name: str, data: bytes) -> None:
        """Write the file `name` atomically, sealed before it takes its place."""
        self.allow({name: hashlib.sha256(data).hexdigest()})
        atomic_write(self.folder / name, data)
        self._digests[name] = self._digests[name][-1:]

    def staging(self) -> StagedFiles:
        """Files to be written as `write` does, sealed together: see StagedFiles."""
        return StagedFiles(self)

    def digest(self, name: str) -> str | None:
        """The digest the seal holds for the file `name` as it is now written, if any."""
        found = self._digests.get(name)
        return found[-1] if found else None

    def allow(self, new: dict[str, str]) -> None:
        """Seal these contents beside what the names hold now (the files are about to be replaced)."""
        for name, digest in new.items():
            self._digests[name] = [*self._digests.get(name, [])[-1:], digest]
            self._stats.pop(name, None)
        self._save()

    def adopt(self, extra: dict[str, str] | None = None) -> None:
        """Seal every file in the folder not sealed yet (a new segment of Whoosh), and `extra`."""
        new = {name: file_digest(self.folder / name) for name in sealed_names(self.folder)
               if name not in self._digests}
        self.allow({**new, **(extra or {})})

    def settle(self) -> None:
        """Once every file is in place: one digest a name, and none for files that are gone."""
        self._digests = {name: digests[-1:] for name, digests in self._digests.items()
                         if (self.folder / name).is_file()}
        self._stats = {name: list(_identity(self.folder / name)) for name in self._digests}
        self._save()


class StagedFiles:
    """Files written beside their places as they are given, then sealed together (one rewrite of the seal, not one
    a file) and renamed into place in the order given.

    Only a digest is kept of each: a first build of 20,000 posts held 160 MB of packed pages and records here at
    once. A file given what it already holds (as sealed when the writer began) is left as it is. Until `commit`,
    the files are temporary ones no reader opens; a writer that fails leaves them to `_remove_temporary_files`.
    """

    def __init__(self, keeper: SealKeeper):
        self._keeper = keeper
        self._staged: dict[str, tuple[Path, str]] = {}

    def __setitem__(self, name: str, data: bytes) -> None:
        digest = hashlib.sha256(data).hexdigest()
        path = self._keeper.folder / name
        if self._keeper._digests.get(name) == [digest]:
            self._staged.pop(name, None)
            return
        temporary = _temporary_beside(path)
        _write_synced(temporary, data)
        self._staged[name] = (temporary, digest)

    def update(self, files: dict[str, bytes]) -> None:
        for name, data in files.items():
            self[name] = data

    def commit(self) -> None:
        keeper = self._keeper
        keeper.allow({name: digest for name, (_, digest) in self._staged.items()})
        for name, (temporary, _) in self._staged.items():
            os.replace(temporary, keeper.folder / name)
            keeper._digests[name] = keeper._digests[name][-1:]
        self._staged.clear()


def _temporary_beside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _write_synced(path: Path, data: bytes) -> None:
    """Write and fsync; a failed write removes the file."""
    try:
        with path.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def atomic_write(path: Path, data: bytes) -> None:
    """Write beside, fsync, rename into place; a failed write removes its temporary file."""
    temporary = _temporary_beside(path)
    _write_synced(temporary, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
