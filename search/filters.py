"""The one definition of what a search is narrowed to: ``Filters``.

``Archive.search``'s keyword arguments build one ``Filters`` value; the query parser builds one
for each field term it reads (``country:AZ`` is ``Filters(countries=("AZ",))``), so both are
checked, normalised and evaluated by the same code.

Dates: a record is dated by its week (Monday to Sunday). A date or range matches the records
whose week *starts* inside it, so ``date:2016-11`` agrees with the month facet and the timeline.
A single day stands for the week that holds it: ``date:2016-04-19`` is the week of 18 April, and
a range given in days matches every week holding one of its days.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, Literal, TypedDict, Unpack

from sitrep.dates import week_of
from sitrep.errors import ArgumentError, QueryError
from sitrep.search.vocabulary import Vocabulary

DATE_FORMS = "use YYYY, YYYY-MM or YYYY-MM-DD"


class FilterKeywords(TypedDict, total=False):
    """The filter keywords of ``Archive.search``, ``matching``, ``iter_records``, ``timeline`` and
    ``trends``, written once here and checked by ``Filters.of``.

    ``countries`` … ``authors`` take one string or a list, and a record matches any of them
    (``countries_mode="all"``: every country); the value ``"none"`` matches records without one.
    ``since``/``until`` take a year, a "YYYY-MM(-DD)" string, a date or a datetime.
    """

    countries: str | Iterable[str]
    countries_mode: Literal["any", "all"]
    orgs: str | Iterable[str]
    topics: str | Iterable[str]
    trends: str | Iterable[str]
    langs: str | Iterable[str]
    authors: str | Iterable[str]
    since: int | str | dt.date | None
    until: int | str | dt.date | None


KEYWORDS = tuple(FilterKeywords.__annotations__)


def bounds(value: str, raw: str) -> tuple[dt.date, dt.date]:
    """The first and last day a week may start on to fall in ``value`` (a year, month or day)."""
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        if year < 1:
            raise QueryError(raw, f"there is no year {text}: {DATE_FORMS}")
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12 or year < 1:
            raise QueryError(raw, f"there is no month {text}: months run from 01 to 12")
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise QueryError(raw, f"there is no day {text}: check the month and the day") from None
        return week_of(day)
    raise QueryError(raw, f"malformed date {text!r}: {DATE_FORMS}")


_RANGE = re.compile(r"\[\s*(?P<low>[^\s\]]*)\s*\bto\b\s*(?P<high>[^\s\]]*)\s*\]", re.I)


def date_range(value: str, raw: str) -> tuple[dt.date | None, dt.date | None]:
    """``2016``, ``[2016-01 to 2016-06]``, ``[2016 to]`` or ``[to 2018-06]`` as week-start bounds."""
    if not value.startswith("["):
        return bounds(value, raw)
    if not value.endswith("]"):
        raise QueryError(raw, "unbalanced [ in a date range: write [FROM to TO]")
    m = _RANGE.fullmatch(value)
    if not m or not (m["low"] or m["high"]):
        raise QueryError(raw, "a date range is written [FROM to TO], [FROM to] or [to TO], e.g. [2016-01 to 2016-06]")
    low = bounds(m["low"], raw)[0] if m["low"] else None
    high = bounds(m["high"], raw)[1] if m["high"] else None
    if low and high and low > high:
        raise QueryError(raw, f"the range starts ({low}) after it ends ({high}): swap the two dates")
    return low, high


def _date_argument(name: str, value: object, end: bool) -> dt.date | None:
    """``since``/``until`` as a Python user passes them: 2016, "2016-05", a date or a datetime."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return week_of(value)[1 if end else 0]
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"
    if not isinstance(value, str):
        raise ArgumentError(name, f"takes a year, a 'YYYY-MM(-DD)' string, a date or a datetime, not {value!r}")
    if not value.strip():
        return None
    return bounds(value, value)[1 if end else 0]


def _values(name: str, value: object) -> tuple[str, ...]:
    """One string or any iterable of strings, as a tuple."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable):
        raise ArgumentError(name, f"takes a string or a list of strings, not {value!r}")
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise ArgumentError(name, f"takes strings, found {item!r}")
    return items


def _uniq(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@dataclasses.dataclass(frozen=True)
class Filters:
    """What a search is narrowed to, beyond its text; all the given conditions hold at once.

    Each tuple matches any of its values (``countries_mode="all"``: every country); the value
    ``"none"`` matches records without one, ``trends=("unknown",)`` verdicts not in the trends
    table. ``since``/``until`` bound the week's Monday; ``undated`` keeps only records without a week.
    """

    countries: tuple[str, ...] = ()
    countries_mode: str = "any"
    orgs: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    trends: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    undated: bool = False

    @classmethod
    def of(cls, vocab: Vocabulary, *, raw: str | None = None, **keywords: Unpack[FilterKeywords]) -> Filters:
        """Checked and normalised values; ``raw`` is the query text a field term came from. A
        keyword that is no filter is an ``ArgumentError`` naming it, whichever method passed it."""
        given: dict[str, Any] = dict(keywords)
        if unknown := set(given) - set(KEYWORDS):
            raise ArgumentError(", ".join(sorted(unknown)), f"is not a filter (filters: {', '.join(KEYWORDS)})")
        mode = given.get("countries_mode", "any")
        if mode not in ("any", "all"):
            raise ArgumentError("countries_mode", f"must be 'any' or 'all', not {mode!r}")
        since, until = given.get("since"), given.get("until")
        low, high = _date_argument("since", since, end=False), _date_argument("until", until, end=True)
        if low and high and low > high:
            raise QueryError(f"{since} .. {until}", f"from ({low}) is after to ({high}): swap the two dates")

        def norm(name: str, check: Any) -> tuple[str, ...]:
            return _uniq(check(v, raw if raw is not None else v) for v in _values(name, given.get(name)))

        return cls(
            countries=norm("countries", vocab.country),
            countries_mode=mode,
            orgs=norm("orgs", vocab.org),
            topics=norm("topics", vocab.topic),
            trends=norm("trends", vocab.trend),
            langs=norm("langs", vocab.lang),
            authors=norm("authors", vocab.author),
            since=low,
            until=high,
        )

    def __bool__(self) -> bool:
        """False when nothing is narrowed."""
        return self != Filters(countries_mode=self.countries_mode)

    def to_dict(self) -> dict[str, object]:
        out = dataclasses.asdict(self)
        out["since"] = self.since.isoformat() if self.since else None
        out["until"] = self.until.isoformat() if self.until else None
        return out
