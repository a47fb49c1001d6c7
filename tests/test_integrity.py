"""The seal of an index folder: made with this user's private key, and any change to a file breaks it."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from civicreader.index.integrity import (
    SEAL_NAME,
    Seal,
    SealBroken,
    SealKeeper,
    UnsafeFolder,
    check_private,
    index_key,
    key_path,
    sealed_names,
)


def index_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    (folder / "whoosh" / "MAIN.tmp").mkdir(parents=True)
    folder.chmod(0o700)
    (folder / "whoosh").chmod(0o700)
    (folder / "whoosh" / "MAIN.tmp").chmod(0o700)
    (folder / "manifest.json").write_text("{}")
    (folder / "whoosh" / "_MAIN_3.toc").write_bytes(b"toc")
    (folder / "whoosh" / "MAIN_abc.trm").write_bytes(b"terms")
    # What writers leave while at work, which no reader opens:
    (folder / "write.lock").write_bytes(b"")
    (folder / "whoosh" / "MAIN_WRITELOCK").write_bytes(b"")
    (folder / "whoosh" / "MAIN.tmp" / "run1.ctmp").write_bytes(b"run")
    (folder / "whoosh" / "_MAIN_4.toc.1733390000.25").write_bytes(b"half a toc")
    (folder / ".manifest.json.123.tmp").write_bytes(b"{")
    return folder


def write_seal(folder: Path, key: bytes) -> SealKeeper:
    """Seal every file in the folder as it is, as a writer's first commit does."""
    keeper = SealKeeper(folder, key, {})
    keeper.adopt()
    keeper.settle()
    return keeper


def test_the_key_is_made_once_private_and_kept(private_folders):
    key = index_key()
    assert len(key) == 32
    assert stat.S_IMODE(key_path().stat().st_mode) == 0o600
    assert index_key() == key
    assert key_path().parent == private_folders / "xdg_config_home" / "civicreader"


def test_a_key_others_can_read_is_replaced():
    key = index_key()
    key_path().chmod(0o644)
    fresh = index_key()
    assert fresh != key
    assert stat.S_IMODE(key_path().stat().st_mode) == 0o600


def test_the_seal_covers_every_file_but_a_writer_s_temporary_ones(tmp_path):
    folder = index_folder(tmp_path)
    assert sealed_names(folder) == ["manifest.json", "whoosh/MAIN_abc.trm", "whoosh/_MAIN_3.toc"]
    key = index_key()
    write_seal(folder, key)
    seal = Seal(folder, key)
    seal.check_all()
    assert seal.read("whoosh/_MAIN_3.toc") == b"toc"


@pytest.mark.parametrize("change", ["flip", "truncate", "new file", "replace"])
def test_any_change_to_a_sealed_file_breaks_the_seal(tmp_path, change):
    folder = index_folder(tmp_path)
    key = index_key()
    write_seal(folder, key)
    target = folder / "whoosh" / "_MAIN_3.toc"
    if change == "flip":
        target.write_bytes(b"tod")
    elif change == "truncate":
        target.write_bytes(b"")
    elif change == "new file":
        (folder / "whoosh" / "_MAIN_9.toc").write_bytes(b"evil")
    else:
        target.unlink()
        target.mkdir(mode=0o700)
    with pytest.raises(SealBroken) as caught:
        Seal(folder, key).check_all()
    assert "\n" not in str(caught.value)
    assert "whoosh/" in str(caught.value)


def test_a_seal_made_with_another_key_or_changed_is_refused(tmp_path):
    folder = index_folder(tmp_path)
    write_seal(folder, b"k" * 32)
    with pytest.raises(SealBroken, match="key"):
        Seal(folder, index_key())
    key = index_key()
    write_seal(folder, key)
    sealed = (folder / SEAL_NAME).read_bytes()
    (folder / SEAL_NAME).write_bytes(sealed.replace(b'"files"', b'"fileS"'))
    with pytest.raises(SealBroken, match="key"):
        Seal(folder, key)
    (folder / SEAL_NAME).unlink()
    with pytest.raises(SealBroken, match="no seal"):
        Seal(folder, key)


def test_reading_one_file_checks_that_file(tmp_path):
    folder = index_folder(tmp_path)
    key = index_key()
    write_seal(folder, key)
    (folder / "manifest.json").write_text("{ }")
    with pytest.raises(SealBroken, match=r"manifest\.json is not as it was written"):
        Seal(folder, key).read("manifest.json")
    (folder / "manifest.json").unlink()
    with pytest.raises(SealBroken, match=r"cannot read manifest\.json"):
        Seal(folder, key).read("manifest.json")


def test_a_folder_others_may_write_into_is_not_trusted(tmp_path):
    folder = index_folder(tmp_path)
    check_private(folder)
    (folder / "whoosh").chmod(0o777)
    with pytest.raises(UnsafeFolder, match="others may write"):
        check_private(folder)
    (folder / "whoosh").chmod(0o700)
    folder.chmod(0o770)
    with pytest.raises(UnsafeFolder, match="others may write"):
        Seal(folder, index_key())


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_folder_of_another_user_is_not_trusted(tmp_path):
    folder = index_folder(tmp_path)
    os.chown(folder / "whoosh", 65534, 65534)
    with pytest.raises(UnsafeFolder, match="another user"):
        check_private(folder)


def test_a_writer_killed_between_sealing_and_renaming_leaves_a_sealed_folder(tmp_path):
    folder = index_folder(tmp_path)
    key = index_key()
    keeper = write_seal(folder, key)
    keeper.allow({"manifest.json": hashlib.sha256(b'{"new": 1}').hexdigest()})
    Seal(folder, key).check_all()  # the old manifest, not yet replaced
    (folder / "manifest.json").write_text('{"new": 1}')
    Seal(folder, key).check_all()  # the new one, renamed into place
    keeper.settle()
    (folder / "manifest.json").write_text("{}")
    with pytest.raises(SealBroken, match="manifest"):
        Seal(folder, key).check_all()  # settled: the old one is no longer allowed


def test_files_of_a_segment_no_seal_knows_are_left_over_and_of_a_known_one_refused(tmp_path):
    folder = index_folder(tmp_path)
    key = index_key()
    write_seal(folder, key)
    (folder / "whoosh" / "MAIN_half.pst").write_bytes(b"a killed writer's")
    seal = Seal(folder, key)
    assert seal.leftovers() == ["whoosh/MAIN_half.pst"]
    seal.check_all()
    (folder / "whoosh" / "MAIN_abc.vps").write_bytes(b"beside a sealed segment")
    with pytest.raises(SealBroken, match=r"MAIN_abc\.vps"):
        Seal(folder, key).check_all()


def test_a_sealed_file_is_not_hashed_again_until_it_changes(tmp_path, monkeypatch):
    from civicreader.index import integrity

    folder = index_folder(tmp_path)
    key = index_key()
    write_seal(folder, key)
    hashed = []
    real_digest = integrity.file_digest
    monkeypatch.setattr(integrity, "file_digest", lambda path: hashed.append(path.name) or real_digest(path))
    Seal(folder, key).check_all()
    assert hashed == []
    (folder / "whoosh" / "MAIN_abc.trm").write_bytes(b"tErms")
    with pytest.raises(SealBroken, match="MAIN_abc"):
        Seal(folder, key).check_all()
    assert hashed == ["MAIN_abc.trm"]


def test_an_index_folder_reached_through_a_link_the_user_chose_is_fine_but_no_link_inside_it(tmp_path):
    folder = index_folder(tmp_path)
    chosen = tmp_path / "chosen"
    chosen.symlink_to(folder)
    check_private(chosen)
    (folder / "whoosh" / "elsewhere").symlink_to(tmp_path)
    with pytest.raises(UnsafeFolder, match="symbolic link"):
        check_private(chosen)


def test_a_file_changed_in_place_with_its_size_and_times_put_back_is_still_caught(tmp_path):
    folder = index_folder(tmp_path)
    key = index_key()
    write_seal(folder, key)
    target = folder / "whoosh" / "MAIN_abc.trm"
    before = target.stat()
    target.write_bytes(b"tErms")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(SealBroken, match="MAIN_abc"):
        Seal(folder, key).check_all()
    with pytest.raises(SealBroken, match="MAIN_abc"):
        Seal(folder, key).read("whoosh/MAIN_abc.trm")


def test_a_file_a_writer_removes_while_the_folder_is_checked_is_as_if_never_listed(tmp_path, monkeypatch):
    # A writer removes the last update's shards after renaming its own into place: a reader that listed the folder
    # just before finds one gone. That is no damage; a live segment's file gone still is.
    from civicreader.index import integrity

    folder = index_folder(tmp_path)
    (folder / "records-03-abc.json").write_text("{}")
    key = index_key()
    write_seal(folder, key)
    listed = integrity.sealed_names(folder)
    (folder / "records-03-abc.json").unlink()
    monkeypatch.setattr(integrity, "sealed_names", lambda _: listed)
    assert "records-03-abc.json" not in Seal(folder, key).check_all()
    monkeypatch.undo()
    (folder / "whoosh" / "MAIN_abc.pst").write_bytes(b"postings")
    write_seal(folder, key)
    listed = integrity.sealed_names(folder)
    monkeypatch.setattr(integrity, "sealed_names", lambda _: listed)
    (folder / "whoosh" / "MAIN_abc.pst").unlink()
    with pytest.raises(SealBroken, match=r"MAIN_abc\.pst is missing"):
        Seal(folder, key).check_all()


def test_staged_files_wait_beside_their_places_unread_and_are_sealed_and_renamed_together(tmp_path):
    folder = index_folder(tmp_path)
    key = index_key()
    keeper = write_seal(folder, key)
    unchanged = os.stat(folder / "manifest.json")
    staged = keeper.staging()
    staged["pages-00-aa.data"] = b"packed pages"
    staged.update({"words.json": b'{"budget": 2}', "manifest.json": b"{}"})
    assert not (folder / "pages-00-aa.data").exists() and not (folder / "words.json").exists()
    # Written already, beside their places, where no reader looks: the folder checks as it was sealed.
    assert sorted(path.name for path in folder.glob(".*.tmp")) == sorted(
        [".manifest.json.123.tmp", f".pages-00-aa.data.{os.getpid()}.tmp", f".words.json.{os.getpid()}.tmp"])
    assert set(Seal(folder, key).check_all()) == {"manifest.json", "whoosh/_MAIN_3.toc", "whoosh/MAIN_abc.trm"}
    staged.commit()
    keeper.settle()
    assert (folder / "pages-00-aa.data").read_bytes() == b"packed pages"
    assert (folder / "words.json").read_bytes() == b'{"budget": 2}'
    assert os.stat(folder / "manifest.json").st_ino == unchanged.st_ino  # given what it held: left as it was
    assert not list(folder.glob(f".*.{os.getpid()}.tmp"))
    assert {"pages-00-aa.data", "words.json", "manifest.json"} <= set(Seal(folder, key).check_all())


def test_a_file_staged_twice_takes_its_last_content(tmp_path):
    folder = index_folder(tmp_path)
    key = index_key()
    keeper = write_seal(folder, key)
    staged = keeper.staging()
    staged["catalogue.json"] = b"first"
    staged["catalogue.json"] = b"second"
    staged.commit()
    keeper.settle()
    assert (folder / "catalogue.json").read_bytes() == b"second"
    Seal(folder, key).check_all()
