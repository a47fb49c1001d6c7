"""The page cache in shards: one changed page rewrites one shard, and the index it leaves is the one a fresh build
makes; the catalogue carried over from the last update is the one the engine holds."""

from __future__ import annotations

import gc
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from civicreader.index import IndexDamaged, Library
from civicreader.index.catalogue import CATALOGUE_NAME, stored_rows
from civicreader.index.page_cache import SHARDS, ShardedPages, shard_of
from civicreader.ingest import Problem
from tests.index_corpus import comment, write_post

ENGINES = ["whoosh", "tantivy"]
PAGES = 40


def write_pages(corpus: Path, changed: str | None = None) -> list[Path]:
    """Forty posts over two blogs, each with a comment; `changed` gives one of them (by name) another body."""
    written = []
    for number in range(PAGES):
        name = f"post-{number:02d}"
        body = [f"Paragraph about the parish budget, number {number}."]
        if name == changed:
            body.append("A quangocracy, said nobody.")
        when = date(2011, 1 + number % 12, 1 + number % 27)
        remark = comment("Owen Ashdown", datetime(2011, 2, 1, 9), f"Reply {number}.")
        written.append(write_post(corpus, "desk" if number % 2 else "ledger", name, f"Council note {number}", when,
                                  body, [remark]))
    return written


def first_built(tmp_path: Path, engine: str = "whoosh") -> tuple[Path, list[Path], Library]:
    """(the corpus, its pages, a library over its index as first built)."""
    corpus = tmp_path / "corpus"
    files = write_pages(corpus)
    library = Library(corpus, tmp_path / "index", engine=engine)
    library.update()
    return corpus, files, library


def manifest(index: Path) -> dict:
    """The manifest with the records of the shards it names merged in."""
    found = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    for name in found["records"].values():
        if name:
            for part, records in json.loads((index / name).read_text(encoding="ascii")).items():
                found.setdefault(part, {}).update(records)
    return found


def shard_files(index: Path) -> dict[str, tuple[int, int]]:
    """Each page file of the index with its inode and modification time."""
    return {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in index.glob("pages-*")}


def everything_read(library: Library) -> dict:
    """What an index answers, by post id: its posts whole, and the archive's summaries."""
    ids = sorted(manifest(library.index_dir)["digests"])
    posts = {post.id: post for post in library.read(ids)}
    summaries = {summary.id: summary for summary in library.summaries(ids)}
    return {"posts": posts, "summaries": summaries, "blogs": library.blogs(), "places": library.post_places()}


@pytest.mark.parametrize("engine", ENGINES)
def test_one_changed_page_rewrites_its_shard_alone_and_the_index_is_as_built_afresh(tmp_path, engine):
    corpus, files, library = first_built(tmp_path, engine)
    before = shard_files(library.index_dir)
    held = {shard_of(path.relative_to(corpus).as_posix()) for path in files}
    assert len(held) < SHARDS and len(before) == 2 * len(held), "a shard holding no page has no files"

    write_pages(corpus, changed="post-07")
    report = Library(corpus, library.index_dir, engine=engine).update()
    assert report.changed == 1 and report.posts_written == 1

    after = shard_files(library.index_dir)
    shard = f"pages-{shard_of(files[7].relative_to(corpus).as_posix()):02d}-"
    rewritten = {name for name in after if name not in before}
    assert len(rewritten) == 2 and all(name.startswith(shard) for name in rewritten)
    assert {name: found for name, found in after.items() if name not in rewritten} == {
        name: found for name, found in before.items() if not name.startswith(shard)}
    assert library.search("quangocracy").total == 1
    assert library.check() > 0

    fresh = Library(corpus, tmp_path / "fresh", engine=engine)
    fresh.update()
    changed, built = manifest(library.index_dir), manifest(fresh.index_dir)
    for part in ("digests", "post_pages", "site_names", "files"):
        assert changed[part] == built[part], part
    assert everything_read(library) == everything_read(fresh)
    library.close()
    fresh.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_the_saved_catalogue_is_the_engines_after_pages_change_come_and_go(tmp_path, engine):
    corpus, files, library = first_built(tmp_path, engine)
    for step in range(4):
        write_pages(corpus, changed=f"post-{3 * step:02d}")
        if step == 2:
            files[20].unlink()
        if step == 3:
            write_post(corpus, "desk", "late", "A late note", date(2013, 5, 5), ["Late words."])
        Library(corpus, library.index_dir, engine=engine).update()
        engine_now = library._open_engine()
        saved = stored_rows((library.index_dir / CATALOGUE_NAME).read_bytes(), engine_now.generation())
        assert saved == engine_now.catalogue().rows
        library.close()
    assert library.search("late").total == 1
    assert library.search("quangocracy").total == 1  # post-09's change, the last


def test_a_missing_page_shard_is_found_before_it_is_needed_and_the_index_rebuilt(tmp_path):
    corpus, _, library = first_built(tmp_path)
    data = sorted(library.index_dir.glob("pages-*.data"))[5]
    data.unlink()
    with pytest.raises(IndexDamaged, match=data.name):
        library.check()
    report = Library(corpus, library.index_dir).update()
    assert report.rebuilt_because is not None and data.name in report.rebuilt_because
    assert library.check() > 0
    assert library.search("budget").total == PAGES


def test_a_shard_rewritten_for_one_page_keeps_every_other_pages_keys_and_pages(tmp_path):
    corpus, files, library = first_built(tmp_path)
    state = library._read_state()
    seal = library._seal()
    before = library._load_cache(state, seal)
    changed = files[3].relative_to(corpus).as_posix()
    neighbours = [f.relative_to(corpus).as_posix() for f in files if f != files[3]]
    neighbours = [relative for relative in neighbours if shard_of(relative) == shard_of(changed)]
    assert neighbours, "the corpus should put two pages in one shard"
    # A page that could not be read this time (no keys of its own are set for it), as an update records it.
    before.pages[changed] = Problem(str(files[3]), "cannot read: Permission denied")
    written: dict[str, bytes] = {}
    files_now = before.store.save(written.update)
    assert len(written) == 2
    for name, data in written.items():
        (library.index_dir / name).write_bytes(data)
    again = ShardedPages(lambda name: (library.index_dir / name).read_bytes(), files_now)
    reread = library._load_cache(state, seal)
    for relative in neighbours:
        assert again.keys_of(relative) == reread.keys[relative] and any(key[0] == "page" for key in
                                                                          again.keys_of(relative))
        assert again.page(relative) == reread.pages[relative]
    assert again.page(changed) == before.pages[changed]


def test_the_collector_pauses_for_an_update_of_a_few_pages_not_a_build_and_is_left_as_found(tmp_path):
    corpus = tmp_path / "corpus"
    write_pages(corpus)
    library = Library(corpus, tmp_path / "index")
    seen: list[bool] = []

    def progress(done, total, label):
        seen.append(gc.isenabled())

    library.update(progress=progress)
    assert seen and all(seen)  # a first build collects as it goes
    write_pages(corpus, changed="post-01")
    seen.clear()
    library.update(progress=progress)
    assert seen and not any(seen)
    assert gc.isenabled()
    gc.disable()
    try:
        write_pages(corpus, changed="post-02")
        library.update()
        assert not gc.isenabled()
    finally:
        gc.enable()
