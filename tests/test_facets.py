"""Facet counts: whichever way they are counted (post by post for few matches, by set intersections for many),
every year, blog and category with its number of matches, the most first and ties by name."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from civicreader.index.catalogue import _Catalogue
from civicreader.index.schema import RECORD

BLOGS = ("ledger", "wards", "desk")
CATEGORIES = ("Funding", "Cuts", "Health", "Housing")

rows = st.lists(
    st.tuples(st.sampled_from(["", "2010-03-04", "2011-12-31", "0999-01-02"]), st.sampled_from(BLOGS),
              st.lists(st.sampled_from(CATEGORIES), max_size=3, unique=True)),
    min_size=1, max_size=60,
)


def catalogue_of(made) -> _Catalogue:
    return _Catalogue.from_rows({
        docnum: [f"id{docnum}", "title", when, "", blog, RECORD.join(categories), "0", "", "digest", "0", "0", "", ""]
        for docnum, (when, blog, categories) in enumerate(made)
    })


@settings(max_examples=200, deadline=None)
@given(rows, st.data())
def test_facets_count_every_match_once_the_most_first(made, data):
    catalogue = catalogue_of(made)
    matched = data.draw(st.sets(st.sampled_from(sorted(catalogue.rows))))
    facets = catalogue.facets(matched)
    years = Counter(made[docnum][0][:4] or "undated" for docnum in matched)
    blogs = Counter(made[docnum][1] for docnum in matched)
    categories = Counter(category for docnum in matched for category in made[docnum][2])
    assert facets["year"] == dict(sorted(years.items()))
    assert list(facets["blog"].items()) == sorted(blogs.items(), key=lambda item: (-item[1], item[0]))
    assert list(facets["category"].items()) == sorted(categories.items(), key=lambda item: (-item[1], item[0]))
