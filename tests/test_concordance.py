"""`civicreader concordance` on our sample corpus, with every expected line worked out by hand from its pages."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter

import pytest

from civicreader.concordance import concordance, context
from tests.sample_index import run_cli as run

# ---------------------------------------------------------------- worked out by hand
#
# `volunteer*` stands for every word starting "volunteer" (volunteer, volunteers, volunteering...). We read
# each page of sample_corpus/ that holds such a word (grep -i volunteer) and counted only post bodies and
# comments: not titles, "Labels:" or "posted in ... tagged ..." lines, sidebars, or navigation links
# ("← Volunteer drivers and the mileage rate"). A post on several pages was counted once, from its fullest
# page. Paragraphs are counted from 1 after the byline, a blank line apart (a numbered list item is a
# paragraph of its own); comments are counted from 1 in reading order, replies included.
#
# wheels-and-wards/why-we-became-a-community-interest-company.txt: ¶2 "a fleet of volunteer cars".
# commissioning-desk/what-the-big-society-means...txt: comments 1 Dave Pritchard, 2 maggieholroyd (a reply),
#   3 Dave Pritchard (a reply to it) "worth forty volunteer hours".
# wheels-and-wards/section-19-permits-explained.txt: ¶3 "many older volunteers"; comment 2 (June Hebden)
#   "a volunteer who passed"; comment 3 (Tom Ashworth's reply) "help volunteers pay". Line 13 is the
#   "posted in ... Volunteering" line.
# stacks-and-shelves/2011_03_consultation...txt: ¶3 "handing branches to volunteers".
# wheels-and-wards/losing-the-council-contract...txt: ¶2 "Our volunteer car scheme".
# stacks-and-shelves/2011_06_can-volunteers-run-library...txt: the title has one (not counted); ¶2, ¶3, ¶4,
#   ¶5 one each; comment 1 (Pauline Armitage) one; comment 2 (Ruth Okafor) two: 7 lines.
# wheels-and-wards/a-day-on-the-tuesday-market-bus.txt: the glued image caption "Volunteers at the depot
#   before the Tuesday run" is ¶1 (the reader splits it from the text it is glued to), so "If you would like
#   to volunteer" is ¶6; the "tagged ... volunteers" line does not count.
# stacks-and-shelves/2011_09_summer-reading...txt: ¶4 "to the volunteers who came in".
# commissioning-desk/category-council-budgets.txt (the only page with "Who counts the volunteers' hours?"):
#   ¶1 one, ¶2 three ("Volunteers are not free", "fifty regular volunteers", "assumes the volunteers"),
#   ¶3 two, ¶4 one, ¶5 one: 8 lines.
# stacks-and-shelves/2011_11_what-community-managed-library...txt: ¶3 "supervising every volunteer".
# wheels-and-wards/tendering-for-home-to-school-transport...txt: ¶4 "Volunteers are no use"; comments
#   1 Gill Stott, 2 Tom Ashworth, 3 Gill Stott, 4 Mark Holden "disagree about volunteers". Lines 2 and 21
#   are navigation links.
# stacks-and-shelves/2012_04_opening-hours-arithmetic.txt: ¶3 "14 by volunteers", ¶4 "eleven more volunteers".
# wheels-and-wards/volunteer-drivers-and-the-mileage-rate.txt: ¶1 one, ¶2 one, ¶4 two ("If you are a
#   volunteer driver", "paying to volunteer"); the title and tag line do not count.
# stacks-and-shelves/label_volunteers.txt (the only page with "Rota blues"): ¶1, ¶2, ¶4 one each.
# stacks-and-shelves/two-years-on_fullpage.txt: ¶2 "forty volunteers", ¶6 (list item 3) "Keep the
#   volunteers"; the labels and the sidebar's "volunteers (4)" do not count.
# wheels-and-wards/jekyll-site/_posts/2013-05-08-ten-thousand-journeys.md: ¶1 "one of our volunteer
#   drivers" (the others are in its front matter); its Staticman comments have none.
# stacks-and-shelves/2013_06_asset-transfer...txt: ¶2 "with our volunteers alongside".
# stacks-and-shelves/2013_10_handing-over-chair.txt: ¶2 one.
# wheels-and-wards/five-things-wed-tell...txt: ¶5 (list item 4) "Look after the volunteers"; the others
#   are the sidebar's categories.
# Nothing else: the other pages that hold the word have it only in navigation, sidebars and labels, and the
# exports (WXR, Blogger, feeds) hold it only in posts already counted.
VOLUNTEER_LINES = Counter(
    {
        ("Why we became a community interest company", "body", 2): 1,
        ("What the Big Society means on a wet Tuesday in Batley", "comment", 3): 1,
        ("Section 19 permits explained (for trustees who nod along)", "body", 3): 1,
        ("Section 19 permits explained (for trustees who nod along)", "comment", 2): 1,
        ("Section 19 permits explained (for trustees who nod along)", "comment", 3): 1,
        ("The consultation questionnaire, question by question", "body", 3): 1,
        ("Losing the council contract, keeping the drivers", "body", 2): 1,
        ("Can volunteers run a library? Notes from Little Ousby", "body", 2): 1,
        ("Can volunteers run a library? Notes from Little Ousby", "body", 3): 1,
        ("Can volunteers run a library? Notes from Little Ousby", "body", 4): 1,
        ("Can volunteers run a library? Notes from Little Ousby", "body", 5): 1,
        ("Can volunteers run a library? Notes from Little Ousby", "comment", 1): 1,
        ("Can volunteers run a library? Notes from Little Ousby", "comment", 2): 2,
        ("A day on the Tuesday market bus", "body", 1): 1,
        ("A day on the Tuesday market bus", "body", 6): 1,
        ("The summer reading challenge by numbers", "body", 4): 1,
        ("Who counts the volunteers’ hours?", "body", 1): 1,
        ("Who counts the volunteers’ hours?", "body", 2): 3,
        ("Who counts the volunteers’ hours?", "body", 3): 2,
        ("Who counts the volunteers’ hours?", "body", 4): 1,
        ("Who counts the volunteers’ hours?", "body", 5): 1,
        ("What a ‘community managed library’ actually signs up to", "body", 3): 1,
        ("Tendering for home-to-school transport: what we learned", "body", 4): 1,
        ("Tendering for home-to-school transport: what we learned", "comment", 4): 1,
        ("Opening hours: the arithmetic", "body", 3): 1,
        ("Opening hours: the arithmetic", "body", 4): 1,
        ("Volunteer drivers and the mileage rate", "body", 1): 1,
        ("Volunteer drivers and the mileage rate", "body", 2): 1,
        ("Volunteer drivers and the mileage rate", "body", 4): 2,
        ("Rota blues: keeping forty volunteers happy", "body", 1): 1,
        ("Rota blues: keeping forty volunteers happy", "body", 2): 1,
        ("Rota blues: keeping forty volunteers happy", "body", 4): 1,
        ("Two years on", "body", 2): 1,
        ("Two years on", "body", 6): 1,
        ("Ten thousand journeys: a thank-you to the volunteer drivers", "body", 1): 1,
        ("Asset transfer: the building is ours (nearly)", "body", 2): 1,
        ("Handing over the chair", "body", 2): 1,
        ("Five things we’d tell a new community transport scheme", "body", 5): 1,
    }
)


def csv_lines(index, *args: str) -> list[dict[str, str]]:
    result = run(index, "concordance", *args, "--csv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def place(row: dict[str, str]) -> tuple[str, str, int]:
    number = row["paragraph"] if row["where"] == "body" else row["comment"]
    return row["title"], row["where"], int(number)


def test_volunteer_star_csv_has_every_line_a_person_counted(sample_index):
    rows = csv_lines(sample_index, "volunteer*")
    assert Counter(place(row) for row in rows) == VOLUNTEER_LINES
    assert len(rows) == 43
    assert all(row["match"].lower().startswith("volunteer") for row in rows)


def test_lines_come_in_time_order_with_who_wrote_each(sample_index):
    rows = csv_lines(sample_index, "volunteer*")
    dates = [row["date"] for row in rows]
    assert dates == sorted(dates)
    first = rows[0]  # the CIC post of 14 May 2010, by Tom Ashworth (its byline)
    assert (first["date"], first["blog"], first["who"], first["where"]) == (
        "2010-05-14", "wheels-and-wards", "Tom Ashworth", "body")
    assert first["left"].endswith("We run four minibuses and a fleet of ")
    assert first["match"] == "volunteer"
    assert first["right"].startswith(" cars, we employ two part-time")
    # The Big Society thread's third comment is Dave Pritchard's reply (22 July 2010) in a post dated 21 July.
    reply = rows[1]
    assert (reply["who"], reply["where"], reply["comment"], reply["paragraph"]) == (
        "Dave Pritchard", "comment", "3", "")


def test_a_phrase_gives_one_line_per_occurrence_with_its_whole_span(sample_index):
    # By hand: "community transport" stands in three post bodies (the title of the third is not read):
    # why-we-became...: ¶1 twice ("Fellgate Community Transport is no longer", "Fellgate Community Transport
    # CIC"); losing-the-council-contract: ¶2 "Fellgate Community Transport is closing"; five-things...: ¶1
    # "start a community transport scheme" and ¶8 "The Community Transport Association" (¶2 to ¶6 are the
    # five list items, ¶7 "And one bonus piece of advice"). The sidebars of the browser copies do not count.
    result = run(sample_index, "concordance", '"community transport"', "--json")
    lines = json.loads(result.stdout)
    assert [(line["title"], line["where"], line["paragraph"]) for line in lines] == [
        ("Why we became a community interest company", "body", 1),
        ("Why we became a community interest company", "body", 1),
        ("Losing the council contract, keeping the drivers", "body", 2),
        ("Five things we’d tell a new community transport scheme", "body", 1),
        ("Five things we’d tell a new community transport scheme", "body", 8),
    ]
    assert {line["match"].lower() for line in lines} == {"community transport"}


def test_not_and_fields_narrow_the_posts_read(sample_index):
    # Of the posts counted above, `-library` leaves out the library posts of stacks-and-shelves that say
    # library (consultation, Can volunteers..., summer reading, community managed, opening hours, two years
    # on, asset transfer): 1 + 7 + 1 + 1 + 2 + 2 + 1 = 15 lines, so 43 - 15 = 28 are left.
    assert len(csv_lines(sample_index, "volunteer*", "-library")) == 28
    # comment:volunteer* reads comments only: Big Society 1, Section 19 2, Can volunteers 3, Tendering 1.
    rows = csv_lines(sample_index, "comment:volunteer*")
    assert len(rows) == 7 and {row["where"] for row in rows} == {"comment"}


def test_sorting_by_the_word_to_the_right(sample_index):
    rows = csv_lines(sample_index, "volunteer*", "--sort", "right")
    assert len(rows) == 43
    # Punctuation is passed over: the first word to the right, case ignored, never goes down the list.
    first_words = [next(iter(re.findall(r"\w+", row["right"])), "").casefold() for row in rows]
    assert first_words == sorted(first_words)
    # A line with no word to its right ("Nobody should be paying to volunteer.") sorts first.
    assert first_words[0] == "" and rows[0]["right"].strip(" .’") == ""


def test_limit_and_width(sample_index):
    rows = csv_lines(sample_index, "volunteer*", "--limit", "5", "--width", "10")
    assert len(rows) == 5
    assert all(len(row["left"]) <= 10 and len(row["right"]) <= 10 for row in rows)


def test_a_bad_query_is_one_line_and_status_2(sample_index):
    result = run(sample_index, "concordance", '"unclosed')
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "quote" in result.stderr


def test_an_empty_result_is_an_empty_table(sample_index):
    result = run(sample_index, "concordance", "zeppelin", "--csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["left,match,right,post_id,title,date,blog,who,where,paragraph,comment"]
    assert json.loads(run(sample_index, "concordance", "zeppelin", "--json").stdout) == []


def test_context_is_one_line_and_cut_to_width():
    text = "first para\n\nsecond   para with the word here and more words after it"
    start = text.index("word")
    left, match, right = context(text, start, start + 4, 12)
    assert (left, match, right) == ("ra with the ", "word", " here and mo")
    assert context("a\x1b[31mred\x1b[0m word", 14, 18, 20)[0] == "ared "


def test_library_level_lines_carry_their_offsets(sample_index):
    from civicreader.index import Library
    from tests.conftest import SAMPLE_CORPUS

    library = Library(SAMPLE_CORPUS, sample_index)
    for line in concordance(library, "volunteer*", limit=10):
        post = library.get(line.post_id)
        if line.where == "body":
            text = post.body[line.paragraph - 1]
        else:
            comment = [c for _, c in post.walk_comments()][line.comment - 1]
            text = "\n\n".join(comment.body)
        assert text[line.start : line.end] == line.match


def test_collocates_of_volunteer_star_counted_by_hand(sample_index):
    # "forty" stands within five words before a volunteer* word five times, and never after one:
    # "worth forty volunteer hours" (a Big Society comment), "every forty or fifty regular volunteers" (who
    # counts), "we have forty-two volunteers" (rota blues: forty-two is two words), "more than forty
    # volunteers" (two years on), "a lease, forty volunteers" (handing over the chair). The title "Rota
    # blues: keeping forty volunteers happy" is not read.
    result = run(sample_index, "concordance", "volunteer*", "--collocates", "--json")
    found = {collocate["word"]: collocate for collocate in json.loads(result.stdout)}
    forty = found["forty"]
    assert (forty["count"], forty["left"], forty["right"]) == (5, 5, 0)
    assert forty["frequency"] >= 5
    assert "the" not in found and "of" not in found  # stop words are not counted


def test_log_likelihood_of_a_table_worked_by_hand():
    from civicreader.concordance import log_likelihood

    # 5 of the 10 words near the matches, 10 of the archive's 100: expected 1, 9, 9 and 81 against observed
    # 5, 5, 5 and 85: 2 * (5 ln 5 + 5 ln 5/9 + 5 ln 5/9 + 85 ln 85/81) = 12.533.
    assert log_likelihood(5, 10, 10, 100) == pytest.approx(12.533, abs=0.001)
    assert log_likelihood(1, 10, 10, 100) == pytest.approx(0.0)  # as often near the matches as anywhere
    assert log_likelihood(0, 10, 50, 100) < 0  # kept away from them


def test_no_lines_say_why_no_post_matched_or_where_the_matches_are(sample_index):
    nothing = run(sample_index, "concordance", "zeppelin")
    assert nothing.exit_code == 0
    assert nothing.stdout.splitlines()[-1] == "nothing matches"
    authored = run(sample_index, "search", "author:*", "--json")
    matched = json.loads(authored.stdout)["total"]
    assert matched > 1
    names_only = run(sample_index, "concordance", "author:*")
    assert names_only.stdout.splitlines()[-1] == f"{matched:,} posts match only by titles, names or tags"
