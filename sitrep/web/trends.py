"""Verdicts over time for the trends page and ``/api/trends``: improved, unchanged and worsened
per period, overall and per topic, as the chart draws them.

A reshaping of ``Archive.trends`` (the numbers ``sitrep trends`` prints), one call for all the
records and one split by topic: columns of counts along one axis of periods, which is what an
SVG chart and a JavaScript caller want.
"""

from __future__ import annotations

from typing import Any

from sitrep.search.api import Archive
from sitrep.search.trends import VERDICTS, Series


def _block(series: Series) -> dict[str, list[int]]:
    block = {v: [getattr(p, v) for p in series.periods] for v in VERDICTS}
    block["balance"] = [p.balance for p in series.periods]
    return block


def trend_counts(archive: Archive, text: str, by: str, filters: dict[str, Any]) -> dict[str, Any]:
    """Counts per period for the query and filters: ``periods``, ``overall`` and ``topics``
    (each ``{improved, unchanged, worsened, balance}``: lists along ``periods``), ``undated``
    texts and ``no_verdict`` (dated texts without one, or with one the table lacks), which the
    chart leaves out."""
    overall = archive.trends(text, by=by, **filters)
    everything = overall.series[0] if overall.series else Series("all", (), ())  # nothing dated matched
    topics = {
        s.name: _block(s)
        for s in archive.trends(text, by=by, split="topic", **filters).series
        if any(p.judged for p in s.periods)
    }
    return {
        "by": by,
        "periods": [p.period for p in everything.periods],
        "overall": _block(everything),
        "topics": topics,
        "undated": overall.undated,
        "no_verdict": sum(p.unknown for p in everything.periods),
    }
