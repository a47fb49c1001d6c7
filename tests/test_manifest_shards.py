"""The manifest's records in shards: one changed page rewrites one or two of them; a damaged or missing one rebuilds
the index with a one-line message naming it; a writer killed while writing them leaves the last good index; a page
edited in place is seen; the catalogue's rows are copied, not re-encoded, and read back as written."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicreader.index import IndexDamaged, Library
from civicreader.index.catalogue import catalogue_json, stored_rows
from civicreader.index.manifest_shards import PARTS, ShardedRecords
from civicreader.index.page_cache import SHARDS, shard_of
from tests.conftest import ENGINES
from tests.test_crash_safety import assert_recovers, kill_points, run_writer, titles, write_numbered
from tests.test_index_shards import first_built, manifest


def record_files(index: Path) -> dict[str, int]:
    """Each record shard file of the index with its inode."""
    return {path.name: path.stat().st_ino for path in index.glob("records-*")}


@pytest.mark.parametrize("engine", ENGINES)
def test_one_changed_page_rewrites_the_record_shards_of_its_path_and_its_post_alone(tmp_path, engine):
    corpus, files, library = first_built(tmp_path, engine)
    before = record_files(library.index_dir)
    named = json.loads((library.index_dir / "manifest.json").read_text(encoding="ascii"))["records"]
    assert len(named) == SHARDS and set(before) == {name for name in named.values() if name}

    page = files[7]
    page.write_text(page.read_text(encoding="utf-8").replace("parish budget", "parish zoning", 1), encoding="utf-8")
    report = Library(corpus, library.index_dir, engine=engine).update()
    assert report.changed == 1 and report.posts_written == 1

    after = record_files(library.index_dir)
    relative = files[7].relative_to(corpus).as_posix()
    post_id = next(post_id for post_id, pages in manifest(library.index_dir)["post_pages"].items()
                   if pages == [relative])
    expected = {f"records-{shard_of(relative):02d}-", f"records-{shard_of(post_id):02d}-"}
    rewritten = {name for name in after if name not in before}
    assert {name[: len("records-00-")] for name in rewritten} == expected
    assert {name: inode for name, inode in after.items() if name not in rewritten} == {
        name: inode for name, inode in before.items() if name[: len("records-00-")] not in expected}
    assert manifest(library.index_dir)["files"][relative][2] != ""
    library.close()


def damage_by_changing(path: Path) -> None:
    data = json.loads(path.read_text(encoding="ascii"))
    data["files"]["planted.txt"] = [1, 2, "0" * 40]
    path.write_text(json.dumps(data), encoding="ascii")


@pytest.mark.parametrize("damage", [damage_by_changing, Path.unlink, lambda path: path.write_bytes(b"{")],
                         ids=["changed", "missing", "truncated"])
def test_a_damaged_record_shard_rebuilds_the_index_with_one_line_naming_it(tmp_path, damage):
    corpus, _, library = first_built(tmp_path)
    shard = sorted(library.index_dir.glob("records-*"))[3]
    damage(shard)
    with pytest.raises(IndexDamaged, match=shard.name):
        library.check()
    report = Library(corpus, library.index_dir).update()
    assert report.rebuilt_because is not None and shard.name in report.rebuilt_because
    assert "\n" not in report.rebuilt_because
    assert library.check() > 0
    assert library.search("budget").total == 40
    assert "planted.txt" not in manifest(library.index_dir)["files"]
    library.close()


def version_of_post_4(corpus: Path, index: Path) -> int:
    library = Library(corpus, index)
    try:
        (hit,) = library.search("marker4").hits
        (post,) = library.read([hit.id])
        return int(post.body[0].split()[1])
    finally:
        library.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_an_update_killed_while_writing_its_shards_leaves_the_last_good_index(tmp_path, engine):
    corpus = tmp_path / "corpus"
    write_numbered(corpus, range(12))
    index = tmp_path / "index"
    assert run_writer(corpus, index, kill_at=None, engine=engine)[0] == 0
    write_numbered(corpus, [4], version=2)  # one page changed: its page and record shards rewritten
    shutil.copytree(index, tmp_path / "dry")
    ended, total = run_writer(corpus, tmp_path / "dry", kill_at=None, engine=engine)
    assert ended == 0 and version_of_post_4(corpus, tmp_path / "dry") == 2
    for point in kill_points(total, 4, seed=20):
        killed = tmp_path / f"killed-{point}"
        shutil.copytree(index, killed)
        ended, _ = run_writer(corpus, killed, kill_at=point, engine=engine)
        assert ended == -signal.SIGKILL
        assert version_of_post_4(corpus, killed) in (1, 2)
        assert_recovers(corpus, killed, before=titles(range(12)), after=titles(range(12)))
        assert version_of_post_4(corpus, killed) == 2


@pytest.mark.parametrize("engine", ENGINES)
def test_a_page_edited_in_place_is_seen_though_its_folder_is_unchanged(tmp_path, engine):
    corpus, files, library = first_built(tmp_path, engine)
    page = files[11]
    folder_before = page.parent.stat().st_mtime_ns
    stat = page.stat()
    text = page.read_text(encoding="utf-8")
    assert "Paragraph about the parish budget" in text
    with page.open("r+", encoding="utf-8") as handle:  # the same file, the same size: only its bytes and mtime
        handle.write(text.replace("Paragraph about the parish budget", "Paragraph about the parish zoning", 1))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    os.utime(page.parent, ns=(page.parent.stat().st_atime_ns, folder_before))
    assert page.stat().st_size == stat.st_size and page.parent.stat().st_mtime_ns == folder_before

    assert library.is_stale()
    report = Library(corpus, library.index_dir, engine=engine).update()
    assert (report.changed, report.posts_written) == (1, 1)
    assert library.search("zoning").total == 1
    assert not library.is_stale()
    library.close()


def test_records_read_back_as_saved_and_a_second_save_rewrites_only_what_differs():
    written: dict[str, bytes] = {}
    records = ShardedRecords()
    parts = {"files": {f"blog/p{n}.txt": [n, n * 10, "a" * 40] for n in range(200)},
             "dependencies": {"blog/p3.txt": [["blog/comments", "folder", [], "s", "t"]]},
             "digests": {f"id{n}": f"d{n}" for n in range(150)},
             "post_pages": {f"id{n}": [f"blog/p{n}.txt"] for n in range(150)}}
    files = records.save(parts, written.update)
    assert len(files) == SHARDS and set(written) == {name for name in files.values() if name}
    again = ShardedRecords.load(files, written.__getitem__)
    assert again.parts == parts

    changed = {part: dict(records) for part, records in parts.items()}
    changed["files"]["blog/p5.txt"] = [5, 51, "b" * 40]
    del changed["digests"]["id9"], changed["post_pages"]["id9"]
    later: dict[str, bytes] = {}
    files_after = again.save(changed, later.update)
    assert {int(name[8:10]) for name in later} == {shard_of("blog/p5.txt"), shard_of("id9")}
    assert {shard for shard in files if files[shard] != files_after[shard]} == {int(name[8:10]) for name in later}
    reread = ShardedRecords.load(files_after, {**written, **later}.__getitem__)
    assert reread.parts == changed and set(reread.parts) == set(PARTS)


ROW = st.lists(st.text(max_size=12), min_size=13, max_size=13)
CATALOGUES = st.dictionaries(st.integers(0, 10_000), ROW, max_size=30)


@given(CATALOGUES, CATALOGUES, st.data())
def test_a_catalogue_saved_from_the_one_before_reads_back_as_made_afresh(before, after, data):
    # Some rows carried over unchanged (same id and values), under new document numbers.
    carried = data.draw(st.lists(st.sampled_from(sorted(before)), unique=True) if before else st.just([]))
    after = {**after, **{20_000 + docnum: before[docnum] for docnum in carried}}
    saved = catalogue_json(before, 4)
    assert stored_rows(saved, 4) == before
    made = catalogue_json(after, 5, (before, saved))
    assert made == catalogue_json(after, 5)
    assert stored_rows(made, 5) == after and stored_rows(made, 4) is None
