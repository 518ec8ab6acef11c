"""``sitrep trends``: improved, unchanged and worsened per period, as a chart, JSON or CSV."""

from __future__ import annotations

import csv
import sys
from typing import Any

import click

from sitrep.cli import output
from sitrep.cli.common import CONTEXT, State, echo_json, filter_options, filters_of, open_archive, pass_state
from sitrep.search.trends import BY, Series, Trends

VERDICTS = ("improved", "unchanged", "worsened")  # the bar's order; its characters and colours are output.BAR_CHARS


def series_text(series: Series, color: bool, width: int = 30) -> list[str]:
    """One line per period: counts, a bar of the shares (+ improved, = unchanged, - worsened), balance."""
    lines = []
    for p in series.periods:
        bar = ""
        if p.judged:
            lengths = output.bar_lengths([getattr(p, v) for v in VERDICTS], p.judged, width)
            for verdict, length in zip(VERDICTS, lengths, strict=True):
                char, code = output.BAR_CHARS[verdict]
                bar += output.paint(char * length, code, color)
        counts = f"▲{p.improved:>3} ■{p.unchanged:>3} ▼{p.worsened:>3}" + (f" ?{p.unknown}" if p.unknown else "")
        share = f"{round(100 * (p.share('worsened') or 0)):>3}% worse" if p.judged else "  no verdicts"
        lines.append(f"{p.period:>8}  {counts:<18} {bar:<{width}}  {share}  balance {p.balance:+d}")
    for streak in series.streaks:
        lines.append(f"{'':>8}  streak: {streak.describe()}")
    return lines


def trends_text(result: Trends, color: bool) -> str:
    if not result.series:
        return "No dated results."
    lines: list[str] = []
    for series in result.series:
        if result.split:
            lines += ["", output.paint(f"{series.name} ({output.count(series.total, 'record')})", "1", color)]
        lines += series_text(series, color)
    lines.append(
        f"{output.count(result.total, 'dated record')} by {result.by}"
        + (f" ({result.undated} without a week left out)" if result.undated else "")
        + "; shares are of the records with a verdict; balance = improved − worsened"
    )
    return "\n".join(lines).lstrip("\n")


@click.command(context_settings=CONTEXT)
@click.argument("query", nargs=-1)
@filter_options
@click.option("--by", type=click.Choice(BY), default="year", show_default=True, help="Period of each line.")
@click.option("--split", type=click.Choice(["topic"]), default=None, help="One block per topic.")
@click.option("--json", "as_json", is_flag=True, help="The versioned JSON envelope.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV: one row per series and period.")
@pass_state
def trends(
    state: State, query: tuple[str, ...], by: str, split: str | None, as_json: bool, as_csv: bool, **kw: Any
) -> None:
    """Improved, unchanged and worsened verdicts per period: counts, shares, balance and streaks.

    \b
    Examples:
      sitrep trends --by quarter --from 2020
      sitrep trends 'country:AZ' --split topic --csv > az.csv
    """
    if as_json and as_csv:
        raise click.UsageError("--json and --csv exclude each other")
    with open_archive(state) as archive:
        result = archive.trends(" ".join(query), by=by, split=split, **filters_of(kw))
    if as_json:
        echo_json(result.to_dict())
    elif as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(Trends.CSV_COLUMNS)
        writer.writerows(result.csv_rows())
    else:
        output.emit(trends_text(result, output.use_color()))
