"""The full hostile-input run: `parse` and `index` over a 10,000-file fuzz corpus, memory per file
class, and the index writer SIGKILLed at every one of its file-system calls in a build and an update.

    .venv/bin/python bench/fuzz.py                  # 10,000 files with a 50 MB single line
    .venv/bin/python bench/fuzz.py --files 500 --big-line-mb 4 --kill-points 20 --json

Prints files, bad files named, posts kept, time and peak memory for each command, and exits 1 if
anything the tests promise does not hold (a traceback, a good post lost, a bad file not named).
Running as root, chmod-000 files are readable, so the CLI runs with Path.open refusing files that
have no read bit (what any other user would meet).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))

from tests import fuzz_corpus  # noqa: E402

PEAK_RSS = """
def peak_rss_mb():
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report its parent's peak.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM:"))
"""

CLI_AS_ANY_USER = PEAK_RSS + """
import atexit, os, pathlib, stat, sys
atexit.register(lambda: open(os.environ["CIVICREADER_PEAK_FILE"], "w").write(str(peak_rss_mb())))
if os.geteuid() == 0:
    real_open = pathlib.Path.open
    def guarded_open(self, mode="r", *args, **kwargs):
        if "r" in mode and not os.stat(self).st_mode & (stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH):
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, mode, *args, **kwargs)
    pathlib.Path.open = guarded_open
from civicreader.cli import main
main(sys.argv[1:], prog_name="civicreader")
"""

MEASURE_FAMILY = PEAK_RSS + """
import sys, time
from pathlib import Path
from civicreader.ingest import read_file
import civicreader.ingest.wxr, civicreader.ingest.blogger, civicreader.ingest.feeds
import civicreader.ingest.html, civicreader.ingest.markdown, civicreader.ingest.textpage
import civicreader.dedupe
root = Path(sys.argv[1])
baseline = peak_rss_mb()
slowest = 0.0
for name in sys.argv[2:]:
    started = time.perf_counter()
    read_file(Path(name), root)
    slowest = max(slowest, time.perf_counter() - started)
print(baseline, peak_rss_mb(), round(slowest, 3))
"""


def environment(home: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), COLUMNS="200")
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        env[name] = str(home / name.lower())
    return env


def run_measured(command: list[str], env: dict[str, str], timeout: float) -> dict:
    """Run a command; its wall time and (for the CLI wrapper) its own peak RSS."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as peak:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=dict(env, CIVICREADER_PEAK_FILE=peak.name))
        deadline = time.monotonic() + timeout
        while True:
            # wait4: the child's own CPU time (the machine may be shared, so wall time alone misleads)
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "exit": process.returncode,
            "seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_mb": int(peak.read() or 0),
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def times_named(stderr_lines: list[str], path: Path) -> int:
    from civicreader.textsafe import one_line

    name = one_line(str(path))
    return sum(1 for line in stderr_lines if line.startswith((f"civicreader: {name}: ",
                                                               f"civicreader: skipped {name}: ")))


def check_named(corpus: fuzz_corpus.FuzzCorpus, stderr: str, failures: list[str], label: str) -> int:
    lines = stderr.splitlines()
    named = 0
    for file in corpus.files:
        count = times_named(lines, file.path)
        named += count
        if count > 1:
            failures.append(f"{label}: {file.path} named {count} times")
        if file.kind == "bad" and count != 1:
            failures.append(f"{label}: {file.family} file {file.path} not named")
    if "Traceback" in stderr:
        failures.append(f"{label}: a traceback on stderr")
    return named


def parse_run(corpus: fuzz_corpus.FuzzCorpus, env: dict[str, str], failures: list[str]) -> dict:
    result = run_measured([sys.executable, "-c", CLI_AS_ANY_USER, "parse", "--json", str(corpus.root)], env, 3600)
    if result["exit"] != 0:
        failures.append(f"parse exited {result['exit']}: {result['stderr'][-500:]}")
        posts = []
    else:
        posts = json.loads(result["stdout"])
    found: dict[str, int] = {}
    for post in posts:
        for marker in re.findall(r"zq\d{5}p\d+mark", " ".join(post["body"])):
            found[marker] = found.get(marker, 0) + 1
    lost = [marker for marker in corpus.markers if found.get(marker) != 1]
    if lost:
        failures.append(f"parse: {len(lost)} good posts lost or doubled, e.g. {lost[:3]}")
    named = check_named(corpus, result["stderr"], failures, "parse")
    return {"seconds": result["seconds"], "cpu_seconds": result["cpu_seconds"], "peak_rss_mb": result["peak_rss_mb"],
            "posts": len(posts),
            "good_posts_kept": len(corpus.markers) - len(lost), "files_named": named, "exit": result["exit"]}


def index_run(corpus: fuzz_corpus.FuzzCorpus, env: dict[str, str], index: Path, failures: list[str]) -> dict:
    result = run_measured([sys.executable, "-c", CLI_AS_ANY_USER, "index", "--corpus", str(corpus.root),
                           "--index", str(index)], env, 3600)
    if result["exit"] != 0:
        failures.append(f"index exited {result['exit']}: {result['stderr'][-500:]}")
    named = check_named(corpus, result["stderr"], failures, "index")
    from civicreader.index import Library

    library = Library(corpus.root, index)
    started = time.perf_counter()
    missing = [marker for marker in corpus.markers if library.search(marker).total != 1]
    search_seconds = time.perf_counter() - started
    library.close()
    if missing:
        failures.append(f"index: {len(missing)} good posts not found by their marker, e.g. {missing[:3]}")
    posts = re.search(r"(\d+) posts indexed", result["stdout"])
    again = run_measured([sys.executable, "-c", CLI_AS_ANY_USER, "index", "--corpus", str(corpus.root),
                          "--index", str(index)], env, 3600)
    if "0 files added, 0 changed, 0 removed" not in again["stdout"]:
        failures.append(f"index: the second run was not a no-op: {again['stdout']}")
    return {"seconds": result["seconds"], "cpu_seconds": result["cpu_seconds"], "peak_rss_mb": result["peak_rss_mb"],
            "posts": int(posts.group(1)) if posts else None, "good_posts_found": len(corpus.markers) - len(missing),
            "files_named": named, "exit": result["exit"], "marker_searches_seconds": round(search_seconds, 1),
            "second_run_seconds": again["seconds"], "load_average": os.getloadavg()[0]}


def memory_per_family(base: Path, env: dict[str, str], seed: int, big_line_bytes: int, per_family: int) -> dict:
    families = {}
    for family in (*fuzz_corpus.GOOD, *fuzz_corpus.HOSTILE):
        if family in ("special_file", "symlink_loops", "unreadable"):
            continue
        corpus = fuzz_corpus.build_families(base / family, (family,), per_family, seed, big_line_bytes)
        files = [str(file.path) for file in corpus.files]
        result = run_measured([sys.executable, "-c", MEASURE_FAMILY, str(corpus.root), *files], env, 600)
        baseline, peak, slowest = result["stdout"].split() if result["exit"] == 0 else ("0", "0", "0")
        families[family] = {"files": len(files), "peak_rss_mb": int(peak),
                            "over_baseline_mb": int(peak) - int(baseline), "slowest_file_seconds": float(slowest),
                            "exit": result["exit"]}
        if result["exit"]:
            families[family]["error"] = result["stderr"].strip().splitlines()[-1:]
        shutil.rmtree(base / family, ignore_errors=True)
    return families


def kill_runs(base: Path, how_many: int, seed: int, failures: list[str]) -> dict:
    """The crash tests' scenarios at (up to) `how_many` kill points each."""
    from tests import test_crash_safety as crash

    out = {}
    for scenario, test in (("build", crash.test_a_build_killed_at_any_point_is_finished_by_the_next_run),
                           ("update", crash.test_an_update_killed_at_any_point_leaves_the_old_index_or_the_new)):
        folder = base / f"kill-{scenario}"
        folder.mkdir()
        crash.KILL_POINTS = how_many
        crash.KILL_SEED = seed
        started = time.perf_counter()
        try:
            test(folder)
            outcome = "ok"
        except AssertionError as error:
            outcome = f"FAILED: {str(error).splitlines()[0] if str(error) else 'assertion'}"
            failures.append(f"kill during {scenario}: {outcome}")
        killed = len(list(folder.glob("index-*")))
        out[scenario] = {"kill_points_tried": killed, "outcome": outcome,
                         "seconds": round(time.perf_counter() - started, 1)}
        shutil.rmtree(folder, ignore_errors=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--big-line-mb", type=float, default=50)
    parser.add_argument("--kill-points", type=int, default=10_000, help="per scenario (build, update); all by default")
    parser.add_argument("--per-family", type=int, default=5, help="files per class in the memory measurement")
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="civicreader-fuzz-"))
    failures: list[str] = []
    try:
        env = environment(base / "home")
        started = time.perf_counter()
        big_line_bytes = int(args.big_line_mb * 1024 * 1024)
        corpus = fuzz_corpus.build(base / "corpus", args.files, args.seed, big_line_bytes)
        report = {
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "seed": args.seed,
            "files": len(corpus.files) + len(corpus.links),
            "good_files": len(corpus.of_kind("good")),
            "bad_files": len(corpus.of_kind("bad")),
            "junk_files": len(corpus.of_kind("any")),
            "links": len(corpus.links),
            "good_posts": len(corpus.markers),
            "biggest_file_mb": round(max(file.path.stat().st_size for file in corpus.files
                                         if file.path.is_file()) / 2**20, 1),
            "build_corpus_seconds": round(time.perf_counter() - started, 1),
        }
        report["parse"] = parse_run(corpus, env, failures)
        report["index"] = index_run(corpus, env, base / "index", failures)
        report["memory_per_class"] = memory_per_family(base / "families", env, args.seed, big_line_bytes,
                                                       args.per_family)
        report["sigkill"] = kill_runs(base, args.kill_points, args.seed, failures)
        report["failures"] = failures
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            if isinstance(value, dict):
                print(f"{key}:")
                for name, figures in value.items():
                    print(f"  {name}: {figures}")
            else:
                print(f"{key}: {value}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
