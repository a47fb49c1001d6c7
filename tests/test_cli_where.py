"""`civicreader where` says where the index and settings live, following the XDG folders."""

from __future__ import annotations

import json

from click.testing import CliRunner

from civicreader.cli import main


def test_where_points_into_the_users_cache_and_config_folders(tmp_path, private_folders):
    corpus = tmp_path / "my corpus"
    corpus.mkdir()
    result = CliRunner().invoke(main, ["--corpus", str(corpus), "where", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["corpus"] == str(corpus.resolve())
    assert found["index"].startswith(str(private_folders / "xdg_cache_home" / "civicreader"))
    assert found["config"] == str(private_folders / "xdg_config_home" / "civicreader" / "config.toml")
    assert found["log"].startswith(str(private_folders / "xdg_state_home" / "civicreader"))
    assert found["log"].endswith("civicreader.log")


def test_two_corpora_get_two_indexes(tmp_path):
    places = []
    for name in ("a", "b"):
        (tmp_path / name / "blog").mkdir(parents=True)
        result = CliRunner().invoke(main, ["where", "--corpus", str(tmp_path / name / "blog"), "--json"])
        places.append(json.loads(result.stdout)["index"])
    assert places[0] != places[1]
