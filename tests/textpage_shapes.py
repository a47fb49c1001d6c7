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


def archive_dated_after_text(posts, category_row: str) -> str:
    """A category archive whose theme prints each post's category row and "Posted on" date under its
    text, so a date line stands between one post and the next title."""
    out = ["A Blog", "", "Menu", "", f"Category Archives: {category_row.split(', ')[-1]}", ""]
    for post_title, when, body in posts:
        out += [post_title, ""]
        for text in body:
            out += [text, ""]
        out += [category_row, f"Posted on {when:%B} {when.day}, {when.year}", ""]
    out += ["Post navigation", "", "Older posts", "", "Recent Posts", "", "  • Some other post"]
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


# --- any theme, any language: a browser's copy of a page with a list-shaped comment thread -------------

LANGUAGES = {
    # month names, how a date and time are joined, the comment count, the reply action, the "says" word
    "en": (["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December"], "{month} {day}, {year} at {time}", "{n} Comments", "Reply", "says:"),
    "de": (["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
            "November", "Dezember"], "{day}. {month} {year} um {time}", "{n} Kommentare", "Antworten", "meint"),
    "fr": (["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
            "novembre", "décembre"], "{day} {month} {year} à {time}", "{n} commentaires", "Répondre", "dit :"),
    "it": (["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
            "ottobre", "novembre", "dicembre"], "{day} {month} {year} alle {time}", "Commenti ({n})", "Rispondi",
           "ha detto:"),
    "da": (["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
            "november", "december"], "{day}. {month} {year} kl. {time}", "{n} kommentarer", "Svar", "skrev:"),
    "pt": (["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
            "novembro", "dezembro"], "{day} de {month} de {year} às {time}", "{n} comentários", "Responder",
           "disse:"),
}
THREAD_NAMES = ["Joe Taylor", "Priya", "Amara Okafor", "sumaddock", "Ruth Ellis", "Tomasz W", "Siân Lloyd",
                "Kofi Mensah", "Lena Berg", "Marco", "Aiko Tanaka", "Björn", "Chloé Martin", "Dev Patel"]


@st.composite
def named_threads(draw, max_depth: int = 3):
    """A comment tree whose commenters are all different people (a theme word around names is
    learnt by comparing names, so a thread where everyone is one person cannot show it)."""
    names = iter(draw(st.permutations(THREAD_NAMES)))

    def level(depth: int):
        # two comments at least: with one, its "Reply" line cannot be told from a one-word sign-off
        count = draw(st.integers(2 if depth == 0 else 0, 3 if depth == 0 else 2))
        comments = []
        for _ in range(count):
            try:
                author = next(names)
            except StopIteration:
                break
            replies = level(depth + 1) if depth + 1 < max_depth else ()
            comments.append(Comment(author, draw(moment), tuple(draw(paragraphs)), tuple(replies)))
        return tuple(comments)

    return level(0)


def _date_only(language: str, when: date) -> str:
    """The post's day as the language writes it, without the time: "3. März 2011", "3 de março de 2011"."""
    months, form, *_ = LANGUAGES[language]
    day_form = form[: form.index("{year}") + len("{year}")]
    return day_form.format(month=months[when.month - 1], day=when.day, year=when.year)


def stamp(language: str, when: datetime) -> str:
    months, form, *_ = LANGUAGES[language]
    return form.format(month=months[when.month - 1], day=when.day, year=when.year, time=f"{when:%H:%M}")


BULLETS = ("•", "□", "☆", "○")


def list_thread_page(post_title, when: date, body, comments, language: str, header: str, indent: bool,
                     says: bool, action: bool) -> str:
    """A browser's copy of a post in `language`: a menu, the title, its date, the text, share buttons,
    a comment count, the thread as list items (header `one` line "Name date", `two` lines "Name" /
    "date", `date_first` "date" / "Name", or `after` the date under the text), replies indented or
    (indent=False) every item at one level, and the comment form and footer."""
    _, _, count_form, reply_word, says_word = LANGUAGES[language]
    out = ["  • Home", "  • Blog", "  • About", "", post_title, "", _date_only(language, when), ""]
    for text in body:
        out += [text, ""]
    out += ["  • Facebook", "  • Twitter", "", count_form.format(n=sum(1 for c in comments for _ in c.walk())), ""]
    number = 0
    for comment in comments:
        for depth, node in comment.walk():
            level = depth if indent else 0
            pad = "    " * level
            if level == 0:
                number += 1
                marker = f"{number:>2}."
            else:
                marker = BULLETS[(level - 1) % len(BULLETS)]
            shown = stamp(language, node.date)
            name = f"{node.author} {says_word}" if says else node.author
            inner = pad + "    "
            if header == "one":
                out += [f"{pad}{marker} {name} {shown}", ""]
            elif header == "two":
                out += [f"{pad}{marker}", f"{inner}{name}", f"{inner}{shown}", ""]
            elif header == "date_first":
                out += [f"{pad}{marker}", f"{inner}{shown}", f"{inner}{name}", ""]
            else:
                out += [f"{pad}{marker} {name}", ""]
            for text in node.body:
                out += [f"{inner}{text}", ""]
            if header == "after":
                out += [f"{inner}{shown} {reply_word}" if action else f"{inner}{shown}", ""]
            elif action:
                out += [f"{inner}{reply_word}", ""]
    out += ["Leave a comment", "", "Name *", "", "Email *", "", "Website", "", "© 2013 A Blog", ""]
    return "\n".join(out)
