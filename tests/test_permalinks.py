"""A post's permalink (`Post.url`): kept from every format that gives one, through merging and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from civicreader.cli import main
from civicreader.dedupe import merge_pages
from civicreader.export import export_post
from civicreader.ingest import read_file, read_paths
from civicreader.ingest.shared import permalink
from civicreader.model import Post
from tests.conftest import SAMPLE_CORPUS
from tests.ingest_strategies import read_page

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Quay Notes</title><link>https://quay.example.org</link>
<item><title>Tide tables</title><link>https://quay.example.org/2012/05/tide-tables/</link>
<dc:creator>harbourmaster</dc:creator><content:encoded><![CDATA[<p>High water at six.</p>]]></content:encoded>
<wp:post_date>2012-05-03 09:00:00</wp:post_date><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
</item>
<item><title>No address</title><link>javascript:alert(1)</link>
<content:encoded><![CDATA[<p>Text.</p>]]></content:encoded>
<wp:post_date>2012-05-04 09:00:00</wp:post_date><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
</item>
</channel></rss>
"""

RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Quay Notes</title><link>https://quay.example.org</link>
<item><title>Slipway repairs</title><link>https://quay.example.org/2012/06/slipway/</link>
<pubDate>Tue, 05 Jun 2012 10:00:00 +0000</pubDate><description>The slipway reopens in July.</description></item>
</channel></rss>
"""

BLOGGER = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom'><title>Quay Notes</title>
<entry><id>tag:blogger.com,1999:blog-1.post-11</id><published>2012-07-01T10:00:00Z</published>
<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#post'/>
<title type='text'>Regatta day</title><content type='html'>Forty boats came.</content>
<link rel='replies' type='application/atom+xml' href='https://quay.blogspot.com/feeds/11/comments/default'/>
<link rel='alternate' type='text/html' href='https://quay.blogspot.com/2012/07/regatta-day.html'/>
<author><name>Dora Quayle</name></author></entry>
</feed>
"""

HTML = """<!DOCTYPE html>
<html><head><title>Crane hire | Quay Notes</title>
<link rel="canonical" href="https://quay.example.org/2012/08/crane-hire/" />
<meta property="og:url" content="https://quay.example.org/?p=99" /></head>
<body><div class="post hentry"><h2 class="entry-title">Crane hire</h2>
<abbr class="published" title="2012-08-02T09:00:00">2 August 2012</abbr>
<div class="entry-content"><p>The crane costs more than the boat.</p></div></div></body></html>
"""

OG_ONLY = HTML.replace('<link rel="canonical" href="https://quay.example.org/2012/08/crane-hire/" />', "")


def read_one(tmp_path: Path, name: str, text: str) -> list[Post]:
    folder = tmp_path / "quay"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return list(read_page(path).posts)


def test_wxr_keeps_the_item_link_and_refuses_what_is_not_a_web_address(tmp_path):
    posts = read_one(tmp_path, "quay.wxr.xml", WXR)
    assert [post.url for post in posts] == ["https://quay.example.org/2012/05/tide-tables/", ""]


def test_feed_keeps_the_item_link(tmp_path):
    (post,) = read_one(tmp_path, "feed.rss", RSS)
    assert post.url == "https://quay.example.org/2012/06/slipway/"


def test_blogger_keeps_the_alternate_link_not_the_comment_feed(tmp_path):
    (post,) = read_one(tmp_path, "backup.xml", BLOGGER)
    assert post.url == "https://quay.blogspot.com/2012/07/regatta-day.html"


def test_saved_page_keeps_its_canonical_link_before_open_graph(tmp_path):
    (post,) = read_one(tmp_path, "crane.html", HTML)
    assert post.url == "https://quay.example.org/2012/08/crane-hire/"
    (post,) = read_one(tmp_path, "crane-og.html", OG_ONLY)
    assert post.url == "https://quay.example.org/?p=99"


def test_merging_keeps_the_one_address_any_page_gave():
    """The sample's mileage-rate post is read from two text pages and a saved page; only the page has a link."""
    pages, problems = read_paths([SAMPLE_CORPUS / "wheels-and-wards"])
    assert not problems
    (post,) = [post for post in merge_pages(pages) if post.title == "Volunteer drivers and the mileage rate"]
    assert len(post.sources) >= 2
    assert post.url == "http://wheelsandwards.example.org.uk/2012/06/volunteer-drivers-and-the-mileage-rate/"


def test_parse_json_carries_the_url():
    result = CliRunner().invoke(main, ["parse", "--json", str(SAMPLE_CORPUS / "commissioning-desk" / "export.wxr.xml")])
    assert result.exit_code == 0, result.output
    urls = {post["title"]: post["url"] for post in json.loads(result.stdout)}
    assert urls["Budget night at the town hall"] == (
        "https://commissioningdesk.wordpress.com/2011/02/17/budget-night-at-the-town-hall/"
    )


def test_url_survives_the_round_trip_through_a_dict():
    post = Post(id="x", blog="b", title="t", date=None, body=("p",), url="https://example.org/t/")
    assert Post.from_dict(post.to_dict()) == post
    assert Post.from_dict({"id": "x"}).url == ""


@given(st.text())
def test_permalink_is_an_http_address_on_one_line_or_nothing(text):
    found = permalink(text)
    assert found == "" or (found.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in found))


def test_markdown_front_matter_url_or_permalink_is_kept_and_exported(tmp_path):
    posts = tmp_path / "quay" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2012-09-01-buoys.md").write_text(
        "---\ntitle: Buoys\nurl: https://quay.example.org/2012/09/buoys/\n---\n\nTwelve new buoys.\n", encoding="utf-8"
    )
    (posts / "2012-09-02-nets.md").write_text(
        "---\ntitle: Nets\npermalink: https://quay.example.org/nets/\n---\n\nNets dry on the wall.\n", encoding="utf-8"
    )
    (posts / "2012-09-03-ropes.md").write_text(
        "---\ntitle: Ropes\npermalink: /2012/09/ropes/\n---\n\nRopes are coiled.\n", encoding="utf-8"
    )
    pages, problems = read_paths([tmp_path / "quay"])
    assert not problems
    urls = {post.title: post.url for page in pages for post in page.posts}
    assert urls == {
        "Buoys": "https://quay.example.org/2012/09/buoys/",
        "Nets": "https://quay.example.org/nets/",
        "Ropes": "",  # a path without its site is not an address a reader can follow
    }

    (buoys,) = [post for page in pages for post in page.posts if post.title == "Buoys"]
    exported = export_post(buoys, tmp_path / "out", force=True)
    assert "\nurl: https://quay.example.org/2012/09/buoys/\n" in exported.read_text(encoding="utf-8")
    (again,) = read_file(exported, tmp_path / "out").posts
    assert again.url == buoys.url
