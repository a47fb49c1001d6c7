"""A search that also asks the reader's memory: `is:unread`, `is:read`, `is:bookmarked`, `has:note`, `note:`.

The index never sees those words nor the memory: they are taken out of the query here and turned into sets of
post ids the index narrows its search to (or leaves out).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from civicreader.memory import Memory, memory_words, split_memory_terms

if TYPE_CHECKING:
    from civicreader.index import Library, SearchResults


def search_remembering(library: Library, query: str, memory: Memory | None, **options: Any) -> SearchResults:
    """`library.search(query, **options)`, with the memory's words answered from `memory` (None: none match)."""
    rest, conditions = split_memory_terms(query)
    if not conditions:
        return library.search(query, **options)
    if memory is None:
        only, without = set(), set()
    else:
        only, without = conditions.id_sets(memory)
    results = library.search(rest, only_ids=only, without_ids=without, **options)
    # Said back as asked: "is:unread" is what the reader typed, not the empty query the index ran; a suggested
    # spelling keeps the memory's words, so taking it does not widen the search.
    suggestion = f"{results.suggestion} {memory_words(query)}" if results.suggestion else None
    return replace(results, query=query, suggestion=suggestion)
