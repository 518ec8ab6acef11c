"""Regression tests, one per bug of issue 12, each named after it. Expected values come from the
records read back from the record store, never from the search code."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest

from sitrep import Archive, ArgumentError, QueryError, Record
from sitrep.config import Settings, load
from sitrep.errors import ConfigError
from sitrep.index.store import RecordStore
from sitrep.search import facets as facet_math
from tests.conftest import run_sitrep


@pytest.fixture(scope="module")
def archive(crawled: Settings) -> Iterator[Archive]:
    with Archive(crawled) as opened:
        yield opened


@pytest.fixture(scope="module")
def records(crawled: Settings) -> dict[str, Record]:
    with RecordStore(crawled.data_dir, create=False) as store:
        return {r.id: r for r in store.records()}


def found(archive: Archive, text: str, **kw: object) -> set[str]:
    return {h.record.id for h in archive.search(text, per_page=1000, **kw).hits}  # type: ignore[arg-type]


def sitrep(crawled: Settings, *args: str):  # type: ignore[no-untyped-def]
    return run_sitrep("--settings", str(crawled.source), *args)


@pytest.mark.parametrize(
    "args",
    [["oil", "--from", "2030"], ["oil", "--country", "AZ", "--from", "2025-12"], ["oil", "date:2030"]],
)
def test_an_empty_filter_set_no_longer_lets_every_hit_through(crawled: Settings, archive: Archive, args: list) -> None:
    as_json = json.loads(sitrep(crawled, "search", *args, "--json").stdout)
    assert as_json["total"] == 0 and as_json["hits"] == []
    nl = sitrep(crawled, "search", *args, "--nl")
    assert nl.returncode == 0 and nl.stdout == ""
    human = sitrep(crawled, "search", *args)
    assert "No results." in human.stdout and "0 results" in human.stdout
    facets = json.loads(sitrep(crawled, "facets", *args, "--json").stdout)
    assert facets["total"] == 0 and all(v == [] for v in facets["facets"].values())
    timeline = json.loads(sitrep(crawled, "timeline", *args, "--json").stdout)
    assert timeline["total"] == 0 and timeline["periods"] == []
    results = archive.search("oil", since=2030)
    assert results.total == 0 and results.hits == ()


def test_trend_worse_lang_be_is_exactly_the_belarusian_worsened(archive: Archive, records: dict) -> None:
    expected = {i for i, r in records.items() if r.trend == "worsened" and r.lang == "be"}
    assert found(archive, "", trends="worse", langs="be") == expected == found(archive, "trend:worse lang:be")
    assert found(archive, "oil", trends="worse", langs="be") == found(archive, "oil") & expected


def test_not_country_excludes_the_country_instead_of_keeping_only_it(archive: Archive, records: dict) -> None:
    oil = found(archive, "oil")
    hits = found(archive, "oil NOT country:AZ")
    assert hits and hits == {i for i in oil if "AZ" not in records[i].countries}


def test_and_not_trend_excludes_the_verdict_instead_of_keeping_only_it(archive: Archive, records: dict) -> None:
    oil = found(archive, "oil")
    assert found(archive, "oil AND NOT trend:worse") == {i for i in oil if records[i].trend != "worsened"}


def test_country_or_word_is_an_or_not_an_and(archive: Archive, records: dict) -> None:
    az = {i for i, r in records.items() if "AZ" in r.countries}
    union = found(archive, "country:AZ OR oil")
    assert union == az | found(archive, "oil") and len(union) > len(az)


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("NOT country:AZ", lambda r: "AZ" not in r.countries),
        ("country:BY AND country:AZ", lambda r: {"BY", "AZ"} <= set(r.countries)),
        ("(country:AZ OR country:GE) AND NOT trend:worse", lambda r: {"AZ", "GE"} & set(r.countries)
         and r.trend != "worsened"),
    ],
)  # fmt: skip
def test_fields_only_queries_are_valid_and_list_newest_first(archive: Archive, records: dict, query, keep) -> None:  # type: ignore[no-untyped-def]
    results = archive.search(query, per_page=1000)
    assert {h.record.id for h in results.hits} == {i for i, r in records.items() if keep(r)}
    weeks = [h.record.week_start for h in results.hits if h.record.week_start]
    assert weeks == sorted(weeks, reverse=True) and all(h.score is None for h in results.hits)


def test_search_text_none_since_2016_countries_none_datetime_are_checked(archive: Archive) -> None:
    with pytest.raises(ArgumentError, match="text"):
        archive.search(None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="countries"):
        archive.search("oil", countries=[None])  # type: ignore[list-item]
    as_year = archive.search("oil", since=2016, per_page=1000)
    assert as_year.total == archive.search("oil", since="2016").total > 0
    assert archive.search("oil", since=dt.datetime(2016, 1, 1, 12)).total == as_year.total
    assert archive.search("oil", since=dt.date(2016, 1, 1)).total == as_year.total
    assert archive.search("oil", countries="AZ").total == archive.search("oil", countries=["AZ"]).total


def test_facets_as_one_string_is_one_facet_not_its_letters(archive: Archive) -> None:
    assert list(archive.search("oil", facets="year").facets) == ["year"]
    with pytest.raises(ArgumentError, match="unknown facet 'weather'"):
        archive.search("oil", facets="weather")


def test_search_after_close_and_a_second_close(crawled: Settings) -> None:
    archive = Archive(crawled)
    archive.close()
    archive.close()
    with pytest.raises(ArgumentError, match="closed"):
        archive.search("oil")


def test_per_page_setting_above_1000_is_refused_at_load(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as caught:
        load(path=None, environ={"SITREP_SEARCH_PER_PAGE": "5000"})
    assert caught.value.status == 3 and "1 to 1000" in str(caught.value)


def test_a_bug_in_our_code_is_not_reported_as_a_damaged_index(archive: Archive, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(facet_math, "counts", broken)
    with pytest.raises(KeyError):  # not IndexDamaged: the index is fine, the code is not
        archive.search("oil")


def test_week_of_a_month_is_an_error_not_the_week_of_its_first_day(archive: Archive) -> None:
    with pytest.raises(QueryError, match="date:2016-04"):
        archive.search("week:2016-04")


def test_a_day_inside_an_indexed_week_finds_that_week(archive: Archive, records: dict) -> None:
    monday = max(r.week_start for r in records.values() if r.week_start)
    tuesday = (dt.date.fromisoformat(monday) + dt.timedelta(days=1)).isoformat()
    expected = {i for i, r in records.items() if r.week_start == monday}
    assert expected and found(archive, f"date:{tuesday}") == expected == found(archive, f"week:{tuesday}")


def test_open_date_ranges_are_accepted(archive: Archive, records: dict) -> None:
    assert found(archive, "date:[2016 to]") == {i for i, r in records.items() if (r.week_start or "") >= "2016"}
    assert found(archive, "date:[to 2018-06]") == {
        i for i, r in records.items() if r.week_start and r.week_start <= "2018-06-30"
    }


@pytest.mark.parametrize(
    ("query", "reason"),
    [("date:2016-02-30", "no day 2016-02-30"), ("date:2016-13", "no month"), ("date:[2017 to 2016]", "swap")],
)
def test_impossible_dates_are_query_errors_that_name_the_fix(archive: Archive, query: str, reason: str) -> None:
    with pytest.raises(QueryError, match=reason):
        archive.search(query)


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("trend:none", lambda r: r.trend is None and not r.trend_label),
        ("trend:unknown", lambda r: r.trend is None and bool(r.trend_label)),
        ("topic:none", lambda r: r.topic is None),
        ("date:none", lambda r: r.week_start is None),
    ],
)
def test_records_without_a_week_or_a_verdict_can_be_asked_for(archive: Archive, records: dict, query, keep) -> None:  # type: ignore[no-untyped-def]
    expected = {i for i, r in records.items() if keep(r)}
    assert expected and found(archive, query) == expected


def test_stats_columns_add_up_and_name_the_unknown_verdicts(archive: Archive, records: dict, crawled) -> None:  # type: ignore[no-untyped-def]
    stats = archive.stats()
    for name in ("year", "topic", "trend", "lang"):
        assert sum(f.count for f in stats.facets[name]) == len(records) == stats.records, name
    assert stats.missing("year") == sum(1 for r in records.values() if not r.week_start)
    labels = sorted(r.trend_label for r in records.values() if r.trend is None and r.trend_label)
    assert labels and sorted(f.value for f in stats.unknown_verdicts for _ in range(f.count)) == labels
    shown = sitrep(crawled, "stats").stdout
    assert f"{stats.missing('year')} undated" in shown and repr(labels[0]) in shown
    hit = archive.search("trend:unknown", per_page=1).hits[0]
    assert hit.record.trend_label and hit.record.trend_label in sitrep(crawled, "search", "trend:unknown").stdout


def test_the_query_may_be_several_shell_words(crawled: Settings) -> None:
    joined = sitrep(crawled, "search", "oil", "country:AZ", "--json")
    one = sitrep(crawled, "search", "oil country:AZ", "--json")
    assert joined.returncode == 0 and json.loads(joined.stdout)["total"] == json.loads(one.stdout)["total"] > 0


def test_any_typed_text_is_results_or_one_query_error(archive: Archive) -> None:
    """Fuzzed queries built from the language's own pieces: nothing but QueryError escapes."""
    import random

    rng = random.Random(12)
    pieces = ["oil", "army", "the", "AND", "OR", "NOT", "(", ")", '"', "[", "]", "to", "country:AZ", "trend:none",
              "date:", "date:[2016 to]", "date:[to", "week:2016-04", "topic:none", ":", "*", "нефти", "x:y"]  # fmt: skip
    outcomes = {"results": 0, "QueryError": 0}
    for _ in range(1500):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 7)))
        text = text if rng.random() < 0.7 else text.replace(" ", "")
        try:
            archive.search(text, per_page=1, facets=())
            outcomes["results"] += 1
        except QueryError:
            outcomes["QueryError"] += 1
    assert outcomes["results"] > 100 and outcomes["QueryError"] > 100
