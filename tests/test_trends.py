"""Trends: verdict counts per period, shares, balance and streaks.

Hand-made points with figures worked out on paper, and the crawled sample against figures
computed here, independently, from the generator's ground truth."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from sitrep import Archive
from sitrep.config import Settings
from sitrep.record import Record
from sitrep.search import trends as T

D = dt.date


def week(n: int) -> dt.date:
    """The Monday ``n`` weeks after 2020-08-10 (a Monday)."""
    return D(2020, 8, 10) + dt.timedelta(weeks=n)


def test_periods_quarters_and_years() -> None:
    assert T.period_of(D(2020, 8, 10), "month") == "2020-08"
    assert T.period_of(D(2020, 9, 30), "quarter") == "2020-Q3"
    assert T.period_of(D(2020, 10, 1), "quarter") == "2020-Q4"
    assert T.periods_between(D(2019, 11, 4), D(2020, 2, 3), "month") == ["2019-11", "2019-12", "2020-01", "2020-02"]
    assert T.periods_between(D(2019, 11, 4), D(2020, 7, 3), "quarter") == ["2019-Q4", "2020-Q1", "2020-Q2", "2020-Q3"]
    assert T.periods_between(D(2018, 12, 31), D(2020, 1, 1), "year") == ["2018", "2019", "2020"]


def test_counts_shares_balance_and_empty_periods() -> None:
    points = [
        (D(2020, 1, 6), "improved", "economy"),
        (D(2020, 1, 13), "worsened", "economy"),
        (D(2020, 1, 20), "worsened", "security"),
        (D(2020, 1, 27), None, "security"),
        (D(2020, 3, 2), "unchanged", "economy"),
    ]
    result = T.summarise(points, "month")
    (series,) = result.series
    jan, feb, mar = series.periods
    assert (jan.period, jan.improved, jan.worsened, jan.unchanged, jan.unknown) == ("2020-01", 1, 2, 0, 1)
    assert jan.balance == -1 and jan.total == 4 and jan.judged == 3
    assert jan.share("worsened") == pytest.approx(2 / 3)  # the record without a verdict does not count
    assert (feb.period, feb.total, feb.share("improved")) == ("2020-02", 0, None)
    assert mar.share("unchanged") == 1.0
    split = T.summarise(points, "quarter", split="topic")
    assert [s.name for s in split.series] == ["economy", "security"]
    assert [p.period for p in split.series[1].periods] == ["2020-Q1"]
    assert split.series[1].periods[0].worsened == 1 and split.series[1].periods[0].unknown == 1
    rows = list(split.csv_rows())
    assert rows[0][:7] == ("economy", "2020-Q1", 1, 1, 1, 0, 3)
    assert rows[1][-1] == -1


def test_streak_got_worse_four_weeks_in_a_row() -> None:
    points = [
        (week(-1), "improved", None),
        *((week(n), "worsened", None) for n in range(4)),
        (week(4), "improved", None),
        (week(5), "improved", None),
        (week(7), "improved", None),  # week 6 is missing: the run of improved stops at 2
    ]
    found = T.streaks(points)
    assert [s.describe() for s in found] == [
        "got worse 4 weeks in a row, 2020-08-10 → 2020-09-06",
        "got better 2 weeks in a row, 2020-09-07 → 2020-09-20",
    ]


def test_week_verdict_is_the_majority_and_a_tie_is_unchanged() -> None:
    points = [
        (week(0), "worsened", "a"),
        (week(0), "worsened", "b"),
        (week(0), "improved", "c"),
        (week(1) + dt.timedelta(days=2), "improved", "a"),  # a Wednesday still belongs to its week
        (week(1), "worsened", "b"),
        (week(2), None, "a"),
    ]
    assert T.week_verdicts(points) == {week(0): "worsened", week(1): "unchanged"}
    assert T.streaks(points) == ()


@pytest.fixture(scope="module")
def archive(crawled: Settings) -> Iterator[Archive]:
    with Archive(crawled) as opened:
        yield opened


def _week_verdicts_by_hand(records: list[Record]) -> dict[dt.date, str]:
    tally: dict[dt.date, Counter[str]] = {}
    for r in records:
        if r.week_start and r.trend:
            day = D.fromisoformat(r.week_start)
            tally.setdefault(day - dt.timedelta(days=day.weekday()), Counter())[r.trend] += 1
    return {
        w: "improved" if c["improved"] > c["worsened"] else "worsened" if c["worsened"] > c["improved"] else "unchanged"
        for w, c in tally.items()
    }


def _longest_by_brute_force(verdicts: dict[dt.date, str], verdict: str) -> int:
    best = 0
    for start in verdicts:
        n = 0
        while verdicts.get(start + dt.timedelta(weeks=n)) == verdict:
            n += 1
        best = max(best, n)
    return best


def test_archive_trends_by_year_against_the_truth(archive: Archive, truth: dict[str, Record]) -> None:
    result = archive.trends("", by="year")
    (series,) = result.series
    dated = [r for r in truth.values() if r.week_start]
    expected = Counter((r.week_start[:4], r.trend or "unknown") for r in dated)
    for p in series.periods:
        got = {"improved": p.improved, "worsened": p.worsened, "unchanged": p.unchanged, "unknown": p.unknown}
        assert got == {v: expected[(p.period, v)] for v in got}, p.period
    assert series.total == len(dated) and result.undated == len(truth) - len(dated)
    verdicts = _week_verdicts_by_hand(dated)
    for streak in series.streaks:
        assert streak.weeks == _longest_by_brute_force(verdicts, streak.verdict)
        assert all(verdicts[streak.first + dt.timedelta(weeks=n)] == streak.verdict for n in range(streak.weeks))
    assert {s.verdict for s in series.streaks} == {v for v in T.VERDICTS if _longest_by_brute_force(verdicts, v) >= 2}


def test_archive_trends_split_by_topic_with_a_filter(archive: Archive, truth: dict[str, Record]) -> None:
    result = archive.trends("", by="quarter", split="topic", langs=["en"])
    wanted = [r for r in truth.values() if r.lang == "en" and r.week_start]
    by_topic = Counter(r.topic or "no topic" for r in wanted)
    assert {s.name: s.total for s in result.series} == dict(by_topic)
    periods = {tuple(p.period for p in s.periods) for s in result.series}
    assert len(periods) == 1  # every series has the same columns
    worst = max(result.series, key=lambda s: s.total)
    verdicts = _week_verdicts_by_hand([r for r in wanted if (r.topic or "no topic") == worst.name])
    for streak in worst.streaks:
        assert streak.weeks == _longest_by_brute_force(verdicts, streak.verdict)


def test_every_verdict_bar_is_exactly_as_wide_as_the_chart(crawled: Settings) -> None:
    """Counts like 2/7/2 of 11 rounded part by part made bars of 29 or 31 for 30, and the share
    column after them went out of line: a bar with verdicts is always 30 wide."""
    from tests.conftest import run_sitrep

    done = run_sitrep("--settings", str(crawled.source), "trends", "--by", "quarter")
    rows = [line for line in done.stdout.splitlines() if line.strip()[:4].isdigit()]
    assert len(rows) > 20
    bars = [re.search(r" ([-+=]+) +\d+% worse", line) for line in rows if "no verdicts" not in line]
    assert all(bars) and {len(bar[1]) for bar in bars if bar} == {30}
    assert len({line.index("% worse") for line in rows if "% worse" in line}) == 1


def test_bar_parts_add_up_to_the_bar() -> None:
    from sitrep.cli.output import bar_lengths

    assert bar_lengths([2, 7, 2], 11, 30) == [6, 19, 5]  # 5.45, 19.09, 5.45: the one left over goes to the first .45
    assert bar_lengths([1, 1, 1], 3, 50) == [17, 17, 16]  # 16.67 each: 50, not 51
    assert bar_lengths([3, 0], 6, 50) == [25, 0]  # half of the peak: half the width
    assert bar_lengths([0, 0, 0], 1, 30) == [0, 0, 0]
