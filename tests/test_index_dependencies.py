"""A Markdown post's comments live in other files: the index follows them as it follows the post.

Staticman keeps them in `_data/comments/<slug>/*.yml`, webmention archives beside the post, and
old WordPress imports in a comment-section file linked from the post. Adding, editing or removing
one must reach `get()` and `search()` on the next update, with no change to the post's own file.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from civicreader.index import Library
from civicreader.ingest import read_paths
from tests.conftest import SAMPLE_CORPUS


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def later(path: Path) -> None:
    """Move a file's time on, as an edit a moment later would: same-second edits must not hide."""
    stamp = time.time_ns() + 3_000_000_000
    os.utime(path, ns=(stamp, stamp))


def staticman_comment(site: Path, slug: str, name: str, author: str, when: str, message: str) -> Path:
    return write(
        site / "_data" / "comments" / slug / name,
        f"_id: {name}\nname: {author}\ndate: '{when}'\nmessage: >-\n  {message}\n",
    )


def open_and_update(corpus: Path, index: Path) -> Library:
    library = Library(corpus, index)
    library.update()
    return library


def only_post(library: Library, title: str):
    results = library.search(f'title:"{title}"')
    assert results.total == 1
    return library.get(results.hits[0].id)


def comment_texts(post) -> list[str]:
    return [" ".join(comment.body) for _, comment in post.walk_comments()]


@pytest.fixture
def jekyll(tmp_path):
    """A Jekyll site inside the corpus: one post with a Staticman comment, one without any."""
    site = tmp_path / "corpus" / "parish-news"
    write(
        site / "_posts" / "2012-03-06-the-lunch-club-moves.md",
        "---\ntitle: The lunch club moves\ndate: 2012-03-06\n---\n\n"
        "From April the lunch club meets in the scout hut on Pell Lane.\n",
    )
    write(
        site / "_posts" / "2012-05-14-allotment-waiting-list.md",
        "---\ntitle: Allotment waiting list\ndate: 2012-05-14\n---\n\n"
        "Forty names are on the allotment list and the council has found no new land.\n",
    )
    staticman_comment(site, "the-lunch-club-moves", "comment-1.yml", "Doreen Platt", "2012-03-07 09:15",
                      "Is there a ramp at the scout hut?")
    return site


def test_a_new_staticman_comment_reaches_the_post_and_search(jekyll, tmp_path):
    library = open_and_update(tmp_path / "corpus", tmp_path / "index")
    assert comment_texts(only_post(library, "The lunch club moves")) == ["Is there a ramp at the scout hut?"]

    staticman_comment(jekyll, "the-lunch-club-moves", "comment-2.yml", "Ray Oduya", "2012-03-08 18:40",
                      "The ramp went in last summer, and there is a hearing loop.")
    assert library.is_stale()
    report = library.update()
    post = only_post(library, "The lunch club moves")
    assert comment_texts(post) == ["Is there a ramp at the scout hut?",
                                   "The ramp went in last summer, and there is a hearing loop."]
    assert report.posts_written == 1
    hits = library.search("hearing loop").hits
    assert [(hit.id, hit.matched_in, hit.commenter) for hit in hits] == [(post.id, "comment", "Ray Oduya")]
    assert not library.is_stale()


def test_an_edited_then_removed_staticman_comment_is_followed(jekyll, tmp_path):
    library = open_and_update(tmp_path / "corpus", tmp_path / "index")
    comment = staticman_comment(jekyll, "the-lunch-club-moves", "comment-1.yml", "Doreen Platt",
                                "2012-03-07 09:15", "Is there a ramp, and is the hut heated?")
    later(comment)
    assert library.is_stale()
    library.update()
    assert comment_texts(only_post(library, "The lunch club moves")) == ["Is there a ramp, and is the hut heated?"]
    assert library.search("heated").total == 1

    comment.unlink()
    assert library.is_stale()
    library.update()
    assert only_post(library, "The lunch club moves").comments == ()
    assert library.search("heated").total == 0


def test_the_first_comment_of_a_post_creates_its_folder_and_still_counts(jekyll, tmp_path):
    library = open_and_update(tmp_path / "corpus", tmp_path / "index")
    staticman_comment(jekyll, "allotment-waiting-list", "comment-9.yml", "Gus Fennel", "2012-05-15 07:02",
                      "The church has a field behind the vicarage going spare.")
    library.update()
    assert comment_texts(only_post(library, "Allotment waiting list")) == [
        "The church has a field behind the vicarage going spare."
    ]
    assert library.search("vicarage").total == 1


def test_comments_outside_the_corpus_folder_are_followed_too(jekyll, tmp_path):
    """The corpus may be the `_posts` folder alone: its comments sit above it, in `_data`."""
    library = open_and_update(jekyll / "_posts", tmp_path / "index")
    staticman_comment(jekyll, "the-lunch-club-moves", "comment-3.yml", "Ines Barr", "2012-03-09 12:00",
                      "Minibus pick-ups stay the same, I hope.")
    assert library.is_stale()
    library.update()
    assert library.search("minibus").total == 1


def test_a_touched_comment_file_is_checked_but_the_post_not_rewritten(jekyll, tmp_path):
    library = open_and_update(tmp_path / "corpus", tmp_path / "index")
    later(jekyll / "_data" / "comments" / "the-lunch-club-moves" / "comment-1.yml")
    report = library.update()
    assert report.posts_written == 0
    assert not library.is_stale()


def test_a_new_post_beside_others_does_not_make_them_read_again(jekyll, tmp_path):
    library = open_and_update(tmp_path / "corpus", tmp_path / "index")
    write(
        jekyll / "_posts" / "2012-06-01-summer-fete.md",
        "---\ntitle: Summer fete\ndate: 2012-06-01\n---\n\nThe fete raised enough for a new urn.\n",
    )
    report = library.update()
    assert (report.added, report.changed) == (1, 0)


def test_staticman_comment_files_are_neither_posts_nor_bad_files(jekyll):
    pages, problems = read_paths([jekyll])
    assert problems == []
    comment_pages = [page for page in pages if "/_data/comments/" in page.path]
    assert len(comment_pages) == 1
    assert comment_pages[0].posts == ()
    assert comment_pages[0].notes == ()
    assert sum(len(page.posts) for page in pages) == 2


def test_an_empty_staticman_comment_is_no_comment_not_a_bad_file(jekyll, tmp_path):
    write(jekyll / "_data" / "comments" / "the-lunch-club-moves" / "comment-0.yml", "")
    pages, problems = read_paths([jekyll])
    assert problems == []
    [post] = [post for page in pages for post in page.posts if post.title == "The lunch club moves"]
    assert comment_texts(post) == ["Is there a ramp at the scout hut?"]


def test_a_comment_file_that_is_not_yaml_is_named_in_its_posts_notes(jekyll, tmp_path):
    write(jekyll / "_data" / "comments" / "the-lunch-club-moves" / "comment-5.yml", "name: [unclosed\nmessage: hi\n")
    pages, problems = read_paths([jekyll])
    assert problems == []
    [page] = [page for page in pages if page.posts and page.posts[0].title == "The lunch club moves"]
    assert page.notes == ("left out 1 comment file: not valid YAML",)
    assert comment_texts(page.posts[0]) == ["Is there a ramp at the scout hut?"]


@pytest.fixture
def webmentions(tmp_path):
    """Posts in folders of their own with their comments beside them (as petermolnar.net keeps them)."""
    article = tmp_path / "corpus" / "notes" / "article" / "bus-pass-renewals"
    write(
        article / "index.md",
        "---\ntitle: Bus pass renewals\npublished: '2013-02-11T10:00:00+00:00'\n---\n\n"
        "Renewals now go through the library, not the town hall.\n",
    )
    return article


def sibling_comment(folder: Path, name: str, author: str, text: str, target: str = "bus-pass-renewals") -> Path:
    return write(
        folder / name,
        f"---\nauthor:\n  name: {author}\ndate: '2013-02-12T08:30:00+00:00'\n"
        f"source: https://social.example/{name}\ntarget: https://notes.example/article/{target}/\n"
        f"type: reply\n---\n\n{text}\n",
    )


def test_sibling_comment_files_are_followed_when_added_edited_and_removed(webmentions, tmp_path):
    library = open_and_update(tmp_path / "corpus", tmp_path / "index")
    assert only_post(library, "Bus pass renewals").comments == ()

    reply = sibling_comment(webmentions, "1360657800-reply.md", "Tess Varga", "The library opens late on Thursdays.")
    assert library.is_stale()
    library.update()
    assert comment_texts(only_post(library, "Bus pass renewals")) == ["The library opens late on Thursdays."]
    assert library.search("thursdays").total == 1

    sibling_comment(webmentions, "1360657800-reply.md", "Tess Varga", "The library opens late on Wednesdays.")
    later(reply)
    library.update()
    assert comment_texts(only_post(library, "Bus pass renewals")) == ["The library opens late on Wednesdays."]
    assert library.search("thursdays").total == 0

    reply.unlink()
    library.update()
    assert only_post(library, "Bus pass renewals").comments == ()
    assert library.search("wednesdays").total == 0


def test_a_comment_for_another_post_leaves_this_one_alone(tmp_path):
    folder = tmp_path / "corpus" / "notes" / "posts"
    for slug, title in (("ward-surgery", "Ward surgery"), ("bin-rounds", "Bin rounds")):
        write(folder / f"{slug}.md", f"---\ntitle: {title}\ndate: 2013-03-01\n---\n\nText about {slug}.\n")
    library = open_and_update(tmp_path / "corpus", tmp_path / "index")
    sibling_comment(folder, "reply-7.md", "Omar Lisle", "Collections moved to Tuesday here.", target="bin-rounds")
    report = library.update()
    assert report.posts_written == 1
    assert comment_texts(only_post(library, "Bin rounds")) == ["Collections moved to Tuesday here."]
    assert only_post(library, "Ward surgery").comments == ()


def test_a_comment_section_file_appearing_later_is_read_with_its_post(tmp_path):
    site = tmp_path / "corpus" / "old-blog"
    write(
        site / "_posts" / "2010-09-20-why-we-fund-advice.markdown",
        "---\ntitle: Why we fund advice\ndate: 2010-09-20\n---\n\n"
        "Advice saves the council money later.\n\n[1 Comment](/comments/why-advice.html)\n",
    )
    library = open_and_update(tmp_path / "corpus", tmp_path / "index")
    assert only_post(library, "Why we fund advice").comments == ()
    write(
        site / "comments" / "why-advice.markdown",
        "---\ntitle: Comments\n---\n\n**1 Response to “Why we fund advice”**\n\n"
        "1.  Hal Brennan on September 21st, 2010 8:05 am\n\n    Debt advice especially pays for itself.\n",
    )
    library.update()
    assert comment_texts(only_post(library, "Why we fund advice")) == ["Debt advice especially pays for itself."]


def test_the_sample_jekyll_site_keeps_its_comments_through_updates(tmp_path):
    site = tmp_path / "corpus" / "wheels-and-wards"
    shutil.copytree(SAMPLE_CORPUS / "wheels-and-wards" / "jekyll-site", site / "jekyll-site")
    library = open_and_update(tmp_path / "corpus", tmp_path / "index")
    post = only_post(library, "Ten thousand journeys")
    before = post.comment_count
    assert before > 0
    folder = site / "jekyll-site" / "_data" / "comments" / "ten-thousand-journeys"
    staticman_comment(site / "jekyll-site", "ten-thousand-journeys", "comment-1999999999999.yml", "Nell Quarry",
                      "2013-05-20 10:00", "Our day centre would sign up for the evening runs.")
    library.update()
    assert only_post(library, "Ten thousand journeys").comment_count == before + 1
    (folder / "comment-1999999999999.yml").unlink()
    library.update()
    assert only_post(library, "Ten thousand journeys") == post
