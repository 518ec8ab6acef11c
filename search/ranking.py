"""BM25 ranking of the documents a query matched, in array arithmetic.

Whoosh decides which documents match (sitrep.search.api: a bitset); this module orders them.
Whoosh's own top-k collector scores every hit in Python (88 % of a query's time on common
words at 100k documents) and, given a filter, first needs a Python set of every allowed
document. Here each query word's postings (document numbers and term frequencies) come as
arrays — saved at commit for frequent words (``TermSets``), read from Whoosh's postings for
rare ones — and BM25 is computed for all of them at once with numpy, restricted to the matched
documents, and the best ``needed`` are picked with a partial sort.

The title is weighted by repetition: it stands three times in the one text field
(``sitrep.index.schema.TITLE_WEIGHT``), so its words count three times before BM25's
saturation and length normalisation, which is what BM25F does with a title weight of 3.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from whoosh import query as wq

from sitrep.index.docvalues import DocValues, TermSets, postings_of

if TYPE_CHECKING:
    import numpy as np
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
    equal scores in document order, so a page boundary never moves between two runs."""
    import numpy as np  # only ranked searches pay for it

    size = len(docvalues.ids)
    if not mask or needed <= 0:
        return []
    allowed = _unpack(mask, size)
    lengths = np.frombuffer(docvalues.lengths, dtype=np.float32)[:size]
    scores = np.zeros(size, dtype=np.float64)
    for field, word in sorted(terms):
        saved = termsets.postings(field, word)
        if saved is None:
            ids_array, tfs_array = postings_of(reader, field, word)
            ids = np.frombuffer(ids_array, dtype=np.uint32) if ids_array else np.zeros(0, np.uint32)
            tfs = np.frombuffer(tfs_array, dtype=np.uint16) if tfs_array else np.zeros(0, np.uint16)
        else:
            ids, tfs = np.frombuffer(saved[0], dtype=np.uint32), np.frombuffer(saved[1], dtype=np.uint16)
        if not len(ids):
            continue
        df = len(ids)
        idf = math.log(1 + (size - df + 0.5) / (df + 0.5))
        tf = tfs.astype(np.float64)
        norm = K1 * (1 - B + B * lengths[ids] / docvalues.average_lengths.get(field, 1.0))
        scores[ids] += idf * tf * (K1 + 1) / (tf + norm)
    candidates = np.flatnonzero(allowed & (scores > 0))  # hits holding none of the words follow by date
    if not len(candidates):
        return []
    ranked = scores[candidates]
    k = min(needed, len(candidates))
    if k < len(candidates):
        # the k-th best score; of the documents tied at it, the lowest numbers make the cut
        # (candidates ascend), so page 1 is always the start of pages 1–3
        cut = -np.partition(-ranked, k - 1)[k - 1]
        above, tied = np.flatnonzero(ranked > cut), np.flatnonzero(ranked == cut)
        keep = np.concatenate((above, tied[: k - len(above)]))
        candidates, ranked = candidates[keep], ranked[keep]
    order = np.lexsort((candidates, -ranked))
    return [(int(candidates[i]), round(float(ranked[i]), 4)) for i in order]


def _unpack(mask: int, size: int) -> np.ndarray:
    """A Python-int bitset as a boolean array of ``size`` documents."""
    import numpy as np

    raw = np.frombuffer(mask.to_bytes((size >> 3) + 1, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:size].astype(bool)
