"""A reader overtaken by a writer: the file it reads was renamed into place after it took the seal."""

from __future__ import annotations

import os

import pytest

from civicreader.index import IndexDamaged, Library
from civicreader.index.integrity import Seal, SealBroken
from civicreader.paths import sample_corpus


def rewrite_seal(index) -> None:
    """What a writer's commit does to the seal file: a new file renamed over it (here with the same words)."""
    seal = index / "SEAL"
    fresh = index / "SEAL.fresh"
    fresh.write_bytes(seal.read_bytes())
    os.replace(fresh, seal)


def failing_first(monkeypatch, index, writer_commits: bool) -> list[str]:
    real_read, reads = Seal.read, []

    def read(seal, name, verified=None):
        reads.append(name)
        if len(reads) == 1:
            if writer_commits:
                rewrite_seal(index)
            raise SealBroken(f"{name} is not as it was written")
        return real_read(seal, name, verified)

    monkeypatch.setattr(Seal, "read", read)
    return reads


def test_a_read_a_writer_overtook_is_made_again_with_the_new_seal(sample_index, monkeypatch):
    library = Library(sample_corpus(), sample_index)
    reads = failing_first(monkeypatch, sample_index, writer_commits=True)
    assert len(library.post_places()) > 0
    assert reads == ["places.json", "places.json"]


def test_a_file_that_fails_a_seal_nobody_changed_is_damaged(sample_index, monkeypatch):
    library = Library(sample_corpus(), sample_index)
    reads = failing_first(monkeypatch, sample_index, writer_commits=False)
    with pytest.raises(IndexDamaged, match=r"places\.json is not as it was written"):
        library.post_places()
    assert reads == ["places.json"]


# ---- a reading that crosses a commit: whatever the engine raises on a file the commit removed is no damage


ENGINES = ["whoosh", "tantivy"]


@pytest.fixture
def two_posts_index(tmp_path):
    """(corpus, index) of a small corpus indexed, and the corpus file a writer takes away."""
    from tests.index_corpus import write_corpus

    corpus = write_corpus(tmp_path / "corpus")
    return corpus, tmp_path / "index"


def open_fails_once(monkeypatch, before_failing=lambda: None) -> list[int]:
    """The engine's first opening fails as one whose files a commit removed (after `before_failing`)."""
    import civicreader.index.library as library_module

    real_open, opened = library_module.open_engine, []

    def open_engine(folder):
        opened.append(1)
        if len(opened) == 1:
            before_failing()
            raise FileNotFoundError(2, "No such file or directory", str(folder.index_dir / "removed-by-a-commit"))
        return real_open(folder)

    monkeypatch.setattr(library_module, "open_engine", open_engine)
    return opened


@pytest.mark.parametrize("engine", ENGINES)
def test_a_search_overtaken_by_a_commit_answers_from_the_new_one(two_posts_index, monkeypatch, engine):
    corpus, index = two_posts_index
    Library(corpus, index, engine=engine).update()
    reader = Library(corpus, index)
    before = reader.search("charity").total
    reader.close()

    def another_writer_commits():
        next(path for path in sorted(corpus.rglob("*")) if path.is_file() and "charity" in path.read_text()).unlink()
        Library(corpus, index).update()

    opened = open_fails_once(monkeypatch, another_writer_commits)
    assert reader.search("charity").total == before - 1
    assert len(opened) == 2


def test_a_reading_that_fails_while_a_writer_holds_the_lock_is_made_again(two_posts_index, monkeypatch):
    import fcntl

    corpus, index = two_posts_index
    Library(corpus, index).update()
    opened = open_fails_once(monkeypatch)
    with open(index / "write.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a writer at work, in this process or another
        assert Library(corpus, index).search("charity").total > 0
    assert len(opened) == 2


def test_a_reading_that_fails_with_no_writer_about_is_damage_at_once(two_posts_index, monkeypatch):
    corpus, index = two_posts_index
    Library(corpus, index).update()
    opened = open_fails_once(monkeypatch)
    with pytest.raises(IndexDamaged, match=r"damaged \(FileNotFoundError: .*removed-by-a-commit"):
        Library(corpus, index).search("charity")
    assert len(opened) == 1


READINGS = {
    "search": lambda library: library.search("charity"),
    "matches": lambda library: library.matches("charity"),
    "read": lambda library: library.read(["any"]),
    "get": lambda library: library.get("any"),
    "word_frequencies": lambda library: library.word_frequencies(["chariti"]),
}


@pytest.mark.parametrize("reading", READINGS)
def test_every_reading_of_the_engine_says_damaged_in_one_line_not_the_engines_error(
        two_posts_index, monkeypatch, reading):
    import civicreader.index.library as library_module

    corpus, index = two_posts_index
    Library(corpus, index).update()
    monkeypatch.setattr(library_module, "open_engine", lambda folder: b"\xff".decode())
    with pytest.raises(IndexDamaged, match=r"^the index in .* is damaged \(UnicodeDecodeError: .*\)$"):
        READINGS[reading](Library(corpus, index))


def test_a_reading_that_keeps_failing_while_a_writer_works_is_damage_in_the_end(two_posts_index, monkeypatch):
    import fcntl

    import civicreader.index.library as library_module

    corpus, index = two_posts_index
    Library(corpus, index).update()
    monkeypatch.setattr(library_module, "WRITER_RACE_SECONDS", 0.1)
    monkeypatch.setattr(library_module, "open_engine", lambda folder: {}["no such segment"])
    with open(index / "write.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(IndexDamaged, match=r"damaged \(KeyError: 'no such segment'\)"):
            Library(corpus, index).search("charity")


@pytest.mark.parametrize("engine", ENGINES)
def test_readers_never_call_an_index_damaged_while_a_writer_commits_again_and_again(two_posts_index, engine):
    """Real commits, not a simulated one: each removes the files of the generation before while two readers
    (one reopening at every reading, one keeping its engine) list, open and read them."""
    import threading
    import time

    import civicreader.index.library as library_module

    corpus, index = two_posts_index
    Library(corpus, index, engine=engine).update()
    victim = sorted(path for path in corpus.rglob("*") if path.is_file())[0]
    text = victim.read_bytes()
    stop = time.monotonic() + 2.0
    commits, damaged = [], []

    def writer():
        while time.monotonic() < stop:
            victim.unlink() if victim.exists() else victim.write_bytes(text)
            Library(corpus, index).update()
            commits.append(1)

    def reader(reopening: bool):
        library = Library(corpus, index)
        while time.monotonic() < stop:
            if reopening:
                library.close()
                library = Library(corpus, index)
            try:
                library.search("charity")
                for blog in library.blogs():
                    for year in library.years(blog):
                        summaries = library.posts_in(blog, year)
                        library.get(summaries[0].id)
                        library.read([summary.id for summary in summaries])
                library.post_places()
                library.matches("charity", with_comments=True)
                library.word_frequencies(["chariti"])
                library.most_discussed(3)
            except Exception as error:  # IndexDamaged, or anything else a thread would only warn of
                damaged.append(f"{type(error).__name__}: {error}")

    saved = library_module.FRESHNESS_CHECK_SECONDS
    library_module.FRESHNESS_CHECK_SECONDS = 0.0  # the reader that keeps its engine looks for a commit each time
    try:
        threads = [threading.Thread(target=writer), *(threading.Thread(target=reader, args=(reopening,))
                                                      for reopening in (True, False))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        library_module.FRESHNESS_CHECK_SECONDS = saved
    assert len(commits) > 5
    assert damaged == []
