"""How results read on a terminal: hits, facets, records, stats and timeline bars.

Colour follows the site (improved green, worsened red, unchanged plain). ``--color auto`` (the
default) colours a terminal only, and not when ``NO_COLOR`` is set or ``TERM=dumb``; ``always``
colours a pipe too (for ``less -R``); ``never`` never. Long output on a terminal goes through a
pager as git's does: ``SITREP_PAGER``, else ``PAGER``, else ``less`` with ``LESS=FRX`` (quits
when the text fits the screen); ``--no-pager`` or ``TERM=dumb`` turn it off.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Iterable
from typing import TextIO

import click

from sitrep.dates import week_label
from sitrep.record import SAMPLE_NOTE, Record
from sitrep.search.results import FacetCount, Hit, Results, Stats, Timeline

TREND_MARK = {"improved": ("▲ improved", "32"), "worsened": ("▼ worsened", "31"), "unchanged": ("■ unchanged", "")}


COLOR_MODES = ("auto", "always", "never")
_mode = {"color": "auto", "pager": True}


def configure(color: str = "auto", pager: bool = True) -> None:
    """Set the ``--color`` mode and whether long output may use a pager (the global options)."""
    if color not in COLOR_MODES:
        raise ValueError(f"color must be one of {', '.join(COLOR_MODES)}")
    _mode.update(color=color, pager=pager)


def _dumb() -> bool:
    return os.environ.get("TERM") == "dumb"


def use_color(stream: TextIO | None = None) -> bool:
    if _mode["color"] != "auto":
        return _mode["color"] == "always"
    stream = stream or sys.stdout
    return not os.environ.get("NO_COLOR") and not _dumb() and hasattr(stream, "isatty") and stream.isatty()


def columns() -> int:
    """The terminal's columns (``COLUMNS`` when set, 80 when unknown)."""
    return shutil.get_terminal_size((80, 24)).columns


def emit(text: str) -> None:
    """Print ``text``; through a pager when it is longer than a terminal's screen."""
    pager = os.environ.get("SITREP_PAGER") or os.environ.get("PAGER")
    if (
        _mode["pager"]
        and not _dumb()
        and sys.stdout.isatty()
        and text.count("\n") + 1 >= shutil.get_terminal_size((80, 24)).lines
    ):
        os.environ.setdefault("LESS", "FRX")
        if pager:
            os.environ["PAGER"] = pager
        click.echo_via_pager(text, color=use_color())
    else:
        click.echo(text, color=use_color())


def paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and code else text


def week_range(record: Record) -> str:
    return week_label(record.week_start, record.week_end)


def trend(record: Record, color: bool) -> str:
    if not record.trend:
        return f"? {record.trend_label}" if record.trend_label else "no verdict"
    text, code = TREND_MARK[record.trend]
    return paint(text, code, color)


# the marks of matched words while wrapping: one character each, swapped for colour afterwards
_ON, _OFF = "\ue000", "\ue001"


SAMPLE_TAG = "[SAMPLE]"  # before each hit of the generated sample archive; results_text explains it once


def sample_tag(record: Record, color: bool) -> str:
    return paint(SAMPLE_TAG, "1;35", color) + " " if record.sample else ""


def hit_lines(n: int, hit: Hit, color: bool, width: int | None = None) -> list[str]:
    r = hit.record
    head = (
        f"{n:>3}. {sample_tag(r, color)}{week_range(r)} · {r.topic_label or r.topic or 'no topic'} · {trend(r, color)}"
    )
    lines = [head, "     " + paint(r.title, "1", color)]
    wrap = max(40, (width or columns()) - 1)
    for s in hit.snippets:
        marked = s.marked(_ON, _OFF)
        indent = "     "
        for line in textwrap.wrap(
            marked,
            wrap,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        ):
            lines.append(line.replace(_ON, "\x1b[1;33m" if color else "").replace(_OFF, "\x1b[0m" if color else ""))
    countries = ", ".join(r.countries[:6]) + ("…" if len(r.countries) > 6 else "")
    lines.append(paint(f"     id {r.id} · {r.lang} · {countries} · {r.url}", "2", color))
    return lines


def facet_line(name: str, values: Iterable[FacetCount], top: int) -> str:
    every = list(values)
    shown = every[:top]
    more = f" · +{len(every) - top} more" if len(every) > top else ""
    return f"{name}: " + (" · ".join(f"{v.value} {v.count}" for v in shown) + more if shown else "—")


def results_text(results: Results, color: bool, facet_top: int) -> str:
    """Hits, facets and a footer. Nothing found: one line, no empty facets. A page past the
    end: one line that says which page is the last."""
    pages = max(1, -(-results.total // results.per_page))
    if not results.total:
        tip = f" Did you mean: {results.suggestion}?" if results.suggestion else ""
        return f"No results.{tip}\n0 results in {results.took_ms:.0f} ms"
    if not results.hits:
        return f"Page {results.page} is past the end: {results.total} results fill {pages} pages (the last is --page {pages})."
    lines: list[str] = []
    first = (results.page - 1) * results.per_page
    for i, hit in enumerate(results.hits, start=first + 1):
        lines += [*hit_lines(i, hit, color), ""]
    if any(hit.record.sample for hit in results.hits):
        lines.append(f"{SAMPLE_TAG}: a {SAMPLE_NOTE}.")
    if results.suggestion:
        lines.append(f"Did you mean: {results.suggestion}?")
    for name, values in results.facets.items():
        lines.append(facet_line(name, values, facet_top))
    more = f"; next: --page {results.next_page}" if results.next_page else ""
    lines.append(f"{results.total} results (page {results.page} of {pages}{more}) in {results.took_ms:.0f} ms")
    return "\n".join(lines)


def record_text(record: Record, color: bool, history: list[dict[str, object]] | None = None) -> str:
    lines = [f"{sample_tag(record, color)}a {SAMPLE_NOTE}"] if record.sample else []
    lines += [
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
        if len(history) > 1:
            lines.append(f"what changed: sitrep diff {record.id[:8]}")
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


WHAT_COUNTS = {
    None: "records",
    "trend": "records, by verdict",
    "country": "mentions: a record naming several of these countries counts once for each",
}


def timeline_text(tl: Timeline, color: bool, width: int = 50, share: bool = False) -> str:
    """Bars per period; with ``share``, each series as its share of the period's total."""
    if not tl.periods:
        return "No dated results."
    totals = [sum(tl.series[s][i] for s in tl.series) for i in range(len(tl.periods))]
    peak = max(totals) or 1
    lines = []
    palette = ["█", "▓", "▒", "░", "#"]
    for i, period in enumerate(tl.periods):
        bar = ""
        scale = (totals[i] or 1) if share else peak
        for j, (name, counts) in enumerate(tl.series.items()):
            char, code = BAR_CHARS.get(name, (palette[j % len(palette)], ""))
            if color and name in BAR_CHARS and name != "all":
                char = "█"
            bar += paint(char * round(counts[i] / scale * width), code, color)
        if share and tl.split:
            figure = " ".join(f"{n} {tl.series[n][i] / totals[i]:.0%}" for n in tl.series) if totals[i] else "—"
        else:
            figure = str(totals[i])
        lines.append(f"{period:>10} {bar} {figure}")
    if tl.split:
        legend = " ".join(
            f"{BAR_CHARS.get(n, (palette[j % len(palette)], ''))[0] if not color else paint('█', BAR_CHARS.get(n, ('', ''))[1], color)} {n}"
            for j, n in enumerate(tl.series)
        )
        lines.append(f"{'':>10} {legend}")
    counted = sum(totals)
    what = WHAT_COUNTS[tl.split]
    lines.append(
        f"{tl.total} dated results by {tl.by}"
        + (f"; the bars count {counted} {what}" if tl.split else "")
        + ("; shares of each period's total" if share else "")
    )
    return "\n".join(lines)
