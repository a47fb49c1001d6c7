"""The log of what went wrong in the app (a failed build, export or task), kept after its message is gone.

One file, `civicreader.log` in the user log folder (`civicreader where` names it); a line per problem,
with the traceback under it when there is one. Writing it never stops the app.
"""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path

LOG_NAME = "civicreader.log"


def log_path() -> Path:
    from civicreader import paths

    return paths.log_dir() / LOG_NAME


def record_problem(message: str, error: BaseException | None = None, path: Path | None = None) -> Path | None:
    """Append `message` (and `error`'s traceback) to the log; the log's path, or None when it cannot be written."""
    from civicreader.textsafe import one_line, strip_controls

    path = path or log_path()
    entry = f"{datetime.now().isoformat(timespec='seconds')} {one_line(message)}\n"
    if error is not None:
        lines = traceback.format_exception(type(error), error, error.__traceback__)
        entry += "".join(f"    {strip_controls(line)}\n" for chunk in lines for line in chunk.rstrip("\n").split("\n"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8", errors="backslashreplace") as log:
            log.write(entry)
    except OSError:
        return None
    return path
