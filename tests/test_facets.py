"""Filters, facet counts and week order over hand-built doc values, against a plain-Python oracle.

The archive here is a list of dicts the test writes; each answer is computed twice: by
``sitrep.search.facets`` over bitsets, and by the obvious loop over the dicts in this file.
No index, no parser: the module's arithmetic alone, fast enough to run for every mutant.
"""

from __future__ import annotations

import array
import datetime as dt
import random

import pytest

from sitrep.index.docvalues import DocValues, bits_of, docnums_of
from sitrep.index.schema import FACET_FIELDS
from sitrep.search import facets
from sitrep.search.filters import Filters

D = dt.date
# the API's facet names and the index fields they count, as the README lists them
NAMES = {
    "countries": "countries",
    "orgs": "orgs",
    "topic": "topic",
    "trend": "trend",
    "lang": "lang",
    "author": "author",
    "year": "year",
    "month": "month",
}


def doc(i: str, week: dt.date | None, countries=(), orgs=(), topic=None, trend=None, lang="en", author=None, live=True):  # type: ignore[no-untyped-def]
    return {
        "id": i,
        "week": week,
        "countries": set(countries),
        "orgs": set(orgs),
        "topic": topic,
        "trend": trend,
        "lang": lang,
        "author": author,
        "live": live,
    }


# Weeks start on Mondays; several fall in the same month so date ranges cut months in the middle.
DOCS = [
    doc("a01", D(2016, 1, 4), ["BY", "RU"], ["EU"], "security", "worsened", "en", "Anna Maroz"),
    doc("a02", D(2016, 1, 11), ["BY"], [], "economy", "improved", "ru", "Anna Maroz"),
    doc("a03", D(2016, 1, 25), ["RU"], ["NATO"], "security", "unchanged", "be", "Ivan Sidarau"),
    doc("a04", D(2016, 2, 1), ["UA"], [], "foreign", "worsened", "en", None),
    doc("a05", D(2016, 2, 29), ["BY", "UA"], ["EU", "NATO"], "foreign", None, "ru", "Ivan Sidarau"),
    doc("a06", D(2016, 3, 28), [], [], None, "improved", "en", None),
    doc("a07", None, ["PL"], [], "economy", None, "be", "Anna Maroz"),
    doc("a08", D(2017, 12, 25), ["BY"], ["EU"], "security", "worsened", "en", "Olga Bykava"),
    doc("a09", D(2017, 12, 4), ["LT", "BY"], [], "economy", "worsened", "ru", "Olga Bykava"),
    doc("a10", D(2017, 12, 4), ["LT"], [], "economy", "unchanged", "en", None),
    doc("a11", D(2016, 1, 11), ["BY"], [], "security", "worsened", "en", None, live=False),  # deleted
    doc("a12", None, [], [], None, None, "ru", None),
    doc("a13", D(2018, 1, 1), ["BY", "PL", "LT"], ["UN"], "society", "improved", "be", "Ivan Sidarau"),
    doc("a14", D(2016, 1, 4), ["BY"], [], "society", "unchanged", "en", "Anna Maroz"),
    doc("a15", D(2015, 12, 28), ["RU"], [], "foreign", "worsened", "ru", None),
    doc("a16", None, ["BY"], ["EU"], "foreign", "improved", "en", "Olga Bykava"),
    doc("a17", D(2018, 1, 29), ["UA", "RU"], [], "security", None, "ru", "Anna Maroz"),
    doc("a18", D(2016, 2, 15), ["BY"], [], "economy", "worsened", "be", None),
]
LIVE = [i for i, d in enumerate(DOCS) if d["live"]]


def _value(d: dict, field: str) -> set[str]:  # type: ignore[type-arg]
    """The index's facet values of one document, as the schema writes them."""
    if field == "countries":
        return {c.lower() for c in d["countries"]}
    if field == "orgs":
        return {o.lower() for o in d["orgs"]}
    if field == "author":
        return {d["author"].lower()} if d["author"] else set()
    if field == "year":
        return {str(d["week"].year)} if d["week"] else set()
    if field == "month":
        return {d["week"].strftime("%Y-%m")} if d["week"] else set()
    return {d[field]} if d[field] else set()


def build(docs: list[dict]) -> DocValues:  # type: ignore[type-arg]
    facet_bits: dict[str, dict[str, int]] = {}
    for field in FACET_FIELDS:  # what the index writes
        values: dict[str, int] = {}
        for n, d in enumerate(docs):
            if d["live"]:
                for v in _value(d, field):
                    values[v] = values.get(v, 0) | 1 << n
        facet_bits[field] = values
    weeks = array.array("l", [d["week"].toordinal() if d["week"] else 0 for d in docs])
    live = sum(1 << n for n, d in enumerate(docs) if d["live"])
    live_docs = [n for n, d in enumerate(docs) if d["live"]]
    dated = sorted((n for n in live_docs if weeks[n]), key=lambda n: (-weeks[n], docs[n]["id"]))
    undated = sorted((n for n in live_docs if not weeks[n]), key=lambda n: docs[n]["id"])
    return DocValues(
        1, [d["id"] for d in docs], weeks, live, facet_bits, array.array("l", dated + undated), array.array("f"), {}
    )


DV = build(DOCS)


def ids(mask: int) -> list[str]:
    return sorted(DOCS[n]["id"] for n in range(len(DOCS)) if mask >> n & 1)


def expect(pred) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(d["id"] for d in DOCS if d["live"] and pred(d))


# --- by hand ---------------------------------------------------------------------------------


def test_no_filters_is_every_live_document() -> None:
    assert ids(facets.filter_mask(DV, Filters())) == sorted(DOCS[n]["id"] for n in LIVE)
    assert "a11" not in ids(facets.filter_mask(DV, Filters()))


def test_countries_any_and_all_by_hand() -> None:
    assert ids(facets.filter_mask(DV, Filters(countries=("LT",)))) == ["a09", "a10", "a13"]
    assert ids(facets.filter_mask(DV, Filters(countries=("LT", "PL")))) == ["a07", "a09", "a10", "a13"]
    assert ids(facets.filter_mask(DV, Filters(countries=("LT", "BY"), countries_mode="all"))) == ["a09", "a13"]
    assert ids(facets.filter_mask(DV, Filters(countries=("none",)))) == ["a06", "a12"]
    assert ids(facets.filter_mask(DV, Filters(countries=("none", "PL")))) == ["a06", "a07", "a12", "a13"]


def test_lowercased_fields_and_exact_fields_by_hand() -> None:
    assert ids(facets.filter_mask(DV, Filters(orgs=("NATO",)))) == ["a03", "a05"]
    assert ids(facets.filter_mask(DV, Filters(authors=("Olga Bykava",)))) == ["a08", "a09", "a16"]
    assert ids(facets.filter_mask(DV, Filters(authors=("none",), langs=("be",)))) == ["a18"]
    assert ids(facets.filter_mask(DV, Filters(topics=("society",)))) == ["a13", "a14"]
    assert ids(facets.filter_mask(DV, Filters(trends=("none",)))) == ["a05", "a07", "a12", "a17"]
    assert ids(facets.filter_mask(DV, Filters(langs=("be",), trends=("improved",)))) == ["a13"]
    assert ids(facets.filter_mask(DV, Filters(topics=("unknown-topic",)))) == []


def test_dates_by_hand() -> None:
    # week starts inside [since, until], both ends included; undated never match a range
    assert ids(facets.filter_mask(DV, Filters(since=D(2016, 1, 11), until=D(2016, 2, 1)))) == ["a02", "a03", "a04"]
    assert ids(facets.filter_mask(DV, Filters(since=D(2017, 12, 25)))) == ["a08", "a13", "a17"]
    assert ids(facets.filter_mask(DV, Filters(until=D(2016, 1, 4)))) == ["a01", "a14", "a15"]
    assert ids(facets.filter_mask(DV, Filters(since=D(2016, 2, 1), until=D(2016, 2, 29)))) == ["a04", "a05", "a18"]
    assert ids(facets.filter_mask(DV, Filters(since=D(2016, 1, 5), until=D(2016, 1, 10)))) == []
    # a range that starts on a month's last day, or ends on a month's first, still holds that day
    assert ids(facets.filter_mask(DV, Filters(since=D(2016, 2, 29), until=D(2016, 3, 1)))) == ["a05"]
    assert ids(facets.filter_mask(DV, Filters(since=D(2016, 1, 31), until=D(2016, 2, 1)))) == ["a04"]
    assert ids(facets.filter_mask(DV, Filters(since=D(2017, 12, 31), until=D(2018, 1, 1)))) == ["a13"]
    assert ids(facets.filter_mask(DV, Filters(undated=True))) == ["a07", "a12", "a16"]
    assert ids(facets.filter_mask(DV, Filters(undated=True, langs=("en",)))) == ["a16"]


def test_counts_by_hand() -> None:
    hits = bits_of([n for n, d in enumerate(DOCS) if d["live"] and d["lang"] == "en"], len(DOCS))
    got = facets.counts(DV, hits, ["countries", "trend", "year", "month", "author", "orgs"])
    # en live: a01 a04 a06 a08 a10 a14 a16
    assert got["countries"] == [("BY", 4), ("LT", 1), ("RU", 1), ("UA", 1), ("none", 1)]
    assert got["trend"] == [("worsened", 3), ("improved", 2), ("unchanged", 2)]
    assert got["year"] == [("2017", 2), ("2016", 4), ("none", 1)]
    assert got["month"] == [("2017-12", 2), ("2016-03", 1), ("2016-02", 1), ("2016-01", 2), ("none", 1)]
    assert got["author"] == [("anna maroz", 2), ("olga bykava", 2), ("none", 3)]
    assert got["orgs"] == [("EU", 3), ("none", 4)]


def test_by_week_by_hand() -> None:
    hits = facets.filter_mask(DV, Filters(countries=("BY",)))
    # BY live: a01 a02 a05 a08 a09 a13 a14 a16 a18
    newest = [DOCS[n]["id"] for n in facets.by_week(DV, hits, True, 100)]
    assert newest == ["a13", "a08", "a09", "a05", "a18", "a02", "a01", "a14", "a16"]
    oldest = [DOCS[n]["id"] for n in facets.by_week(DV, hits, False, 100)]
    assert oldest == ["a14", "a01", "a02", "a18", "a05", "a09", "a08", "a13", "a16"]
    assert [DOCS[n]["id"] for n in facets.by_week(DV, hits, True, 3)] == ["a13", "a08", "a09"]
    assert [DOCS[n]["id"] for n in facets.by_week(DV, hits, True, 1)] == ["a13"]
    assert facets.by_week(DV, hits, True, 0) == []
    assert facets.by_week(DV, 0, True, 5) == []


def test_union_and_without() -> None:
    assert facets.union([]) == 0
    assert facets.union([0b101, 0b110]) == 0b111
    assert ids(facets.without(DV, "topic")) == ["a06", "a12"]
    assert ids(facets.without(DV, "no-such-field")) == sorted(DOCS[n]["id"] for n in LIVE)


# --- against the oracle, many random filters -------------------------------------------------

VALUES = {
    "countries": ["BY", "RU", "UA", "PL", "LT", "none"],
    "orgs": ["EU", "NATO", "UN", "none"],
    "topics": ["security", "economy", "foreign", "society", "none"],
    "trends": ["worsened", "improved", "unchanged", "none"],
    "langs": ["en", "ru", "be"],
    "authors": ["Anna Maroz", "Ivan Sidarau", "Olga Bykava", "none"],
}
FIELD_OF = {
    "countries": "countries",
    "orgs": "orgs",
    "topics": "topic",
    "trends": "trend",
    "langs": "lang",
    "authors": "author",
}


def oracle_match(d: dict, f: Filters) -> bool:  # type: ignore[type-arg]
    def has(key: str, value: str) -> bool:
        field = FIELD_OF[key]
        if value == "none":
            return not _value(d, field)
        return value.lower() in {v.lower() for v in _value(d, field)}

    if f.countries:
        test = all if f.countries_mode == "all" else any
        if not test(has("countries", c) for c in f.countries):
            return False
    for key in ("orgs", "topics", "trends", "langs", "authors"):
        values = getattr(f, key)
        if values and not any(has(key, v) for v in values):
            return False
    if f.since or f.until:
        if d["week"] is None:
            return False
        if (f.since and d["week"] < f.since) or (f.until and d["week"] > f.until):
            return False
    return not (f.undated and d["week"] is not None)


def random_filters(rng: random.Random) -> Filters:
    kw: dict = {}  # type: ignore[type-arg]
    for key, values in VALUES.items():
        if rng.random() < 0.35:
            kw[key] = tuple(rng.sample(values, rng.randint(1, 2)))
    if "countries" in kw and rng.random() < 0.5:
        kw["countries_mode"] = "all"
    if rng.random() < 0.5:
        day = D(2015, 12, 1) + dt.timedelta(days=rng.randint(0, 820))
        kw["since" if rng.random() < 0.5 else "until"] = day
        if rng.random() < 0.5:
            kw["until"] = day + dt.timedelta(days=rng.randint(0, 120))
            kw["since"] = day
    if rng.random() < 0.1:
        kw["undated"] = True
    return Filters(**kw)


@pytest.mark.parametrize("seed", range(4))
def test_filters_agree_with_the_oracle(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        f = random_filters(rng)
        assert ids(facets.filter_mask(DV, f)) == expect(lambda d, f=f: oracle_match(d, f)), f


@pytest.mark.parametrize("seed", range(2))
def test_counts_and_order_agree_with_the_oracle(seed: int) -> None:
    rng = random.Random(100 + seed)
    for _ in range(60):
        f = random_filters(rng)
        hits = facets.filter_mask(DV, f)
        matched = [DOCS[n] for n in docnums_of(hits)]
        got = facets.counts(DV, hits, list(NAMES))
        for name, field in NAMES.items():
            tally: dict[str, int] = {}
            missing = 0
            for d in matched:
                values = _value(d, field)
                missing += not values
                for v in values:
                    key = v.upper() if name in ("countries", "orgs") else v
                    tally[key] = tally.get(key, 0) + 1
            if field in ("year", "month"):
                want = sorted(tally.items(), reverse=True)
            else:
                want = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
            assert got[name] == want + ([("none", missing)] if missing else []), (name, f)
        needed = rng.randint(1, 12)
        for newest in (True, False):
            dated = sorted(
                (d for d in matched if d["week"]),
                key=lambda d: (-d["week"].toordinal(), d["id"]),
                reverse=not newest,
            )
            undated = sorted((d for d in matched if not d["week"]), key=lambda d: d["id"])
            want_order = [d["id"] for d in dated + undated][:needed]
            assert [DOCS[n]["id"] for n in facets.by_week(DV, hits, newest, needed)] == want_order
