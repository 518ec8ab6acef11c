"""Search on a real on-disk index built from the crawled sample; expected figures are computed
independently from the generator's ground truth."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from sitrep import Archive, ArgumentError, QueryError, RecordNotFound, Results
from sitrep.cli.output import results_text, timeline_text
from sitrep.config import Settings
from sitrep.record import Record
from tests.conftest import run_sitrep


@pytest.fixture(scope="module")
def archive(crawled: Settings) -> Iterator[Archive]:
    with Archive(crawled) as opened:
        yield opened


def ids(results: Results) -> list[str]:
    return [h.record.id for h in results.hits]


def everything(archive: Archive, text: str = "", **kw: object) -> list[Record]:
    first = archive.search(text, per_page=1000, **kw)  # type: ignore[arg-type]
    return [h.record for h in first.hits]


def words(record: Record) -> set[str]:
    return set(re.findall(r"\w+", record.text.lower()))


def test_empty_query_is_the_whole_archive(archive: Archive, truth: dict[str, Record]) -> None:
    assert archive.search().total == len(truth) == 500


@pytest.mark.parametrize(
    ("kwargs", "keep"),
    [
        ({"countries": ["AZ"]}, lambda r: "AZ" in r.countries),
        ({"countries": ["azerbaijan", "KZ"]}, lambda r: {"AZ", "KZ"} & set(r.countries)),
        ({"countries": ["RU", "UA"], "countries_mode": "all"}, lambda r: {"RU", "UA"} <= set(r.countries)),
        ({"orgs": ["nato"]}, lambda r: "NATO" in r.orgs),
        ({"topics": ["security"]}, lambda r: r.topic == "security-issues"),
        ({"trends": ["worse"]}, lambda r: r.trend == "worsened"),
        ({"langs": ["be"]}, lambda r: r.lang == "be"),
        ({"authors": ["anna maroz"]}, lambda r: r.author == "Anna Maroz"),
        (
            {"since": "2016", "until": "2018-06"},
            lambda r: r.week_start and "2016-01-01" <= r.week_start <= "2018-06-30",
        ),
        ({"since": "2020-03-02"}, lambda r: r.week_start and r.week_start >= "2020-03-02"),
    ],
)
def test_each_filter_against_the_truth(archive: Archive, truth: dict[str, Record], kwargs: dict, keep) -> None:  # type: ignore[no-untyped-def]
    expected = {r.id for r in truth.values() if keep(r)}
    assert expected
    assert {r.id for r in everything(archive, **kwargs)} == expected


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("country:AZ", lambda r: "AZ" in r.countries),
        ("country:azerbaijan", lambda r: "AZ" in r.countries),
        ("org:eu", lambda r: "EU" in r.orgs),
        ("topic:security", lambda r: r.topic == "security-issues"),
        ("trend:worse", lambda r: r.trend == "worsened"),
        ("lang:ru", lambda r: r.lang == "ru"),
        ('author:"Anna Maroz"', lambda r: r.author == "Anna Maroz"),
        ("date:2016", lambda r: (r.week_start or "")[:4] == "2016"),
        ("date:2016-11", lambda r: (r.week_start or "")[:7] == "2016-11"),
        ("date:[2016-01 to 2016-06]", lambda r: "2016-01" <= (r.week_start or "")[:7] <= "2016-06"),
        ("week:2016-11-30", lambda r: r.week_start == "2016-11-28"),
        ("sanctions country:RU", lambda r: r.lang == "en" and "sanctions" in words(r) and "RU" in r.countries),
        ("army NOT oil", lambda r: r.lang == "en" and "army" in words(r) and "oil" not in words(r)),
    ],
)
def test_query_fields_against_the_truth(archive: Archive, truth: dict[str, Record], query: str, keep) -> None:  # type: ignore[no-untyped-def]
    expected = {r.id for r in truth.values() if keep(r)}
    assert {r.id for r in everything(archive, query)} == expected


@pytest.mark.parametrize(
    ("word", "trend"),
    [
        ("better", "improved"), ("up", "improved"), ("positive", "improved"), ("improved", "improved"),
        ("worse", "worsened"), ("down", "worsened"), ("negative", "worsened"), ("worsened", "worsened"),
        ("stable", "unchanged"), ("same", "unchanged"), ("unchanged", "unchanged"),
    ],
)  # fmt: skip
def test_every_trend_synonym(archive: Archive, truth: dict[str, Record], word: str, trend: str) -> None:
    expected = {r.id for r in truth.values() if r.trend == trend}
    assert 0 < len(expected) < len(truth), "a filter the sample cannot tell apart proves nothing"
    assert {r.id for r in everything(archive, f"trend:{word}")} == expected


def test_phrase_and_wildcard(archive: Archive, truth: dict[str, Record]) -> None:
    phrase = {r.id for r in everything(archive, '"oil supply"')}
    # stemmed: the phrase finds "oil supply" and "oil supplies", never the two words apart
    assert phrase == {r.id for r in truth.values() if re.search(r"\boil suppl(y|ies)\b", r.text.lower())}
    assert {r.id for r in everything(archive, "sanction*")} == {
        r.id for r in truth.values() if r.lang == "en" and "sanctions" in words(r)
    }


def test_russian_and_belarusian_text_is_stemmed_and_searched_together(
    archive: Archive, truth: dict[str, Record]
) -> None:
    found = {r.id for r in everything(archive, "нефти")}
    assert found == {r.id for r in truth.values() if r.lang == "ru" and "нефти" in r.text}
    assert {r.lang for r in everything(archive, "армия OR армія")} == {"ru", "be"}


def test_facets_count_the_whole_result_set(archive: Archive, truth: dict[str, Record]) -> None:
    results = archive.search(
        "", countries=["AZ"], per_page=5, facets=("countries", "topic", "trend", "year", "orgs", "lang")
    )
    subset = [r for r in truth.values() if "AZ" in r.countries]
    assert len(results.hits) == 5 and results.total == len(subset)
    assert dict((f.value, f.count) for f in results.facets["countries"]) == Counter(
        c for r in subset for c in r.countries
    )
    # a record without a value counts as "none", so each one-value facet adds up to the total
    assert dict((f.value, f.count) for f in results.facets["topic"]) == Counter(r.topic or "none" for r in subset)
    assert dict((f.value, f.count) for f in results.facets["trend"]) == Counter(
        r.trend or ("unknown" if r.trend_label else "none") for r in subset
    )
    assert dict((f.value, f.count) for f in results.facets["year"]) == Counter(str(r.year or "none") for r in subset)
    orgs = Counter(o for r in subset for o in r.orgs) + Counter("none" for r in subset if not r.orgs)
    assert dict((f.value, f.count) for f in results.facets["orgs"]) == orgs
    counts = [f.count for f in results.facets["countries"] if f.value != "none"]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sorting_by_week(archive: Archive, sort: str) -> None:
    records = everything(archive, "army", sort=sort)
    weeks = [r.week_start for r in records if r.week_start]
    assert weeks == sorted(weeks, reverse=sort == "newest") and len(weeks) > 20
    assert all(r.week_start for r in records[: len(weeks)]), "undated records come last"


def test_relevance_ranks_title_matches_first(archive: Archive) -> None:
    results = archive.search("army", per_page=10)
    assert results.hits[0].score is not None
    assert "army" in results.hits[0].record.title.lower()
    scores = [h.score for h in results.hits]
    assert scores == sorted(scores, reverse=True)


def test_pagination_covers_everything_once(archive: Archive) -> None:
    first = archive.search("oil", per_page=7, sort="newest")
    pages = [first]
    while pages[-1].next_page:
        pages.append(archive.search("oil", per_page=7, page=pages[-1].next_page, sort="newest"))
    seen = [i for p in pages for i in ids(p)]
    assert len(seen) == len(set(seen)) == first.total
    assert pages[-1].next_page is None


def test_highlighted_snippets_mark_the_query_words(archive: Archive) -> None:
    hit = archive.search("army", per_page=1).hits[0]
    snippet = hit.snippets[0]
    assert snippet.highlights
    for start, end in snippet.highlights:
        assert snippet.text[start:end].lower() == "army"
    assert len(snippet.text) <= 260


def test_did_you_mean(archive: Archive, truth: dict[str, Record]) -> None:
    results = archive.search("sanctoins")
    assert results.total == 0 and results.suggestion == "sanctions"
    assert archive.search("sanctions").suggestion is None
    # README: offered when a search finds fewer than three texts, not only none
    weeks = sorted({r.week_start for r in truth.values() if r.week_start})
    few = next(w for w in weeks if archive.search("oil", since=w, until=w).total in (1, 2))
    found = archive.search("oil OR sanctoins", since=few, until=few)
    assert found.total in (1, 2) and found.suggestion == "oil OR sanctions"
    assert archive.search("oil", since="2016", until="2016").total >= 3
    assert archive.search("oil OR sanctoins", since="2016", until="2016").suggestion is None


def test_ids_are_the_whole_result_set_newest_first(archive: Archive, truth: dict[str, Record]) -> None:
    """README's ``ids(text, **filters)``, against the generator's records: every AZ record, newest
    week first, ties by id, undated last."""
    wanted = [r for r in truth.values() if "AZ" in r.countries]
    dated = sorted((r for r in wanted if r.week_start), key=lambda r: r.id)
    dated.sort(key=lambda r: r.week_start or "", reverse=True)
    undated = sorted(r.id for r in wanted if not r.week_start)
    assert archive.ids(countries="AZ") == [r.id for r in dated] + undated
    assert len(wanted) > 20 and archive.ids("", countries="AZ", langs="ru") == [
        i for i in [r.id for r in dated] + undated if truth[i].lang == "ru"
    ]


def test_a_lowercase_or_is_offered_as_the_operator(archive: Archive, crawled: Settings) -> None:
    """`oil or army` finds oil AND army ("or" is too common a word to index): the did-you-mean
    says what was probably meant, though there are hits."""
    lower, both = archive.search("oil or army"), archive.search("oil army")
    assert lower.total == both.total > 0 and lower.suggestion == "oil OR army"
    assert archive.search("oil OR army").suggestion is None
    shown = run_sitrep("--settings", str(crawled.source), "search", "oil or army")
    assert shown.returncode == 0 and "Did you mean: oil OR army?" in shown.stdout


def test_similar_and_get(archive: Archive) -> None:
    record = archive.search("oil", per_page=1).hits[0].record
    assert archive.get(record.id) == record
    alike = archive.similar(record.id, limit=5)
    assert 0 < len(alike) <= 5 and record.id not in {h.record.id for h in alike}
    with pytest.raises(RecordNotFound):
        archive.get("0000000000000000")


def test_timeline_fills_empty_periods_with_zeros(archive: Archive, truth: dict[str, Record]) -> None:
    tl = archive.timeline("", langs=["ru"], by="month")
    months = [r.week_start[:7] for r in truth.values() if r.lang == "ru" and r.week_start]
    assert tl.periods[0] == min(months) and tl.periods[-1] == max(months)
    assert len(tl.periods) == len(set(tl.periods))
    assert 0 in tl.series["all"] and sum(tl.series["all"]) == len(months)
    split = archive.timeline("", langs=["ru"], by="year", split="trend")
    assert sum(sum(v) for v in split.series.values()) == len(months)
    assert set(split.series) <= {"improved", "worsened", "unchanged", "unknown"}


def test_timeline_by_week_auto_and_country_against_the_truth(archive: Archive, truth: dict[str, Record]) -> None:
    """Weeks are every Monday from the first hit's week to the last's, counted from the records;
    auto picks weeks up to half a year of hits, months up to four years, years beyond; a country
    split is the five commonest countries of the hits (most first, ties by code)."""
    dated = [r for r in truth.values() if r.week_start]
    spring = [r for r in dated if "2017-03-01" <= r.week_start <= "2017-06-30"]
    weeks = archive.timeline("", since="2017-03", until="2017-06", by="week")
    first = dt.date.fromisoformat(min(r.week_start for r in spring))
    last = dt.date.fromisoformat(max(r.week_start for r in spring))
    mondays = [(first + dt.timedelta(days=7 * n)).isoformat() for n in range((last - first).days // 7 + 1)]
    assert weeks.periods == tuple(mondays) and len(mondays) > 8
    assert dict(zip(weeks.periods, weeks.series["all"])) == {m: sum(r.week_start == m for r in spring) for m in mondays}
    for since, until in [("2017-03", "2017-06"), ("2016", "2018"), (None, None)]:
        days = [r.week_start for r in dated if (since is None or since <= r.week_start[: len(since)] <= until)]  # type: ignore[operator]
        span = (dt.date.fromisoformat(max(days)) - dt.date.fromisoformat(min(days))).days
        expected = "week" if span <= 183 else "month" if span <= 4 * 366 else "year"
        assert archive.timeline("", since=since, until=until, by="auto").by == expected, (since, span)
    counts = Counter(c for r in truth.values() for c in r.countries)
    five = [c for c, _ in sorted(counts.items(), key=lambda cn: (-cn[1], cn[0]))][:5]
    by_country = archive.timeline("", by="year", split="country")
    assert list(by_country.series) == five
    for code in five:
        assert sum(by_country.series[code]) == sum(code in r.countries for r in dated)


def test_the_author_facet_prints_names_as_the_pages_do(archive: Archive, truth: dict[str, Record]) -> None:
    """The index holds authors lower-cased (a filter matches any case); the facet shows them as
    printed, and a facet value filters to the same records."""
    shown = {f.value: f.count for f in archive.search("", facets="author").facets["author"]}
    printed = Counter(r.author for r in truth.values() if r.author)
    assert shown == {**printed, "none": sum(1 for r in truth.values() if not r.author)}
    name, count = printed.most_common(1)[0]
    assert name != name.lower() and archive.search("", authors=name, facets=()).total == count


def test_stats(archive: Archive, truth: dict[str, Record]) -> None:
    stats = archive.stats()
    assert stats.records == 500
    assert dict((f.value, f.count) for f in stats.facets["lang"]) == Counter(r.lang for r in truth.values())
    assert stats.first_week == min(r.week_start for r in truth.values() if r.week_start)
    assert stats.last_week == max(r.week_start for r in truth.values() if r.week_start)
    assert stats.last_crawl and stats.last_crawl["status"] == "ok"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("foo:bar", "unknown field 'foo'"),
        ('"oil supply', "unbalanced quotes"),
        ("(oil OR army", "unbalanced parentheses"),
        ("oil)", "a ) without its ("),
        ("date:2016-13", "there is no month 2016-13"),
        ("date:last month", "malformed date 'last'"),
        ("date:[2017 to 2016]", "starts (2017-01-01) after it ends"),
        ("date:[2016-01 2016-06]", "written [FROM to TO]"),
        ("week:yesterday", "malformed date 'yesterday'"),
        ("country:narnia", "unknown country 'narnia'"),
        ("topic:relations", "ambiguous"),
        ("topic:weather", "unknown topic 'weather'"),
        ("trend:sideways", "unknown trend 'sideways'"),
        ("lang:de", "unknown language 'de'"),
        ("org:wto", "unknown organisation 'wto'"),
        ("country:", "needs a value"),
        ("the", "no searchable words"),
    ],
)
def test_query_errors_name_the_problem(archive: Archive, query: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        archive.search(query)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sort": "random"},
        {"page": 0},
        {"per_page": 0},
        {"per_page": 1001},
        {"facets": ("weather",)},
        {"countries_mode": "most"},
    ],
)
def test_bad_keyword_arguments_raise_argument_error(archive: Archive, kwargs: dict) -> None:
    with pytest.raises(ArgumentError) as caught:
        archive.search("oil", **kwargs)
    assert caught.value.status == 2


@pytest.mark.parametrize("method", ["search", "matching", "iter_records", "timeline", "trends"])
def test_a_keyword_that_is_no_filter_is_named_by_every_method(archive: Archive, method: str) -> None:
    """One list of filter keywords (``FilterKeywords``) and one check, whichever method is called."""
    with pytest.raises(ArgumentError) as caught:
        getattr(archive, method)("oil", country="AZ")  # the query field's name, not the keyword
    assert caught.value.name == "country" and "countries" in caught.value.reason and caught.value.status == 2


def test_the_filter_keywords_are_one_typed_list_and_search_takes_each() -> None:
    from typing import get_type_hints

    from sitrep.search.filters import KEYWORDS, FilterKeywords

    assert KEYWORDS == ("countries", "countries_mode", "orgs", "topics", "trends", "langs", "authors", "since", "until")
    assert set(get_type_hints(FilterKeywords)) == set(KEYWORDS)
    assert "FilterKeywords" in str(inspect.signature(Archive.search).parameters["filters"].annotation)


@pytest.mark.parametrize("kwargs", [{"since": "2019", "until": "2018"}, {"since": "soon"}, {"countries": ["narnia"]}])
def test_bad_filter_values_raise_query_error_like_the_query_fields(archive: Archive, kwargs: dict) -> None:
    with pytest.raises(QueryError):
        archive.search("oil", **kwargs)


def test_json_envelope_shape(archive: Archive) -> None:
    data = json.loads(archive.search("oil", per_page=2).to_json())
    assert list(data) == [
        "ok",
        "version",
        "query",
        "total",
        "page",
        "per_page",
        "next_page",
        "hits",
        "facets",
        "suggestion",
        "took_ms",
    ]
    assert data["ok"] is True and data["version"] == 1 and data["next_page"] == 2
    hit = data["hits"][0]
    assert list(hit) == ["id", "score", "snippets", "record"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", hit["record"]["week_start"])
    assert set(data["facets"]) == {"countries", "topic", "trend", "year"}
    assert data["facets"]["countries"][0].keys() == {"value", "count"}


def test_cli_json_and_error_envelope(crawled: Settings) -> None:
    ok = run_sitrep("--settings", str(crawled.source), "search", "oil", "--country", "AZ", "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["ok"] is True
    bad = run_sitrep("--settings", str(crawled.source), "search", "foo:bar", "--json")
    assert bad.returncode == 6
    assert json.loads(bad.stdout) == {
        "ok": False,
        "version": 1,
        "error": "bad query 'foo:bar': unknown field 'foo' (fields: country, org, topic, trend, lang, author, date, week)",
        "status": 6,
    }
    for flags, status, words in (
        (["--from", "2016-02-30"], 2, "2016-02-30"),
        (["--country", "XX"], 2, "unknown country 'XX'"),
        (["--page", "0"], 2, "--page"),
        (["--from", "2018", "--to", "2016"], 2, "Invalid value for '--to': from (2018-01-01) is after to"),
        (["--to", "2016", "--from", "2018"], 2, "Invalid value for '--from': from (2018-01-01) is after to"),
    ):
        bad_flag = run_sitrep("--settings", str(crawled.source), "search", "oil", *flags, "--json")
        envelope = json.loads(bad_flag.stdout)
        assert bad_flag.returncode == status == envelope["status"] and envelope["ok"] is False, flags
        assert words in envelope["error"] and bad_flag.stderr == f"Error: {envelope['error']}\n"
    lines = run_sitrep("--settings", str(crawled.source), "search", "oil", "--nl", "--limit", "3").stdout.splitlines()
    assert len(lines) == 3 and all(json.loads(line)["id"] for line in lines)


def test_cli_human_output_with_and_without_colour(archive: Archive, crawled: Settings) -> None:
    results = archive.search("army", trends=["improved", "worsened"], per_page=5)
    coloured = results_text(results, color=True, facet_top=5)
    plain = results_text(results, color=False, facet_top=5)
    assert "\x1b[32m▲ improved" in coloured or "\x1b[31m▼ worsened" in coloured
    assert "\x1b[" not in plain and "results (page 1 of" in plain
    piped = run_sitrep("--settings", str(crawled.source), "search", "army", "--limit", "2")
    assert piped.returncode == 0 and "\x1b[" not in piped.stdout and "countries: " in piped.stdout
    tl = timeline_text(archive.timeline("army", by="year", split="trend"), color=False)
    assert "+" in tl and "dated results by year" in tl


def test_archive_as_the_readme_embeds_it(crawled: Settings) -> None:
    from sitrep import Archive as Embedded

    with Embedded.open(crawled.data_dir) as archive:
        results = archive.search("oil", countries=["AZ"], since="2016", sort="newest", per_page=5)
        for hit in results.hits:
            assert hit.record.week_start and hit.record.week_start >= "2016"
        assert results.total > 0 and results.facets["year"]
