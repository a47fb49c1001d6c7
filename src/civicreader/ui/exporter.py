"""Exporting the open post to Markdown from the app (civicreader.export does the writing): into the folder in the
settings, asking for one the first time and keeping the answer, and saying how it went.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work

from civicreader.model import Post
from civicreader.textsafe import one_line
from civicreader.ui.backstage import Backstage
from civicreader.ui.export_folder_screen import ExportFolderScreen
from civicreader.ui.messages import Exported, ExportFailed, ExportFolderWanted

if TYPE_CHECKING:
    from civicreader.memory import Memory


class Exporter(Backstage):
    @work(thread=True, group="export", exit_on_error=False, description="export")
    def export(self, post: Post, overwrite: bool, memory: Memory | None, remember: Path | None = None) -> None:
        """Write the post (with its notes from `memory`) into the export folder; with none chosen yet, ask for one
        (`remember` is the answer)."""
        from dataclasses import replace

        from civicreader.config import config_path, load_config, save_config, suggested_export_dir

        warnings: list[str] = []
        config = load_config(warn=warnings.append)
        for warning in warnings:
            self.post_message(ExportFailed(one_line(warning)))
        folder = remember or config.export_dir
        if folder is None:
            self.post_message(ExportFolderWanted(post, overwrite, suggested_export_dir(), config_path(), memory))
            return
        if remember is not None:
            try:
                save_config(replace(config, export_dir=remember))
            except OSError as error:
                self.post_message(ExportFailed(f"cannot keep the folder in {config_path()}: {error.strerror or error}"))
        self._write(post, folder, overwrite, memory)

    def _write(self, post: Post, folder: Path, overwrite: bool, memory: Memory | None) -> None:
        from civicreader.export import ExportError, export_filename, export_post

        target = folder.expanduser() / export_filename(post)
        if not overwrite and target.exists():
            # export_post would refuse too, but its message names the CLI's --force.
            self.post_message(ExportFailed(f"{target.name} is already in {target.parent}: press E to overwrite it"))
            return
        notes = memory.notes(post.id) if memory is not None else ()
        try:
            path = export_post(post, folder, force=overwrite, notes=notes)
        except ExportError as error:
            self.post_message(ExportFailed(one_line(str(error))))
            return
        self.post_message(Exported(path))

    @on(ExportFolderWanted)
    def _folder_wanted(self, message: ExportFolderWanted) -> None:
        def chosen(folder: Path | None) -> None:
            if folder is not None:
                self.export(message.post, message.overwrite, message.memory, remember=folder)

        self.app.push_screen(ExportFolderScreen(message.suggested, message.settings), chosen)

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        # The file's name on a line of its own: a toast wraps a long path wherever it runs out of room.
        self.notify(f"Exported {message.path.name}\nto {message.path.parent}", title="Export", markup=False)

    @on(ExportFailed)
    def _failed(self, message: ExportFailed) -> None:
        self.notify(message.reason, title="Export", severity="error", markup=False)
