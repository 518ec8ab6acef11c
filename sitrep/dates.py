"""Week ranges, yearless listing weeks and old-layout stamps, in English, Russian and Belarusian.

A week runs Monday to Sunday. A printed range carries the year once, and it is the *start's*
year ("December 26 – January 1, 2022" is 2022-12-26 .. 2023-01-01). Nothing here guesses: a
range that does not make a Monday-to-Sunday week, or a yearless range whose year cannot be
pinned down, gives ``None``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence

EN_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# Russian and Belarusian month names in every case form, as regex alternatives per month.
SLAVIC_MONTHS = (
    r"январ[ьяюеём]|январём|студзен[ьяюі]|студзен(?:ем|е)|студз",
    r"феврал[ьяюеём]|лют(?:ы|ага|аму|ым|ым|ае)",
    r"март(?:а|у|е|ом)?|сакав(?:ік|іка|іку|іком)",
    r"апрел[ьяюеём]|красав(?:ік|іка|іку|іком)",
    r"ма[йяюеё]|маем|тра(?:вень|ўня|ўню|ўнем|ўні|вня)",
    r"июн[ьяюеём]|чэрв(?:ень|еня|ені|енем|еню)",
    r"июл[ьяюеём]|ліп(?:ень|еня|ені|енем|еню)",
    r"август(?:а|у|е|ом)?|жні(?:вень|ўня|ўні|ўнем|ўню)",
    r"сентябр[ьяюеём]|вер(?:асень|асня|асні|аснем|асню)",
    r"октябр[ьяюеём]|кастры(?:чнік|чніка|чніку|чнікам)",
    r"ноябр[ьяюеём]|ліста(?:пад|пада|падзе|падам|паду)",
    r"декабр[ьяюеём]|снеж(?:ань|ня|ні|нем|ню)",
)
_EN = (
    {name: i + 1 for i, name in enumerate(EN_MONTHS)}
    | {name[:3]: i + 1 for i, name in enumerate(EN_MONTHS)}
    | {"sept": 9}
)

_DASH = r"\s*[-–—‒−]\s*"
_WORD = r"[A-Za-zА-Яа-яЁёІіЎў]+\.?"
# "November 28 – December 4, 2016" / "May 15 – May 21, 2023" / "May 15 – 21, 2023"
EN_RANGE = (
    rf"\b(?P<m1>{_WORD})\s+(?P<d1>\d{{1,2}}){_DASH}(?:(?P<m2>{_WORD})\s+)?(?P<d2>\d{{1,2}})(?:,?\s*(?P<y>\d{{4}}))?\b"
)
# "28 ноября – 4 декабря 2016" / "28 – 4 декабря 2016 г."
SLAVIC_RANGE = rf"(?<!\d)(?P<d1>\d{{1,2}})(?:\s+(?P<m1>{_WORD}))?{_DASH}(?P<d2>\d{{1,2}})\s+(?P<m2>{_WORD})(?:,?\s*(?P<y>\d{{4}}))?(?:\s*г\.)?"
STAMP = rf"\b(?P<m>{_WORD})\s+(?P<d>\d{{1,2}}),\s*(?P<y>\d{{4}})(?:,?\s+(?P<H>\d{{1,2}}):(?P<M>\d{{2}}))?"
SLAVIC_STAMP = (
    rf"(?<!\d)(?P<d>\d{{1,2}})\s+(?P<m>{_WORD})\s+(?P<y>\d{{4}})(?:\s*г\.)?(?:,?\s+(?P<H>\d{{1,2}}):(?P<M>\d{{2}}))?"
)


@functools.cache
def compiled() -> Patterns:
    """The patterns above, compiled when first used: ``sitrep search`` imports this module for
    its week labels only, and compiling them all cost its start-up ~3 ms."""
    return Patterns(
        slavic_months=tuple(re.compile(rf"^(?:{alts})$", re.IGNORECASE) for alts in SLAVIC_MONTHS),
        en_range=re.compile(EN_RANGE),
        slavic_range=re.compile(SLAVIC_RANGE),
        stamp=re.compile(STAMP),
        slavic_stamp=re.compile(SLAVIC_STAMP),
    )


@dataclasses.dataclass(frozen=True)
class Patterns:
    """The compiled patterns of ``compiled()``."""

    slavic_months: tuple[re.Pattern[str], ...]
    en_range: re.Pattern[str]
    slavic_range: re.Pattern[str]
    stamp: re.Pattern[str]
    slavic_stamp: re.Pattern[str]


def month_number(word: str) -> int | None:
    """1..12 for an English, Russian or Belarusian month name in any case form, else None."""
    w = word.strip(".").lower()
    if w in _EN:
        return _EN[w]
    for i, pattern in enumerate(compiled().slavic_months):
        if pattern.match(w):
            return i + 1
    return None


_DIGIT = re.compile(r"\d")


def may_print_date(text: str) -> bool:
    """False for a line with no digit: every date form read here prints its days in digits, and
    most lines of a page print none (a cheap test before the patterns)."""
    return _DIGIT.search(text) is not None


def clean(text: str) -> str:
    """One space for any run of white space, trimmed; ``\\s`` covers the non-breaking spaces
    (U+00A0, U+202F) that week ranges are often printed with, as ``str.split()`` does, faster
    than ``re.sub`` (``record.normalise_text``)."""
    return " ".join(text.split())


@dataclasses.dataclass(frozen=True)
class YearlessRange:
    """A listing's "May 7 – May 13": month and day of both ends, year unknown."""

    start: tuple[int, int]
    end: tuple[int, int]

    def in_year(self, year: int) -> tuple[dt.date, dt.date] | None:
        """The week this range is in ``year`` (the start's year), if it is a Monday-to-Sunday week."""
        return _week(year, *self.start, *self.end)


def _week(year: int, m1: int, d1: int, m2: int, d2: int) -> tuple[dt.date, dt.date] | None:
    try:
        start = dt.date(year, m1, d1)
        end = dt.date(year + (1 if m2 < m1 else 0), m2, d2)
    except ValueError:
        return None
    if start.weekday() != 0 or end - start != dt.timedelta(days=6):
        return None
    return start, end


def _match_parts(text: str) -> Iterable[tuple[re.Match[str], int, int, int, int, int | None]]:
    if not may_print_date(text):
        return
    patterns = compiled()
    for pattern in (patterns.en_range, patterns.slavic_range):
        for m in pattern.finditer(text):
            m1 = month_number(m["m1"]) if m["m1"] else None
            m2 = month_number(m["m2"]) if m["m2"] else None
            if pattern is patterns.en_range:
                if m1 is None or (m["m2"] and m2 is None):
                    continue
                m2 = m2 or m1
            else:
                if m2 is None or (m["m1"] and m1 is None):
                    continue
                m1 = m1 or m2
            yield m, m1, int(m["d1"]), m2, int(m["d2"]), int(m["y"]) if m["y"] else None


def find_week(text: str) -> tuple[dt.date, dt.date, re.Match[str]] | None:
    """The first printed week range *with* a year in ``text`` that is a real Monday-to-Sunday week."""
    text = clean(text)
    for m, m1, d1, m2, d2, year in _match_parts(text):
        if year is not None:
            week = _week(year, m1, d1, m2, d2)
            if week:
                return week[0], week[1], m
    return None


def has_week_with_year(text: str) -> bool:
    """True when ``text`` prints a range with a year, valid or not (to report impossible weeks)."""
    return any(year is not None for *_, year in _match_parts(clean(text)))


def find_yearless(text: str) -> YearlessRange | None:
    """A range printed without a year (listings, the sidebar), else None."""
    for _, m1, d1, m2, d2, year in _match_parts(clean(text)):
        if year is None:
            return YearlessRange((m1, d1), (m2, d2))
    return None


def find_stamp(text: str) -> dt.datetime | None:
    """An old layout's "September 26, 2016 10:34" (time optional) as a datetime."""
    if not may_print_date(text):
        return None
    text = clean(text)
    patterns = compiled()
    for pattern in (patterns.stamp, patterns.slavic_stamp):
        for m in pattern.finditer(text):
            month = month_number(m["m"])
            if month is None:
                continue
            try:
                return dt.datetime(int(m["y"]), month, int(m["d"]), int(m["H"] or 0), int(m["M"] or 0))
            except ValueError:
                continue
    return None


def week_label(start: str | None, end: str | None) -> str:
    """A record's week for people, ``August 10 – August 16, 2020``; both years when the week
    crosses a new year (``December 28, 2020 – January 3, 2021``), so no year is ambiguous;
    the terminal and the web pages both show weeks this way."""
    if not start or not end:
        return "week unknown"
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    first, last = EN_MONTHS[a.month - 1].capitalize(), EN_MONTHS[b.month - 1].capitalize()
    if a.year != b.year:
        return f"{first} {a.day}, {a.year} – {last} {b.day}, {b.year}"
    return f"{first} {a.day} – {last} {b.day}, {a.year}"


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday-to-Sunday week that contains ``day``."""
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def resolve_years(
    ranges: Sequence[YearlessRange | None], first_year: int, last_year: int
) -> list[tuple[dt.date, dt.date] | None]:
    """Years for a newest-first listing's yearless ranges, or None where they stay ambiguous.

    Each range can only be a year in which its start is a Monday (the Monday rule), within the
    archive's years; neighbours narrow it further, since a listing never goes forward in time.
    An entry keeps ``None`` unless exactly one candidate survives.
    """
    candidates: list[list[tuple[dt.date, dt.date]]] = []
    for r in ranges:
        options = [] if r is None else [w for y in range(first_year, last_year + 1) if (w := r.in_year(y))]
        candidates.append(options)
    changed = True
    while changed:
        changed = False
        newest_allowed: dt.date | None = None
        for options in candidates:  # down the list: never newer than what stands above
            if newest_allowed is not None:
                kept = [w for w in options if w[0] <= newest_allowed]
                if kept and len(kept) < len(options):
                    options[:] = kept
                    changed = True
            if options:
                newest_allowed = max(w[0] for w in options)
        oldest_allowed: dt.date | None = None
        for options in reversed(candidates):  # up the list: never older than what stands below
            if oldest_allowed is not None:
                kept = [w for w in options if w[0] >= oldest_allowed]
                if kept and len(kept) < len(options):
                    options[:] = kept
                    changed = True
            if options:
                oldest_allowed = min(w[0] for w in options)
    return [options[0] if len(options) == 1 else None for options in candidates]
