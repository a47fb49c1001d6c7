"""Words keep their combining marks: a Hindi, Bengali or Persian archive is searchable, on both engines."""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civicreader.concordance import collocates, concordance
from civicreader.index import Library
from civicreader.index.word_marks import MARK, marked_word_pattern, word_pattern
from civicreader.model import normalise_key_text
from tests.conftest import ENGINES
from tests.index_corpus import comment, write_post

WHOOSH_WORDS = re.compile(r"\w+(?:\.?\w+)*")
"""Whoosh's default tokenizer: what the index read before it kept marks."""

HINDI_TITLE = "सामुदायिक पुस्तकालय की बैठक"
HINDI_BODY = [
    "स्वयंसेवकों ने पुस्तकालय को खुला रखने के लिए नई योजना बनाई।",
    "परिषद ने अनुदान घटा दिया, पर स्वयंसेवकों ने हार नहीं मानी।",
    "बैठक की पूरी रिपोर्ट हिन्दी में नीचे है।",
]
COMMENTS = [
    comment("सुनीता शर्मा", datetime(2012, 5, 3, 10, 0), "हमारे मोहल्ले में भी स्वयंसेवकों की ज़रूरत है।"),
    comment("রহিম", datetime(2012, 5, 4, 9, 30), "আমাদের গ্রন্থাগারেও একই সমস্যা।"),
    comment("Dariush", datetime(2012, 5, 5, 18, 15), "ما هم می\u200cخواهیم کمک کنیم."),
]


def in_marks(character: str) -> bool:
    return re.fullmatch(MARK, character) is not None


TABLE_UNICODE = (15, 1, 0)
"""The Unicode version the marks table was made from (Python 3.13's)."""


def test_the_marks_table_holds_every_mark_of_this_pythons_unicode():
    """Up to the table's Unicode, every mark is in it; a newer Python's Unicode may have marks the table has not
    heard of yet (its new scripts' words part at them), but never calls a character of the table anything else."""
    newer = tuple(map(int, unicodedata.unidata_version.split("."))) > TABLE_UNICODE
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        category = unicodedata.category(character)
        if category in ("Mn", "Mc", "Me"):
            assert newer or in_marks(character), f"U+{code:04X} is a mark the table leaves out"
        elif category != "Cn":  # a newer Unicode's mark is unassigned in an older Python's
            assert not in_marks(character), f"U+{code:04X} ({category}) is not a mark"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_ascii_text_and_text_without_marks_give_the_words_they_always_did(text):
    words = marked_word_pattern().findall(text)
    assert word_pattern(text).findall(text) == words
    assert word_pattern(text, starred=True).findall(text) == marked_word_pattern(starred=True).findall(text)
    if not any(in_marks(character) for character in text):
        assert words == WHOOSH_WORDS.findall(text)


@given(st.text(alphabet=st.sampled_from("हिन्दी भाषा. e.g x\u0301\u200c_3"), max_size=40))
def test_every_word_character_is_in_exactly_one_word(text):
    covered = [0] * len(text)
    last_end = 0
    for match in marked_word_pattern().finditer(text):
        assert match.start() >= last_end
        last_end = match.end()
        for place in range(match.start(), match.end()):
            covered[place] += 1
    for place, character in enumerate(text):
        if re.fullmatch(r"\w", character):
            assert covered[place] == 1, (text, place)


@pytest.fixture(params=ENGINES, scope="module")
def library(request, tmp_path_factory):
    """An index of posts in Hindi, Bengali, Arabic, Hebrew, Persian and English, built once per engine; tests only
    read it."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    corpus = tmp_path / "corpus"
    write_post(corpus, "samudaay", "baithak", HINDI_TITLE, date(2012, 5, 2), HINDI_BODY, COMMENTS,
               author="अनीता वर्मा")
    write_post(corpus, "rasif", "shukran", "شكرًا للمتطوعين", date(2012, 5, 6),
               ["المكتبة مفتوحة جدًا بفضلكم.", "هذا مهـــم لنا.", "إسلام يقرأ کتاب الأطفال."],
               [comment("محمّد", datetime(2012, 5, 7, 8, 0), "شكرًا جزيلًا على الجهد."),
                comment("דוד", datetime(2012, 5, 8, 8, 0), "שָׁלוֹם וּבְרָכָה לַמִּתְנַדְּבִים.")])
    write_post(corpus, "ledger", "plain", "Plain English", date(2012, 5, 1),
               ["Volunteers kept the library open.", "The café beside it closed in May."])
    opened = Library(corpus, tmp_path / "index", engine=request.param)
    opened.update()
    yield opened
    opened.close()


@pytest.mark.parametrize("query", [
    "हिन्दी", "रिपोर्ट", '"पूरी रिपोर्ट"', "स्वयंसेवकों", "पुस्तकालय", "commenter:सुनीता", "author:वर्मा",
    "গ্রন্থাগারেও", "comment:ज़रूरत",
])
def test_a_word_with_vowel_signs_is_found_whole(library, query):
    assert library.search(query).total == 1


@pytest.mark.parametrize("query", ["सेवक", "रिपो*"])
def test_a_piece_of_a_word_is_not_a_word(library, query):
    """"सेवक" (a servant) is inside "स्वयंसेवकों" (volunteers) but is not that word; a prefix still finds it."""
    assert library.search(query).total == (1 if query.endswith("*") else 0)


def test_a_joiner_still_parts_a_persian_verb_from_its_prefix(library):
    assert library.search("خواهیم").total == library.search("می\u200cخواهیم").total == 1


def test_one_edit_puts_in_the_letters_the_archive_spells_with(library):
    """A fuzzy word may change a letter to one of another alphabet than a to z."""
    assert library.search("cafe~").total == 1
    assert library.search("हिन्दि~").total == 1


@pytest.mark.parametrize("query", ["شكرا", "شكرًا", "جدا", "مهم", "commenter:محمد", "שלום", '"שלום וברכה"'])
def test_words_are_found_with_or_without_their_vowel_points(library, query):
    """Arabic and Hebrew write vowel points at will: "شكرًا" and "شكرا" are one word, as is "مهـــم" stretched."""
    assert library.search(query).total == 1


@pytest.mark.parametrize(("query", "written"), [("اسلام", "إسلام"), ("مفتوحه", "مفتوحة"), ("كتاب", "کتاب"),
                                               ("يقرا", "يقرأ")])
def test_an_arabic_letter_is_found_in_any_of_its_forms(library, query, written):
    """Alef with or without its hamza, teh marbuta as heh, Persian's kaf as Arabic's: writers and keyboards mix them."""
    hits = library.search(query).hits
    assert len(hits) == 1
    assert written in {hits[0].snippet[start:end] for start, end in hits[0].highlights}


def test_a_snippet_marks_a_pointed_word_found_without_its_points(library):
    hit = library.search("جدا").hits[0]
    assert {hit.snippet[start:end] for start, end in hit.highlights} == {"جدًا"}


def test_the_concordance_finds_pointed_words_from_an_unpointed_query(library):
    """In bodies and comments (this title has the word too, but a concordance reads no titles)."""
    assert [(line.match, line.where) for line in concordance(library, "شكرا")] == [("شكرًا", "comment")]


def test_a_misspelt_word_gets_the_word_as_its_suggestion(library):
    assert library.search("पुस्तकलय").suggestion == "पुस्तकालय"


def test_a_snippet_marks_the_whole_word(library):
    hit = library.search("स्वयंसेवकों").hits[0]
    marked = {hit.snippet[start:end] for start, end in hit.highlights}
    assert marked == {"स्वयंसेवकों"}


def test_the_concordance_and_collocates_read_whole_words(library):
    lines = list(concordance(library, "स्वयंसेवकों"))
    assert [line.match for line in lines] == ["स्वयंसेवकों"] * 3
    assert {line.where for line in lines} == {"body", "comment"}
    near = {found.word for found in collocates(library, "स्वयंसेवकों")}
    assert {"पुस्तकालय", "अनुदान", "मोहल्ले"} <= near
    assert not any(len(word) == 1 for word in near)


def test_a_concordance_line_never_starts_with_a_mark_cut_from_its_letter(library):
    for width in range(1, 30):
        for line in concordance(library, "स्वयंसेवकों", width=width):
            assert not line.left or unicodedata.category(line.left[0])[0] != "M", (width, line.left)


def posts_in(corpus, tmp_path) -> list[str]:
    library = Library(corpus, tmp_path / "index")
    library.update()
    titles = sorted(hit.title for hit in library.search("date:2013", limit=50).hits)
    library.close()
    return titles


def test_titles_that_differ_in_a_vowel_sign_are_two_posts(tmp_path):
    """Water and betel, posted on the same day: folding the vowel sign away made them one post, and one was lost."""
    corpus = tmp_path / "corpus"
    write_post(corpus, "bazaar", "water", "পানি", date(2013, 6, 1), ["নদীর পানি আজ পরিষ্কার।"])
    write_post(corpus, "bazaar", "betel", "পান", date(2013, 6, 1), ["দোকানে পান বিক্রি হয়।"])
    assert posts_in(corpus, tmp_path) == ["পান", "পানি"]


def test_the_same_title_with_and_without_accents_is_one_post(tmp_path):
    corpus = tmp_path / "corpus"
    write_post(corpus, "cafes", "first", "Café society", date(2013, 6, 1), ["We met at the usual place."])
    write_post(corpus, "cafes", "again", "Cafe Society", date(2013, 6, 1), ["We met at the usual place."])
    write_post(corpus, "cafes", "vowels", "مَدرسة", date(2013, 6, 2), ["A school."])
    write_post(corpus, "cafes", "plain", "مدرسة", date(2013, 6, 2), ["A school."])
    assert len(posts_in(corpus, tmp_path)) == 2


def folded_as_before(text: str) -> str:
    """How a title was folded before marks were kept: every combining mark dropped, and any other mark a space."""
    decomposed = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", decomposed.casefold()).strip()


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_a_title_without_vowel_signs_folds_as_it_always_did(text):
    """Ids stay as they were (a note keeps its post) wherever no mark of a script that writes vowels as marks is."""
    decomposed = unicodedata.normalize("NFKD", text)
    marks = [ch for ch in decomposed if unicodedata.category(ch)[0] == "M"]
    if all(normalise_key_text(ch) == "" for ch in marks):
        assert normalise_key_text(text) == folded_as_before(text)


def test_the_text_reader_tells_titles_apart_by_their_vowel_signs():
    """Lines are compared folded (how a page's title is found again in its breadcrumbs and its browser title)."""
    from civicreader.ingest.textpage.heading import fold

    assert fold("काला") != fold("कला")
    assert fold("“काला” — घर!") == fold("काला घर")
    assert fold("Notes from the Review!") == fold("notes-from-the-review")


SCRIPTS = {
    "devanagari": ("कखगचजटडतदनपबमयरलवसह", "ािीुूेैोौंँ्"),
    "bengali": ("কখগচজটডতদনপবমযরলসহ", "ািীুূেৈোৌং্"),
    "tamil": ("கஙசஞடணதநபமயரலவழளறன", "ாிீுூெேைொோௌ்"),
    "thai": ("กขคงจฉชซญดตถทนบปผพฟมยรลวสหอ", "ัิีึืุู่้๊๋"),
    "arabic": ("ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"),
    "greek": ("αβγδεζηθικλμνξοπρστυφχψω", ""),
    "latin": ("abcdefghijklmnoprstuvwyzéüøß", ""),
}


def invented_word(rng: random.Random, letters: str, marks: str) -> str:
    word = ""
    for _ in range(rng.randint(2, 6)):
        word += rng.choice(letters)
        if marks and rng.random() < 0.6:
            word += rng.choice(marks)
    return word


def test_both_engines_find_every_word_of_every_script(tmp_path):
    """Invented words of seven scripts, with vowel signs and points at random: each is found, by both engines alike."""
    rng = random.Random(2012)
    corpus = tmp_path / "corpus"
    words = []
    for number in range(14):
        script = list(SCRIPTS)[number % len(SCRIPTS)]
        sentence = [invented_word(rng, *SCRIPTS[script]) for _ in range(10)]
        words += sentence
        write_post(corpus, "scripts", f"post-{number}", f"Post {number}", date(2012, 1, 1 + number),
                   [" ".join(sentence) + "."])
    totals = {}
    for engine in ENGINES:
        library = Library(corpus, tmp_path / engine, engine=engine)
        library.update()
        totals[engine] = [library.search(word).total for word in words]
        library.close()
    assert all(total >= 1 for total in totals["whoosh"])
    assert totals["tantivy"] == totals["whoosh"]


def test_a_snippet_of_text_without_spaces_never_parts_a_letter_from_its_vowel_signs(tmp_path):
    """Thai writes no spaces between words, so a snippet's edges fall inside a word: never between a letter and
    the marks that belong to it."""
    thai = "ภาษาไทยเป็นภาษาที่สวยงามและมีประวัติศาสตร์ยาวนานมากสำหรับผู้อ่านทุกคน" * 8
    names = ["apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel", "juniper", "kiwi"]
    corpus = tmp_path / "corpus"
    bodies = {}
    for shift, name in enumerate(names):
        bodies[name] = thai[: 150 + shift] + f" {name} " + thai[shift:]
        write_post(corpus, "thai", name, name.title(), date(2013, 1, 1 + shift), [bodies[name]])
    library = Library(corpus, tmp_path / "index")
    library.update()
    for name in names:
        snippet = library.search(f"body:{name}").hits[0].snippet
        inside = snippet.strip("…")
        at = bodies[name].index(inside)
        assert unicodedata.category(inside[0])[0] != "M", snippet
        after = at + len(inside)
        assert after == len(bodies[name]) or unicodedata.category(bodies[name][after])[0] != "M", snippet
    library.close()
