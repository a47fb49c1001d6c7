"""The text reader on themes and languages it has no rules for: structure found from the page itself.

Pages are rendered by tests/textpage_shapes.py from posts we make up; every field must read back.
"""

from __future__ import annotations

import contextlib
import time
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.dedupe import merge_pages
from civicreader.ingest import IngestError
from civicreader.ingest.textpage import parse_text
from civicreader.model import Comment
from tests import textpage_shapes as shapes

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def tree(comments, flat: bool = False):
    if flat:
        return [(c.author, c.date, c.body, []) for comment in comments for _, c in comment.walk()]
    return [(c.author, c.date, c.body, tree(c.replies)) for c in comments]


def read_one(text: str):
    [post] = merge_pages([parse_text(text, "blog", "page.txt")])
    return post


@PROPERTY
@given(shapes.title, shapes.day, shapes.paragraphs, shapes.named_threads(),
       st.sampled_from(sorted(shapes.LANGUAGES)), st.sampled_from(["one", "two", "date_first", "after"]),
       st.booleans(), st.booleans(), st.booleans())
def test_list_thread_in_any_language_and_header_shape_reads_back(title, day, body, comments, language, header,
                                                                  indent, says, action):
    text = shapes.list_thread_page(title, day, body, comments, language, header, indent, says, action)
    post = read_one(text)
    assert post.title == title
    assert post.date == day
    assert post.body == tuple(body)
    # without indentation a page shows no nesting: the thread reads flat, in page order, no parent invented
    assert tree(post.comments) == tree(comments, flat=not indent)


def _german_page(comment_body: tuple[str, ...]) -> str:
    comments = (
        Comment("Ruth Ellis", datetime(2012, 5, 3, 9, 15), comment_body),
        Comment("Kofi Mensah", datetime(2012, 5, 4, 18, 40), ("Then the rota was fixed.",)),
    )
    return shapes.list_thread_page("Notes: Cuts Matter Again?", date(2012, 5, 2),
                                   ["Then the council met about the library and the budget for the year."],
                                   comments, "de", "two", True, True, True)


def test_a_comment_beginning_also_on_is_the_commenters_text_not_disqus_chrome():
    said = ("Also on Tuesday the council voted to close the library.", "Then we wrote to the minister.")
    post = read_one(_german_page(said))
    assert post.comments[0].body == said
    body_first = read_one(_german_page(("Thanks.",)).replace(
        "Then the council met", "Also on Tuesday the council met"))
    assert body_first.body == ("Also on Tuesday the council met about the library and the budget for the year.",)


CHROME_OPENERS = [
    "Also on", "Share this", "Reply", "Leave a reply", "Powered by", "Posted in", "Filed under", "Tags",
    "Categories", "Comments", "Subscribe", "Related posts", "Older posts", "Home", "Menu", "Search",
    "Notify me of", "Your email address will not be published", "Like", "Print", "Email", "Blog at WordPress.com",
    "Copyright", "Theme", "Skip to content", "Continue reading", "Read more", "Antworten", "Svar", "Kommentare",
]
opened = st.tuples(st.sampled_from(CHROME_OPENERS), shapes.words).map(
    lambda pair: (pair[0] + " " + " ".join(pair[1]) + ".").replace(" .", ".")
)


@PROPERTY
@given(shapes.title, shapes.day, st.lists(opened | shapes.paragraph, min_size=1, max_size=4),
       st.lists(opened | shapes.paragraph, min_size=1, max_size=3), st.sampled_from(sorted(shapes.LANGUAGES)))
def test_no_paragraph_of_ours_is_dropped_as_chrome_whatever_its_first_words(title, day, body, said, language):
    comments = (Comment("Ruth Ellis", datetime(2012, 5, 3, 9, 15), tuple(said)),
                Comment("Kofi Mensah", datetime(2012, 5, 4, 18, 40), ("Then the rota was fixed.",)))
    post = read_one(shapes.list_thread_page(title, day, body, comments, language, "two", True, False, True))
    assert post.body == tuple(body)
    assert tree(post.comments) == tree(comments)


def test_nesting_comes_from_indentation_and_no_parent_is_invented():
    reply = Comment("Priya", datetime(2011, 3, 5, 11, 0), ("Then the rota.",))
    comments = (Comment("Joe Taylor", datetime(2011, 3, 4, 10, 5), ("Then the budget.",), (reply,)),
                Comment("Lena Berg", datetime(2011, 3, 6, 8, 0), ("Then the depot.",)))
    nested = read_one(shapes.list_thread_page("Notes: Rota?", date(2011, 3, 3), ["Then a post of ours."],
                                              comments, "fr", "one", True, False, True))
    assert tree(nested.comments) == tree(comments)
    flat = read_one(shapes.list_thread_page("Notes: Rota?", date(2011, 3, 3), ["Then a post of ours."],
                                            comments, "fr", "one", False, False, True))
    assert [c.replies for c in flat.comments] == [(), (), ()]


def test_a_post_page_with_no_structure_the_reader_knows_still_gives_its_post_with_a_note():
    text = "\n".join([
        "  • Start", "  • Rezepte", "", "Then a heading of ours", "",
        "Then a first paragraph that runs long enough to read as the text of the post itself, " * 2, "",
        "Then a second paragraph of the post that also reads as prose for a person to read.", "",
    ])
    post = read_one(text)
    assert post.body[0].startswith("Then a first paragraph")
    assert "low confidence" in post.date_note or post.title == "Then a heading of ours"


def test_a_page_of_navigation_only_is_not_a_post():
    menu = "\n".join(f"  • Section {n}\n      □ Part {n}" for n in range(40))
    with pytest.raises(IngestError):
        parse_text(menu, "blog", "menu.txt")


THREAD = (Comment("Ruth Ellis", datetime(2012, 5, 3, 9, 15), ("Then the rota was fixed.",)),
          Comment("Kofi Mensah", datetime(2012, 5, 4, 18, 40), ("Then the depot opened.",)))
TEXT = ["Then the council met about the library and the budget for the year, and the rota was agreed by all.",
        "Then a second paragraph of the post that also reads as prose for a person to read at home."]


@pytest.mark.parametrize("language", sorted(shapes.LANGUAGES))
def test_a_card_of_short_facts_before_the_text_is_not_the_post_but_a_standfirst_and_a_list_are(language):
    card = ["Serves", "4 people", "Ready in", "45 minutes", "Difficulty", "easy"]
    standfirst = "Then a summary of the post in one sentence that tells what the council decided."
    post = read_one(shapes.list_thread_page("Notes: Rota?", date(2012, 5, 2), [standfirst, *card, *TEXT], THREAD,
                                            language, "two", True, False, True))
    assert post.body == (standfirst, *TEXT)
    kept = ["• two eggs", "• a cup of milk", "• salt", "• pepper", "• a pinch of nutmeg", *TEXT]
    post = read_one(shapes.list_thread_page("Notes: Rota?", date(2012, 5, 2), kept, THREAD, language, "two", True,
                                            False, True))
    assert post.body == tuple(kept)


@pytest.mark.parametrize("tail", [
    "Ingredients\nlemons yoghurt sponge fingers cream\nFound in\nbrunch breakfast birthday sunday summer cold snacks"
    "\nPrint it\nKeep it",
    "first meals6 months7 months8 months9 months10 months11 monthsno eggsummer lunchwinter supper for the family",
])
def test_a_stack_of_labels_or_links_run_together_after_the_text_is_not_the_post(tail):
    post = read_one(shapes.list_thread_page("Notes: Rota?", date(2012, 5, 2), [*TEXT, tail], THREAD, "it", "after",
                                            True, False, True))
    assert post.body == tuple(TEXT)


def test_a_comment_forms_heading_and_the_plea_under_it_are_not_the_post():
    form = ["Leave a Note & a Rating", "",
            "If you tried this, please give it a rating along with your note! It helps other readers find the "
            "post, and your notes always make the day of everyone who works on this blog :) Thank you!", "",
            "Your address will not be shown. Fields marked * are needed.", "", "Note *", "", "Name *", "",
            "Email *", ""]
    text = shapes.list_thread_page("Notes: Rota?", date(2012, 5, 2), TEXT, THREAD, "en", "two", True, False, True)
    thread_at = text.index("2 Comments")
    post = read_one(text[:thread_at] + "\n".join(form) + "\n" + text[thread_at:])
    assert post.body == tuple(TEXT)
    assert len(post.comments) == 2


RELATIVE = {"en": ("3 weeks ago", "2 days ago"), "de": ("vor 3 Wochen", "vor 2 Tagen"),
            "fr": ("il y a 3 semaines", "il y a 2 jours"), "it": ("3 settimane fa", "2 giorni fa"),
            "da": ("3 uger siden", "2 dage siden"), "pt": ("há 3 semanas", "há 2 dias")}


@pytest.mark.parametrize("language", sorted(shapes.LANGUAGES))
@pytest.mark.parametrize("header", ["one", "two", "after"])
def test_relative_comment_times_in_the_pages_language_keep_the_thread_and_their_words(language, header):
    reply = Comment("Priya", datetime(2012, 5, 5, 11, 0), ("Then the rota.",))
    comments = (Comment("Joe Taylor", datetime(2012, 5, 4, 10, 5), ("Then the budget.",), (reply,)),
                Comment("Lena Berg", datetime(2012, 5, 6, 8, 0), ("Then the depot.",)))
    text = shapes.list_thread_page("Notes: Rota?", date(2012, 5, 2), TEXT, comments, language, header, True, False,
                                   True)
    earlier, later = RELATIVE[language]
    for comment, words in ((comments[0], earlier), (reply, later), (comments[1], later)):
        text = text.replace(shapes.stamp(language, comment.date), words)
    post = read_one(text)
    assert post.body == tuple(TEXT)
    got = [(depth, c.author, c.date, c.date_text, c.body) for depth, c in post.walk_comments()]
    assert got == [(0, "Joe Taylor", None, earlier, ("Then the budget.",)),
                   (1, "Priya", None, later, ("Then the rota.",)),
                   (0, "Lena Berg", None, later, ("Then the depot.",))]


def test_a_listing_of_post_titles_run_together_is_not_a_post():
    text = "\n".join([
        "  • Home", "  • Writers", "", "Author Jane Doe", "",
        "Rota Notes From the Depot Why the Library Stays Open Budget Day at the Council a Look Back", "",
        "Post navigation", "«", "»", "", "Archive", "  • March 2015 (8)", "  • May 2014 (6)", "",
    ])
    with pytest.raises(IngestError):
        parse_text(text, "blog", "listing.txt")
    one_sentence = text.replace("a Look Back", "a look back at the year the library stayed open.")
    assert read_one(one_sentence).body


def test_right_to_left_page_reads_with_its_thread():
    comments = (Comment("مريم", datetime(2013, 2, 1, 12, 0), ("شكرا على المقال.",)),
                Comment("יוסף", datetime(2013, 2, 2, 13, 30), ("תודה רבה על הכתבה.",)))
    body = ["هذه فقرة طويلة من نص المقال تتحدث عن المجلس والميزانية والمكتبة العامة في المدينة."]
    text = shapes.list_thread_page("ملاحظات حول المجلس", date(2013, 1, 30), body, comments, "en", "two", True, False,
                                   True)
    post = read_one(text)
    assert post.date == date(2013, 1, 30)
    assert [(c.author, c.body) for c in post.comments] == [(c.author, c.body) for c in comments]


@pytest.mark.slow
def test_twenty_thousand_comments_are_all_read():
    comments = tuple(Comment(f"Reader {n}", datetime(2012, 1, 1 + n % 28, n % 24, n % 60), (f"Then comment {n}.",))
                     for n in range(20_000))
    text = shapes.list_thread_page("Notes: Busy Thread?", date(2011, 12, 31), ["Then the post of ours."],
                                   comments, "en", "one", True, False, True)
    started = time.perf_counter()
    post = read_one(text)
    assert post.comment_count == 20_000
    assert time.perf_counter() - started < 120  # a hang guard, not a speed target (bench/textpages.py --scale)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([" 1.", "  •", "      □", "Name", "3. März 2011", "March 3, 2011 at 10:00 am",
                                 "Reply", "", "Then words.", "Name *", "Home » A » B", "12 Comments", "٣ مارس",
                                 "@name thanks", "\u202eRTL", "日本語のコメント"]), max_size=60))
def test_list_shaped_junk_never_raises(lines):
    with contextlib.suppress(IngestError):
        parse_text("\n".join(lines), "blog", "junk.txt")


@pytest.mark.parametrize(("kept", "tail"), [
    ([], ["• Suppers", "• Summer", "• Gluten-Free", "Did you cook this?"]),
    (["• Bring the minutes.", "• Bring a pen!"],
     ["Share the minutes?", "Copy link", "Enjoy the meeting", "Want the agenda by email each week?"]),
    ([], ["WHO WRITES HERE", "I'm Ann Other, a parish councillor since 2009, and I write up every meeting I can get "
          "to so that residents know what was decided and why."]),
    ([], ["JOIN 2,000 READERS\nThe Rota Letter\nNew notes straight to your inbox.\nInvalid email address\n"
          "I agree to the privacy notice. Your address is never shared.\nMore council notes"]),
])
@pytest.mark.parametrize("language", ["en", "de"])
def test_a_readers_question_a_bio_or_a_sign_up_box_after_the_text_is_not_the_post(kept, tail, language):
    post = read_one(shapes.list_thread_page("Notes: Rota?", date(2012, 5, 2), [*TEXT, *kept, *tail], THREAD,
                                            language, "two", True, False, True))
    assert post.body == (*TEXT, *kept)
    assert tree(post.comments) == tree(THREAD)


closing_question = st.lists(st.sampled_from(shapes.WORDS), min_size=1, max_size=6).map(
    lambda ws: "So " + " ".join(ws) + "?")
# headings of words no title has: a heading repeating the title's words is read as the title
section = st.tuples(st.sampled_from(["IN SHORT", "FIGURES", "WHAT WAS AGREED", "BACKGROUND"]),
                    st.lists(shapes.paragraph, min_size=3, max_size=4)).map(lambda pair: [pair[0], *pair[1]])


@PROPERTY
@given(shapes.title, shapes.day, shapes.paragraphs, st.one_of(st.just([]), section),
       st.one_of(st.just([]), closing_question.map(lambda q: [q])), st.sampled_from(sorted(shapes.LANGUAGES)))
def test_a_closing_question_after_prose_and_a_capitals_heading_over_its_section_stay_the_posts(
        title, day, opening, headed, question, language):
    body = [*opening, *headed, *question]
    post = read_one(shapes.list_thread_page(title, day, body, THREAD, language, "two", True, False, True))
    assert post.body == tuple(body)
    assert tree(post.comments) == tree(THREAD)


@pytest.mark.parametrize("link", ["See also: The library budget, part one >>", "Lees ook: Meer over de raad »",
                                  "Related: Last year's rota →"])
def test_a_read_also_link_inside_the_text_is_dropped_and_the_text_after_it_kept(link):
    body = [TEXT[0], link, TEXT[1]]
    post = read_one(shapes.list_thread_page("Notes: Rota?", date(2012, 5, 2), body, THREAD, "en", "two", True,
                                            False, True))
    assert post.body == tuple(TEXT)
    assert tree(post.comments) == tree(THREAD)


def test_a_labelled_link_to_the_next_post_after_the_text_still_ends_it():
    text = shapes.list_thread_page("Notes: Rota?", date(2012, 5, 2), TEXT, THREAD, "en", "two", True, False, True)
    thread_at = text.index("  • Facebook")
    related = ("Next post: The depot opening »\n\nYou may like\n\n"
               "A post about the depot opening, with its own summary line that reads as prose to anyone.\n\n")
    post = read_one(text[:thread_at] + related + text[thread_at:])
    assert post.body == tuple(TEXT)


labelled_link = st.tuples(st.sampled_from(["See also", "Read too", "Lies auch", "Læs også", "Related"]),
                          st.lists(st.sampled_from(shapes.TITLE_WORDS), min_size=1, max_size=5),
                          st.sampled_from([">>", "»", "→"])).map(lambda t: f"{t[0]}: {' '.join(t[1])} {t[2]}")


@PROPERTY
@given(shapes.title, shapes.day, shapes.paragraphs, shapes.paragraphs, labelled_link,
       st.sampled_from(sorted(shapes.LANGUAGES)))
def test_no_paragraph_either_side_of_a_read_also_link_is_lost_or_doubled(title, day, before, after, link, language):
    post = read_one(shapes.list_thread_page(title, day, [*before, link, *after], THREAD, language, "two", True,
                                            False, True))
    assert post.body == (*before, *after)
    assert tree(post.comments) == tree(THREAD)


@pytest.mark.parametrize("closing", [["Cheers, Ruth"], ["Gruß Kofi", "Link: the council's minutes of May"]])
@pytest.mark.parametrize("chrome", [[], ["  • Tweet", "  •", "Filed under: Parish • Rota • Library"]])
def test_a_sign_off_right_above_the_themes_meta_line_is_the_authors_and_chrome_there_is_not(closing, chrome):
    page = "\n".join([
        "Skip to content", "", "  • Home", "  • About", "", "← Older post", "Newer post →", "",
        "Notes: Rota?", "", "Posted on 2 May 2012 by Ruth Ellis", "",
        *(line for paragraph in (*TEXT, *closing, *chrome) for line in (paragraph, "")),
        "This entry was posted in General. Bookmark the permalink.", "",
        "2 Responses to Notes: Rota?", "",
        " 1. Kofi Mensah says:", "    3 May 2012 at 09:15", "", "    Then the rota was fixed.", "", "    Reply",
        " 2. Ruth Ellis says:", "    4 May 2012 at 18:40", "", "    Then the depot opened.", "", "    Reply", "",
        "Leave a Reply", "", "Name", "", "Email", "", "© 2012 Proudly powered by WordPress",
    ])
    post = read_one(page)
    assert post.body == (*TEXT, *closing)
    assert len(post.comments) == 2
    assert set(post.categories) == {"General"} | ({"Parish", "Rota", "Library"} if chrome else set())


def test_related_posts_with_their_dates_under_a_long_post_are_not_an_archive():
    body = [f"{sentence} The rota for the hall was agreed at the meeting, and the library hours will follow in June."
            for sentence in ("First.", "Second.", "Third.", "Fourth.", "Fifth.", "Sixth.")]
    related = [("Quiz night moves to Fridays", "The quiz will be held on Fridays from now on, said the committee.",
                "March 17, 2016"),
               ("New benches for the green", "Four benches were put in along the path by the pond last week.",
                "April 8, 2015"),
               ("The depot opens its doors", "Visitors can see the buses on the first Saturday of each month.",
                "July 22, 2016")]
    page = "\n".join([
        "  • Home", "  • News", "", "Hall rota agreed for the year", "", "Ruth Ellis March 9, 2017 13", "",
        *(line for paragraph in body for line in (paragraph, "")),
        "Share this:", "", "  • Email", "  • Print", "", "Related", "",
        *(line for title, teaser, day in related for line in (title, "", teaser, "", day, "", 'In "News"', "")),
        "Posted in News", "",
    ])
    post = read_one(page)
    assert post.title == "Hall rota agreed for the year"
    assert post.date == date(2017, 3, 9)
    assert post.body == tuple(body)


def test_a_numbered_thread_whose_headers_glue_the_date_to_the_name_keeps_every_comment():
    page = "\n".join([
        "Notes: Rota?", "", "Posted on 2 May 2012", "", *(line for paragraph in TEXT for line in (paragraph, "")),
        "Labels: rota, hall", "", "Kommentare:", "",
        " 1.", "    Ruth Ellis3. Mai 2012 um 09:15", "", "    Then the rota was fixed.", "", "    Antworten",
        "     1.", "        Kofi6. Mai 2012 um 18:40", "", "        Then the depot opened.", "", "        Antworten",
        " 2.", "    Amara4. Mai 2012 um 10:00", "", "    Then the hall was painted.", "", "    Antworten", "",
        "Kommentar hinzufügen", "",
    ])
    post = read_one(page)
    assert post.body == tuple(TEXT)
    assert [(c.author, c.date, c.body) for _, c in post.walk_comments()] == [
        ("Ruth Ellis", datetime(2012, 5, 3, 9, 15), ("Then the rota was fixed.",)),
        ("Kofi", datetime(2012, 5, 6, 18, 40), ("Then the depot opened.",)),
        ("Amara", datetime(2012, 5, 4, 10, 0), ("Then the hall was painted.",))]
    assert [len(c.replies) for c in post.comments] == [1, 0]


def test_comment_headers_of_a_name_a_dot_and_a_date_keep_long_names_and_lose_the_dot():
    page = "\n".join([
        "Notes: Rota?", "", "Posted on 2 May 2012", "", *(line for paragraph in TEXT for line in (paragraph, "")),
        "There are 2 comments", "",
        "Ruth Ellis (rhymes with bells) · May 3, 2012 at 9:15 AM", "", "Then the rota was fixed.", "", "  • Reply", "",
        "Kofi · May 4, 2012 at 6:40 PM", "", "Then the depot opened.", "", "  • Reply", "",
    ])
    post = read_one(page)
    assert [(c.author, c.date) for _, c in post.walk_comments()] == [
        ("Ruth Ellis (rhymes with bells)", datetime(2012, 5, 3, 9, 15)), ("Kofi", datetime(2012, 5, 4, 18, 40))]


def test_a_date_line_that_runs_the_published_and_updated_dates_together_gives_the_first():
    page = "\n".join([
        "Notes: Rota?", "", *(line for paragraph in TEXT for line in (paragraph, "")),
        "Posted on August 2, 2019August 5, 2019Author Ruth EllisCategories", "",
    ])
    assert read_one(page).date == date(2019, 8, 2)


def test_category_and_tag_lines_one_under_the_other_are_read_apart():
    page = "\n".join([
        "Notes: Rota?", "", "Posted on 2 May 2012", "", *(line for paragraph in TEXT for line in (paragraph, "")),
        "Posted in Parish news", "Tagged rota, hall", "",
    ])
    post = read_one(page)
    assert (post.categories, post.tags) == (("Parish news",), ("rota", "hall"))
    assert post.body == tuple(TEXT)
