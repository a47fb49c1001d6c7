"""Building and updating the index through the public Library API: incremental, atomic, one writer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from civicreader.dedupe import merge_pages
from civicreader.index import IndexBusy, IndexDamaged, Library, UpdateCancelled
from civicreader.ingest import read_paths
from tests import textpage_shapes as shapes
from tests.conftest import ENGINES
from tests.index_corpus import POSTS, write_corpus, write_post


@pytest.fixture(scope="module")
def written_corpus(tmp_path_factory):
    """The corpus, written once for the module: tests copy it, never change it."""
    return write_corpus(tmp_path_factory.mktemp("written") / "corpus")


@pytest.fixture
def corpus(written_corpus, tmp_path):
    """This test's copy of the corpus, its files' times kept: an index of the module's copy is not stale for it."""
    return Path(shutil.copytree(written_corpus, tmp_path / "corpus"))


@pytest.fixture(scope="module", params=ENGINES)
def built_once(request, written_corpus, tmp_path_factory):
    """The corpus indexed once per engine for the module (sealed with the session's key, as each test's is)."""
    index_dir = tmp_path_factory.mktemp(f"built-{request.param}") / "index"
    library = Library(written_corpus, index_dir, engine=request.param)
    library.update()
    library.close()
    return index_dir, request.param


@pytest.fixture
def library(built_once, corpus, tmp_path):
    """A library over this test's corpus, opened on a copy of the module's index: up to date without a build
    of its own. Its posts' `sources` name the module's copy of the corpus (`built_here` when that matters)."""
    index_dir, engine = built_once
    library = Library(corpus, Path(shutil.copytree(index_dir, tmp_path / "index", symlinks=True)), engine=engine)
    yield library
    library.close()


@pytest.fixture(params=ENGINES)
def built_here(request, corpus, tmp_path):
    """A library over this test's corpus, built by the test."""
    library = Library(corpus, tmp_path / "index", engine=request.param)
    library.update()
    yield library
    library.close()


def ids(library, query="") -> set[str]:
    return {hit.id for hit in library.search(query, limit=100).hits}


def test_a_new_library_has_no_index_and_is_stale(corpus, tmp_path):
    library = Library(corpus, tmp_path / "index")
    assert not library.exists()
    assert library.is_stale()
    assert library.search("localism").total == 0
    assert library.blogs() == {}


def test_the_index_defaults_to_the_user_cache_keyed_by_corpus(corpus, private_folders):
    library = Library(corpus)
    report = library.update()
    assert report.posts == len(POSTS)
    assert library.index_dir.is_relative_to(private_folders)
    assert library.index_dir != Library(corpus.parent).index_dir


def test_build_reports_files_and_posts(corpus, tmp_path):
    report = Library(corpus, tmp_path / "index").update()
    assert (report.added, report.changed, report.removed, report.unchanged) == (len(POSTS), 0, 0, 0)
    assert report.posts == report.posts_written == len(POSTS)
    assert report.problems == ()


def test_the_index_holds_the_same_posts_as_parse(built_here, corpus):
    library = built_here
    pages, _ = read_paths([corpus])
    for post in merge_pages(pages):
        assert library.get(post.id) == post
    assert library.get("no-such-id") is None


def test_nothing_changed_means_nothing_rewritten(library):
    assert not library.is_stale()
    report = library.update()
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 0, 0, len(POSTS))
    assert report.posts_written == report.posts_deleted == 0


def test_a_touched_but_identical_file_is_not_reread(library, corpus):
    page = corpus / "ledger" / "grants.txt"
    os.utime(page, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    assert library.is_stale()
    report = library.update()
    assert report.unchanged == len(POSTS)
    assert report.posts_written == 0
    assert not library.is_stale()


def test_a_changed_page_rewrites_only_its_post(library, corpus):
    before = ids(library)
    changed = dict(POSTS["compact"])
    changed["body"] = ["The compact was rewritten by a quango nobody had heard of."]
    write_post(corpus, name="compact", **changed)
    assert library.is_stale()
    report = library.update()
    assert (report.added, report.changed, report.removed) == (0, 1, 0)
    assert (report.posts_written, report.posts_deleted) == (1, 0)
    assert ids(library) == before
    assert library.search("quango").total == 1
    assert library.search("slogan").total == 0


def test_an_added_page_and_a_removed_page_are_followed(library, corpus):
    write_post(corpus, "wards", "outpatients", "Outpatients on a Monday", POSTS["wards"]["when"].replace(day=1),
               ["The queue for outpatients reached the car park by nine."])
    (corpus / "ledger" / "review.txt").unlink()
    report = library.update()
    assert (report.added, report.changed, report.removed) == (1, 0, 1)
    assert report.posts == len(POSTS)
    assert library.search("outpatients").total == 1
    assert library.search("chancellor").total == 0
    assert library.blogs() == {"ledger": 3, "wards": 2}


def test_a_post_on_two_pages_leaves_only_with_its_last_page(tmp_path):
    corpus = tmp_path / "corpus"
    grants = POSTS["grants"]
    write_post(corpus, name="single", **grants)
    archive = corpus / "ledger" / "archive.txt"
    archive.write_text(shapes.wordpress_archive([(grants["title"], grants["when"], grants["body"])], None),
                       encoding="utf-8")
    library = Library(corpus, tmp_path / "index")
    assert library.update().posts == 1
    (corpus / "ledger" / "single.txt").unlink()
    report = library.update()
    assert report.posts == 1
    assert library.search("monitoring forms").total == 1
    archive.unlink()
    assert library.update().posts == 0
    assert library.search("monitoring").total == 0


def test_bad_files_are_reported_and_skipped(corpus, tmp_path):
    (corpus / "ledger" / "empty.txt").write_bytes(b"")
    (corpus / "ledger" / "picture.txt").write_bytes(bytes(range(256)) * 8)
    library = Library(corpus, tmp_path / "index")
    report = library.update()
    assert report.posts == len(POSTS)
    assert sorted(os.path.basename(problem.path) for problem in report.problems) == ["empty.txt", "picture.txt"]
    # still reported on the next run, without being read again
    again = library.update()
    assert len(again.problems) == 2
    assert again.unchanged == len(POSTS) + 2


def test_a_second_writer_is_told_the_index_is_busy(library, corpus):
    (corpus / "ledger" / "compact.txt").unlink()
    inside = threading.Event()
    release = threading.Event()

    def slow_progress(done, total, label):
        inside.set()
        release.wait(10)

    first = threading.Thread(target=lambda: library.update(progress=slow_progress))
    first.start()
    try:
        assert inside.wait(10)
        other = Library(library.corpus, library.index_dir)
        other.busy_wait = 0.2
        with pytest.raises(IndexBusy, match="another civicreader process"):
            other.update()
        # readers are never blocked by a writer
        assert other.search("localism").total == 3
    finally:
        release.set()
        first.join(10)
    assert library.search("localism").total == 2


def test_a_cancelled_update_leaves_the_index_as_it_was(library, corpus):
    (corpus / "ledger" / "compact.txt").unlink()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(UpdateCancelled):
        library.update(cancel=cancel)
    assert library.search("compact").total == 1
    assert library.update().removed == 1
    assert library.search("compact").total == 0


def test_the_archive_tree(library):
    assert library.blogs() == {"ledger": 4, "wards": 1}
    assert library.years("ledger") == {2012: 1, 2011: 2, 2010: 1}
    assert library.months("ledger", 2011) == {3: 2}
    march = library.posts_in("ledger", 2011, 3)
    assert [summary.title for summary in march] == [POSTS["grants"]["title"], POSTS["compact"]["title"]]
    assert march[0].comment_count == 2
    assert [s.title for s in library.posts_in("ledger", 2011)] == [s.title for s in march]
    assert library.posts_in("ledger", None) == []
    assert library.categories()["Funding"] == 2
    assert {s.title for s in library.posts_in_category("Funding")} == {POSTS["grants"]["title"],
                                                                        POSTS["compact"]["title"]}


def test_a_library_sees_another_writers_commit(library, corpus, monkeypatch):
    monkeypatch.setattr("civicreader.index.library.FRESHNESS_CHECK_SECONDS", 0.0)
    assert library.search("chancellor").total == 1
    (corpus / "ledger" / "review.txt").unlink()
    Library(library.corpus, library.index_dir).update()
    assert library.search("chancellor").total == 0
    assert library.blogs() == {"ledger": 3, "wards": 1}


def first_level_in_a_fresh_process(library) -> list[str]:
    """What a new process reads for the archive's first level, and whether it imported Whoosh to do so."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from civicreader.index import Library\n"
        f"library = Library(Path({str(library.corpus)!r}), Path({str(library.index_dir)!r}))\n"
        "print(library.exists(), library.blogs(), library.categories()['Funding'])\n"
        "print('whoosh' in sys.modules)\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return shown.stdout.splitlines()


def test_the_tree_reads_the_saved_catalogue_without_loading_whoosh(library):
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from civicreader.index import Library\n"
        f"library = Library(Path({str(library.corpus)!r}), Path({str(library.index_dir)!r}))\n"
        "print(library.years('ledger'), len(library.posts_in_category('Funding')))\n"
        "print('whoosh' in sys.modules)\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert shown.stdout.splitlines() == ["{2012: 1, 2011: 2, 2010: 1} 2", "False"]


def test_the_archives_first_level_is_read_from_the_outline_alone(library):
    # Without the catalogue (which grows with the archive) the first level can only come from the outline.
    (library.index_dir / "catalogue.json").unlink()
    assert first_level_in_a_fresh_process(library) == ["True {'ledger': 4, 'wards': 1} 2", "False"]


def test_an_index_written_before_outlines_gets_one_at_its_next_update(library):
    (library.index_dir / "outline.json").unlink()
    report = Library(library.corpus, library.index_dir).update()
    assert report.added == report.changed == report.removed == 0
    assert (library.index_dir / "outline.json").exists()


def test_an_outline_changed_by_anyone_else_is_not_believed(library):
    outline = library.index_dir / "outline.json"
    outline.write_text('{"generation": -1, "blogs": {"ghosts": 9}, "categories": {}}', encoding="ascii")
    with pytest.raises(IndexDamaged, match=r"outline\.json is not as it was written"):
        Library(library.corpus, library.index_dir).blogs()


def test_prepare_search_opens_the_engine_and_is_harmless_without_an_index(library, tmp_path):
    Library(library.corpus, tmp_path / "no-index").prepare_search()
    ready = Library(library.corpus, library.index_dir)
    ready.prepare_search()
    assert ready._engine is not None
    assert ready.search("chancellor").total == 1


def test_a_tree_only_library_follows_another_writers_commit(library, corpus):
    reader = Library(library.corpus, library.index_dir)
    assert reader.blogs() == {"ledger": 4, "wards": 1}
    (corpus / "ledger" / "review.txt").unlink()
    Library(library.corpus, library.index_dir).update()
    assert reader.blogs() == {"ledger": 3, "wards": 1}
    assert reader.search("chancellor").total == 0


def test_a_first_build_written_by_two_processes_is_whole_and_updates(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr("civicreader.index.parallel.PARALLEL_WRITE_POSTS", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    library = Library(corpus, tmp_path / "index")
    assert library.update().posts == len(POSTS)
    assert len(ids(library)) == len(POSTS)
    assert library.search("chancellor").total == 1
    assert library.blogs() == {"ledger": 4, "wards": 1}
    (corpus / "ledger" / "review.txt").unlink()
    assert library.update().removed == 1
    assert library.search("chancellor").total == 0
    assert len(ids(library)) == len(POSTS) - 1


def test_a_failed_second_indexing_process_costs_only_time(corpus, tmp_path, monkeypatch):
    from civicreader.index import parallel as index_module

    class DeadWorker:
        def segment(self, cancel):
            raise index_module._SegmentWorkerFailed("the second indexing process stopped (-9)")

        def stop(self):
            pass

    monkeypatch.setattr(index_module, "PARALLEL_WRITE_POSTS", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(index_module, "_start_segment_worker", lambda *args: DeadWorker())
    library = Library(corpus, tmp_path / "index")
    assert library.update().posts == len(POSTS)
    assert len(ids(library)) == len(POSTS)
    assert library.search("chancellor").total == 1


def test_a_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no corpus folder"):
        Library(tmp_path / "nowhere", tmp_path / "index").update()


def test_many_files_are_read_in_worker_processes_with_the_same_result(corpus, tmp_path, monkeypatch):
    serial = Library(corpus, tmp_path / "serial")
    serial.update()
    monkeypatch.setattr("civicreader.index.parallel.PARALLEL_READ_FILES", 2)
    parallel = Library(corpus, tmp_path / "parallel")
    seen = []
    report = parallel.update(progress=lambda done, total, label: seen.append(label))
    assert report.posts == len(POSTS)
    read = {label for label in seen if label.endswith(".txt")}
    assert read == {f"{post['blog']}/{name}.txt" for name, post in POSTS.items()}
    for post_id in ids(serial):
        assert parallel.get(post_id) == serial.get(post_id)


def test_when_no_worker_process_can_start_the_files_are_read_here(corpus, tmp_path, monkeypatch):
    # A spawned worker imports the parent's __main__ again; one that cannot (a script piped to python)
    # must not turn every file into a bad file.
    main = sys.modules["__main__"]
    monkeypatch.setattr(main, "__spec__", None, raising=False)
    monkeypatch.setattr(main, "__file__", str(tmp_path / "gone.py"), raising=False)
    monkeypatch.setattr("civicreader.index.parallel.PARALLEL_READ_FILES", 2)
    monkeypatch.setattr("civicreader.index.parallel.PARALLEL_WRITE_POSTS", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    report = Library(corpus, tmp_path / "index").update()
    assert report.problems == ()
    assert report.posts == len(POSTS)


def all_posts(library) -> dict:
    return {post_id: library.get(post_id) for post_id in ids(library)}


def test_incremental_updates_give_the_same_index_as_a_fresh_build(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    # an archive page repeating three single posts without years: merging links these pages
    archive = corpus / "ledger" / "archive.txt"
    shown = [(POSTS[name]["title"], POSTS[name]["when"], POSTS[name]["body"]) for name in ("localism", "grants",
                                                                                          "compact")]
    archive.write_text(shapes.wordpress_archive(shown, None), encoding="utf-8")
    library = Library(corpus, tmp_path / "incremental")
    library.update()

    changes = [
        lambda: write_post(corpus, name="grants", **dict(POSTS["grants"], body=["Rewritten about grants."])),
        lambda: (corpus / "ledger" / "localism.txt").unlink(),
        lambda: write_post(corpus, "wards", "new", "A new ward", POSTS["wards"]["when"], ["Opened today."]),
        lambda: archive.unlink(),
        lambda: write_post(corpus, name="localism", **POSTS["localism"]),
    ]
    for number, change in enumerate(changes):
        change()
        library.update()
        fresh = Library(corpus, tmp_path / f"fresh-{number}")
        fresh.update()
        assert all_posts(library) == all_posts(fresh)
        assert library.search("").facets == fresh.search("").facets
        fresh.close()


def test_an_index_in_another_layout_is_not_read_but_rebuilt(library):
    (library.index_dir / "FORMAT").write_text("0\n")
    stale = Library(library.corpus, library.index_dir)
    assert not stale.exists()
    assert stale.search("localism").total == 0
    assert stale.update().posts_written == len(POSTS)
    assert stale.search("localism").total == 3


def test_a_file_whose_reading_kills_a_worker_is_named_and_the_rest_indexed(corpus, tmp_path, monkeypatch):
    """A worker process that dies (the kernel's out-of-memory killer, a crash in C) costs one file."""
    import concurrent.futures
    from concurrent.futures.process import BrokenProcessPool

    from civicreader.ingest import read_file

    deadly = "wards"

    class DyingPool:
        """Reads in-process, and dies like a real pool on the first file of the deadly blog."""

        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            return False

        def shutdown(self, **kwargs):
            pass

        def map(self, function, jobs, chunksize=1):
            for file, root in jobs:
                if file.parent.name == deadly:
                    raise BrokenProcessPool("a child process terminated abruptly")
                yield read_file(file, root)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", DyingPool)
    monkeypatch.setattr("civicreader.index.parallel.PARALLEL_READ_FILES", 2)
    library = Library(corpus, tmp_path / "index")
    report = library.update()
    dead = [problem for problem in report.problems if "stopped the process" in problem.reason]
    assert len(dead) == sum(1 for post in POSTS.values() if post["blog"] == deadly)
    assert report.posts == sum(1 for post in POSTS.values() if post["blog"] != deadly)
