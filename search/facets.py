"""Filters and facet counts as bitset arithmetic over ``index.docvalues.DocValues``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from index.docvalues import DocValues, docnums_of
from search.query import Filters

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


def _any(dv: DocValues, field: str, values: Iterable[str]) -> int:
    mask = 0
    for value in values:
        mask |= dv.facets[field].get(value.lower() if field in ("countries", "orgs", "author") else value, 0)
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
    return mask


def date_mask(dv: DocValues, since: dt.date | None, until: dt.date | None) -> int:
    """Documents whose week starts within [since, until]; undated documents never match."""
    low = since.toordinal() if since and since != dt.date.min else 1
    high = until.toordinal() if until and until != dt.date.max else 10**7
    buf = bytearray((len(dv.weeks) >> 3) + 1)
    for d, w in enumerate(dv.weeks):
        if w and low <= w <= high:
            buf[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


def counts(dv: DocValues, hits: int, names: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """For each facet, (value, count) over all hits, most first, then by value."""
    out: dict[str, list[tuple[str, int]]] = {}
    for name in names:
        field = FACET_FIELD[name]
        pairs = [(value, (mask & hits).bit_count()) for value, mask in dv.facets.get(field, {}).items()]
        pairs = [(v.upper() if field in ("countries", "orgs") else v, n) for v, n in pairs if n]
        pairs.sort(key=lambda vn: (-vn[1], vn[0]) if field not in ("year", "month") else (vn[0],), reverse=False)
        if field in ("year", "month"):
            pairs.sort(key=lambda vn: vn[0], reverse=True)
        out[name] = pairs
    return out


def by_week(dv: DocValues, hits: int, newest_first: bool) -> list[int]:
    """Hit document numbers ordered by week (undated last), then by record id for stability."""
    docs = docnums_of(hits)
    dated = sorted((d for d in docs if dv.weeks[d]), key=lambda d: (dv.weeks[d], dv.ids[d]), reverse=newest_first)
    return dated + sorted((d for d in docs if not dv.weeks[d]), key=lambda d: dv.ids[d])
