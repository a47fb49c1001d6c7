"""Settings: defaults when there is no file, defaults and one line when the file is bad."""

from __future__ import annotations

from pathlib import Path

from civicreader.config import Config, config_path, load_config, save_config, suggested_export_dir


def test_missing_file_gives_defaults_silently():
    warnings: list[str] = []
    config = load_config(warn=warnings.append)
    assert config == Config() and config.export_dir is None, "no folder chosen: the app will ask"
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


def test_bad_toml_gives_defaults_and_one_line():
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("export_dir = [unclosed\n\nmore = \n", encoding="utf-8")
    warnings: list[str] = []
    assert load_config(warn=warnings.append) == Config()
    assert len(warnings) == 1 and "\n" not in warnings[0] and "not valid TOML" in warnings[0]


def test_wrong_type_and_unknown_key_are_each_named():
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('export_dir = 5\ncolour = "blue"\n', encoding="utf-8")
    warnings: list[str] = []
    assert load_config(warn=warnings.append) == Config()
    assert len(warnings) == 2
    assert "export_dir" in warnings[0] and "'colour'" in warnings[1]


def test_undecodable_file_warns_on_stderr_by_default(capsys):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_bytes(b'export_dir = "\xff\xfe"\n')
    assert load_config() == Config()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("civicreader: ") and "using defaults" in err


def test_settings_with_no_export_folder_save_and_load_back_without_one():
    save_config(Config())
    assert "export_dir" not in config_path().read_text(encoding="utf-8")
    assert load_config() == Config()


def test_exports_are_suggested_for_the_documents_folder_the_user_dirs_name(tmp_path, private_folders):
    documents = tmp_path / "Dokumente"
    documents.mkdir()
    user_dirs = private_folders / "xdg_config_home" / "user-dirs.dirs"
    user_dirs.write_text(f'XDG_DOCUMENTS_DIR="{documents}"\n', encoding="utf-8")
    assert suggested_export_dir() == documents


def test_without_a_documents_folder_exports_are_suggested_for_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert not (tmp_path / "Documents").exists()
    assert suggested_export_dir() == tmp_path
    (tmp_path / "Documents").mkdir()
    assert suggested_export_dir() == tmp_path / "Documents"


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
