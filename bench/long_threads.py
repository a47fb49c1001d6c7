"""Threads of any shape in time linear in their size: a long reply chain and a long flat thread.

    .venv/bin/python bench/long_threads.py
    .venv/bin/python bench/long_threads.py --comments 100000 --steps parse,show,app

Writes (once under --work) one corpus per shape and format, each a single post with COMMENTS
comments of one short sentence:
  chain  every comment a reply to the one before (a WXR export; an Atom feed with a Blogger comment feed)
  flat   every comment a reply to the post
and times each step in a fresh process (whole-process wall time and peak memory):
  parse  `civicreader parse FILE --json`
  index  `civicreader index` (the first build)
  show   `civicreader show ID --json`
  app    the app, headless, opening the post: seconds to the first frame with the post's title
         in the reading pane, and until the comments mounted without being asked for stop growing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

SHAPES = ("chain", "flat")
FORMATS = ("wxr", "feed")
TITLE = "A very long thread"


def wxr(comments: int, shape: str) -> str:
    parts = []
    for key in range(1, comments + 1):
        parent = key - 1 if shape == "chain" else 0
        parts.append(
            f"<wp:comment><wp:comment_id>{key}</wp:comment_id><wp:comment_author>Reader {key % 97}"
            f"</wp:comment_author><wp:comment_date>2011-03-01 {key // 3600 % 24:02d}:{key // 60 % 60:02d}:"
            f"{key % 60:02d}</wp:comment_date><wp:comment_content>Reply number {key} to the ward plan."
            f"</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
            f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Long threads</title>'
        f"<item><title>{escape(TITLE)}</title><dc:creator>Author</dc:creator>"
        "<content:encoded>&lt;p&gt;The ward plan, read aloud.&lt;/p&gt;</content:encoded>"
        "<wp:post_date>2011-03-01 09:00:00</wp:post_date><wp:post_type>post</wp:post_type>"
        f"<wp:status>publish</wp:status>{''.join(parts)}</item></channel></rss>"
    )


BLOG = "http://longthreads.example.org"


def feed(comments: int, shape: str) -> tuple[str, str]:
    """A Blogger-style Atom feed of one post and its comment feed (replies name their parent)."""
    post = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Long threads</title>'
        f'<link rel="alternate" href="{BLOG}/"/><id>tag:longthreads,1999:blog-1</id>'
        "<updated>2011-03-01T09:00:00Z</updated>"
        f"<entry><id>tag:longthreads,1999:blog-1.post-7</id><title>{escape(TITLE)}</title>"
        "<published>2011-03-01T09:00:00Z</published><updated>2011-03-01T09:00:00Z</updated>"
        "<author><name>Author</name></author>"
        f'<link rel="alternate" href="{BLOG}/2011/03/long.html"/>'
        f'<link rel="replies" type="application/atom+xml" href="{BLOG}/feeds/7/comments/default"/>'
        '<content type="html">&lt;p&gt;The ward plan, read aloud.&lt;/p&gt;</content></entry></feed>'
    )
    entries = []
    for key in range(1, comments + 1):
        related = (
            f'<link rel="related" href="{BLOG}/feeds/7/comments/default/{key - 1}"/>'
            if shape == "chain" and key > 1
            else ""
        )
        entries.append(
            f"<entry><id>tag:longthreads,1999:blog-1.post-{key}</id>"
            f"<published>2011-03-01T{key // 3600 % 24:02d}:{key // 60 % 60:02d}:{key % 60:02d}Z</published>"
            f"<author><name>Reader {key % 97}</name></author>"
            f'<link rel="alternate" href="{BLOG}/2011/03/long.html?showComment={key}#c{key}"/>{related}'
            f'<content type="html">Reply number {key} to the ward plan.</content></entry>'
        )
    comment_feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Comments on {escape(TITLE)}</title>"
        f'<link rel="self" href="{BLOG}/feeds/7/comments/default"/><id>tag:longthreads,1999:blog-1.post-7.comments</id>'
        f"<updated>2011-03-01T09:00:00Z</updated>{''.join(entries)}</feed>"
    )
    return post, comment_feed


def write_corpus(work: Path, comments: int, shape: str, form: str) -> Path:
    folder = work / f"{form}-{shape}-{comments}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    blog = folder / "long-threads"
    blog.mkdir(parents=True, exist_ok=True)
    if form == "wxr":
        (blog / "export.xml").write_text(wxr(comments, shape), encoding="utf-8")
    else:
        post, comment_feed = feed(comments, shape)
        (blog / "feed.xml").write_text(post, encoding="utf-8")
        (blog / "comments.xml").write_text(comment_feed, encoding="utf-8")
    marker.touch()
    return folder


def run(command: list[str], env: dict[str, str]) -> tuple[str, str]:
    """(figures: wall and CPU seconds, peak memory; stdout) of one command in a fresh process."""
    started = time.perf_counter()
    process = subprocess.run(
        ["/usr/bin/time", "-f", "%M %U %S", *command], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {process.stderr[-2000:]}")
    peak_kb, user, system = process.stderr.strip().splitlines()[-1].split()
    cpu = float(user) + float(system)
    return f"{elapsed:5.1f} s ({cpu:5.1f} s CPU) {int(peak_kb) / 1024:4.0f} MB", process.stdout


APP_PROBE = """
import asyncio, json, sys, time
from pathlib import Path
from civicreader.ui.app import CivicReaderApp
from civicreader.ui.reading_pane import ReadingPane

corpus, index_dir, post_id, title = sys.argv[1:5]
LIMIT = 120.0

async def main():
    app = CivicReaderApp(Path(corpus), Path(index_dir))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        reader = app.screen.query_one(ReadingPane)
        started = time.perf_counter()
        app.screen.open_post(post_id, {})
        first = None
        made, changed = 0, started
        while time.perf_counter() - started < LIMIT:
            await asyncio.sleep(0.01)
            titles = reader.query("#post-title")
            if first is None and titles and titles.first().base_text.plain == title:
                first = time.perf_counter() - started
            if len(reader.comment_views) != made:
                made, changed = len(reader.comment_views), time.perf_counter()
            elif first is not None and time.perf_counter() - changed > 1.0:
                break
        print(json.dumps({"first": first, "settled": changed - started, "mounted": made}))

asyncio.run(main())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--steps", default="parse,index,show,app")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicreader-bench-threads")
    args = parser.parse_args()
    steps = args.steps.split(",")
    executable = str(Path(sys.executable).with_name("civicreader"))
    print(f"{args.comments} comments a thread (load average {os.getloadavg()[0]:.1f}):")
    for form in args.formats.split(","):
        for shape in args.shapes.split(","):
            corpus = write_corpus(args.work, args.comments, shape, form)
            index_dir = args.work / f"{corpus.name}-index"
            env = dict(os.environ, XDG_CACHE_HOME=str(args.work / "cache"), XDG_CONFIG_HOME=str(args.work / "config"))
            where = ["--corpus", str(corpus), "--index", str(index_dir)]
            figures = []
            label = f"  {form:<5} {shape:<6}"
            if "parse" in steps:
                figures, parsed = run([executable, "parse", str(corpus / "long-threads"), "--json"], env)
                if len(_all_comments(json.loads(parsed)[0]["comments"])) != args.comments:
                    raise SystemExit(f"{form} {shape}: parse lost comments")
                print(f"{label} parse        {figures}", flush=True)
            if "index" in steps or "show" in steps or "app" in steps:
                if "index" in steps:
                    subprocess.run(["rm", "-rf", str(index_dir)], check=True)
                figures, _ = run([executable, "index", *where], env)
                if "index" in steps:
                    print(f"{label} index        {figures}", flush=True)
            post_id = ""
            if "show" in steps or "app" in steps:
                _, found = run([executable, "search", f'"{TITLE}"', "--json", *where], env)
                post_id = json.loads(found)["hits"][0]["id"]
            if "show" in steps:
                figures, shown = run([executable, "show", post_id, "--json", *where], env)
                if len(_all_comments(json.loads(shown)["comments"])) != args.comments:
                    raise SystemExit(f"{form} {shape}: show lost comments")
                print(f"{label} show --json  {figures}", flush=True)
                figures, _ = run([executable, "show", post_id, *where], env)
                print(f"{label} show         {figures}", flush=True)
            if "app" in steps:
                figures, probed = run(
                    [sys.executable, "-c", APP_PROBE, str(corpus), str(index_dir), post_id, TITLE], env
                )
                opened = json.loads(probed)
                first = "never" if opened["first"] is None else f"{opened['first']:4.2f} s"
                print(
                    f"{label} app          first frame {first}, {opened['mounted']} comments mounted by"
                    f" {opened['settled']:5.1f} s (the rest as the reader scrolls); process {figures}",
                    flush=True,
                )


def _all_comments(comments: list[dict]) -> list[dict]:
    found, stack = [], list(comments)
    while stack:
        comment = stack.pop()
        found.append(comment)
        stack.extend(comment["replies"])
    return found


if __name__ == "__main__":
    main()
