"""Verdicts over time: improved, unchanged and worsened per period, overall and per topic.

``trend_counts`` is the one place the web layer gets these numbers. ``Archive.trends`` (issue 18)
was not on main when this was written, so it is computed here from the public
``Archive.timeline(split="trend")``: months rolled up into quarters or years, one timeline per
topic. When ``Archive.trends`` lands, this function is the one to swap.
"""

from __future__ import annotations

from typing import Any

from sitrep.errors import QueryError
from sitrep.search.api import Archive

BYS = ("month", "quarter", "year")
VERDICTS = ("improved", "unchanged", "worsened")


def _period(month: str, by: str) -> str:
    """``2016-05`` as a month, quarter (``2016-Q2``) or year (``2016``)."""
    if by == "year":
        return month[:4]
    if by == "quarter":
        return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"
    return month


def _rolled(periods: tuple[str, ...], series: dict[str, tuple[int, ...]], by: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for verdict in (*VERDICTS, "unknown", "none"):
        for month, n in zip(periods, series.get(verdict, ())):
            cell = out.setdefault(_period(month, by), {})
            cell[verdict] = cell.get(verdict, 0) + n
    return out


def _block(axis: list[str], cells: dict[str, dict[str, int]]) -> dict[str, list[int]]:
    block = {v: [cells.get(p, {}).get(v, 0) for p in axis] for v in VERDICTS}
    block["balance"] = [i - w for i, w in zip(block["improved"], block["worsened"])]
    return block


def trend_counts(archive: Archive, text: str, by: str, filters: dict[str, Any]) -> dict[str, Any]:
    """Counts per period for the query and filters: ``periods``, ``overall`` and ``topics``
    (each ``{improved, unchanged, worsened, balance}``: lists along ``periods``), ``undated``
    texts and ``no_verdict`` (dated texts without one), which the chart leaves out."""
    if by not in BYS:
        raise QueryError(by, f"by must be {', '.join(BYS)}")
    overall = archive.timeline(text, by="month", split="trend", **filters)
    cells = _rolled(overall.periods, overall.series, by)
    axis = list(dict.fromkeys(_period(m, by) for m in overall.periods))
    topic_names = [f.value for f in archive.search(text, per_page=1, facets=("topic",), **filters).facets["topic"]]
    topics = {}
    for topic in topic_names:
        narrowed = {**filters, "topics": [topic]}  # the topic facet lists only topics the filters allow
        tl = archive.timeline(text, by="month", split="trend", **narrowed)
        block = _block(axis, _rolled(tl.periods, tl.series, by))
        if any(block["improved"]) or any(block["worsened"]) or any(block["unchanged"]):
            topics[topic] = block
    everything = archive.search(text, per_page=1, facets=(), **filters).total
    return {
        "by": by,
        "periods": axis,
        "overall": _block(axis, cells),
        "topics": topics,
        "undated": everything - overall.total,
        "no_verdict": sum(c.get("unknown", 0) + c.get("none", 0) for c in cells.values()),
    }
