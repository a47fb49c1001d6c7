"""Notes travel: an export carries them (front matter as data, a Notes section for people) and its read-back
restores them without a word of them in the post; `notes` and `note` on the command line; a note outlives the
index (rebuilt, or its page read again)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.cli import main
from civicreader.ingest import Source
from civicreader.ingest.markdown.export_format import ExportedNote, exported_notes, render_markdown
from civicreader.memory import Note, open_memory
from civicreader.model import Comment, Post
from civicreader.paths import memory_path_for
from tests.index_corpus import POSTS, write_corpus, write_post
from tests.test_export import read_back

POST = Post(
    id="0123456789ab",
    blog="stacks-and-shelves",
    title="Shelving the reading rooms",
    date=date(2011, 5, 17),
    body=("The first paragraph.", "## Notes", "The third, with *stars*."),
    comments=(Comment(author="Mo [admin]", date=None, body=("A reply.", "Its second paragraph.")),),
)
WHEN = 1_800_000_000.0  # 2027-01-15T08:00:00Z


def note(text: str, *, paragraph: int | None = None, comment: int | None = None) -> Note:
    return Note(POST.id, paragraph, comment, text, "", POST.title, WHEN, WHEN)


def exported(text: str) -> tuple[ExportedNote, ...]:
    return exported_notes(Source(path=Path("x.md"), data=text.encode("utf-8"), blog="elsewhere"))


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


# ---- the export format ----


def test_an_export_carries_its_notes_and_the_read_back_keeps_them_out_of_the_post():
    notes = [note("Compare the council's minutes", paragraph=1), note("Who is Mo?", comment=1)]
    text = render_markdown(POST, notes)
    assert read_back(text) == read_back(render_markdown(POST)) == POST
    assert exported(text) == (
        ExportedNote(1, None, "Compare the council's minutes", WHEN),
        ExportedNote(None, 1, "Who is Mo?", WHEN),
    )
    assert "created: '2027-01-15T08:00:00Z'" in text
    section = text.split("\n## Notes\n", 1)[1]
    assert section.startswith("\n### On paragraph 1\n\n> The first paragraph.\n\nCompare the council's minutes\n")
    assert "### On comment 1, by Mo \\[admin\\]\n\n> A reply.\n>\n> Its second paragraph.\n\nWho is Mo?" in section


def test_a_note_with_markup_or_controls_is_exported_escaped_and_read_back_exactly():
    hostile = "[bold]loud[/] *not emphasis* \x1b[31mred\x1b[0m\n# not a heading"
    text = render_markdown(POST, [note(hostile, paragraph=3)])
    section = text.split("\n## Notes\n", 1)[1]
    assert "\\[bold\\]loud\\[/\\] \\*not emphasis\\* red\n\\# not a heading" in section
    assert "\x1b" not in section
    assert exported(text)[0].text == hostile  # the data is the reader's words, exactly
    assert read_back(text).body == POST.body


note_texts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).filter(str.strip)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["paragraph", "comment"]), st.integers(1, 3), note_texts), max_size=4,
                unique_by=lambda item: item[:2]))
def test_any_notes_read_back_exactly_and_never_change_the_post(places):
    notes = [note(text, **{kind: number}) for kind, number, text in places]
    text = render_markdown(POST, notes)
    assert read_back(text) == POST
    assert [(n.paragraph, n.comment, n.text) for n in exported(text)] == [(n.paragraph, n.comment, n.text)
                                                                          for n in notes]


def test_hand_edited_notes_that_are_not_notes_are_left_out():
    text = render_markdown(POST, [note("kept", paragraph=1)])
    text = text.replace("- paragraph: 1\n", "- paragraph: 1\n  comment: 2\n", 1)
    assert exported(text) == ()
    assert exported(render_markdown(POST)) == ()


# ---- the command line ----


def corpus_and_ids(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    options = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    found = json.loads(run("search", "--json", "--limit", "50", *options, "charity OR rates OR review").stdout)
    return corpus, options, {hit["title"]: hit["id"] for hit in found["hits"]}


def test_note_adds_a_note_from_a_script_and_notes_lists_it_with_its_citation(tmp_path):
    _corpus, options, ids = corpus_and_ids(tmp_path)
    grants = ids[POSTS["grants"]["title"]]
    assert run("note", grants, "Check the lottery form", "--paragraph", "2", *options).exit_code == 0
    assert run("note", grants, "-", "--comment", "2", *options, input="Owen's week\n").exit_code == 0
    listed = json.loads(run("notes", "--json", *options).stdout)
    assert [{key: item[key] for key in ("post_id", "title", "paragraph", "comment", "text", "orphaned")}
            for item in listed] == [
        {"post_id": grants, "title": POSTS["grants"]["title"], "paragraph": 2, "comment": None,
         "text": "Check the lottery form", "orphaned": False},
        {"post_id": grants, "title": POSTS["grants"]["title"], "paragraph": None, "comment": 2,
         "text": "Owen's week", "orphaned": False},
    ]
    assert listed[0]["passage"] == POSTS["grants"]["body"][1]
    assert listed[1]["passage"] == "Same here, the spreadsheet alone took a week."  # comment 2 as `show` numbers it
    assert listed[0]["blog"] == "ledger" and listed[0]["date"] == "2011-03-14"
    assert listed[0]["created"].endswith("Z")
    plain = run("notes", *options).stdout
    assert f"{POSTS['grants']['title']}, ledger, 2011-03-14, paragraph 2" in plain
    markdown = run("notes", "--md", *options).stdout
    assert "> The commissioners say they want outcomes" in markdown and "Check the lottery form" in markdown


def test_note_says_in_one_line_what_is_wrong_with_a_bad_id_or_number(tmp_path):
    _corpus, options, ids = corpus_and_ids(tmp_path)
    grants = ids[POSTS["grants"]["title"]]
    missing = run("note", "nosuchpost", "x", "--paragraph", "1", *options)
    assert missing.exit_code == 1 and missing.stderr == f"civicreader: no post with id 'nosuchpost' in {options[1]}\n"
    too_far = run("note", grants, "x", "--paragraph", "3", *options)
    assert too_far.exit_code == 1
    assert too_far.stderr == f"civicreader: post {grants} has 2 paragraphs: there is no paragraph 3\n"
    no_comment = run("note", grants, "x", "--comment", "9", *options)
    assert no_comment.stderr == f"civicreader: post {grants} has 2 comments: there is no comment 9\n"
    assert run("note", grants, "x", *options).exit_code == 2  # neither --paragraph nor --comment
    assert json.loads(run("notes", "--json", *options).stdout) == []


def test_search_answers_the_memory_words_from_a_script(tmp_path):
    _corpus, options, ids = corpus_and_ids(tmp_path)
    grants, review = ids[POSTS["grants"]["title"]], ids[POSTS["review"]["title"]]
    run("note", grants, "Ask about the lottery", "--paragraph", "1", *options)

    def found(query: str) -> set[str]:
        result = run("search", "--json", "--limit", "50", *options, query)
        assert result.exit_code == 0, result.output
        return {hit["id"] for hit in json.loads(result.stdout)["hits"]}

    assert found("has:note") == {grants}
    assert found("note:lottery") == {grants}
    assert found("note:absent") == set()
    assert {grants, review} <= found("is:unread")
    assert review in found("is:unread -has:note") and grants not in found("is:unread -has:note")
    assert json.loads(run("search", "--json", *options, "note:lottery").stdout)["query"] == "note:lottery"
    plain = run("search", *options, "has:note").stdout
    assert "1 post matches 'has:note'" in plain


def test_a_note_survives_an_export_and_its_read_back_into_a_fresh_memory(tmp_path):
    corpus, options, ids = corpus_and_ids(tmp_path)
    grants = ids[POSTS["grants"]["title"]]
    run("note", grants, "[b]kept[/b] across machines", "--comment", "1", *options)
    out = tmp_path / "out"
    assert run("export", grants, "--out", str(out), *options).exit_code == 0
    (exported_file,) = out.glob("*.md")
    assert "\n## Notes\n" in exported_file.read_text() and "\\[b\\]kept\\[/b\\]" in exported_file.read_text()
    parsed = json.loads(run("parse", "--json", str(exported_file)).stdout)[0]
    shown = json.loads(run("show", "--json", grants, *options).stdout)
    assert parsed["body"] == shown["body"] and parsed["comments"] == shown["comments"]

    memory_path_for(corpus).unlink()  # a new machine: the memory is gone, the export is not
    restored = run("notes", "--restore", str(out), *options)
    assert restored.stdout == "1 note restored from 1 file\n"
    (listed,) = json.loads(run("notes", "--json", *options).stdout)
    assert (listed["post_id"], listed["comment"], listed["text"]) == (grants, 1, "[b]kept[/b] across machines")
    assert listed["passage"] == POSTS["grants"]["comments"][0].body[0]
    # Restoring again changes nothing; a note written since on that passage is kept, and said.
    run("note", grants, "newer thought", "--comment", "1", *options)
    again = run("notes", "--restore", str(exported_file), *options)
    assert "0 notes restored" in again.stdout and "1 left out" in again.stdout
    assert [item["text"] for item in json.loads(run("notes", "--json", *options).stdout)] == ["newer thought"]


def test_a_note_outlives_an_index_rebuild_and_its_page_read_again_and_the_post_leaving(tmp_path):
    corpus, options, ids = corpus_and_ids(tmp_path)
    grants = ids[POSTS["grants"]["title"]]
    run("note", grants, "keep me", "--paragraph", "1", *options)
    assert run("index", "--rebuild", *options).exit_code == 0
    changed = dict(POSTS["grants"], body=[*POSTS["grants"]["body"], "A paragraph added since."])
    write_post(corpus, name="grants", **changed)  # the page changed: read again on the next update
    assert run("index", "--json", *options).exit_code == 0
    (listed,) = json.loads(run("notes", "--json", *options).stdout)
    assert (listed["post_id"], listed["text"], listed["orphaned"]) == (grants, "keep me", False)
    (corpus / "ledger" / "grants.txt").unlink()
    (listed,) = json.loads(run("notes", "--json", *options).stdout)
    assert (listed["post_id"], listed["text"], listed["orphaned"]) == (grants, "keep me", True)
    assert listed["title"] == POSTS["grants"]["title"]  # kept with the note


WRITER = """
import sys
from pathlib import Path
from civicreader.memory import open_memory
memory = open_memory(Path(sys.argv[1]))
for number in range(int(sys.argv[2])):
    memory.set_note(sys.argv[3], f"script note {number}", comment=number + 1)
    memory.mark_read([f"script-{number}"])
"""


def test_the_cli_writing_while_another_process_writes_loses_nothing(tmp_path):
    corpus, options, ids = corpus_and_ids(tmp_path)
    grants = ids[POSTS["grants"]["title"]]
    run("notes", *options)  # the memory file exists before both start
    other = subprocess.Popen([sys.executable, "-c", WRITER, str(memory_path_for(corpus)), "40", "other-post"])
    for paragraph in (1, 2):
        assert run("note", grants, f"cli note {paragraph}", "--paragraph", str(paragraph), *options).exit_code == 0
    assert other.wait(timeout=120) == 0
    memory = open_memory(memory_path_for(corpus))
    try:
        assert {n.text for n in memory.notes(grants)} == {"cli note 1", "cli note 2"}
        assert len(memory.notes("other-post")) == 40
        assert memory.read_ids() == {f"script-{n}" for n in range(40)}
    finally:
        memory.close()
