"""User settings, kept as TOML in the user config folder (`config.toml`).

A missing file means the defaults; a file that cannot be read means the defaults and one
line saying why, never a stopped app.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "config.toml"


@dataclass(frozen=True)
class Config:
    export_dir: Path | None = None
    """Where `e` in the app and `civicreader export` (without --out) write posts. None: not chosen yet
    (the app asks at the first export and keeps the answer here; the command line writes to the current folder)."""
    citation_format: str = "text"
    """How `Y` in the app writes the citation it copies: text, markdown, bibtex or csl-json."""
    engine: str | None = None
    """The search engine of a new or rebuilt index: whoosh or tantivy. None: Whoosh (an index keeps its own)."""


def suggested_export_dir() -> Path:
    """Where exports go unless the user says otherwise: their documents folder, else their home folder."""
    import platformdirs

    documents = platformdirs.user_documents_path()
    return documents if documents.is_dir() else Path.home()


def config_path() -> Path:
    from civicreader import paths

    return paths.config_dir() / CONFIG_NAME


def _warn_on_stderr(message: str) -> None:
    from civicreader.textsafe import one_line

    sys.stderr.write(f"civicreader: {one_line(message)}\n")


def load_config(path: Path | None = None, warn: Callable[[str], None] | None = None) -> Config:
    """The settings in `path` (default: the user's config.toml); `warn` gets one line per problem."""
    import tomllib

    path = path or config_path()
    warn = warn or _warn_on_stderr
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        warn(f"{path}: cannot read settings ({getattr(error, 'strerror', None) or error}); using defaults")
        return Config()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        warn(f"{path}: not valid TOML ({error}); using defaults")
        return Config()
    from civicreader.cite import FORMATS
    from civicreader.index.engine import ENGINES

    settings: dict[str, Path | str] = {}
    for key, value in data.items():
        if key == "export_dir":
            if isinstance(value, str) and value.strip() and "\x00" not in value:
                settings["export_dir"] = Path(value).expanduser()
            else:
                warn(f"{path}: export_dir must be a folder path in quotes; ignored")
        elif key == "citation_format":
            if value in FORMATS:
                settings["citation_format"] = value
            else:
                warn(f"{path}: citation_format must be one of {', '.join(FORMATS)}; using text")
        elif key == "engine":
            if value in ENGINES:
                settings["engine"] = value
            else:
                warn(f"{path}: engine must be one of {', '.join(ENGINES)}; using whoosh")
        else:
            warn(f"{path}: unknown setting {key!r} ignored")
    return Config(**settings)


def _toml_string(text: str) -> str:
    """A TOML basic string: quote, backslash and control characters escaped."""
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif char == "\t" or (ord(char) >= 0x20 and ord(char) != 0x7F):
            escaped.append(char)
        else:
            escaped.append(f"\\u{ord(char):04X}")
    return '"' + "".join(escaped) + '"'


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the settings atomically (temp file, then rename) and return the file's path."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# civicreader settings\n"
    if config.export_dir is not None:
        text += f"# export_dir: where exported posts are written\nexport_dir = {_toml_string(str(config.export_dir))}\n"
    text += (
        "# citation_format: how Y copies a citation: text, markdown, bibtex or csl-json\n"
        f"citation_format = {_toml_string(config.citation_format)}\n"
    )
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return path
