"""How long `civicreader parse` takes on N scraped pages.

The pages are the sample corpus's text pages, copied into as many blog folders as it takes to
reach N (each copy is its own blog, so merging and year inference do their full work).

    python bench/parse_pages.py --pages 2000 [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "sample_corpus"


def build(corpus: Path, pages: int) -> int:
    sources = sorted(SAMPLE.rglob("*.txt"))
    written = 0
    copy = 0
    while written < pages:
        for source in sources:
            if written >= pages:
                break
            target = corpus / f"{source.parent.name}-{copy:04d}" / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written += 1
        copy += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus"
        pages = build(corpus, args.pages)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "civicreader", "parse", str(corpus), "--json"],
            capture_output=True, text=True, check=False,
        )
        seconds = time.perf_counter() - started
        posts = len(json.loads(result.stdout)) if result.returncode == 0 else None
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {"pages": pages, "posts": posts, "parse_s": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1),
               "problems": result.stderr.count("\n")}
    print(json.dumps(figures) if args.json else "\n".join(f"{k}: {v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
