"""Render posts into the page shapes scrapers produce, for property tests of the text reader.

Each renderer writes a page the way the theme family lays it out (see issue #3 and the seeds);
the tests then check the reader gets the same post back.
"""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import strategies as st

from civicreader.model import Comment

NAMES = ["Joe Taylor", "Priya", "Amara Okafor", "sumaddock", "Dr Ruth Ellis", "Tomasz W.", "K. Hughes", "Siân Lloyd"]
WORDS = (
    "council budget volunteers commissioning localism charity trustees ward library housing tenants "
    "co-production £5m outcomes procurement “pilot” ‘partnership’ Whitehall community rota depot "
    "grant funders [bold] (draft) 40% voluntary sector evidence mutual café naïve résumé Ōsaka "
    "social enterprise public services – cuts … 2011/12 minister's report; figures: reform"
).split()
TITLE_WORDS = "Why Local Councils Need Better Volunteers Commissioning Matters Again Cuts Rota The Of A For".split()

words = st.lists(st.sampled_from(WORDS), min_size=10, max_size=40)
paragraph = words.map(lambda ws: ("Then " + " ".join(ws) + ".").replace(" .", "."))
paragraphs = st.lists(paragraph, min_size=1, max_size=5)
title = st.lists(st.sampled_from(TITLE_WORDS), min_size=2, max_size=7).map(lambda ws: "Notes: " + " ".join(ws) + "?")
day = st.dates(min_value=date(2010, 1, 1), max_value=date(2013, 12, 31))
moment = st.datetimes(min_value=datetime(2010, 1, 1), max_value=datetime(2014, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@st.composite
def comment_trees(draw, depth: int = 0, max_depth: int = 3):
    count = draw(st.integers(0, 3 if depth == 0 else 2))
    comments = []
    for _ in range(count):
        replies = draw(comment_trees(depth + 1, max_depth)) if depth + 1 < max_depth else ()
        comments.append(
            Comment(author=draw(st.sampled_from(NAMES)), date=draw(moment), body=tuple(draw(paragraphs)),
                    replies=tuple(replies))
        )
    return tuple(comments)


def _wp_time(when: datetime) -> str:
    hour = when.hour % 12 or 12
    return f"{when:%B} {when.day}, {when.year} at {hour}:{when:%M} {'am' if when.hour < 12 else 'pm'}"


def _short(day_: date) -> str:
    return f"{day_.day} {day_:%b}"


def wordpress_single(post_title, when: date, body, comments) -> str:
    """Title, "24 Dec", body, "N Responses to", numbered comments, "•" replies by indentation, chrome."""
    out = [post_title, "", _short(when), ""]
    for text in body:
        out += [text, ""]
    if comments:
        out += ["", f"{sum(1 for c in comments for _ in c.walk())} Responses to “{post_title}”", ""]
        for number, comment in enumerate(comments, 1):
            for depth, node in comment.walk():
                pad = "  " + "  " * depth
                marker = f"{number}." if depth == 0 else "•"
                out += [f"{pad}{marker} {node.author} {_wp_time(node.date)} #", ""]
                for text in node.body:
                    out += [f"{pad}  {text}", ""]
    out += ["Leave a Reply", "", "Fill in your details below or click an icon to log in: Logo", "",
            "Connecting to %s", "", "%d bloggers like this:"]
    return "\n".join(out)


def wordpress_archive(posts, month_header: date | None) -> str:
    """An archive page: several posts, newest first, title then short date, with links between."""
    out = [f"Archive | {month_header:%B}, {month_header.year}", ""] if month_header else []
    for post_title, when, body in posts:
        out += [post_title, "", _short(when), ""]
        for text in body:
            out += [text, ""]
        out += ["Leave a comment", ""]
    return "\n".join(out)


def blogger_page(post_title, when: date, body, comments, author: str, labels) -> str:
    """Blogger: date header with the year, title, body, "Posted by", labels, "Name said..." comments."""
    out = [f"{when:%A}, {when.day} {when:%B} {when.year}", "", post_title, ""]
    for text in body:
        out += [text, ""]
    out += [f"Posted by {author} at 21:14", ""]
    if labels:
        out += ["Labels: " + ", ".join(labels), ""]
    count = sum(1 for c in comments for _ in c.walk())
    out += [f"{count} comments:" if count else "No comments:", ""]
    for comment in comments:
        for depth, node in comment.walk():
            pad = "    " * depth
            out += [f"{pad}{node.author} said...", ""]
            for text in node.body:
                out += [f"{pad}{text}", ""]
            out += [f"{pad}{node.date.day} {node.date:%B} {node.date.year} at {node.date:%H:%M}", ""]
    out += ["Post a Comment", "", "Newer Post Older Post Home", "", "Subscribe to: Post Comments (Atom)"]
    return "\n".join(out)


def posted_on_theme(post_title, when: date, body, comments, author: str, categories, tags) -> str:
    """"Posted on ... by ...", "This entry was posted in", navigation, "Name says:" comments nested by indent."""
    out = ["Skip to content", "", "Home", "About", "", post_title, "",
           f"Posted on {when:%B} {when.day}, {when.year} by {author}", ""]
    for text in body:
        out += [text, ""]
    out += ["Share this:", "", "Twitter", "Facebook", "", "Like this:", "", "Like Loading...", ""]
    out += [f"This entry was posted in {', '.join(categories)} and tagged {', '.join(tags)}. Bookmark the permalink.",
            "", "← Older post title here", "Newer post title here →", ""]
    if comments:
        out += [f"{sum(1 for c in comments for _ in c.walk())} thoughts on “{post_title}”", ""]
        for comment in comments:
            for depth, node in comment.walk():
                pad = "    " * depth
                out += [f"{pad}{node.author} says:", f"{pad}{_wp_time(node.date)}", ""]
                for text in node.body:
                    out += [f"{pad}{text}", ""]
                out += [f"{pad}Reply", ""]
    out += ["Leave a Reply", "", "Your email address will not be published. Required fields are marked *", "",
            "Recent Posts", "", "Some other post", "", "Archives", "", "March 2012 (4)", "",
            "Blog at WordPress.com.", "Theme: Twenty Ten."]
    return "\n".join(out)
