"""What the API returns: frozen, typed results with one stable JSON shape.

The JSON envelope is versioned (``version``); keys are added in later versions, never renamed
or removed (README, "JSON output").
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from typing import Any

from sitrep.record import Record
from sitrep.search.highlight import Snippet

JSON_VERSION = 1


@dataclasses.dataclass(frozen=True)
class Hit:
    """One record found and its BM25 score (None when ordered by week); its snippets are found
    when first read, as Whoosh's own hits find their highlights: a caller that only wants the
    records (an export, a count, another tool) does not pay for reading every hit's text."""

    record: Record
    score: float | None
    find_snippets: Callable[[Record], tuple[Snippet, ...]] | None = dataclasses.field(
        default=None, repr=False, compare=False
    )

    @functools.cached_property
    def snippets(self) -> tuple[Snippet, ...]:
        """Where the query's words stand in the record's text (none for a search without words)."""
        return self.find_snippets(self.record) if self.find_snippets else ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.record.id,
            "score": self.score,
            "snippets": [s.to_dict() for s in self.snippets],
            "record": self.record.to_dict(),
        }


@dataclasses.dataclass(frozen=True)
class FacetCount:
    """How many hits have one value of a facet."""

    value: str
    count: int


def facets_json(facets: dict[str, tuple[FacetCount, ...]]) -> dict[str, list[dict[str, Any]]]:
    """``{name: [{value, count}, ...]}``, the one JSON shape of facet counts."""
    return {name: [{"value": f.value, "count": f.count} for f in values] for name, values in facets.items()}


@dataclasses.dataclass(frozen=True)
class Results:
    """One page of a search: the hits, the total, the facets and a spelling suggestion."""

    query: dict[str, Any]
    total: int
    page: int
    per_page: int
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[FacetCount, ...]]
    suggestion: str | None
    took_ms: float

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page * self.per_page < self.total else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "version": JSON_VERSION,
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "next_page": self.next_page,
            "hits": [h.to_dict() for h in self.hits],
            "facets": facets_json(self.facets),
            "suggestion": self.suggestion,
            "took_ms": round(self.took_ms, 2),
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


@dataclasses.dataclass(frozen=True)
class Timeline:
    """Counts of dated hits per period, optionally one series per verdict or country."""

    by: str
    split: str | None
    periods: tuple[str, ...]
    series: dict[str, tuple[int, ...]]  # series name ("all" without split) -> count per period
    total: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "version": JSON_VERSION,
            "by": self.by,
            "split": self.split,
            "periods": list(self.periods),
            "series": {k: list(v) for k, v in self.series.items()},
            "total": self.total,
        }


@dataclasses.dataclass(frozen=True)
class Stats:
    """What an archive holds: counts by facet, its first and last week, its last crawl."""

    records: int
    first_week: str | None
    last_week: str | None
    facets: dict[str, tuple[FacetCount, ...]]
    last_crawl: dict[str, Any] | None
    unknown_verdicts: tuple[FacetCount, ...] = ()  # printed labels not in the trends table, with counts

    def missing(self, facet: str) -> int:
        """How many records have no value for ``facet`` (its ``none`` count)."""
        return next((f.count for f in self.facets.get(facet, ()) if f.value == "none"), 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "version": JSON_VERSION,
            "records": self.records,
            "first_week": self.first_week,
            "last_week": self.last_week,
            "facets": facets_json(self.facets),
            "last_crawl": self.last_crawl,
            "unknown_verdicts": [{"value": f.value, "count": f.count} for f in self.unknown_verdicts],
        }


def envelope(**fields: Any) -> dict[str, Any]:
    """The versioned success envelope around any other answer (a record, crawl runs, trends)."""
    return {"ok": True, "version": JSON_VERSION, **fields}


def error_dict(message: str, status: int) -> dict[str, Any]:
    return {"ok": False, "version": JSON_VERSION, "error": message, "status": status}
