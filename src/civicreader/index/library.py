"""The library: one corpus and its index as the app and the CLI use it (update, search, get, the archive tree),
and the engine it keeps open between queries."""

from __future__ import annotations

import functools
import heapq
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path

from civicreader.index import catalogue as catalogue_files
from civicreader.index.catalogue import PLACES_NAME, _Catalogue, _newest_first, summary_of_row
from civicreader.index.engine import Engine, TermScores, open_engine
from civicreader.index.integrity import SealBroken
from civicreader.index.query import NAME_FIELDS, _Compiled, _QueryCompiler
from civicreader.index.ranking import _Evaluator, _run, stop_if_cancelled
from civicreader.index.records import RecordError
from civicreader.index.results import (
    EngineUnavailable,
    Hit,
    IndexDamaged,
    IndexWriteFailed,
    PostSummary,
    QueryError,
    SearchCancelled,
    SearchResults,
)
from civicreader.index.schema import TEXT_FIELDS, UNIT, stems
from civicreader.index.snippets import SNIPPET_FIELD_ORDER, _snippet, find_stems
from civicreader.index.store import MANIFEST_NAME, WORDS_NAME, IndexFolder
from civicreader.index.words import Vocabulary, suggestion

TYPE_CHECKING = False  # not typing's: importing typing took 3 ms of a new process's first search
if TYPE_CHECKING:
    from typing import Any

    from civicreader.index.occurrences import CommentMatch, Matches, Pattern
    from civicreader.index.places import PostPlaces
    from civicreader.index.update import UpdateReport
    from civicreader.model import Post
    from civicreader.people import Person, Writing

FRESHNESS_CHECK_SECONDS = 1.0
"""How often a Library looks for a newer commit by another process."""
RECENT_MATCHES = 8
"""Queries whose matches are kept until the index changes: the timeline strip, the concordance and a
narrowed period widened again ask for the same query's matches in turn."""


WRITER_RACE_SECONDS = 2.0
"""How long a reading that failed as a writer committed is tried again before the index is called damaged: a
commit renames files into place and removes the last generation's, which a reader that listed them misses."""


def _reading(method):
    """Any error reading the index (whatever an engine raises on a damaged file) becomes IndexDamaged, one line:
    the callers say so once and rebuild. A bad query stays a QueryError, a cancelled search SearchCancelled.

    A reading that fails while a writer is at work, or across a commit, is made again on the new commit: a
    file removed under it is no damage, and calling it damage made the app rebuild the whole index."""

    @functools.wraps(method)
    def reading(self, *args, **kwargs):
        if self._reading_now:  # within another reading: the outer one decides
            return method(self, *args, **kwargs)
        self._reading_now = True
        try:
            return self._read_across_commits(method, args, kwargs)
        finally:
            self._reading_now = False

    return reading


def _damaged(index_dir: Path, error: Exception) -> IndexDamaged:
    if isinstance(error, IndexDamaged):
        return error
    if isinstance(error, SealBroken):
        return IndexDamaged(f"the index in {index_dir} is damaged ({error})")
    from civicreader.textsafe import one_line  # imported here: compiling its patterns took 2 ms of an import

    return IndexDamaged(one_line(f"the index in {index_dir} is damaged ({type(error).__name__}: {error})"))


class Library(IndexFolder):
    """One corpus and its index. Cheap to create; opens the index on first use.

    Safe from one thread at a time per instance.
    """

    def __init__(self, corpus: Path, index_dir: Path | None = None, engine: str | None = None):
        super().__init__(corpus, index_dir, engine)
        self._engine: Engine | None = None
        self._reading_now = False
        self._checked_at = 0.0
        self._catalogue: _Catalogue | None = None
        self._catalogue_generation: int | None = None
        self._vocabulary: Vocabulary | None = None
        self._places: tuple[tuple[int, ...], PostPlaces] | None = None
        """The post places last read, with the generation and file they came from: the app reads them as the
        archive shows, while the reader's memory opens, so the unread count that follows finds them read."""
        self._recent_matches: dict[tuple, Matches] = {}
        self._recent_matches_of: TermScores | None = None
        """The term scores (so the index state) the recent matches were found in: any other, and they are stale."""

    def _read_across_commits(self, method, args, kwargs):
        """`method`'s answer, made again (for up to WRITER_RACE_SECONDS) when it failed as a writer committed."""
        deadline = None
        pause = 0.01
        while True:
            mark = self.seal_mark()
            try:
                return method(self, *args, **kwargs)
            except (QueryError, SearchCancelled, EngineUnavailable):
                raise
            except Exception as error:
                self._drop_engine()
                if self.seal_mark() != mark or self.writer_at_work():
                    deadline = deadline or time.monotonic() + WRITER_RACE_SECONDS
                    if time.monotonic() < deadline:
                        time.sleep(pause)
                        pause = min(2 * pause, 0.2)
                        continue
                raise _damaged(self.index_dir, error) from None

    def update(
        self,
        progress: Callable[[int, int, str], None] | None = None,
        cancel: threading.Event | None = None,
        rebuild: bool = False,
    ) -> UpdateReport:
        """Build the index, or bring it up to date with the corpus by re-reading only what changed; with
        `rebuild`, build it afresh. An index that fails its check is rebuilt (`UpdateReport.rebuilt_because`).

        Raises IndexWriteFailed when the disk refuses the writes (the last good index stays as it was).
        """
        from civicreader.index.update import Update

        if not self.corpus.is_dir():
            raise FileNotFoundError(f"no corpus folder at {self.corpus}")
        started = time.perf_counter()
        self._drop_engine()
        try:
            with self._write_lock():
                report = Update(self, progress or _no_progress, cancel or threading.Event(), started).run(rebuild)
        except OSError as error:  # the folder or its lock cannot even be made
            raise IndexWriteFailed(f"cannot write the index in {self.index_dir}: {error.strerror or error}") from None
        self._drop_engine()
        self._verified.clear()
        return report

    def check(self) -> int:
        """Check every file of the index against its seal and read what it holds; the number of files checked.

        Raises IndexDamaged naming the first file that is not as it was written.
        """
        self._drop_engine()
        state = self._read_state()
        if state is None:
            if self.unreadable_state:
                raise IndexDamaged(f"the index in {self.index_dir} is damaged ({self.unreadable_state})")
            raise IndexDamaged(f"the index in {self.index_dir} is missing or of another version")
        from civicreader.index.page_cache import file_names  # imported here: it imports the readers (ingest)

        seal = self._seal()
        try:
            checked = seal.check_all()
        except SealBroken as error:
            raise IndexDamaged(f"the index in {self.index_dir} is damaged ({error})") from None
        page_files = sorted(file_names(state.pages_files)) if state.pages_files else ["pages"]
        needed = [MANIFEST_NAME, "FORMAT", WORDS_NAME, *page_files,
                  catalogue_files.CATALOGUE_NAME, catalogue_files.OUTLINE_NAME]
        missing = [name for name in needed if name not in checked]
        if missing:
            raise IndexDamaged(f"the index in {self.index_dir} is damaged ({missing[0]} is missing)")
        try:
            self._load_cache(state, seal).store.load_everything()
        except RecordError as error:
            raise IndexDamaged(f"the index in {self.index_dir} is damaged (its page cache: {error})") from None
        self._load_words(seal)
        self.prepare_search()
        return len(checked)

    # ---- reading

    def _open_engine(self) -> Engine | None:
        """The shared open index, reopened when another process has committed; None when there is no index."""
        if self._engine is not None:
            now = time.monotonic()
            if now - self._checked_at >= FRESHNESS_CHECK_SECONDS:
                self._checked_at = now
                if not self._engine.is_current():
                    self._drop_engine()
                    self._check_seal()
                    self._engine = open_engine(self)
                    self._checked_at = now
            return self._engine
        # Not whoosh's index.exists_in: it opens the index, unpickling its table of contents before the seal is checked.
        if not self._readable() or self._committed_generation() is None:
            return None
        self._check_seal()
        self._engine = open_engine(self)
        self._checked_at = time.monotonic()
        return self._engine

    def _check_seal(self) -> None:
        """Every file matches the seal, before the engine reads any (files checked before are not hashed again)."""
        self._under_seal(lambda seal: seal.check_all(self._verified))

    def _drop_engine(self) -> None:
        if self._engine is not None:
            self._engine.close()
        self._engine = None
        self._catalogue = None
        self._vocabulary = None
        self._places = None

    def close(self) -> None:
        self._drop_engine()

    def _catalogue_for(self, engine: Engine) -> _Catalogue:
        generation = engine.generation()
        if self._catalogue is None or self._catalogue_generation != generation:
            self._catalogue = self._stored_catalogue(generation) or engine.catalogue()
            self._catalogue_generation = generation
        return self._catalogue

    def _stored_catalogue(self, generation: int) -> _Catalogue | None:
        data = self._read_sealed(catalogue_files.CATALOGUE_NAME)
        try:
            return catalogue_files.stored_catalogue(data, generation)
        except RecordError as error:
            raise IndexDamaged(f"the index in {self.index_dir} is damaged ({error})") from None

    def _stored_outline(self) -> dict[str, Any] | None:
        """The blogs and categories with their counts, as the last update saved them, while nothing bigger is read.

        The archive's first level needs only these: read from a file that grows with the number of
        blogs and categories, not of posts, the first screen does not slow down as an archive grows
        (the catalogue it would otherwise load takes 0.17 s at 20,000 posts). None when the catalogue
        is in memory, when the index is open, or when the file does not describe the index as it is now
        (an index written before outlines were).
        """
        if self._engine is not None or not self._readable():
            return None
        generation = self._committed_generation()
        if generation is None or (self._catalogue is not None and self._catalogue_generation == generation):
            return None
        data = self._read_sealed(catalogue_files.OUTLINE_NAME)
        try:
            return catalogue_files.stored_outline(data, generation)
        except RecordError as error:
            raise IndexDamaged(f"the index in {self.index_dir} is damaged (the outline {error})") from None

    def _stored_places(self) -> PostPlaces | None:
        # Read even while the engine is open (unlike the outline): the app opens it for searching as soon as the
        # archive shows, and the unread counts that follow would otherwise wait for the whole catalogue.
        if not self._readable():
            return None
        generation = self._committed_generation()
        if generation is None:
            return None
        try:
            status = self._places_path.stat()
        except OSError:
            return None
        # Written by rename: another file (a rebuild elsewhere that counts generations afresh) is another inode.
        key = (generation, status.st_ino, status.st_mtime_ns, status.st_size)
        if self._places is not None and self._places[0] == key:
            return self._places[1]
        from civicreader.index.places import PostPlaces  # imported here: a search reads no places

        data = self._read_sealed(PLACES_NAME)
        try:
            places = PostPlaces.from_json(data, generation)
        except RecordError as error:
            raise IndexDamaged(f"the index in {self.index_dir} is damaged ({error})") from None
        if places is not None:
            self._places = (key, places)
        return places

    def _words(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(self._load_words())
        return self._vocabulary

    @_reading
    def search(
        self,
        query: str,
        *,
        sort: str = "relevance",
        limit: int = 20,
        offset: int = 0,
        filters: Mapping[str, str] | None = None,
        cancel: threading.Event | None = None,
        only_ids: Collection[str] | None = None,
        without_ids: Collection[str] = (),
    ) -> SearchResults:
        """Ranked hits with snippets, exact total and facets over every match. Raises QueryError, and
        SearchCancelled once `cancel` is set (looked at between the query's parts). `only_ids` and
        `without_ids` narrow the posts searched by id (the caller's own sets: read, bookmarked, noted...)."""
        if sort not in ("relevance", "date", "comments"):
            raise QueryError(f"cannot sort by '{sort}'; use relevance, date or comments")
        compiled = _QueryCompiler(self._words).compile(query)
        engine = self._open_engine()
        if engine is None:
            return SearchResults(query, 0, (), {"year": {}, "blog": {}, "category": {}}, None, ())
        offset = max(0, offset)
        window = offset + max(0, limit)
        by_id = (only_ids, without_ids)
        found = engine.find(compiled.query, compiled.date_filter, filters, only_ids, without_ids, window, sort, cancel)
        if found is None:
            catalogue, matched, ranked = self._evaluate(engine, compiled, filters, window, sort, cancel, by_id)
            total, facets, summary = len(matched), catalogue.facets(matched), catalogue.summary
        else:
            total, ranked, facets, summary = found.total, found.ranked, found.facets, self._summary_reader(engine)
        shown = ranked[offset:window]
        stop_if_cancelled(cancel)
        hits = self._hits(engine, summary, shown, compiled) if shown else ()
        stop_if_cancelled(cancel)
        unmatched = self._words_found_nowhere(engine, compiled.plain_words) if not total else ()
        others_matched = None
        if unmatched and any(word not in unmatched and stems(word) for word in compiled.plain_words):
            others = _QueryCompiler(self._words, leaving_out=unmatched).compile(query)
            others_matched = self._total(engine, others, filters, sort, cancel, by_id)
        return SearchResults(
            query=query,
            total=total,
            hits=hits,
            facets=facets,
            suggestion=suggestion(engine, query, compiled.plain_words, self._words),
            terms=tuple(compiled.words),
            notes=tuple(compiled.notes),
            terms_by_field={name: tuple(words) for name, words in compiled.words_by_field.items() if words},
            unmatched=unmatched,
            others_matched=others_matched,
        )

    def _total(self, engine: Engine, compiled: _Compiled, filters, sort: str, cancel, by_id) -> int:
        found = engine.find(compiled.query, compiled.date_filter, filters, *by_id, 0, sort, cancel)
        if found is None:
            return len(self._evaluate(engine, compiled, filters, 0, sort, cancel, by_id)[1])
        return found.total

    def _summary_reader(self, engine: Engine) -> Callable[[int], PostSummary]:
        """Each hit's summary: from the catalogue when it is open, else from the hit's own meta row (the
        first query does not wait for the whole catalogue)."""
        if self._catalogue is not None and self._catalogue_generation == engine.generation():
            return self._catalogue.summary

        def summary(docnum: int) -> PostSummary:
            meta = engine.column_values("meta", [docnum])[docnum]
            return summary_of_row(meta.decode("utf-8", "surrogatepass").split(UNIT))

        return summary

    @staticmethod
    def _words_found_nowhere(engine: Engine, words: Sequence[str]) -> tuple[str, ...]:
        """Of a query's several words, those no post holds in any text field: why nothing matched."""
        if len(set(words)) < 2:
            return ()
        posts = engine.doc_frequency

        def found_nowhere(word: str) -> bool:
            terms = stems(word)  # none for a stop word, which is not searched at all
            return bool(terms) and not (
                any(posts(field, term) for field in TEXT_FIELDS for term in terms)
                or any(posts(field, word.lower()) for field in NAME_FIELDS)
            )

        return tuple(filter(found_nowhere, dict.fromkeys(words)))

    def _evaluate(
        self, engine: Engine, compiled: _Compiled, filters: Mapping[str, str] | None, window: int, sort: str,
        cancel: threading.Event | None = None,
        by_id: tuple[Collection[str] | None, Collection[str]] = (None, ()),
    ):
        """(catalogue, every matching document number, the first `window` of them ranked): what `search`
        and `matches` share, so their counts agree."""
        catalogue = self._catalogue_for(engine)
        allowed = catalogue.allowed(filters) if filters else None
        only_ids, without_ids = by_id
        if only_ids is not None or without_ids:
            allowed = catalogue.allowed_ids(allowed, only_ids, without_ids)
        evaluator = _Evaluator(engine.term_scores(), catalogue, cancel)
        if compiled.date_filter is not None:
            in_dates = evaluator.scores(compiled.date_filter).keys()
            allowed = set(in_dates) if allowed is None else allowed & in_dates
        matched, ranked = _run(evaluator, compiled.query, catalogue, allowed, window, sort)
        return catalogue, matched, ranked

    @_reading
    def matches(
        self, query: str, *, filters: Mapping[str, str] | None = None, with_comments: bool = False
    ) -> Matches:
        """Every post `query` matches, as `search` finds them (its total and year facets agree), oldest first;
        the words and phrases it looks for; with `with_comments`, every comment of those posts that holds one
        of them, found from the postings without reading a post. Raises QueryError."""
        from civicreader.index.occurrences import Matches  # imported here: a search needs none of it

        compiled = _QueryCompiler(self._words).compile(query)
        engine = self._open_engine()
        if engine is None:
            return Matches(query, (), (), frozenset(), frozenset(), None)
        key = (query, tuple(sorted((filters or {}).items())), with_comments)
        term_scores = engine.term_scores()
        if self._recent_matches_of is not None and self._recent_matches_of is term_scores:
            if (found := self._recent_matches.pop(key, None)) is not None:
                self._recent_matches[key] = found  # the most recent last
                return found
        else:
            self._recent_matches = {}
        found = self._find_matches(engine, compiled, query, filters, with_comments)
        self._recent_matches_of = term_scores
        self._recent_matches[key] = found
        while len(self._recent_matches) > RECENT_MATCHES:
            del self._recent_matches[next(iter(self._recent_matches))]
        return found

    def _find_matches(self, engine: Engine, compiled: _Compiled, query: str, filters, with_comments: bool) -> Matches:
        from civicreader.index.occurrences import Matches, comments_with_patterns, query_patterns

        catalogue, matched, _ = self._evaluate(engine, compiled, filters, 0, "date")
        patterns = tuple(dict.fromkeys(query_patterns(compiled.query)))
        term_scores = engine.term_scores()
        in_body, in_comments = (_holding(term_scores, field, patterns, matched) for field in ("body", "comment"))
        days = catalogue.day_numbers
        ordered = sorted(matched, key=lambda docnum: (not days[docnum], days[docnum], docnum))
        comments: tuple[CommentMatch, ...] = ()
        if with_comments:
            comments = tuple(comments_with_patterns(engine, catalogue, patterns, in_comments))
        return Matches(
            query=query,
            posts=tuple(map(catalogue.summary, ordered)),
            patterns=patterns,
            in_body=frozenset(catalogue.rows[docnum][0] for docnum in in_body),
            in_comments=frozenset(catalogue.rows[docnum][0] for docnum in in_comments),
            span=catalogue.span(),
            comments=comments,
        )

    @_reading
    def read(self, post_ids: Collection[str]) -> list[Post]:
        """The posts with these ids, in that order; an id no longer in the index is passed over. A few at a time:
        a list, not a generator, so that a commit overtaking the reading is met as any reading's is."""
        engine = self._open_engine()
        if engine is None:
            return []
        numbers = (engine.document_number(post_id) for post_id in post_ids)
        return [engine.post(docnum) for docnum in numbers if docnum is not None]

    @_reading
    def word_frequencies(self, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        """How often each term (a stem) stands in the archive's bodies and comments, and how many terms they hold
        in all: what an association measure (log-likelihood) compares a collocate's count with."""
        engine = self._open_engine()
        if engine is None:
            return {}, 0
        fields = ("body", "comment")
        found = {term: int(sum(engine.frequency(field, term) for field in fields)) for term in terms}
        return found, int(sum(engine.field_length(field) for field in fields))

    def _hits(self, engine: Engine, summary_of: Callable[[int], PostSummary], shown,
              compiled: _Compiled) -> tuple[Hit, ...]:
        hits = []
        matched_fields = _fields_matched(engine.term_scores(), [docnum for docnum, _ in shown], compiled.highlight)
        for docnum, score in shown:
            summary = summary_of(docnum)
            post = engine.post(docnum)
            snippet, marks, where, commenter = _snippet(
                post, compiled.highlight, compiled.commenter_names, matched_fields[docnum], compiled.unfielded_names
            )
            hits.append(
                Hit(
                    id=summary.id,
                    title=summary.title,
                    date=summary.date,
                    date_inferred=summary.date_inferred,
                    blog=summary.blog,
                    score=float(score),
                    snippet=snippet,
                    highlights=marks,
                    matched_in=where,
                    commenter=commenter,
                    discussion=summary.discussion(),
                )
            )
        return tuple(hits)

    @_reading
    def prepare_search(self) -> None:
        """Open what searching needs (the engine and the catalogue) ahead of the first query.

        The archive tree does without them, so an app can show it first and call this in the background.
        """
        engine = self._open_engine()
        if engine is not None:
            self._catalogue_for(engine)

    @_reading
    def get(self, post_id: str) -> Post | None:
        engine = self._open_engine()
        if engine is None:
            return None
        docnum = engine.document_number(post_id)
        return engine.post(docnum) if docnum is not None else None

    def highlight_spans(self, text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
        """Where `terms` match in `text` with the index's analyzer (so "commissioner" marks "commissioners")."""
        wanted = {term for word in terms for term in stems(word)}
        return [(start, end) for start, end, _ in find_stems(text, wanted)]

    # ---- the archive tree

    def _catalogue_or_none(self) -> _Catalogue | None:
        """The catalogue for the tree: from the saved file while the index is not open, so the app's
        first screen needs neither the engine nor the index's column files."""
        if self._engine is None and self._readable():
            generation = self._committed_generation()
            if generation is not None and self._catalogue is not None and self._catalogue_generation == generation:
                return self._catalogue
            stored = self._stored_catalogue(generation) if generation is not None else None
            if stored is not None:
                self._catalogue, self._catalogue_generation = stored, generation
                return stored
        engine = self._open_engine()
        return self._catalogue_for(engine) if engine is not None else None

    def _blog_posts(self, blog: str) -> list[PostSummary]:
        catalogue = self._catalogue_or_none()
        if catalogue is None:
            return []
        return [catalogue.summary(docnum) for docnum in catalogue.by_blog.get(blog, ())]

    @_reading
    def blogs(self) -> dict[str, int]:
        if (outline := self._stored_outline()) is not None:
            return outline["blogs"]
        catalogue = self._catalogue_or_none()
        if catalogue is None:
            return {}
        return {blog: len(docnums) for blog, docnums in sorted(catalogue.by_blog.items())}

    @_reading
    def years(self, blog: str) -> dict[int | None, int]:
        counts = Counter(s.date.year if s.date else None for s in self._blog_posts(blog))
        return dict(sorted(counts.items(), key=lambda item: (item[0] is None, -(item[0] or 0))))

    @_reading
    def months(self, blog: str, year: int) -> dict[int, int]:
        counts = Counter(s.date.month for s in self._blog_posts(blog) if s.date and s.date.year == year)
        return dict(sorted(counts.items(), reverse=True))

    @_reading
    def posts_in(self, blog: str, year: int | None, month: int | None = None) -> list[PostSummary]:
        def wanted(summary: PostSummary) -> bool:
            if year is None:
                return summary.date is None
            if summary.date is None or summary.date.year != year:
                return False
            return month is None or summary.date.month == month

        return _newest_first(s for s in self._blog_posts(blog) if wanted(s))

    @_reading
    def post_places(self) -> PostPlaces:
        """Where every post sits in the archive, in archive order: from the small file the last update saved (a
        fifth of the time of sorting the catalogue's rows at 20,000 posts), else from the catalogue."""
        if (stored := self._stored_places()) is not None:
            return stored
        from civicreader.index.places import PostPlaces

        catalogue = self._catalogue_or_none()
        return catalogue.places() if catalogue is not None else PostPlaces.in_archive_order(())

    @_reading
    def summaries(self, post_ids: Iterable[str]) -> list[PostSummary]:
        """The summaries of these posts, in the order asked; ids not in the index are left out."""
        catalogue = self._catalogue_or_none()
        if catalogue is None:
            return []
        docnums = {row[0]: docnum for docnum, row in catalogue.rows.items()}
        return [catalogue.summary(docnums[post_id]) for post_id in post_ids if post_id in docnums]

    @_reading
    def categories(self) -> dict[str, int]:
        if (outline := self._stored_outline()) is not None:
            return outline["categories"]
        catalogue = self._catalogue_or_none()
        if catalogue is None:
            return {}
        return {name: len(docnums) for name, docnums in sorted(catalogue.by_category.items())}

    @_reading
    def posts_in_category(self, category: str) -> list[PostSummary]:
        catalogue = self._catalogue_or_none()
        if catalogue is None:
            return []
        return _newest_first(catalogue.summary(d) for d in catalogue.by_category.get(category, ()))

    @_reading
    def commented_posts(self) -> int:
        """How many posts have comments: from the outline while nothing bigger is read (the first screen asks)."""
        if (outline := self._stored_outline()) is not None and outline["commented"] is not None:
            return outline["commented"]
        catalogue = self._catalogue_or_none()
        if catalogue is None:
            return 0
        return sum(1 for count in catalogue.comment_counts.values() if count)

    @_reading
    def most_discussed(self, limit: int) -> list[PostSummary]:
        """The posts with the most comments, most first (the newer first among equals); none without comments."""
        catalogue = self._catalogue_or_none()
        if catalogue is None:
            return []
        counts, days = catalogue.comment_counts, catalogue.day_numbers
        commented = (docnum for docnum, count in counts.items() if count)
        longest = heapq.nlargest(limit, commented, key=lambda docnum: (counts[docnum], days[docnum]))
        return [catalogue.summary(docnum) for docnum in longest]

    # ---- people

    def people(self, sort: str = "wrote") -> list[Person]:
        """Everyone who wrote, from the people file the last update wrote; PeopleUnavailable when there is none."""
        return self._people.people(sort)

    def people_count(self) -> int:
        from civicreader.index.people import PeopleUnavailable  # imported here: it imports sqlite3

        try:
            return self._people.count()
        except PeopleUnavailable:
            return 0

    def writings_of(self, name: str, start: int = 0, limit: int | None = None) -> list[Writing]:
        """What the person of this name wrote, newest first: all, or `limit` of them from `start`."""
        return self._people.writings_of(name, start, limit)


def _holding(term_scores: TermScores, field: str, patterns: Sequence[Pattern], matched) -> set[int]:
    """The matched documents whose `field` holds the first word of one of the patterns for it."""
    found: set[int] = set()
    for pattern in patterns:
        if pattern.field == field:
            found.update(term_scores.scores(field, pattern.stems[0]).keys())
    return found.intersection(matched)


def _fields_matched(term_scores: TermScores, docnums: Sequence[int],
                    highlight: dict[str, set[str]]) -> dict[int, list[str]]:
    """Each document's text fields, the one holding most of the query's distinct terms first (body, comment,
    title on ties)."""
    holding = {(field, term): term_scores.holding(field, term, docnums)
               for field in TEXT_FIELDS for term in highlight.get(field, ())}

    def fields(docnum: int) -> list[str]:
        def strength(field: str) -> tuple[int, int]:
            held = sum(docnum in holding[field, term] for term in highlight.get(field, ()))
            return held, SNIPPET_FIELD_ORDER[field]

        return sorted(TEXT_FIELDS, key=strength, reverse=True)

    return {docnum: fields(docnum) for docnum in docnums}


def _no_progress(done: int, total: int, label: str) -> None:
    return None
