"""Export posts as Markdown files that a researcher can cite, annotate, and read back.

The format itself (writing and reading back) is `civicreader.ingest.markdown.export_format`; this
module names the files and writes them safely: atomically, inside the chosen folder, never over
an existing file unless asked.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from civicreader.ingest.markdown.export_format import NoteLike, render_markdown
from civicreader.model import Post

MAX_SLUG_LENGTH = 80


class ExportError(Exception):
    """The export could not be written; the message is one line for the user."""


def export_filename(post: Post) -> str:
    """`YYYY-MM-DD-slug.md` or `undated-slug.md`: lower-case ASCII, hyphens, bounded, never a path.

    The date (or "undated") always leads, so no name can be a device name such as CON or NUL.
    """
    from slugify import slugify

    slug = slugify(post.title, max_length=MAX_SLUG_LENGTH, word_boundary=True, save_order=True)
    if not slug:
        slug = "untitled-" + (slugify(post.id, max_length=24) or "post")
    prefix = post.date.isoformat() if post.date else "undated"
    return f"{prefix}-{slug}.md"


def export_post(
    post: Post, out_dir: Path, force: bool = False, *, name: str | None = None, notes: Sequence[NoteLike] = ()
) -> Path:
    """Write the post (with the reader's `notes` on it) into `out_dir` atomically and return the file's path.

    Never writes outside `out_dir`, never replaces an existing file unless `force`. `name`
    replaces `export_filename(post)` (a bulk export gives same-named posts distinct names).
    """
    try:
        folder = out_dir.expanduser().resolve()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot use {out_dir} as the export folder: {error.strerror or error}") from None
    if not folder.is_dir():
        raise ExportError(f"{out_dir} is not a folder")
    name = name or export_filename(post)
    target = folder / name
    if target.parent != folder or target.name != name or name in (".", ".."):
        raise ExportError(f"refusing to write {name!r}: not a plain file name inside {folder}")
    if not force and os.path.lexists(target):
        raise ExportError(f"{target} already exists (use --force to overwrite it)")
    data = render_markdown(post, notes).encode("utf-8", errors="replace")
    temporary = _write_temporary(folder, name, data)
    try:
        if force:
            os.replace(temporary, target)
        else:
            _move_without_overwrite(temporary, target)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
    return target


def _write_temporary(folder: Path, name: str, data: bytes) -> Path:
    """A new file beside the target (same file system, so the final rename is atomic)."""
    temporary = folder / f".{name}.{secrets.token_hex(4)}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise ExportError(f"cannot write in {folder}: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        os.unlink(temporary)
        raise ExportError(f"cannot write in {folder}: {error.strerror or error}") from None
    return temporary


def _move_without_overwrite(temporary: Path, target: Path) -> None:
    """Rename that fails if the target appeared meanwhile: a hard link is refused over an existing name."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise ExportError(f"{target} already exists (use --force to overwrite it)") from None
    except OSError:
        # File systems without hard links (FAT, some network shares): check, then rename.
        if os.path.lexists(target):
            raise ExportError(f"{target} already exists (use --force to overwrite it)") from None
        os.replace(temporary, target)
