"""The query language: Whoosh syntax for the text, plus the fields a user would type.

``country:AZ`` / ``country:azerbaijan``, ``org:eu``, ``topic:security``, ``trend:worse``,
``lang:ru``, ``author:"Anna Maroz"``, ``date:2016``, ``date:2016-11``, ``date:[2016-01 to 2016-06]``,
``week:2016-11-28``. These become filters; the rest goes to Whoosh's parser. Whoosh forgives
too much (a mistyped field silently finds nothing), so everything is checked here first and a
problem is a ``QueryError`` that names it.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence

from sitrep.config import Site
from sitrep.errors import QueryError

FIELDS = ("country", "org", "topic", "trend", "lang", "author", "date", "week")
TRENDS = {
    "improved": "improved",
    "better": "improved",
    "gotten-better": "improved",
    "up": "improved",
    "positive": "improved",
    "worsened": "worsened",
    "worse": "worsened",
    "got-worse": "worsened",
    "down": "worsened",
    "negative": "worsened",
    "unchanged": "unchanged",
    "same": "unchanged",
    "not-changed": "unchanged",
    "stable": "unchanged",
}
LANGS = ("en", "ru", "be")
# field:value, field:"quoted value" or field:[a to b]; a field name is letters only
_FIELD = re.compile(r'(?<![\w:])([A-Za-z_]+):(?!//)("(?:[^"]*)"|\[[^\]]*\]|[^\s()"]+)?')


@dataclasses.dataclass(frozen=True)
class Filters:
    """What a search is narrowed to, beyond its text."""

    countries: tuple[str, ...] = ()
    countries_mode: str = "any"
    orgs: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    trends: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None

    def merged(self, other: Filters) -> Filters:
        """Both sets of filters at once (the query's fields and the API's keywords)."""
        since = max(d for d in (self.since, other.since) if d) if (self.since or other.since) else None
        until = min(d for d in (self.until, other.until) if d) if (self.until or other.until) else None
        mode = "all" if "all" in (self.countries_mode, other.countries_mode) else "any"
        return Filters(
            _uniq(self.countries + other.countries),
            mode,
            _uniq(self.orgs + other.orgs),
            _uniq(self.topics + other.topics),
            _uniq(self.trends + other.trends),
            _uniq(self.langs + other.langs),
            _uniq(self.authors + other.authors),
            since,
            until,
        )

    def to_dict(self) -> dict[str, object]:
        out = dataclasses.asdict(self)
        out["since"] = self.since.isoformat() if self.since else None
        out["until"] = self.until.isoformat() if self.until else None
        return out


def _uniq(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def period(text: str, end: bool, raw: str) -> dt.date:
    """``2016`` / ``2016-11`` / ``2016-11-28`` as the first (or, with ``end``, last) day it covers."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}", value):
            year = int(value)
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if re.fullmatch(r"\d{4}-\d{1,2}", value):
            year, month = map(int, value.split("-"))
            return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            return dt.date(*map(int, value.split("-")))
    except ValueError:
        pass
    raise QueryError(raw, f"malformed date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")


def date_range(value: str, raw: str) -> tuple[dt.date, dt.date]:
    if value.startswith("["):
        if not value.endswith("]"):
            raise QueryError(raw, "unbalanced [ in a date range")
        parts = re.split(r"\s+to\s+", value[1:-1].strip(), flags=re.I)
        if len(parts) != 2:
            raise QueryError(raw, "a date range is written [FROM to TO], e.g. [2016-01 to 2016-06]")
        low = period(parts[0], False, raw) if parts[0].strip() else dt.date.min
        high = period(parts[1], True, raw) if parts[1].strip() else dt.date.max
    else:
        low, high = period(value, False, raw), period(value, True, raw)
    if low > high:
        raise QueryError(raw, f"the range starts ({low}) after it ends ({high})")
    return low, high


class Vocabulary:
    """How typed values map to indexed ones: country names to codes, topic words to slugs."""

    def __init__(self, site: Site) -> None:
        self.site = site

    @functools.cached_property
    def _country_names(self) -> dict[str, str]:
        from sitrep.countries import default_tagger

        names: dict[str, str] = {}
        tagger = default_tagger()
        for table in (tagger.latin, tagger.cyrillic):
            for words, alias in table.items():
                if alias.kind == "country":
                    names.setdefault(" ".join(words).casefold(), alias.code)
        return names

    def country(self, value: str, raw: str) -> str:
        import pycountry

        text = value.strip()
        if re.fullmatch(r"[A-Za-z]{2}", text) and pycountry.countries.get(alpha_2=text.upper()):
            return text.upper()
        code = self._country_names.get(text.casefold()) or self._country_names.get(("the " + text).casefold())
        if code:
            return code
        raise QueryError(raw, f"unknown country {value!r}: use an ISO code (AZ) or a name (Azerbaijan)")

    @functools.cached_property
    def _orgs(self) -> dict[str, str]:
        from sitrep.countries import default_tagger

        tagger = default_tagger()
        names: dict[str, str] = {}
        for table in (tagger.latin, tagger.cyrillic):
            for words, alias in table.items():
                if alias.kind == "org":
                    names.setdefault(" ".join(words).casefold(), alias.code)
                    names.setdefault(alias.code.casefold(), alias.code)
                    names.setdefault(alias.code.casefold().replace("_", "-"), alias.code)
        return names

    def org(self, value: str, raw: str) -> str:
        code = self._orgs.get(value.strip().casefold())
        if code:
            return code
        raise QueryError(raw, f"unknown organisation {value!r} (known: {', '.join(sorted(set(self._orgs.values())))})")

    def topic(self, value: str, raw: str) -> str:
        text = value.strip().casefold().replace(" ", "-")
        if text in self.site.topics:
            return text
        labels = {
            label.casefold().replace(" ", "-"): slug
            for t in self.site.labels.values()
            for label, slug in t.topics.items()
        }
        if text in labels:
            return labels[text]
        found = sorted(
            {s for s in self.site.topics if text in s} | {slug for label, slug in labels.items() if text in label}
        )
        if len(found) == 1:
            return found[0]
        if found:
            raise QueryError(raw, f"topic {value!r} is ambiguous: {', '.join(found)}")
        raise QueryError(raw, f"unknown topic {value!r} (topics: {', '.join(self.site.topics)})")

    def trend(self, value: str, raw: str) -> str:
        found = TRENDS.get(value.strip().casefold().replace(" ", "-"))
        if found:
            return found
        raise QueryError(raw, f"unknown trend {value!r}: use improved/better, worsened/worse or unchanged/same")

    def lang(self, value: str, raw: str) -> str:
        text = value.strip().casefold()
        if text in LANGS:
            return text
        raise QueryError(raw, f"unknown language {value!r}: use en, ru or be")


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def check_balance(text: str) -> None:
    if text.count('"') % 2:
        raise QueryError(text, 'unbalanced quotes: close the phrase with a second "')
    depth = 0
    for ch in re.sub(r'"[^"]*"', "", text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise QueryError(text, "a ) without its (")
    if depth:
        raise QueryError(text, "unbalanced parentheses: a ( is never closed")


def split_query(text: str, vocab: Vocabulary) -> tuple[str, Filters]:
    """The free text for Whoosh and the filters the query's fields ask for."""
    check_balance(text)
    found: dict[str, list[str]] = {name: [] for name in FIELDS}
    since: dt.date | None = None
    until: dt.date | None = None

    def take(m: re.Match[str]) -> str:
        nonlocal since, until
        name, value = m.group(1).lower(), m.group(2)
        if name not in FIELDS:
            raise QueryError(text, f"unknown field {m.group(1)!r} (fields: {', '.join(FIELDS)})")
        if not value or not _unquote(value).strip():
            raise QueryError(text, f"{name}: needs a value")
        value = _unquote(value)
        if name == "date":
            low, high = date_range(value, text)
        elif name == "week":
            day = period(value, False, text)
            low = high = day - dt.timedelta(days=day.weekday())
        else:
            found[name].append(getattr(vocab, name)(value, text) if name != "author" else value.strip().casefold())
            return " "
        since = max(since, low) if since else low
        until = min(until, high) if until else high
        return " "

    rest = _FIELD.sub(take, text)
    filters = Filters(
        countries=tuple(found["country"]),
        orgs=tuple(found["org"]),
        topics=tuple(found["topic"]),
        trends=tuple(found["trend"]),
        langs=tuple(found["lang"]),
        authors=tuple(found["author"]),
        since=since,
        until=until,
    )
    if since and until and since > until:
        raise QueryError(text, "the dates in the query exclude each other")
    return re.sub(r"\s+", " ", rest).strip(), filters


def keyword_filters(
    vocab: Vocabulary,
    *,
    countries: Sequence[str] = (),
    countries_mode: str = "any",
    orgs: Sequence[str] = (),
    topics: Sequence[str] = (),
    trends: Sequence[str] = (),
    langs: Sequence[str] = (),
    authors: Sequence[str] = (),
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
) -> Filters:
    """The API's keyword arguments, checked and normalised the same way as the query's fields."""
    if countries_mode not in ("any", "all"):
        raise QueryError(countries_mode, "countries_mode must be 'any' or 'all'")
    for name, value in (
        ("countries", countries),
        ("orgs", orgs),
        ("topics", topics),
        ("trends", trends),
        ("langs", langs),
        ("authors", authors),
    ):
        if isinstance(value, str):
            raise QueryError(value, f"{name} takes a list of values, not a string")
    low = since if isinstance(since, dt.date) else (period(since, False, since) if since else None)
    high = until if isinstance(until, dt.date) else (period(until, True, until) if until else None)
    if low and high and low > high:
        raise QueryError(f"{since} .. {until}", f"from ({low}) is after to ({high})")
    return Filters(
        countries=tuple(vocab.country(c, c) for c in countries),
        countries_mode=countries_mode,
        orgs=tuple(vocab.org(o, o) for o in orgs),
        topics=tuple(vocab.topic(t, t) for t in topics),
        trends=tuple(vocab.trend(t, t) for t in trends),
        langs=tuple(vocab.lang(x, x) for x in langs),
        authors=tuple(a.strip().casefold() for a in authors),
        since=low,
        until=high,
    )
