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
