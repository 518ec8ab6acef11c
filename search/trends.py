"""Which way things went: verdict counts per period, their shares and balance, and streaks.

Pure arithmetic over ``(week_start, trend, topic)`` points so the CLI, the web app and tests
share one definition; ``Archive.trends`` only gathers the points of a query's records.

Definitions (README, "sitrep trends"):

* a period's *shares* are each verdict's count over the records that carry a verdict, so
  records without one (``unknown``) never dilute them; the *balance* is improved − worsened;
* a week's verdict is the one most of its records carry between improved and worsened
  (unchanged when they tie and at least one record has a verdict); a *streak* is a run of
  calendar-consecutive weeks with the same verdict; a week with no verdict breaks it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

BY = ("month", "quarter", "year")
VERDICTS = ("improved", "unchanged", "worsened")
PHRASE = {"worsened": "got worse", "improved": "got better", "unchanged": "stayed the same"}
JSON_VERSION = 1

Point = tuple[dt.date, str | None, str | None]
"""One record: the Monday of its week, its verdict (or None) and its topic (or None)."""


@dataclasses.dataclass(frozen=True)
class PeriodCounts:
    """The verdicts of one period (``2020-08``, ``2020-Q3`` or ``2020``)."""

    period: str
    improved: int = 0
    unchanged: int = 0
    worsened: int = 0
    unknown: int = 0

    @property
    def judged(self) -> int:
        """Records with a verdict: the denominator of the shares."""
        return self.improved + self.unchanged + self.worsened

    @property
    def total(self) -> int:
        return self.judged + self.unknown

    @property
    def balance(self) -> int:
        return self.improved - self.worsened

    def share(self, verdict: str) -> float | None:
        """``verdict``'s share of the judged records, or None in a period with none."""
        return getattr(self, verdict) / self.judged if self.judged else None

    def to_dict(self) -> dict[str, Any]:
        shares = {v: (None if self.share(v) is None else round(self.share(v) or 0.0, 4)) for v in VERDICTS}
        return {
            "period": self.period,
            **{v: getattr(self, v) for v in VERDICTS},
            "unknown": self.unknown,
            "total": self.total,
            "shares": shares,
            "balance": self.balance,
        }


@dataclasses.dataclass(frozen=True)
class Streak:
    """``weeks`` consecutive weeks with the same verdict, from ``first`` to the end of ``last``."""

    verdict: str
    weeks: int
    first: dt.date  # Monday of the first week
    last: dt.date  # Monday of the last week

    @property
    def end(self) -> dt.date:
        return self.last + dt.timedelta(days=6)

    def describe(self) -> str:
        """``got worse 4 weeks in a row, 2020-08-10 → 2020-09-06``."""
        return f"{PHRASE[self.verdict]} {self.weeks} weeks in a row, {self.first.isoformat()} → {self.end.isoformat()}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "weeks": self.weeks,
            "from": self.first.isoformat(),
            "to": self.end.isoformat(),
            "text": self.describe(),
        }


@dataclasses.dataclass(frozen=True)
class Series:
    """One line of a trends result: ``all`` records, or one topic's with ``--split topic``."""

    name: str
    periods: tuple[PeriodCounts, ...]
    streaks: tuple[Streak, ...]  # the longest streak of each verdict (2+ weeks), longest first

    @property
    def total(self) -> int:
        return sum(p.total for p in self.periods)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "total": self.total,
            "periods": [p.to_dict() for p in self.periods],
            "streaks": [s.to_dict() for s in self.streaks],
        }


@dataclasses.dataclass(frozen=True)
class Trends:
    """What ``Archive.trends`` returns: one series, or one per topic (most records first).

    Every series has the same periods, from the first to the last week of the whole result,
    empty ones included, so series line up column by column.
    """

    by: str
    split: str | None
    query: dict[str, Any]
    series: tuple[Series, ...]
    undated: int  # matching records without a week: not in any period

    @property
    def total(self) -> int:
        return sum(s.total for s in self.series)

    CSV_COLUMNS = ("series", "period", *VERDICTS, "unknown", "total", *(f"share_{v}" for v in VERDICTS), "balance")

    def csv_rows(self) -> Iterable[tuple[Any, ...]]:
        """Rows under ``CSV_COLUMNS``: one per series and period."""
        for s in self.series:
            for p in s.periods:
                shares = tuple("" if p.share(v) is None else round(p.share(v) or 0.0, 4) for v in VERDICTS)
                yield (s.name, p.period, p.improved, p.unchanged, p.worsened, p.unknown, p.total, *shares, p.balance)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "version": JSON_VERSION,
            "query": self.query,
            "by": self.by,
            "split": self.split,
            "total": self.total,
            "undated": self.undated,
            "series": [s.to_dict() for s in self.series],
        }


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def period_of(day: dt.date, by: str) -> str:
    if by == "year":
        return str(day.year)
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")


def periods_between(first: dt.date, last: dt.date, by: str) -> list[str]:
    """Every period from the one holding ``first`` to the one holding ``last``, in order."""
    out: list[str] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        key = period_of(dt.date(year, month, 1), by)
        if not out or out[-1] != key:
            out.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def count_periods(points: Iterable[Point], periods: Sequence[str], by: str) -> tuple[PeriodCounts, ...]:
    """Verdict counts in each of ``periods`` (zeros where nothing fell)."""
    tally = {p: dict.fromkeys((*VERDICTS, "unknown"), 0) for p in periods}
    for day, verdict, _ in points:
        tally[period_of(day, by)][verdict if verdict in VERDICTS else "unknown"] += 1
    return tuple(PeriodCounts(p, **tally[p]) for p in periods)


def week_verdicts(points: Iterable[Point]) -> dict[dt.date, str]:
    """The verdict of each week with at least one judged record (see the module docstring)."""
    score: dict[dt.date, int] = {}
    for day, verdict, _ in points:
        if verdict in VERDICTS:
            week = monday(day)
            score[week] = score.get(week, 0) + {"improved": 1, "worsened": -1}.get(verdict, 0)
    return {w: "improved" if n > 0 else "worsened" if n < 0 else "unchanged" for w, n in score.items()}


def streaks(points: Iterable[Point], min_weeks: int = 2) -> tuple[Streak, ...]:
    """The longest streak of each verdict (the latest when two are as long), longest first."""
    weeks = sorted(week_verdicts(points).items())
    runs: list[Streak] = []
    for week, verdict in weeks:
        last = runs[-1] if runs else None
        if last and last.verdict == verdict and week - last.last == dt.timedelta(days=7):
            runs[-1] = dataclasses.replace(last, weeks=last.weeks + 1, last=week)
        else:
            runs.append(Streak(verdict, 1, week, week))
    best: dict[str, Streak] = {}
    for run in runs:
        if run.weeks >= min_weeks and run.weeks >= best.get(run.verdict, run).weeks:
            best[run.verdict] = run
    return tuple(sorted(best.values(), key=lambda s: (-s.weeks, VERDICTS.index(s.verdict))))


def summarise(
    points: Sequence[Point], by: str = "month", split: str | None = None, query: dict[str, Any] | None = None
) -> Trends:
    """The trends of ``points``: one series, or one per topic with ``split="topic"``."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    if split not in (None, "topic"):
        raise ValueError(f"split must be topic or None, not {split!r}")
    if not points:
        return Trends(by, split, query or {}, (), 0)
    periods = periods_between(min(p[0] for p in points), max(p[0] for p in points), by)
    groups: dict[str, list[Point]] = {}
    if split == "topic":
        for point in points:
            groups.setdefault(point[2] or "no topic", []).append(point)
    else:
        groups["all"] = list(points)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    series = tuple(Series(name, count_periods(pts, periods, by), streaks(pts)) for name, pts in ordered)
    return Trends(by, split, query or {}, series, 0)
