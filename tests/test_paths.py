"""Where civicreader keeps things: the same folders platformdirs names, also where they are worked out without it."""

from __future__ import annotations

import platformdirs
import pytest

from civicreader import paths

XDG_CASES = [
    {"XDG_CONFIG_HOME": "/srv/me/config", "XDG_CACHE_HOME": "/srv/me/cache", "XDG_DATA_HOME": "/srv/me/data"},
    {"XDG_CONFIG_HOME": None, "XDG_CACHE_HOME": None, "XDG_DATA_HOME": None},
    {"XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": "", "XDG_DATA_HOME": ""},
    {"XDG_CONFIG_HOME": "relative/config", "XDG_CACHE_HOME": " /leading-space", "XDG_DATA_HOME": "~/data"},
    {"XDG_CONFIG_HOME": "/srv/me/config/", "XDG_CACHE_HOME": "//srv//cache", "XDG_DATA_HOME": "/"},
]
HOMES = ["/home/someone", "/home/someone/", "/", None, "relative/home"]


@pytest.mark.parametrize("home", HOMES)
@pytest.mark.parametrize("xdg", XDG_CASES)
def test_the_config_cache_and_data_folders_are_platformdirs(monkeypatch, xdg, home):
    # The key that seals every index is in the config folder: a folder apart from platformdirs' would make a new
    # key, and every index would be rebuilt.
    for name, value in {**xdg, "HOME": home}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    expected = {}
    for kind, ask in (("config", platformdirs.user_config_path), ("cache", platformdirs.user_cache_path),
                      ("data", platformdirs.user_data_path)):
        try:
            expected[kind] = ask(paths.APP_NAME, appauthor=False)
        except RuntimeError:  # platformdirs finds no home at all
            expected[kind] = RuntimeError
    found = {}
    for kind, ask in (("config", paths.config_dir), ("cache", paths.cache_dir), ("data", paths.data_dir)):
        try:
            found[kind] = ask()
        except RuntimeError:
            found[kind] = RuntimeError
    assert found == expected
