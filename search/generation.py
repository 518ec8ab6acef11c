"""One index generation opened for reading, and the documents a query matches in it.

A rebuild swaps the index link and deletes the old folder; a reader that resolved the link just
before keeps reading the files it opened (POSIX), and one that was still opening follows the
link to the new generation (``OPEN_ATTEMPTS``). Read failures are ``IndexDamaged`` only for the
kinds ``index.writing.DAMAGE`` lists, which the damage tests provoke.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import warnings
from collections.abc import Iterator
from pathlib import Path

import sitrep.index.whoosh_imports  # noqa: F401  (before Whoosh: see its docstring)

from whoosh import query as wq
from whoosh.searching import Searcher

from sitrep.errors import IndexDamaged
from sitrep.index.docvalues import DocValues, TermSets, bits_of, docnums_of, positions_of
from sitrep.index.schema import TEXT_FIELDS
from sitrep.index.words import WordCounts
from sitrep.index.writing import DAMAGE, live_folder, open_folder, quiet_collect
from sitrep.search import facets as facet_math
from sitrep.search.query import And, Field, Node, Or, Words
from sitrep.search.spelling import Speller

OPEN_ATTEMPTS = 3  # a rebuild may swap the link (and delete the folder) while we open it


class Generation:
    """One index generation opened for reading: Whoosh's searcher, its doc values and word sets."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ix = open_folder(folder)
        try:
            with warnings.catch_warnings():  # Whoosh retries a damaged segment and leaks its file
                warnings.simplefilter("ignore", ResourceWarning)
                # search results are ranked by sitrep.search.ranking (BM25 over saved postings);
                # Whoosh's own BM25F ranks only "similar texts" (more-like-this)
                self.searcher: Searcher = self.ix.searcher()
                self.docvalues = DocValues.for_index(self.ix, self.searcher.reader())
                self.termsets = TermSets(folder, self.ix.latest_generation())
        except BaseException:
            self.ix.close()
            raise

    @functools.cached_property
    def speller(self) -> Speller:
        """The "did you mean" speller over this generation's printed words, loaded on first use."""
        return Speller(WordCounts.load(self.folder, self.ix.latest_generation()))

    @classmethod
    def open(cls, data_dir: Path) -> Generation:
        """The live generation; if a rebuild swaps the link while we open it, the new one."""
        attempt, folder = 1, live_folder(data_dir)
        while True:
            try:
                with damage_is_index_damaged():
                    return cls(folder)
            except IndexDamaged:
                moved = live_folder(data_dir)
                if attempt == OPEN_ATTEMPTS or moved == folder:
                    raise
                attempt, folder = attempt + 1, moved

    def close(self) -> None:
        """Whoosh maps segment files into memory and its readers keep views of them, so the
        references are dropped too: that is what frees the files."""
        self.searcher.close()
        self.termsets.close()
        self.ix.close()
        del self.searcher, self.ix, self.termsets

    def docs(self, q: wq.Query) -> int:
        """All documents matching ``q`` as a bitset: saved word sets combined where the query is
        words joined by AND/OR/NOT, Whoosh's own matching for phrases, wildcards and rare words."""
        size = len(self.docvalues.ids)
        if isinstance(q, wq.Term) and q.fieldname in TEXT_FIELDS:
            text = q.text.decode("utf-8") if isinstance(q.text, bytes) else q.text
            found = self.termsets.get(q.fieldname, text, size)
            if found is not None:
                return found & self.docvalues.live
        elif isinstance(q, wq.And):
            mask = self.docvalues.live
            for sub in q.subqueries:
                mask &= self.docs(sub)
            return mask
        elif isinstance(q, wq.Or) and not isinstance(q, wq.DisjunctionMax):
            mask = 0
            for sub in q.subqueries:
                mask |= self.docs(sub)
            return mask
        elif isinstance(q, wq.Phrase) and q.fieldname in TEXT_FIELDS and q.slop == 1:
            found = self._phrase(q.fieldname, q.words)
            if found is not None:
                return found
        elif isinstance(q, wq.Not):
            return self.docvalues.live & ~self.docs(q.query)
        elif isinstance(q, wq.AndNot):
            return self.docs(q.a) & ~self.docs(q.b)
        return bits_of(self.searcher.docs_for_query(q), size) & self.docvalues.live

    def _phrase(self, field: str, words: list[str | bytes | None]) -> int | None:
        """The documents holding ``words`` next to each other, in order, as Whoosh's phrase
        matcher finds them (slop 1: each word one position after the one before), when every
        word has a saved set; None for Whoosh to answer (a rare word's short postings lead).

        The sets' AND gives the candidates and only their positions are read. Whoosh's matcher
        walks the words' postings side by side and builds a span object per position in Python:
        a phrase of two common words rarely side by side took 16 ms at 10k, most of it in that walk.
        """
        texts = [w.decode("utf-8") if isinstance(w, bytes) else w for w in words if w is not None]
        if len(texts) < 2 or len(texts) != len(words):
            return None
        size = len(self.docvalues.ids)
        candidates = self.docvalues.live
        for text in texts:
            found = self.termsets.get(field, text, size)
            if found is None:
                return None
            candidates &= found
        if not candidates:
            return 0
        reader = self.searcher.reader()
        docs = docnums_of(candidates)
        starts: dict[int, set[int]] = {}
        for offset, text in enumerate(texts):
            positions = positions_of(reader, field, text, docs)
            if len(positions) != len(docs):
                missing = next(d for d in docs if d not in positions)
                raise IndexDamaged(f"the saved word sets list document {missing} for {text!r} but its postings do not")
            for doc in docs:
                shifted = {p - offset for p in positions[doc]}
                starts[doc] = shifted if offset == 0 else starts[doc] & shifted
            docs = [doc for doc in docs if starts[doc]]
            if not docs:
                return 0
        return bits_of(docs, size)

    def evaluate(self, node: Node | None) -> int:
        """The documents a parsed query matches, exactly: each part, then AND/OR/NOT of bitsets."""
        dv = self.docvalues
        if node is None:
            return dv.live
        if isinstance(node, Words):
            return self.docs(node.query)
        if isinstance(node, Field):
            return facet_math.filter_mask(dv, node.filters)
        if isinstance(node, And):
            mask = dv.live
            for part in node.parts:
                mask &= self.evaluate(part)
            return mask
        if isinstance(node, Or):
            return facet_math.union(self.evaluate(part) for part in node.parts)
        return dv.live & ~self.evaluate(node.part)


@dataclasses.dataclass(frozen=True)
class Matched:
    """The documents a query and filters match, in one index generation: the primitive that
    search, facets, timeline and stats are built on (and exports or trends may use)."""

    docvalues: DocValues
    mask: int
    tree: Node | None

    @property
    def total(self) -> int:
        return self.mask.bit_count()

    def ids(self, newest_first: bool = True) -> list[str]:
        """The record ids, newest week first (ties by id), undated last."""
        order = facet_math.by_week(self.docvalues, self.mask, newest_first, needed=self.total)
        return [self.docvalues.ids[d] for d in order]


@contextlib.contextmanager
def damage_is_index_damaged() -> Iterator[None]:
    try:
        yield
    except DAMAGE as exc:
        error = f"the index could not be read ({type(exc).__name__}: {exc})"[:300]
        quiet_collect(exc)  # a damaged segment leaves Whoosh's open files to the collector
        raise IndexDamaged(error) from None
