"""How results read on a terminal: hits, facets, records, stats and timeline bars.

Colour follows the site (improved green, worsened red, unchanged plain) and is off when the
output is not a terminal or ``NO_COLOR`` is set.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

from sitrep.dates import week_label
from sitrep.record import Record
from sitrep.search.results import FacetCount, Hit, Results, Stats, Timeline

TREND_MARK = {"improved": ("▲ improved", "32"), "worsened": ("▼ worsened", "31"), "unchanged": ("■ unchanged", "")}


def use_color(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and code else text


def week_range(record: Record) -> str:
    return week_label(record.week_start, record.week_end)


def trend(record: Record, color: bool) -> str:
    if not record.trend:
        return f"? {record.trend_label}" if record.trend_label else "no verdict"
    text, code = TREND_MARK[record.trend]
    return paint(text, code, color)


def hit_lines(n: int, hit: Hit, color: bool) -> list[str]:
    r = hit.record
    head = f"{n:>3}. {week_range(r)} · {r.topic_label or r.topic or 'no topic'} · {trend(r, color)}"
    lines = [head, "     " + paint(r.title, "1", color)]
    for s in hit.snippets:
        lines.append("     " + (s.marked("\x1b[1;33m", "\x1b[0m") if color else s.marked("", "")))
    countries = ", ".join(r.countries[:6]) + ("…" if len(r.countries) > 6 else "")
    lines.append(paint(f"     id {r.id} · {r.lang} · {countries} · {r.url}", "2", color))
    return lines


def facet_line(name: str, values: Iterable[FacetCount], top: int) -> str:
    shown = list(values)[:top]
    return f"{name}: " + (" · ".join(f"{v.value} {v.count}" for v in shown) if shown else "—")


def results_text(results: Results, color: bool, facet_top: int) -> str:
    lines: list[str] = []
    first = (results.page - 1) * results.per_page
    for i, hit in enumerate(results.hits, start=first + 1):
        lines += [*hit_lines(i, hit, color), ""]
    if not results.hits:
        lines.append("No results." + (f" Did you mean: {results.suggestion}?" if results.suggestion else ""))
        lines.append("")
    elif results.suggestion:
        lines.append(f"Did you mean: {results.suggestion}?")
    for name, values in results.facets.items():
        lines.append(facet_line(name, values, facet_top))
    pages = max(1, -(-results.total // results.per_page))
    more = f"; next: --page {results.next_page}" if results.next_page else ""
    lines.append(f"{results.total} results (page {results.page} of {pages}{more}) in {results.took_ms:.0f} ms")
    return "\n".join(lines)


def record_text(record: Record, color: bool, history: list[dict[str, object]] | None = None) -> str:
    lines = [
        paint(record.title, "1", color),
        f"{week_range(record)} ({record.date_source}) · {record.topic_label or record.topic or 'no topic'} · {trend(record, color)}",
        f"id {record.id} · {record.lang} · layout {record.layout}"
        + (f" · by {record.author}" if record.author else ""),
        "countries: "
        + (", ".join(f"{c} {n}" for c, n in record.country_counts) or "—")
        + " · orgs: "
        + (", ".join(record.orgs) or "—"),
        "url: " + record.url,
    ]
    lines += [f"  also at {u}" for u in record.urls if u != record.url]
    if record.stamp:
        lines.append(f"old stamp: {record.stamp}")
    lines += ["", record.lead, *record.body]
    if record.captions:
        lines += ["", *(f"[{c}]" for c in record.captions)]
    if history:
        lines += ["", "versions: " + ", ".join(f"{h['version']} ({h['changed_at']})" for h in history)]
    return "\n".join(lines)


def stats_text(stats: Stats, top: int) -> str:
    unknown = sum(f.count for f in stats.unknown_verdicts)
    lines = [
        f"{stats.records} records, weeks {stats.first_week or '—'} to {stats.last_week or '—'}; "
        f"{stats.missing('year')} undated, {stats.missing('trend')} without a verdict, "
        f"{unknown} with a verdict not in the trends table"
    ]
    for name in ("year", "topic", "trend", "lang", "countries", "orgs"):
        lines.append(
            facet_line(name, stats.facets.get(name, ()), 50 if name in ("year", "topic", "trend", "lang") else top)
        )
    if stats.unknown_verdicts:
        lines.append(
            "verdicts not in the trends table: " + " · ".join(f"{v.value!r} {v.count}" for v in stats.unknown_verdicts)
        )
    if stats.last_crawl:
        c = stats.last_crawl
        lines.append(f"last crawl: run {c['id']} {c['status']} at {c['ended_at'] or c['started_at']}")
    return "\n".join(lines)


BAR_CHARS = {
    "improved": ("+", "32"),
    "worsened": ("-", "31"),
    "unchanged": ("=", ""),
    "unknown": ("?", "2"),
    "none": (".", "2"),
    "all": ("█", ""),
}


def timeline_text(tl: Timeline, color: bool, width: int = 50) -> str:
    if not tl.periods:
        return "No dated results."
    totals = [sum(tl.series[s][i] for s in tl.series) for i in range(len(tl.periods))]
    peak = max(totals) or 1
    lines = []
    palette = ["█", "▓", "▒", "░", "#"]
    for i, period in enumerate(tl.periods):
        bar = ""
        for j, (name, counts) in enumerate(tl.series.items()):
            char, code = BAR_CHARS.get(name, (palette[j % len(palette)], ""))
            if color and name in BAR_CHARS and name != "all":
                char = "█"
            bar += paint(char * round(counts[i] / peak * width), code, color)
        lines.append(f"{period:>10} {bar} {totals[i]}")
    if tl.split:
        legend = " ".join(
            f"{BAR_CHARS.get(n, (palette[j % len(palette)], ''))[0] if not color else paint('█', BAR_CHARS.get(n, ('', ''))[1], color)} {n}"
            for j, n in enumerate(tl.series)
        )
        lines.append(f"{'':>10} {legend}")
    lines.append(f"{tl.total} dated results by {tl.by}")
    return "\n".join(lines)
