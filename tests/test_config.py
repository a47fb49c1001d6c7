"""Settings: defaults when there is no file, defaults and one line when the file is bad."""

from __future__ import annotations

from pathlib import Path

from civicreader.config import Config, config_path, load_config, save_config


def test_missing_file_gives_defaults_silently(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    warnings: list[str] = []
    config = load_config(warn=warnings.append)
    assert config == Config(export_dir=tmp_path)
    assert warnings == []


def test_saved_settings_load_back(tmp_path):
    folder = tmp_path / 'notes "quoted" \\ back\tslash ünïcode'
    path = save_config(Config(export_dir=folder))
    assert path == config_path()
    assert path.is_relative_to(Path(config_path().parent))
    assert load_config() == Config(export_dir=folder)


def test_home_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('export_dir = "~/exports"\n', encoding="utf-8")
    assert load_config().export_dir == tmp_path / "exports"


def test_bad_toml_gives_defaults_and_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("export_dir = [unclosed\n\nmore = \n", encoding="utf-8")
    warnings: list[str] = []
    assert load_config(warn=warnings.append) == Config(export_dir=tmp_path)
    assert len(warnings) == 1 and "\n" not in warnings[0] and "not valid TOML" in warnings[0]


def test_wrong_type_and_unknown_key_are_each_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('export_dir = 5\ncolour = "blue"\n', encoding="utf-8")
    warnings: list[str] = []
    assert load_config(warn=warnings.append) == Config(export_dir=tmp_path)
    assert len(warnings) == 2
    assert "export_dir" in warnings[0] and "'colour'" in warnings[1]


def test_undecodable_file_warns_on_stderr_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_bytes(b'export_dir = "\xff\xfe"\n')
    assert load_config() == Config(export_dir=tmp_path)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("civicreader: ") and "using defaults" in err


def test_citation_format_is_one_of_the_formats_cite_writes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('citation_format = "bibtex"\n', encoding="utf-8")
    assert load_config().citation_format == "bibtex"
    config_path().write_text('citation_format = "chicago"\n', encoding="utf-8")
    warnings: list[str] = []
    assert load_config(warn=warnings.append).citation_format == "text"
    assert len(warnings) == 1 and "citation_format must be one of text, markdown, bibtex, csl-json" in warnings[0]
    save_config(Config(export_dir=tmp_path, citation_format="csl-json"))
    assert load_config().citation_format == "csl-json"
