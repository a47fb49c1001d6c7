"""The layers hold: the import-linter contracts in pyproject.toml are kept (ingest, dedupe, model and index never
import the ui or textual; model imports nothing of ours; only the index imports whoosh; only the cli the ui)."""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept():
    beside_python = Path(sys.executable).with_name("lint-imports")
    command = str(beside_python) if beside_python.exists() else shutil.which("lint-imports")
    assert command, "lint-imports is not installed: pip install -e '.[test]'"
    checked = subprocess.run([command, "--no-cache", str(REPO / "pyproject.toml")], cwd=REPO, capture_output=True,
                             text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 broken" in checked.stdout
