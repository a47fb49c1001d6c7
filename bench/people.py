"""People at scale: `civicreader people` and the app's People branch on 20,000 posts with 200,000 comments.

    .venv/bin/python bench/people.py --posts 20000 --comments-per-post 10

Builds (once, under --work) a WordPress-export corpus of N posts with about ten comments each by a
few thousand commenters, indexes it, then measures, each in a fresh process (imports included):

* people_json_s: `civicreader people --json` to the end of its output (the index already current);
* people_branch_s: the app from start until the People branch is open and its people are on screen;
* person_s: then, choosing the most prolific person, until the first page of what they wrote is listed
  (more comes a page at a time as the cursor or the scroll reaches the end);
* one_changed_file_s: `Library.update()` after one export file changed, people re-counted included,
  and people_sync_s, the part of it the people file took.

Target (issue 18): people_json_s and people_branch_s under 1 s at 20,000 posts and 200,000 comments.
Medians of --runs runs; CPU seconds beside wall seconds, as a busy machine disturbs wall time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_corpus import BLOGS, CATEGORIES, FREQUENCIES, VOCABULARY, paragraph  # noqa: E402

POSTS_PER_FILE = 250
COMMENTERS = 6000


def item(rng: random.Random, number: int, comments_per_post: int) -> str:
    year = 2010 + number % 4
    month = 1 + (number // 4) % 12
    day = 1 + (number // 48) % 28
    title = f"{' '.join(rng.choices(VOCABULARY, FREQUENCIES, k=rng.randint(3, 7))).capitalize()} {number}"
    body = "".join(f"<p>{paragraph(rng)}</p>" for _ in range(rng.randint(2, 4)))
    comments = []
    for key in range(1, rng.randint(0, 2 * comments_per_post) + 1):
        parent = rng.randint(0, key - 1) if key > 1 and rng.random() < 0.5 else 0
        # Commenters by a Zipf-like draw: a few write a great deal, most once or twice.
        who = min(int(rng.paretovariate(1.1)), COMMENTERS)
        comments.append(
            f"<wp:comment><wp:comment_id>{key}</wp:comment_id><wp:comment_author>Reader {who}"
            f"</wp:comment_author><wp:comment_date>{year}-{month:02d}-{day:02d} 12:{key % 60:02d}:00"
            f"</wp:comment_date><wp:comment_content>{escape(rng.choice(VOCABULARY))} {number}</wp:comment_content>"
            f"<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>"
            "</wp:comment>"
        )
    return (
        f"<item><title>{escape(title)}</title><dc:creator>Author {number % 40}</dc:creator>"
        f"<content:encoded>{escape(body)}</content:encoded>"
        f"<wp:post_date>{year}-{month:02d}-{day:02d} 09:00:00</wp:post_date><wp:post_type>post</wp:post_type>"
        f'<wp:status>publish</wp:status><category domain="category">{rng.choice(CATEGORIES)}</category>'
        f"{''.join(comments)}</item>"
    )


def export_file(blog: str, items: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>{blog}</title>{items}</channel></rss>'
    )


def write_corpus(folder: Path, posts: int, comments_per_post: int, seed: int = 18) -> Path:
    marker = folder / f".complete-{posts}-{comments_per_post}"
    if marker.exists():
        return folder
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, posts, POSTS_PER_FILE):
        blog = BLOGS[(start // POSTS_PER_FILE) % len(BLOGS)]
        items = "".join(item(rng, n, comments_per_post) for n in range(start, min(posts, start + POSTS_PER_FILE)))
        (folder / blog).mkdir(exist_ok=True)
        (folder / blog / f"export-{start:06d}.xml").write_text(export_file(blog, items), encoding="utf-8")
    marker.touch()
    return folder


def timed_process(args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, its stdout)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


APP = """
import sys
import time
from pathlib import Path
from civicreader.ui.app import CivicReaderApp
from civicreader.ui.archive_tree import ArchiveTree
from civicreader.ui.people_branches import PeopleBranch, PersonBranch, WritingLeaf

started = time.perf_counter()

class Timed(CivicReaderApp):
    stage = "tree"

    def on_mount(self):
        self.set_interval(0.002, self.check)

    def check(self):
        trees = self.screen.query(ArchiveTree)
        if not trees:
            return
        tree = trees.first()
        if self.stage == "tree":
            people = [node for node in tree.root.children if isinstance(node.data, PeopleBranch)]
            if people:
                self.people = people[0]
                self.people.expand()
                self.stage = "people"
        elif self.stage == "people":
            if any(isinstance(node.data, PersonBranch) for node in self.people.children):
                self.branch = time.perf_counter() - started
                self.count = len(self.people.children)
                self.person = self.people.children[0]
                self.person_started = time.perf_counter()
                self.person.expand()
                self.stage = "person"
        elif self.stage == "person":
            if any(isinstance(node.data, WritingLeaf) for node in self.person.children):
                person = time.perf_counter() - self.person_started
                print(self.branch, person, self.count, len(self.person.children), time.process_time(), flush=True)
                self.stage = "done"
                self.exit()

Timed(Path(sys.argv[1]), Path(sys.argv[2])).run(headless=True, size=(120, 40))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--comments-per-post", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicreader-bench-people")
    options = parser.parse_args()

    from civicreader.index import Library

    corpus = write_corpus(
        options.work / f"corpus-{options.posts}-{options.comments_per_post}", options.posts, options.comments_per_post
    )
    index_dir = options.work / f"index-{options.posts}-{options.comments_per_post}"
    library = Library(corpus, index_dir)
    if not library.exists() or library.is_stale():
        print(f"indexing {options.posts:,} posts into {index_dir} (once)…", flush=True)
        report = library.update()
        print(f"  {report.posts:,} posts in {report.seconds:.1f} s", flush=True)
    people = library.people()
    comments = sum(person.comments for person in people)
    library.close()
    print(f"{options.posts:,} posts, {comments:,} comments, {len(people):,} people", flush=True)

    command = [
        sys.executable,
        "-m",
        "civicreader",
        "people",
        "--json",
        "--corpus",
        str(corpus),
        "--index",
        str(index_dir),
    ]
    cli = [timed_process(command)[:2] for _ in range(options.runs)]
    app = []
    for _ in range(options.runs):
        _, cpu, out = timed_process([sys.executable, "-c", APP, str(corpus), str(index_dir)])
        branch, person, shown, writings, _ = out.split()
        app.append((float(branch), float(person), cpu))

    # One export file changed: a comment's text, so one post is written again and its people re-counted.
    changed = sorted(corpus.rglob("export-*.xml"))[0]
    original = changed.read_text(encoding="utf-8")
    try:
        changed.write_text(
            original.replace("</wp:comment_content>", " again</wp:comment_content>", 1), encoding="utf-8"
        )
        library = Library(corpus, index_dir)
        report = library.update()
        update_s, people_sync_s = report.seconds, report.people_seconds
        library.close()
    finally:
        changed.write_text(original, encoding="utf-8")
        library = Library(corpus, index_dir)
        library.update()
        library.close()

    figures = {
        "posts": options.posts,
        "comments": comments,
        "people": len(people),
        "people_json_s": statistics.median(wall for wall, _ in cli),
        "people_json_cpu_s": statistics.median(cpu for _, cpu in cli),
        "people_branch_s": statistics.median(branch for branch, _, _ in app),
        "people_branch_shown": int(shown),
        "person_s": statistics.median(person for _, person, _ in app),
        "person_writings": int(writings),
        "app_cpu_s": statistics.median(cpu for _, _, cpu in app),
        "one_changed_file_s": update_s,
        "people_sync_s": people_sync_s,
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
