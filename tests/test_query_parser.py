"""Our query parser, nodes and analyser against Whoosh's, which they replace: for every query of our language,
the tree ours reads is the tree Whoosh's parser read (configured as civicreader configured it); normalising a
tree gives what Whoosh's normalize gives; the analyser gives Whoosh's stems, positions and offsets."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicreader.index import QueryError
from civicreader.index import query_nodes as qn
from civicreader.index.query import NAME_BOOST, NAME_FIELDS, _check_syntax, _minus_to_not
from civicreader.index.query_parser import parse
from civicreader.index.schema import (
    PLAIN_FIELDS,
    QUERY_FIELDS,
    STOP_WORDS,
    TEXT_FIELDS,
    _plain_analyzer,
    _stemming_analyzer,
    analysed,
)

SEARCHED = (*TEXT_FIELDS, *NAME_FIELDS)
BOOSTS = dict.fromkeys(NAME_FIELDS, NAME_BOOST)


@pytest.fixture(scope="module")
def whoosh_parser():
    """Whoosh's parser as query.py configured it before it had its own."""
    from whoosh import fields, qparser
    from whoosh.qparser import plugins

    plain = _plain_analyzer()
    schema = fields.Schema(
        **{name: fields.TEXT(analyzer=plain) for name in (*TEXT_FIELDS, *PLAIN_FIELDS)},
        date=fields.ID(),
        comments=fields.ID(),
    )
    parser = qparser.MultifieldParser(SEARCHED, schema, fieldboosts=BOOSTS)
    parser.add_plugin(plugins.FuzzyTermPlugin())
    parser.add_plugin(plugins.GtLtPlugin())
    parser.remove_plugin_class(plugins.BoostPlugin)
    return parser


def ours(query):
    """A Whoosh query tree as our nodes."""
    from whoosh import query as wq

    if isinstance(query, wq.And | wq.Or):
        kind = qn.And if isinstance(query, wq.And) else qn.Or
        return kind(tuple(map(ours, query.subqueries)), boost=query.boost)
    if isinstance(query, wq.Not):
        return qn.Not(ours(query.query), boost=query.boost)
    if isinstance(query, wq.AndNot | wq.AndMaybe):
        kind = qn.AndNot if isinstance(query, wq.AndNot) else qn.AndMaybe
        return kind(ours(query.a), ours(query.b))
    if query is wq.NullQuery:
        return qn.NULL
    if isinstance(query, wq.Every):
        return qn.Every(query.fieldname, boost=query.boost)
    if isinstance(query, wq.Phrase):
        return qn.Phrase(query.fieldname, tuple(query.words), slop=query.slop, boost=query.boost)
    if isinstance(query, wq.FuzzyTerm):
        return qn.FuzzyTerm(query.fieldname, query.text, query.boost, query.maxdist, query.prefixlength)
    if isinstance(query, wq.TermRange | wq.NumericRange):
        kind = qn.TermRange if isinstance(query, wq.TermRange) else qn.NumericRange
        return kind(query.fieldname, query.start, query.end, query.startexcl, query.endexcl, boost=query.boost)
    kind = {wq.Term: qn.Term, wq.Prefix: qn.Prefix, wq.Wildcard: qn.Wildcard}[type(query)]
    return kind(query.fieldname, query.text, boost=query.boost)


def assert_reads_as_whoosh(parser, text: str) -> None:
    try:
        expected = ours(parser.parse(text))
    except Exception:  # Whoosh's parser failed (an IndexError on `NOT NOT x`): ours must say so or read it
        try:
            parse(text, SEARCHED, BOOSTS)
        except QueryError as error:
            assert "\n" not in str(error)
        return
    assert parse(text, SEARCHED, BOOSTS) == expected


# ---------------------------------------------------------------- queries of our language

WORDS = st.sampled_from([
    "council", "Councils", "the", "and", "a", "x", "well-being", "don't", "U.S.A", "café", "Ärger", "2011",
    "bureacracy", "e-mail", "co_op", "rota", "library", "Ken", "Battersby", "naïve", "to", "TO", "or", "not",
])
FIELDS = st.sampled_from(QUERY_FIELDS)
DATES = st.sampled_from(["2011", "2011-03", "2011-03-08", "2012-6", "1999-12-31", "2011-13", "yesterday", ""])
COUNTS = st.sampled_from(["10", "0", "5", "x", ""])


@st.composite
def leaves(draw) -> str:
    word = draw(WORDS)
    kind = draw(st.integers(0, 12))
    if kind == 0:
        return '"' + " ".join(draw(st.lists(WORDS, max_size=4))) + '"' + draw(st.sampled_from(["", "~2", "~10"]))
    if kind == 1:
        return word[: draw(st.integers(1, len(word)))] + "*"
    if kind == 2:
        return draw(st.sampled_from(["co?ncil", "c*l", "*", "b?r*", "?", "li*ry"]))
    if kind == 3:
        return word + draw(st.sampled_from(["~", "~1", "~2", "~2/3", "~/2"]))
    if kind == 4:
        return f"{draw(FIELDS)}:{draw(leaves())}"
    if kind == 5:
        return f"date:{draw(DATES)}"
    if kind == 6:
        low, high = draw(DATES), draw(DATES)
        opening, closing = draw(st.sampled_from(["[]", "{}", "[}", "{]"]))
        return f"date:{opening}{low} {draw(st.sampled_from(['to', 'TO', 'To']))} {high}{closing}"
    if kind == 7:
        return f"{draw(st.sampled_from(['date', 'comments']))}:{draw(st.sampled_from(['>', '>=', '<', '<=']))}" + (
            draw(DATES) or "2012"
        )
    if kind == 8:
        return f"comments:{draw(COUNTS) or '3'}"
    if kind == 9:
        return f"comments:[{draw(COUNTS)} to {draw(COUNTS)}]"
    if kind == 10:
        return f"{draw(FIELDS)}:({' '.join(draw(st.lists(WORDS, min_size=1, max_size=3)))})"
    return word


@st.composite
def queries(draw, depth: int = 2) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        nested = depth and draw(st.integers(0, 5)) == 0
        part = "(" + draw(queries(depth - 1)) + ")" if nested else draw(leaves())
        if draw(st.integers(0, 6)) == 0:
            part = draw(st.sampled_from(["-", "NOT "])) + part
        parts.append(part)
        parts.append(draw(st.sampled_from([" ", " ", " ", " AND ", " OR ", " ANDNOT ", " ANDMAYBE ", "  "])))
    return "".join(parts[:-1])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(queries())
def test_queries_of_our_language_read_as_whoosh_read_them(whoosh_parser, query):
    try:
        checked = _check_syntax(query)
    except QueryError:
        return  # refused before parsing, as before
    assert_reads_as_whoosh(whoosh_parser, _minus_to_not(checked))


JUNK = st.sampled_from(
    ['"', "(", ")", "[", "]", "{", "}", ":", "*", "?", "~", "-", "+", "^", " ", "to", "OR", "AND", "NOT", "ANDNOT",
     "date", "title", "comments", "2011", "03", "compact", "x", "é", "\\", "/", ">", "<", "=", "'", "*:*", "\n"]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(JUNK, max_size=14).map("".join))
def test_any_text_reads_as_whoosh_read_it(whoosh_parser, text):
    assert_reads_as_whoosh(whoosh_parser, text)


@pytest.mark.parametrize("text", [
    "council budget", "title:(cuts savings) -closure", "'two words' alone", 'author:"Ken Battersby"',
    "date:[2011-03-01 to 2011-03-31] date:[2011-03-15 to 2011-04-30]", "library OR libraries ANDMAYBE rota",
    "commission* bureacracy~2 c?ts *:*", "comments:>=10 date:<2011", "title:* council", '"abc"* x~2/3',
])
def test_examples_read_as_whoosh_read_them(whoosh_parser, text):
    assert_reads_as_whoosh(whoosh_parser, text)


def test_a_parse_that_whoosh_crashed_on_is_a_one_line_query_error():
    for text in (">5 x", "NOT NOT x"):
        with pytest.raises(QueryError):
            parse(text, SEARCHED, BOOSTS)


# ---------------------------------------------------------------- normalising, as Whoosh normalises

LEAF_NODES = st.one_of(
    st.builds(qn.Term, st.sampled_from(["title", "body", "author"]), st.sampled_from(["a", "b"]),
              st.sampled_from([1.0, 3.0, 0.2])),
    st.builds(qn.Phrase, st.sampled_from(["title", "body"]), st.lists(st.sampled_from(["a", "b"]), max_size=3)
              .map(tuple), st.sampled_from([1, 3]), st.sampled_from([1.0, 3.0])),
    st.builds(qn.Wildcard, st.just("body"), st.sampled_from(["*", "a*", "a?", "ab", "*a*"])),
    st.builds(qn.Prefix, st.just("body"), st.sampled_from(["a", "b"])),
    st.builds(qn.FuzzyTerm, st.just("body"), st.sampled_from(["a", "b"]), st.just(1.0), st.sampled_from([1, 2]),
              st.sampled_from([0, 1])),
    st.builds(qn.TermRange, st.sampled_from(["date", "comments"]), st.sampled_from([None, "", "2010", "2011"]),
              st.sampled_from([None, "2011", "2012", "\uffff"]), st.booleans(), st.booleans()),
    st.builds(qn.NumericRange, st.just("day"), st.sampled_from([None, 20100101]), st.sampled_from([None, 20121231])),
    st.builds(qn.Every, st.sampled_from([None, "title", "body"])),
    st.just(qn.NULL),
)
TREES = st.recursive(
    LEAF_NODES,
    lambda children: st.one_of(
        st.builds(qn.And, st.lists(children, max_size=4).map(tuple)),
        st.builds(qn.Or, st.lists(children, max_size=4).map(tuple)),
        st.builds(qn.Not, children),
        st.builds(qn.AndNot, children, children),
        st.builds(qn.AndMaybe, children, children),
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(TREES)
def test_normalising_a_tree_gives_what_whoosh_gives(tree):
    assert tree.normalize() == ours(qn.whoosh_query(tree).normalize())


# ---------------------------------------------------------------- the analyser


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(list(" .,'-_\n")), st.characters(categories=["L", "N", "P", "Z"]),
                          st.sampled_from(["the", "and", "running", "U.S", "cafés", "a", "i"])), max_size=30)
       .map("".join))
def test_the_analyser_gives_whooshs_stems_positions_and_offsets(text):
    expected = [(token.text, token.pos, token.startchar, token.endchar)
                for token in _stemming_analyzer()(text, positions=True, chars=True)]
    assert list(analysed(text)) == expected


def test_the_stop_words_are_whooshs():
    from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS

    assert frozenset(WHOOSH_STOP_WORDS) == STOP_WORDS


def test_importing_the_index_and_compiling_a_query_imports_nothing_of_whoosh_but_its_stemmer():
    script = (
        "import sys\n"
        "from civicreader.index import _QueryCompiler, find_patterns\n"
        "from civicreader.index.occurrences import query_patterns\n"
        "from civicreader.index.words import Vocabulary\n"
        "compiled = _QueryCompiler(lambda: Vocabulary({'council': 3})).compile(\n"
        "    'councils \"the budget\"~2 title:cuts -closure date:>2011 comments:>=3 counc* councl~')\n"
        "find_patterns('The councils budget', query_patterns(compiled.query))\n"
        "print(sorted(name for name in sys.modules if name.startswith('whoosh')))\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["['whoosh',", "'whoosh.lang',", "'whoosh.lang.porter']"]
