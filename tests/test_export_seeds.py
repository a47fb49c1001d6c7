"""Export the post two scraped pages share (seeds 000 and 003): merged metadata, thread, no page chrome."""

from __future__ import annotations

from datetime import date

from civicreader.dedupe import merge_pages
from civicreader.export import export_post
from civicreader.ingest import read_file, read_paths
from tests.conftest import SEEDS, needs_shared

# Words of the WordPress page around a post, never of a post itself.
PAGE_CHROME = ("Leave a Reply", "Fill in your details", "bloggers like this", "RSS feed", "Log Out", "Connecting to")


@needs_shared(SEEDS)
def test_merged_post_of_seeds_000_and_003_exports_whole_and_clean(tmp_path):
    single = sorted(SEEDS.glob("000_*.txt"))
    archive = sorted(SEEDS.glob("003_*.txt"))
    pages, problems = read_paths(single + archive)
    assert problems == []
    shared = [post for post in merge_pages(pages) if len(post.sources) == 2]
    assert len(shared) == 1
    post = shared[0]

    path = export_post(post, tmp_path)
    assert path.name.startswith("2010-12-24-")
    text = path.read_text(encoding="utf-8")
    assert not [phrase for phrase in PAGE_CHROME if phrase in text]

    back = read_file(path, tmp_path).posts[0]
    assert back == post
    assert back.date == date(2010, 12, 24)
    assert back.date_inferred and back.date_note  # the page shows no year: the file says how it was found
    archive_category = {c for page in pages if page.path == str(archive[0]) for p in page.posts for c in p.categories}
    assert archive_category and set(back.categories) == archive_category
    assert back.body and back.body == post.body
    [parent] = back.comments
    [reply] = parent.replies
    assert (parent.date, reply.date) == (post.comments[0].date, post.comments[0].replies[0].date)
    assert parent.date < reply.date
    assert reply.author == post.comments[0].replies[0].author
