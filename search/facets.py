"""Filters and facet counts as bitset arithmetic over ``index.docvalues.DocValues``."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from sitrep.index.docvalues import DocValues, bits_of, docnums_of
from sitrep.search.filters import Filters
from sitrep.search.vocabulary import NONE

# the API's facet names -> the index's facet fields
FACET_FIELD = {
    "countries": "countries",
    "orgs": "orgs",
    "topic": "topic",
    "trend": "trend",
    "lang": "lang",
    "author": "author",
    "year": "year",
    "month": "month",
}
_LOWER = ("countries", "orgs", "author")


def union(masks: Iterable[int]) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def without(dv: DocValues, field: str) -> int:
    """The live documents with no value in ``field`` (no topic, no verdict, no week…)."""
    return dv.live & ~union(dv.facets.get(field, {}).values())


def _any(dv: DocValues, field: str, values: Iterable[str]) -> int:
    mask = 0
    for value in values:
        if value == NONE:
            mask |= without(dv, field)
        else:
            mask |= dv.facets[field].get(value.lower() if field in _LOWER else value, 0)
    return mask


def filter_mask(dv: DocValues, f: Filters) -> int:
    """The documents the filters allow (all live documents when there are none)."""
    mask = dv.live
    if f.countries:
        if f.countries_mode == "all":
            for code in f.countries:
                mask &= _any(dv, "countries", [code])
        else:
            mask &= _any(dv, "countries", f.countries)
    for field, values in (
        ("orgs", f.orgs),
        ("topic", f.topics),
        ("trend", f.trends),
        ("lang", f.langs),
        ("author", f.authors),
    ):
        if values:
            mask &= _any(dv, field, values)
    if f.since or f.until:
        mask &= date_mask(dv, f.since, f.until)
    if f.undated:
        mask &= without(dv, "month")
    return mask


def date_mask(dv: DocValues, since: dt.date | None, until: dt.date | None) -> int:
    """Documents whose week starts within [since, until] (open where None); undated never match.

    Whole months come from the month bitsets; only the days of a month cut by the range are
    checked one document at a time.
    """
    lo = (since or dt.date.min).toordinal()
    hi = (until or dt.date.max).toordinal()
    mask = 0
    for first, last, bits in dv.month_spans:
        if first >= lo and last <= hi:
            mask |= bits
        elif first <= hi and last >= lo:  # a month the range cuts: check its documents
            mask |= bits_of((d for d in docnums_of(bits) if lo <= dv.weeks[d] <= hi), len(dv.weeks))
    return mask


def counts(dv: DocValues, hits: int, names: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """For each facet, (value, count) over all hits: most first (years and months newest first),
    then ``none`` for the hits without a value, so the counts of a one-value field add up."""
    out: dict[str, list[tuple[str, int]]] = {}
    for name in names:
        field = FACET_FIELD[name]
        pairs = [(value, (mask & hits).bit_count()) for value, mask in dv.facets.get(field, {}).items()]
        pairs = [(v.upper() if field in ("countries", "orgs") else v, n) for v, n in pairs if n]
        if field in ("year", "month"):
            pairs.sort(key=lambda vn: vn[0], reverse=True)
        else:
            pairs.sort(key=lambda vn: (-vn[1], vn[0]))
        missing = (without(dv, field) & hits).bit_count()
        out[name] = pairs + ([(NONE, missing)] if missing else [])
    return out


def by_week(dv: DocValues, hits: int, newest_first: bool, needed: int) -> list[int]:
    """The first ``needed`` hits by week, undated last: newest first (ties by id) or the reverse.

    Walks the saved newest-first order and keeps the hits, so a page of a broad query costs a
    few hundred steps, not a sort of every hit.
    """
    if needed <= 0:
        return []
    count, size = hits.bit_count(), len(dv.ids)
    if count * count < needed * size:
        # A walk would pass about needed × size / count documents before it has ``needed``
        # (every document, for a rare word at 100k); sorting the few hits costs about ``count``.
        places, dated_count = dv.positions, dv.dated_count

        def place(d: int) -> tuple[int, int]:
            p = places[d]
            return (1, p) if p >= dated_count else (0, p if newest_first else -p)

        return sorted(docnums_of(hits), key=place)[:needed]
    flags = hits.to_bytes((size >> 3) + 1, "little")
    dated = dv.order[: dv.dated_count]
    undated = dv.order[dv.dated_count :]
    return list(_take(itertools.chain(dated if newest_first else reversed(dated), undated), flags, needed))


def _take(order: Iterable[int], flags: bytes, needed: int) -> Iterable[int]:
    if needed <= 0:
        return
    taken = 0
    for d in order:
        if flags[d >> 3] >> (d & 7) & 1:
            yield d
            taken += 1
            if taken >= needed:
                return
