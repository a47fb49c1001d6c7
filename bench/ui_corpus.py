"""A synthetic corpus for the UI benches: N posts as WordPress exports, deterministic, built once.

The words are invented here (never copied from the seeds); the shape is what matters: four
blogs, 2010-2013, a few paragraphs a post, some threaded comments, a few categories.
"""

from __future__ import annotations

import random
from pathlib import Path
from xml.sax.saxutils import escape

BLOGS = ("parish-pump", "ward-notes", "the-grants-desk", "volunteer-voice")
CATEGORIES = ("Local democracy", "Funding", "Volunteering", "Housing", "Health", "Libraries", "Youth")
WORDS = (
    "council budget volunteers commissioning localism charity trustees ward library housing tenants "
    "outcomes procurement pilot partnership community rota depot grant funders voluntary sector evidence "
    "mutual social enterprise public services cuts reform minister report figures meeting agenda minutes "
    "consultation allotment hedgerow kingfisher precept scrutiny committee officer contract tender bid "
    "capacity infrastructure advocacy campaign petition residents estate regeneration youth club centre "
    "hall rent lease asset transfer bank holiday spreadsheet deadline monitoring impact measure quarter"
).split()
POSTS_PER_FILE = 250
SYLLABLES = (
    "ba be bi bo da de di do fa fe fi ga go ka ke ko la le li lo ma me mi mo na ne ni no ra re ri ro sa se".split()
)


def vocabulary(seed: int = 1) -> tuple[list[str], list[float]]:
    """The civic words among 6,000 invented ones, used with Zipf frequencies as real prose is."""
    rng = random.Random(seed)
    invented = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(8000)}
    words = sorted(invented - set(WORDS))[:6000] + list(WORDS)
    rng.shuffle(words)
    return words, [1.0 / (rank + 10) for rank in range(len(words))]


VOCABULARY, FREQUENCIES = vocabulary()


def sentence(rng: random.Random) -> str:
    words = rng.choices(VOCABULARY, FREQUENCIES, k=rng.randint(8, 20))
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def item(rng: random.Random, number: int) -> str:
    year = 2010 + number % 4
    month = 1 + (number // 4) % 12
    day = 1 + (number // 48) % 28
    title = f"{' '.join(rng.choices(VOCABULARY, FREQUENCIES, k=rng.randint(3, 7))).capitalize()} {number}"
    body = "".join(f"<p>{paragraph(rng)}</p>" for _ in range(rng.randint(2, 6)))
    comments = []
    for key in range(1, rng.choice((0, 0, 1, 3, 6)) + 1):
        parent = rng.randint(0, key - 1) if key > 1 else 0
        comments.append(
            f"<wp:comment><wp:comment_id>{key}</wp:comment_id><wp:comment_author>Reader {rng.randint(1, 400)}"
            f"</wp:comment_author><wp:comment_date>{year}-{month:02d}-{day:02d} 12:{key:02d}:00</wp:comment_date>"
            f"<wp:comment_content>{escape(paragraph(rng))}</wp:comment_content>"
            f"<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>"
            "</wp:comment>"
        )
    category = rng.choice(CATEGORIES)
    return (
        f"<item><title>{escape(title)}</title><dc:creator>Author {number % 9}</dc:creator>"
        f"<content:encoded>{escape(body)}</content:encoded>"
        f"<wp:post_date>{year}-{month:02d}-{day:02d} 09:00:00</wp:post_date><wp:post_type>post</wp:post_type>"
        f'<wp:status>publish</wp:status><category domain="category">{category}</category>{"".join(comments)}</item>'
    )


def write_corpus(folder: Path, posts: int, seed: int = 2010) -> Path:
    """Write (once) `posts` posts under `folder`, spread over the blogs; return the folder."""
    marker = folder / f".complete-{posts}-zipf"
    if marker.exists():
        return folder
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, posts, POSTS_PER_FILE):
        blog = BLOGS[(start // POSTS_PER_FILE) % len(BLOGS)]
        items = "".join(item(rng, number) for number in range(start, min(posts, start + POSTS_PER_FILE)))
        (folder / blog).mkdir(exist_ok=True)
        (folder / blog / f"export-{start:06d}.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            f'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>{blog}</title>{items}</channel></rss>',
            encoding="utf-8",
        )
    marker.touch()
    return folder


def indexed_corpus(work: Path, posts: int) -> tuple[Path, Path]:
    """(corpus, index folder) for `posts` posts under `work`, building whatever is missing."""
    from civicreader.index import Library

    corpus = write_corpus(work / f"corpus-{posts}", posts)
    index_dir = work / f"index-{posts}"
    library = Library(corpus, index_dir)
    if not library.exists() or library.is_stale():
        print(f"indexing {posts:,} posts into {index_dir} (once)…", flush=True)
        report = library.update()
        print(f"  {report.posts:,} posts in {report.seconds:.1f} s", flush=True)
    library.close()
    return corpus, index_dir
