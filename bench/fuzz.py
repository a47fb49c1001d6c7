"""The full hostile-input run: `parse` and `index` over a 10,000-file fuzz corpus, memory per file
class, the index writer SIGKILLed at every one of its file-system calls in a build and an update, and
every file of a small index damaged every way (truncated, halved, random bytes, flipped bytes, deleted,
a folder in its place, unreadable) then searched twice.

    .venv/bin/python bench/fuzz.py                  # 10,000 files with a 50 MB single line
    .venv/bin/python bench/fuzz.py --files 500 --big-line-mb 4 --kill-points 20 --json
    .venv/bin/python bench/fuzz.py --only damage --src /path/to/other/checkout/src   # another version's figures

Prints files, bad files named, posts kept, time and peak memory for each command, and exits 1 if
anything the tests promise does not hold (a traceback, a good post lost, a bad file not named).
Running as root, chmod-000 files are readable, so the CLI runs with Path.open refusing files that
have no read bit (what any other user would meet).
"""

from __future__ import annotations

import argparse
import itertools
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


DAMAGES = ("truncate", "half", "random bytes", "flipped bytes", "delete", "folder", "unreadable")

DAMAGE_RUN = """
import builtins, io, json, os, random, shutil, stat, sys
from pathlib import Path
from click.testing import CliRunner
from civicreader.cli import main

corpus, template, work, seed = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
damages = sys.argv[5].split(",")
real_open, real_os_open = builtins.open, os.open

def unreadable(path):
    try:
        return os.geteuid() == 0 and not os.stat(path).st_mode & (stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    except (OSError, TypeError, ValueError):
        return False

def guarded_open(file, mode="r", *args, **kwargs):  # root reads any file: refuse as another user would be
    if not isinstance(file, int) and "r" in mode and unreadable(file):
        raise PermissionError(13, "Permission denied", os.fsdecode(file))
    return real_open(file, mode, *args, **kwargs)

def guarded_os_open(path, flags, *args, **kwargs):
    if not flags & (os.O_WRONLY | os.O_RDWR) and unreadable(path):
        raise PermissionError(13, "Permission denied", os.fsdecode(path))
    return real_os_open(path, flags, *args, **kwargs)

builtins.open = io.open = guarded_open
os.open = guarded_os_open

def damage(path, how, rng):
    data = path.read_bytes()
    if how == "truncate": path.write_bytes(b"")
    elif how == "half": path.write_bytes(data[: len(data) // 2])
    elif how == "random bytes": path.write_bytes(rng.randbytes(max(len(data), 16)))
    elif how == "flipped bytes":
        flipped = bytearray(data or b"\\0")
        for place in rng.sample(range(len(flipped)), min(3, len(flipped))):
            flipped[place] ^= 0xFF
        path.write_bytes(bytes(flipped))
    elif how == "delete": path.unlink()
    elif how == "folder": path.unlink(); path.mkdir()
    elif how == "unreadable": path.chmod(0)

def search(index):
    result = CliRunner().invoke(main, ["search", "localism", "--corpus", str(corpus), "--index", str(index),
                                       "--json"])
    raised = result.exception is not None and not isinstance(result.exception, SystemExit)
    try:
        right = result.exit_code == 0 and json.loads(result.stdout)["total"] == 3
    except ValueError:
        right = False
    return raised, right

names = sorted(str(p.relative_to(template)) for p in template.rglob("*") if p.is_file())
cases = []
for number, (name, how) in enumerate((n, h) for n in names for h in damages):
    index = work / f"case-{number}"
    shutil.copytree(template, index, symlinks=True)
    damage(index / name, how, random.Random(seed + number))
    first = search(index)
    second = search(index)
    cases.append({"file": name, "damage": how, "raised": first[0], "right_first": first[1],
                  "recovered": second[1] and not second[0]})
    shutil.rmtree(index, ignore_errors=True)
print(json.dumps(cases))
"""


def damage_runs(base: Path, seed: int, src: Path, failures: list[str]) -> dict:
    """Every file of a small index damaged every way, then `search` twice in one process (the code under `src`)."""
    from tests.index_corpus import write_corpus

    corpus = write_corpus(base / "damage-corpus")
    env = environment(base / "damage-home", src)
    template = base / "damage-index"
    built = subprocess.run([sys.executable, "-m", "civicreader", "index", "--corpus", str(corpus), "--index",
                            str(template)], env=env, capture_output=True, text=True)
    if built.returncode:
        failures.append(f"damage: the template index was not built: {built.stderr[-300:]}")
        return {}
    work = base / "damage-work"
    work.mkdir()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", DAMAGE_RUN, str(corpus), str(template), str(work), str(seed),
                           ",".join(DAMAGES)], env=env, capture_output=True, text=True)
    if done.returncode:
        failures.append(f"damage: the run failed: {done.stderr[-300:]}")
        return {}
    cases = json.loads(done.stdout)
    by_damage = {how: {"cases": 0, "raised": 0, "recovered": 0} for how in DAMAGES}
    for case in cases:
        counts = by_damage[case["damage"]]
        counts["cases"] += 1
        counts["raised"] += case["raised"]
        counts["recovered"] += case["recovered"]
    raised = [case for case in cases if case["raised"]]
    stuck = [case for case in cases if not case["recovered"]]
    if raised:
        failures.append(f"damage: {len(raised)} of {len(cases)} cases raised a traceback, e.g. {raised[0]}")
    if stuck:
        failures.append(f"damage: {len(stuck)} of {len(cases)} cases never recovered, e.g. {stuck[0]}")
    return {"files": len({case["file"] for case in cases}), "cases": len(cases), "raised": len(raised),
            "never_recovered": len(stuck), "seconds": round(time.perf_counter() - started, 1), "by_damage": by_damage}


XDG = ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")


def environment(home: Path, src: Path = REPO / "src") -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(src), COLUMNS="200")
    for name in XDG:
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
    from civicreader.index.integrity import index_key
    from tests import test_crash_safety as crash

    index_key()  # made before the dry run, as the tests' fixture does, so no kill point lands in making it
    out = {}
    scenarios = (("build", crash.test_a_build_killed_at_any_point_is_finished_by_the_next_run),
                 ("update", crash.test_an_update_killed_at_any_point_leaves_the_old_index_or_the_new))
    for (kind, test), engine in itertools.product(scenarios, crash.ENGINES):
        scenario = f"{kind} ({engine})"
        folder = base / f"kill-{kind}-{engine}"
        folder.mkdir()
        crash.KILL_POINTS = how_many
        crash.KILL_SEED = seed
        started = time.perf_counter()
        try:
            test(folder, engine)
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
    parser.add_argument("--only", choices=["damage"], help="run only this part")
    parser.add_argument("--src", type=Path, default=REPO / "src", help="the civicreader code to damage-test")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="civicreader-fuzz-"))
    failures: list[str] = []
    try:
        env = environment(base / "home")
        # This process searches what the subprocesses wrote and forks the killed writers: the same folders
        # (the same sealing key) for all of them, and never the user's own.
        os.environ.update({name: env[name] for name in XDG})
        started = time.perf_counter()
        report: dict = {"command": " ".join([Path(sys.executable).name, *sys.argv]), "seed": args.seed}
        if args.only != "damage":
            big_line_bytes = int(args.big_line_mb * 1024 * 1024)
            corpus = fuzz_corpus.build(base / "corpus", args.files, args.seed, big_line_bytes)
            report.update({
                "files": len(corpus.files) + len(corpus.links),
                "good_files": len(corpus.of_kind("good")),
                "bad_files": len(corpus.of_kind("bad")),
                "junk_files": len(corpus.of_kind("any")),
                "links": len(corpus.links),
                "good_posts": len(corpus.markers),
                "biggest_file_mb": round(max(file.path.stat().st_size for file in corpus.files
                                             if file.path.is_file()) / 2**20, 1),
                "build_corpus_seconds": round(time.perf_counter() - started, 1),
            })
            report["parse"] = parse_run(corpus, env, failures)
            report["index"] = index_run(corpus, env, base / "index", failures)
            report["memory_per_class"] = memory_per_family(base / "families", env, args.seed, big_line_bytes,
                                                           args.per_family)
            report["sigkill"] = kill_runs(base, args.kill_points, args.seed, failures)
        report["damage"] = damage_runs(base, args.seed, args.src.resolve(), failures)
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
