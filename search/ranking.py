"""BM25 ranking of the documents a query matched, over postings saved at commit.

Whoosh decides which documents match (sitrep.search.api: a bitset); this module orders them.
Whoosh's own top-k collector scores every hit in Python (88 % of a query's time on common
words at 100k documents) and, given a filter, first needs a Python set of every allowed
document. Here each query word's postings (document numbers and term frequencies) come as
arrays — saved at commit for frequent words (``TermSets``), read from Whoosh's postings for
rare ones — and BM25 is computed in one tight loop over them, restricted to the matched documents;
the best ``needed`` are picked by their score threshold, not by sorting every hit. Plain Python
on purpose: numpy did the arithmetic 15× faster but its import alone cost a CLI search more than
the ranking of the commonest word at 100k documents (bench: "cli" rows).

The title is weighted by repetition: it stands three times in the one text field
(``sitrep.index.schema.TITLE_WEIGHT``), so its words count three times before BM25's
saturation and length normalisation, which is what BM25F does with a title weight of 3.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import sitrep.index.whoosh_imports  # noqa: F401  (before Whoosh: see its docstring)

from whoosh import query as wq

from sitrep.index.docvalues import DocValues, TermSets, docnums_of, postings_of

if TYPE_CHECKING:
    from whoosh.reading import IndexReader

K1 = 1.2
B = 0.75


def positive_terms(q: wq.Query, reader: IndexReader) -> set[tuple[str, str]]:
    """The (field, word) pairs that count towards a document's score: every word the query asks
    for (wildcards and prefixes expanded to the words the index holds), none under NOT."""
    if isinstance(q, wq.Not):
        return set()
    if isinstance(q, wq.AndNot):
        return positive_terms(q.a, reader)
    if q.is_leaf() or isinstance(q, wq.Phrase):
        return {
            (field, text.decode("utf-8") if isinstance(text, bytes) else text)
            for field, text in q.existing_terms(reader, phrases=True, expand=True)
        }
    out: set[tuple[str, str]] = set()
    for sub in q.children():
        out |= positive_terms(sub, reader)
    return out


def top(
    terms: Iterable[tuple[str, str]],
    mask: int,
    needed: int,
    docvalues: DocValues,
    termsets: TermSets,
    reader: IndexReader,
) -> list[tuple[int, float]]:
    """The ``needed`` best (document number, score) among the documents in ``mask``, best first;
    equal scores by record id, so a page boundary never moves between two runs, and two indexes
    of the same records (crawled in another order) rank them alike."""
    size = len(docvalues.ids)
    if not mask or needed <= 0:
        return []
    allowed = mask.to_bytes((size >> 3) + 1, "little")
    count = mask.bit_count()
    hits: list[int] | None = None
    lengths = docvalues.lengths
    scores: dict[int, float] = {}
    get = scores.get
    for field, word in sorted(terms):
        saved = termsets.postings(field, word)
        ids, tfs = postings_of(reader, field, word) if saved is None else (saved[0].cast("I"), saved[1].cast("H"))
        df = len(ids)
        if not df:
            continue
        if count * df.bit_length() < df:
            # few matches against a long list (a rare word ANDed with a common one, a narrow
            # filter): look each match up by halving rather than pass every posting
            hits = docnums_of(mask) if hits is None else hits
            pairs: Iterable[tuple[int, int]] = _looked_up(ids, tfs, hits)
        else:
            pairs = ((d, tf) for d, tf in zip(ids, tfs) if allowed[d >> 3] >> (d & 7) & 1)
        idf = math.log(1 + (size - df + 0.5) / (df + 0.5))
        # idf·tf·(k1+1) / (tf + k1·(1 − b + b·length/average)), its constants taken out of the loop
        numerator = idf * (K1 + 1)
        flat, per_word = K1 * (1 - B), K1 * B / docvalues.average_lengths.get(field, 1.0)
        for d, tf in pairs:
            scores[d] = get(d, 0.0) + numerator * tf / (tf + flat + per_word * lengths[d])
    ranked = [(d, s) for d, s in scores.items() if s > 0]  # hits holding none of the words follow by date
    if len(ranked) > needed:
        # the needed-th best score; of the documents tied at it, the lowest record ids make the
        # cut (the sort below), so page 1 is always the start of pages 1–3
        cut = heapq.nlargest(needed, scores.values())[-1]
        ranked = [(d, s) for d, s in ranked if s >= cut]
    ids = docvalues.ids
    ranked.sort(key=lambda hit: (-hit[1], ids[hit[0]]))
    return [(d, round(s, 4)) for d, s in ranked[:needed]]


def _looked_up(ids: Sequence[int], tfs: Sequence[int], hits: list[int]) -> Iterator[tuple[int, int]]:
    """(document, term frequency) for each of ``hits`` the ascending ``ids`` hold."""
    low = 0
    for d in hits:  # ascending too, so each search starts where the last one ended
        i = bisect.bisect_left(ids, d, low)
        if i == len(ids):
            return
        if ids[i] == d:
            yield d, tfs[i]
        low = i
