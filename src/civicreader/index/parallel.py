"""Work in other processes: reading many files in a pool, and a second writer for half a first build."""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Iterator
from pathlib import Path

from civicreader.index.results import UpdateCancelled
from civicreader.index.schema import _document
from civicreader.ingest import Page, Problem

PARALLEL_WRITE_POSTS = 1000
"""A first build of this many posts is indexed by two processes (below it, starting one costs more)."""
PARALLEL_READ_FILES = 400
"""Read in worker processes from this many changed files: below it, starting them costs more than it saves."""


def two_writers_pay(fresh: bool, posts: int) -> bool:
    """Whether to write these posts in two processes: a first build, big enough, with a second core."""
    return fresh and posts >= PARALLEL_WRITE_POSTS and (os.cpu_count() or 1) >= 2


def write_new_posts_in_two(whoosh_index, whoosh_dir: Path, to_write, digests, progress, cancel, commit) -> None:
    """A first build on two cores: a worker process writes half the posts as a segment of its own
    while this one writes the other half; one commit then lists both. Whoosh alone indexes on one
    core, and indexing is most of a first build. `commit(writer, segments)` commits the segments."""
    writer = whoosh_index.writer(limitmb=256, compound=False, _lk=False)
    half = len(to_write) // 2
    mine, theirs = to_write[:half], to_write[half:]
    worker = None
    try:
        documents = pickle.dumps([_document(post, digests[post.id]) for post in theirs])
        worker = _start_segment_worker(str(whoosh_dir), documents)
        total = len(to_write)
        progress(0, total, "indexing posts")
        for number, post in enumerate(mine, 1):
            if number % 200 == 0:
                if cancel.is_set():
                    raise UpdateCancelled("indexing was cancelled; the index is as it was")
                progress(number, total, "indexing posts")
            writer.add_document(**_document(post, digests[post.id]))
        progress(len(mine), total, "indexing posts (the other half in a second process)")
        segments = writer._merge_segments(None, None, None)
        segments.append(writer._finalize_segment())
        segments.append(worker.segment(cancel))
        progress(total, total, "indexing posts")
    except BaseException:
        if worker is not None:
            worker.stop()
        from civicreader.index.whoosh_engine import abandon

        abandon(writer)
        raise
    commit(writer, segments)


def _read_pages(
    to_read: list[tuple[str, Path, Path]], cancel: threading.Event, parallel: bool = True
) -> Iterator[tuple[str, Page | Problem]]:
    """Read files into pages, in several processes when there are many (parsing is most of a first build)."""
    from civicreader.ingest import read_file

    workers = min(os.cpu_count() or 1, 4)
    if not parallel or len(to_read) < PARALLEL_READ_FILES or workers < 2:
        for relative, file, root in to_read:
            if cancel.is_set():
                raise UpdateCancelled("indexing was cancelled; the index is as it was")
            yield relative, read_file(file, root)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from civicreader.processes import spawn_context

    remaining = list(to_read)
    chunksize = 32
    context = spawn_context()
    read_any = False
    while remaining:
        done = 0
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            try:
                jobs = pool.map(_read_one, [(file, root) for _, file, root in remaining], chunksize=chunksize)
                for (relative, _, _), page in zip(remaining, jobs, strict=True):
                    if cancel.is_set():
                        raise UpdateCancelled("indexing was cancelled; the index is as it was")
                    done += 1
                    read_any = True
                    yield relative, page
                remaining = []
            except BrokenProcessPool:
                remaining = remaining[done:]
                if not read_any and not _workers_can_start(context):
                    # Not a file's fault: no worker can start here (a parent whose __main__ cannot be
                    # imported again, say). Read in this process, as for a few files.
                    yield from _read_pages(remaining, cancel, parallel=False)
                    return
                # A worker died (out of memory, a crash in a C library): read the rest one file a
                # job, so the next death names its file, which is then skipped as a bad file.
                if chunksize == 1:
                    relative, file, _ = remaining.pop(0)
                    yield relative, Problem(str(file), "reading it stopped the process reading it (out of memory?)")
                chunksize = 1
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise


class _SegmentWorkerFailed(Exception):
    """The process writing half a first build died or failed: the whole build is written in one process."""


class _SegmentWorker:
    """A process writing one new segment of the index (spawned: the caller may be a thread of the UI)."""

    def __init__(self, whoosh_dir: str, documents: bytes):
        from civicreader.processes import spawn_context

        context = spawn_context()
        self._results, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_write_segment, args=(whoosh_dir, documents, sender), daemon=True)
        self._process.start()
        sender.close()

    def segment(self, cancel: threading.Event):
        """The finished segment (Whoosh's description of it), waiting for it; raises _SegmentWorkerFailed."""
        try:
            while not self._results.poll(0.2):
                if cancel.is_set():
                    raise UpdateCancelled("indexing was cancelled; the index is as it was")
                if not self._process.is_alive() and not self._results.poll():
                    raise _SegmentWorkerFailed(f"the second indexing process stopped ({self._process.exitcode})")
            status, payload = self._results.recv()
        except (EOFError, OSError) as error:
            raise _SegmentWorkerFailed(f"the second indexing process stopped: {error}") from None
        finally:
            self.stop()
        if status != "ok":
            raise _SegmentWorkerFailed(payload)
        return pickle.loads(payload)

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._results.close()


def _start_segment_worker(whoosh_dir: str, documents: bytes) -> _SegmentWorker:
    return _SegmentWorker(whoosh_dir, documents)


def _write_segment(whoosh_dir: str, documents: bytes, results) -> None:
    """In the worker: index the documents into a new segment and send back its description; the files
    stay unlisted until the parent's commit names them (or its next commit sweeps them away)."""
    try:
        from whoosh import index
        from whoosh.writing import SegmentWriter

        # Not locked: the parent holds the index's lock for both. Not finished either: that would remove
        # the temporary folder the parent's writer shares.
        writer = SegmentWriter(index.open_dir(whoosh_dir), _lk=False, limitmb=128, compound=False)
        for document in pickle.loads(documents):
            writer.add_document(**document)
        results.send(("ok", pickle.dumps(writer._finalize_segment())))
    except BaseException as error:  # said to the parent, which writes these posts itself instead
        results.send(("failed", f"{type(error).__name__}: {error}"))
    finally:
        results.close()


def _workers_can_start(context) -> bool:
    """Whether a worker process can run at all: one that has nothing to read."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            pool.submit(os.getpid).result(timeout=60)
        return True
    except (BrokenProcessPool, TimeoutError, OSError):
        return False


def _read_one(job: tuple[Path, Path]) -> Page | Problem:
    from civicreader.ingest import read_file

    return read_file(*job)
