"""Benchmark the index: build, cold open, queries with snippets, one changed page, size and memory.

    .venv/bin/python bench/run.py --posts 2000 --json
    .venv/bin/python bench/run.py --posts 20000 --engine both --json   # both engines, every total compared

Generates N made-up posts (a few hundred words, a few comments each, several blogs, dates over
2010-2013), writes them as scraped WordPress pages into a temporary corpus, then measures:

* build_s: `Library.update()` from nothing, reading and merging the pages included (parse_s of it);
* bare_whoosh_build_s: a plain Whoosh index of the same posts (id, title, body, comments; same
  stemming analyzer; no stored text, character positions, facets, columns or word list);
* cold_open_first_query_s: in a new process, import + open + first query with snippets, the median of
  COLD_RUNS processes (one alone varies by 10 ms and more on a quiet machine); cold_open_runs_s, each of them;
* query_p50_s / query_p95_s: a mixed query set (words, phrases, fields, dates, fuzzy, prefix,
  OR/NOT), 20 hits each with snippets and an exact total, in that serving process, run twice;
  query_p95_first_pass_s: the first run alone, where every term is read from the index afresh;
* one_changed_page_s: `Library.update()` after one page's text changed;
* index_mb: the index folder on disk; peak_rss_mb: the serving process's peak resident memory
  (the bench process itself, which also holds every generated and parsed post, is reported apart).

`--direct` writes the same posts straight into the index (bench/direct_index.py), no pages: for 200,000 posts
and more, where writing and parsing pages would time the disk; build_s is then indexing alone, parse_s the
making of the posts, one_changed_page_s one changed post. Its totals are the page path's (checked at 2,000).

    .venv/bin/python bench/run.py --posts 200000 --engine tantivy --direct --json --keep /tmp/big
    .venv/bin/python bench/run.py --posts 200000 --engine tantivy --direct --keep /tmp/big --serve-only   # again,
        # after a change to the code: the same queries served over the kept index, nothing rebuilt

`--engine tantivy` measures the tantivy engine (no bare Whoosh build then); `--engine both` builds both from
the same pages and reports `totals_differ`, every query whose totals the engines disagree on.

Seconds unless named otherwise; *_cpu_s are CPU seconds of the measuring process, which a busy
machine disturbs less than wall-clock time (load_average_1min says how busy it was).
Speed targets are checked here, never in unit tests.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

COMMON = (
    "the of and to a in that is was he for it with as his on be at by i this had not are but from or have an they "
    "which one you were her all she there would their we him been has when who will more no if out so said what up "
    "its about into than them can only other new some could time these two may then do first any my now such like "
    "our over man me even most made after also did many before must through back years where much your way well down "
    "should because each just those people how too little state good very make world still own see men work long get "
    "here between both life being under never day same another know while last might us great old year off come since "
    "against go came right used take three"
).split()
CIVIC = (
    "council budget cuts charity charities volunteers volunteering commissioning commissioner commissioners grant "
    "grants funding contract contracts tender procurement localism community communities society public services "
    "sector voluntary trustees board government minister ministers coalition treasury spending review outcomes "
    "outputs monitoring evaluation impact partnership partnerships consortium consortia health care hospital wards "
    "patients nurses library libraries housing tenants welfare benefits advice transport youth clubs centre centres "
    "enterprise enterprises social value compact bureaucracy accountability democracy democratic elected officers "
    "members scrutiny committee consultation strategy policy reform localities neighbourhood neighbourhoods parish "
    "mutual mutuals cooperative cooperatives ownership assets transfer buildings rent lease insurance payroll staff "
    "redundancy redundancies pension pensions resilience innovation innovative pilot pilots evidence research report "
    "reports figures data survey surveys campaign campaigning lobbying advocacy rights equality inequality poverty "
    "deprivation regeneration investment capital revenue reserves deficit austerity"
).split()
NAMES = (
    "Martha Quill", "Owen Ashdown", "Priya Lamb", "Joe Bloggs", "Ann Example", "Ben Sample", "Cal Writer",
    "Dee Reader", "Evan Post", "Faye Margin", "Gus Ledger", "Hana Budget", "Ivo Parish", "Jas Ward",
)
CATEGORIES = (
    "Funding", "Cuts", "Localism", "Health", "Housing", "Commissioning", "Volunteering", "Social enterprise",
    "Democracy", "Welfare", "Libraries", "Transport", "Youth", "Evidence", "Opinion",
)
BLOGS = ("ledger", "wards", "desk", "shelves", "parish-pump", "third-sector-notes", "open-books", "street-level")
SYLLABLES = "ba be bi bo bu ca ce co cu da de di do du fa fe fi fo ga ge go la le li lo lu ma me mi mo mu na ne ni " \
            "no nu pa pe pi po ra re ri ro ru sa se si so ta te ti to tu va ve vi vo wa we wi zo".split()


def make_vocabulary(rng: random.Random, size: int = 24_000) -> tuple[list[str], list[float]]:
    """Common words first, then civic words, then a long tail of made-up words, Zipf-weighted.

    Returns the words and their cumulative weights (random.choices would add them up on every call).
    """
    words = list(dict.fromkeys(COMMON + CIVIC))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        word += rng.choice(["", "s", "ing", "ed", "tion", "er", "ly"])
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = [1.0 / (rank + 8) for rank in range(len(words))]
    return words, list(itertools.accumulate(weights))


class Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words, self.cumulative_weights = make_vocabulary(rng)

    def sentence(self, low: int = 8, high: int = 24) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cumulative_weights, k=self.rng.randint(low, high))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))


def make_post(writer: Writer, number: int) -> dict:
    rng = writer.rng
    day = date(2010, 1, 1) + timedelta(days=rng.randrange(4 * 365))
    body = [writer.paragraph(rng.randint(3, 6)) for _ in range(rng.randint(4, 8))]
    comments = []
    for _ in range(rng.choice([0, 1, 2, 3, 3, 4, 5, 6])):
        when = datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(2, 24 * 20))
        comment = {"author": rng.choice(NAMES), "date": when, "body": [writer.paragraph(rng.randint(1, 3))],
                   "replies": []}
        if comments and rng.random() < 0.3:
            comment["date"] = max(comment["date"], comments[-1]["date"] + timedelta(minutes=5))
            comments[-1]["replies"].append(comment)
        else:
            comments.append(comment)
    title_words = rng.choices(writer.words[100:2000], k=rng.randint(3, 8))
    return {
        "blog": BLOGS[number % len(BLOGS)],
        "title": f"{' '.join(title_words).capitalize()} {number}",
        "day": day,
        "author": rng.choice(NAMES),
        "categories": rng.sample(CATEGORIES, rng.randint(1, 2)),
        "tags": rng.sample(CIVIC, 2),
        "body": body,
        "comments": comments,
    }


def _wp_time(when: datetime) -> str:
    meridiem = "am" if when.hour < 12 else "pm"
    return f"{when:%B} {when.day}, {when.year} at {when.hour % 12 or 12}:{when.minute:02d} {meridiem}"


def page_text(post: dict) -> str:
    """A WordPress "Posted on ... by ..." theme page, as a browser's select-all copy gives it."""
    day = post["day"]
    byline = f"Posted on {day:%B} {day.day}, {day.year} by {post['author']}"
    out = ["Skip to content", "", post["title"], "", byline, ""]
    for text in post["body"]:
        out += [text, ""]
    out += [f"This entry was posted in {', '.join(post['categories'])} and tagged {', '.join(post['tags'])}. "
            "Bookmark the permalink.", ""]
    if post["comments"]:
        count = sum(1 + len(c["replies"]) for c in post["comments"])
        out += [f"{count} thoughts on “{post['title']}”", ""]

        def emit(comment, depth):
            pad = "    " * depth
            out.extend([f"{pad}{comment['author']} says:", f"{pad}{_wp_time(comment['date'])}", ""])
            for text in comment["body"]:
                out.extend([f"{pad}{text}", ""])
            out.extend([f"{pad}Reply", ""])
            for reply in comment["replies"]:
                emit(reply, depth + 1)

        for comment in post["comments"]:
            emit(comment, 0)
    out += ["Leave a Reply", "", "Blog at WordPress.com."]
    return "\n".join(out)


def write_corpus(folder: Path, posts: list[dict]) -> list[Path]:
    files = []
    for number, post in enumerate(posts):
        blog = folder / post["blog"]
        blog.mkdir(parents=True, exist_ok=True)
        path = blog / f"post-{number:06d}.txt"
        path.write_text(page_text(post), encoding="utf-8")
        files.append(path)
    return files


def make_queries(writer: Writer, posts: list[dict], rng: random.Random) -> list[str]:
    """A mixed set: words, phrases, fields, dates, fuzzy, prefix, OR and NOT."""
    mid = writer.words[150:3000]
    queries: list[str] = []
    for _ in range(12):
        queries.append(" ".join(rng.sample(CIVIC, 2)))
    for _ in range(6):
        queries.append(rng.choice(mid))
    for _ in range(8):
        text = rng.choice(rng.choice(posts)["body"]).split()
        start = rng.randrange(len(text) - 2)
        queries.append('"' + " ".join(word.strip(".,").lower() for word in text[start:start + 2]) + '"')
    for _ in range(8):
        word = rng.choice(CIVIC + mid[:300])
        if len(word) > 4:
            cut = rng.randrange(1, len(word) - 1)
            queries.append(word[:cut] + word[cut + 1:] + "~")
    for _ in range(4):
        queries.append(rng.choice(CIVIC)[:5] + "*")
    for _ in range(4):
        queries.append(f"title:{rng.choice(mid[:500])}")
    for _ in range(4):
        queries.append(f"commenter:{rng.choice(NAMES).split()[1].lower()} {rng.choice(CIVIC)}")
    for _ in range(3):
        queries.append(f'category:"{rng.choice(CATEGORIES).lower()}" {rng.choice(CIVIC)}')
    for _ in range(4):
        year = rng.randint(2010, 2013)
        queries.append(f"{rng.choice(CIVIC)} date:{year}")
    for _ in range(3):
        queries.append(f"{rng.choice(CIVIC)} date:[2011-03-01 to 2011-06-30]")
    for _ in range(2):
        queries.append(f"{rng.choice(CIVIC)} date:>2012")
    for _ in range(4):
        queries.append(f"{rng.choice(CIVIC)} OR {rng.choice(CIVIC)}")
    for _ in range(4):
        queries.append(f"{rng.choice(CIVIC)} -{rng.choice(CIVIC)}")
    for _ in range(2):
        queries.append(f"comment:{rng.choice(CIVIC)} body:{rng.choice(CIVIC)}")
    return queries


COLD_RUNS = 5
SERVE = r"""
import json, sys, time
started = time.perf_counter()
from pathlib import Path
from civicreader.index import Library
library = Library(Path(sys.argv[1]), Path(sys.argv[2]))
queries = json.loads(sys.argv[3])
engine = library._engine_record()[0]
first = library.search(queries[0], limit=20)
cold = time.perf_counter() - started
timings = []
totals = []
cpu = []
for query in queries[1:] + queries:
    began, began_cpu = time.perf_counter(), time.process_time()
    results = library.search(query, limit=20)
    timings.append((time.perf_counter() - began, query))
    cpu.append(time.process_time() - began_cpu)
    totals.append(results.total)
# VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork and exec.
status = open("/proc/self/status").read()
rss_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"cold": cold, "timings": timings, "cpu": cpu, "rss_mb": rss_mb, "totals": totals,
                  "engine": engine}))
"""


def bare_whoosh_build(posts, folder: Path) -> float:
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer

    from civicreader.index import body_text, comment_parts

    analyzer = StemmingAnalyzer()
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=analyzer),
        body=fields.TEXT(analyzer=analyzer),
        comment=fields.TEXT(analyzer=analyzer),
    )
    folder.mkdir(parents=True)
    started = time.perf_counter()
    whoosh_index = index.create_in(str(folder), schema)
    writer = whoosh_index.writer(limitmb=256)
    for post in posts:
        writer.add_document(id=post.id, title=post.title, body=body_text(post), comment=comment_parts(post)[0])
    writer.commit()
    return time.perf_counter() - started


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / (1024 * 1024)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


CHANGE = "A quangocracy, said nobody."
"""What the one-change figure adds to the first paragraph of the middle post."""


class Pages:
    """The page path: posts written as pages, the index built and changed by `Library.update()`."""

    def __init__(self, files: list[Path]):
        self.files = files

    def build(self, library):
        return library.update()

    def change(self, library):
        changed = self.files[len(self.files) // 2]
        lines = changed.read_text(encoding="utf-8").split("\n")
        first_paragraph = next(i for i, line in enumerate(lines) if line.startswith("Posted on ")) + 2
        lines[first_paragraph] += " " + CHANGE
        changed.write_text("\n".join(lines), encoding="utf-8")
        return library.update()

    def restore(self) -> None:
        """Take back the one-page change, so the next engine starts from the same corpus."""
        changed = self.files[len(self.files) // 2]
        changed.write_text(changed.read_text(encoding="utf-8").replace(" " + CHANGE, ""), encoding="utf-8")


class Direct:
    """The direct path (--direct): the same posts written straight into the index, no pages (bench/direct_index.py)."""

    def __init__(self, posts: list):
        self.posts = posts

    def build(self, library):
        from direct_index import write_posts

        return write_posts(library, self.posts)

    def change(self, library):
        from direct_index import with_sentence, write_posts

        return write_posts(library, [with_sentence(self.posts[len(self.posts) // 2], CHANGE)], every_post=False)

    def restore(self) -> None:
        pass


def serve(corpus: Path, index_dir: Path, queries: list[str]) -> dict:
    """The queries served from a new process over the index as it is: cold open, timings, totals, memory; "cold"
    is the median of COLD_RUNS new processes, the first of them serving every query."""
    # As an installed package has: bytecode compiled (pip does it; PYTHONDONTWRITEBYTECODE may not).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True)

    def served(asked: list[str]) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", SERVE, str(corpus), str(index_dir), json.dumps(asked)],
            capture_output=True, text=True, check=True, env={"PYTHONPATH": str(REPO / "src"), "PATH": ""},
        )
        return json.loads(done.stdout)

    serving = served(queries)
    runs = [serving["cold"], *(served(queries[:1])["cold"] for _ in range(COLD_RUNS - 1))]
    return {**serving, "cold": statistics.median(runs), "cold_runs": [round(run, 3) for run in runs]}


def serve_again(work: Path, engines: tuple[str, ...], queries: list[str]) -> dict:
    """--serve-only: the serving figures of the indexes a --keep run left in `work`, measured afresh."""
    found = {}
    for engine in engines:
        serving = serve(work / "corpus", work / f"index-{engine}", queries)
        timings = [seconds for seconds, _ in serving["timings"]]
        found[engine] = {
            "cold_open_first_query_s": round(serving["cold"], 3),
            "cold_open_runs_s": serving["cold_runs"],
            "query_p50_s": round(statistics.median(timings), 4),
            "query_p95_s": round(percentile(timings, 0.95), 4),
            "query_p95_first_pass_s": round(percentile(timings[: len(queries) - 1], 0.95), 4),
            "peak_rss_mb": round(serving["rss_mb"], 1),
            "query_p95_cpu_s": round(percentile(serving["cpu"], 0.95), 4),
            "load_average_1min": round(os.getloadavg()[0], 1),
            "totals": dict(zip(queries[1:] + queries, serving["totals"], strict=True)),
        }
    return found


def measure(engine: str, corpus: Path, index_dir: Path, source: Pages | Direct, queries: list[str],
            bare_s: float | None, parse_s: float, words: float, slowest: bool) -> dict:
    """Build with `engine`, change one post, then serve the queries from a new process; the figures."""
    from civicreader.index import Library

    library = Library(corpus, index_dir, engine=engine)
    began = time.perf_counter()
    report = source.build(library)
    build_s = time.perf_counter() - began
    build_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    began, began_cpu = time.perf_counter(), time.process_time()
    change = source.change(library)
    one_changed_s = time.perf_counter() - began
    one_changed_cpu_s = time.process_time() - began_cpu
    library.close()

    serving = serve(corpus, index_dir, queries)
    timings = [seconds for seconds, _ in serving["timings"]]
    # The first pass meets each term for the first time; the second repeats them, as search as you type does.
    first_pass = timings[: len(queries) - 1]
    result = {
        "posts": report.posts,
        "build_s": round(build_s, 2),
        "engine": serving["engine"],
        "cold_open_first_query_s": round(serving["cold"], 3),
        "cold_open_runs_s": serving["cold_runs"],
        "query_p50_s": round(statistics.median(timings), 4),
        "query_p95_s": round(percentile(timings, 0.95), 4),
        "query_p95_first_pass_s": round(percentile(first_pass, 0.95), 4),
        "one_changed_page_s": round(one_changed_s, 3),
        "index_mb": round(folder_mb(index_dir), 1),
        "peak_rss_mb": round(serving["rss_mb"], 1),
        "query_p50_cpu_s": round(statistics.median(serving["cpu"]), 4),
        "query_p95_cpu_s": round(percentile(serving["cpu"], 0.95), 4),
        "one_changed_page_cpu_s": round(one_changed_cpu_s, 3),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "build_index_only_s": round(build_s - report.read_seconds, 2),
        "build_read_s": round(report.read_seconds, 2),
        "parse_s": round(parse_s, 2),
        "bench_process_peak_rss_mb": round(build_rss_mb, 1),
        "queries": len(timings),
        "words_per_post": round(words),
        "posts_rewritten_by_one_change": change.posts_written,
    }
    if bare_s is not None:
        result["bare_whoosh_build_s"] = round(bare_s, 2)
        result["build_ratio"] = round(build_s / bare_s, 2)
        result["build_index_only_ratio"] = round((build_s - report.read_seconds) / bare_s, 2)
    if slowest:
        result["slowest"] = sorted(serving["timings"], reverse=True)[:5]
    result["totals"] = dict(zip(queries[1:] + queries, serving["totals"], strict=True))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    parser.add_argument("--slowest", action="store_true", help="also list the five slowest queries")
    parser.add_argument("--engine", choices=("whoosh", "tantivy", "both"), default="whoosh",
                        help="the engine to measure; both: side by side, every query's total compared")
    parser.add_argument("--direct", action="store_true",
                        help="write the posts straight into the index, no pages (parse_s: making the posts)")
    parser.add_argument("--totals", action="store_true", help="also print every query's total (per engine)")
    parser.add_argument("--serve-only", action="store_true",
                        help="only serve the queries again from the indexes in --keep (after a change to the code)")
    parser.add_argument("--no-bare", action="store_true", help="skip the plain Whoosh build beside --engine whoosh")
    args = parser.parse_args()
    engines = ("whoosh", "tantivy") if args.engine == "both" else (args.engine,)

    from civicreader.dedupe import merge_pages
    from civicreader.ingest import read_paths

    rng = random.Random(args.seed)
    writer = Writer(rng)
    generated = [make_post(writer, number) for number in range(args.posts)]
    queries = make_queries(writer, generated, rng)
    if args.serve_only:
        if not args.keep or not args.keep.is_dir():
            parser.error("--serve-only needs --keep FOLDER, made by an earlier --keep run with the same --posts")
        output = serve_again(args.keep, engines, queries)
        for figures in output.values():
            totals = figures.pop("totals")
            if args.totals:
                figures["totals"] = totals
        print(json.dumps(output))
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="civicreader-bench-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    corpus = work / "corpus"
    words = sum(len(" ".join(p["body"]).split()) for p in generated) / max(1, len(generated))
    try:
        began = time.perf_counter()
        if args.direct:
            from direct_index import as_post

            corpus.mkdir(parents=True)
            posts = [as_post(post, number) for number, post in enumerate(generated)]
            source: Pages | Direct = Direct(posts)
        else:
            source = Pages(write_corpus(corpus, generated))
            began = time.perf_counter()
            pages, _ = read_paths([corpus])
            posts = merge_pages(pages)
        parse_s = time.perf_counter() - began
        del generated

        results = {}
        for engine in engines:
            bare = engine == "whoosh" and not args.no_bare
            bare_s = bare_whoosh_build(posts, work / f"bare-{engine}") if bare else None
            results[engine] = measure(engine, corpus, work / f"index-{engine}", source, queries, bare_s, parse_s,
                                      words, args.slowest)
            source.restore()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    totals = {engine: result.pop("totals") for engine, result in results.items()}
    output: dict = results[engines[0]] if len(engines) == 1 else dict(results)
    if args.totals:
        output["totals"] = totals
    if len(engines) == 2:
        output["totals_differ"] = {query: [totals["whoosh"][query], totals["tantivy"][query]]
                                   for query in totals["whoosh"] if totals["whoosh"][query] != totals["tantivy"][query]}
        output["queries_compared"] = len(totals["whoosh"])
    if args.json:
        print(json.dumps(output))
    else:
        for key, value in output.items():
            print(f"{key:>32}: {value}")


if __name__ == "__main__":
    main()
