"""`sitrep serve` over real HTTP on 127.0.0.1: pages and JSON against the generator's truth, the
CLI's envelope and messages, exports, ETags, limits and paths (hostile cases: test_web_safety)."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from sitrep.config import Settings
from sitrep.record import Record
from sitrep.search.export import COLUMNS
from sitrep.web import api as web_api
from tests.conftest import ROOT, run_sitrep
from tests.webserver import (
    Served,
    get,
    serve_process,
    stop,
)


@pytest.fixture(scope="module")
def web(crawled: Settings) -> Iterator[Served]:
    served = Served(crawled)
    yield served
    served.close()


def keep_count(truth: dict[str, Record], keep) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for r in truth.values() if keep(r))


# --- search and facets against the truth ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("", lambda r: True),
        ("country=AZ", lambda r: "AZ" in r.countries),
        ("country=RU&country=UA", lambda r: {"RU", "UA"} <= set(r.countries)),  # a second click narrows
        ("trend=worsened&lang=en", lambda r: r.trend == "worsened" and r.lang == "en"),
        (
            "topic=security-issues&from=2016&to=2018-06",
            lambda r: r.topic == "security-issues" and "2016-01-01" <= (r.week_start or "") <= "2018-06-30",
        ),
        ("q=country%3AAZ+trend%3Aworse", lambda r: "AZ" in r.countries and r.trend == "worsened"),
    ],
)
def test_search_totals_match_the_truth(web: Served, truth: dict[str, Record], query: str, keep) -> None:  # type: ignore[no-untyped-def]
    expected = keep_count(truth, keep)
    assert expected
    assert web.get(f"/api/search?{query}").json()["total"] == expected
    page = web.get(f"/?{query}").text
    assert f'<span id="total">{expected}</span>' in page


def test_facet_links_narrow_the_search(web: Served, truth: dict[str, Record]) -> None:
    """Follow the page's own facet link: the total becomes that facet's count."""
    page = web.get("/?q=oil").text
    links = re.findall(r'<ul data-facet="countries">(.*?)</ul>', page, re.S)[0]
    href, value, count = re.findall(
        r'<a href="([^"]+)"><span class="value">(\w\w) [^<]*</span> <span class="count">(\d+)</span>', links
    )[0]
    narrowed = web.get(href.replace("&amp;", "&")).text
    expected = keep_count(
        truth, lambda r: r.lang == "en" and "oil" in re.findall(r"\w+", r.text.lower()) and value in r.countries
    )
    assert int(count) == expected
    assert f'<span id="total">{expected}</span>' in narrowed
    assert f'aria-current="true" class="chosen"><span class="value">{value} ' in narrowed
    again = re.search(rf'<a href="([^"]+)" aria-current="true" class="chosen"><span class="value">{value} ', narrowed)
    assert again and "country" not in again.group(1)  # clicking a chosen value removes it


def test_year_facet_and_paging(web: Served, truth: dict[str, Record]) -> None:
    in_2017 = sorted(
        (r for r in truth.values() if (r.week_start or "").startswith("2017")), key=lambda r: r.week_start or ""
    )
    first = web.get("/api/search?from=2017&to=2017&sort=oldest&per_page=7").json()
    second = web.get("/api/search?from=2017&to=2017&sort=oldest&per_page=7&page=2").json()
    assert first["total"] == len(in_2017)
    assert [h["record"]["week_start"] for h in first["hits"] + second["hits"]] == [r.week_start for r in in_2017[:14]]
    page = web.get("/?from=2017&to=2017&sort=oldest&per_page=7").text
    assert 'rel="next"' in page and "page=2" in page and "per_page=7" in page


def test_api_search_is_the_cli_envelope(web: Served, crawled: Settings) -> None:
    done = run_sitrep("--settings", str(crawled.source), "search", "oil", "--country", "AZ", "--json")
    cli = json.loads(done.stdout)
    served = web.get("/api/search?q=oil&country=AZ&per_page=20").json()
    for answer in (cli, served):
        answer.pop("took_ms")
        answer["query"]["facets"] = None  # the page asks for more facets than the CLI's default
        answer["facets"] = {k: v for k, v in answer["facets"].items() if k in cli["facets"]}
    assert served == cli


def test_bad_query_is_a_400_with_the_cli_message(web: Served, crawled: Settings) -> None:
    done = run_sitrep("--settings", str(crawled.source), "search", "country:narnia", "--json")
    cli = json.loads(done.stdout)
    answer = web.get("/api/search?" + urlencode({"q": "country:narnia"}))
    assert answer.status == 400 and answer.json() == cli == {**cli, "ok": False, "status": 6}
    page = web.get("/?" + urlencode({"q": "country:narnia"}))
    assert page.status == 400 and "unknown country &#39;narnia&#39;" in page.text


@pytest.mark.parametrize(
    ("query", "message", "status"),
    [
        ("q=" + "a" * 501, "longer than 500 characters", 6),
        ("per_page=101", "bad argument per_page: must be from 1 to 100, not 101", 2),
        ("page=1000&per_page=20", "bad argument page: must be from 1 to 500 at 20 per page", 2),
        ("page=0", "bad argument page: must be from 1", 2),
        ("page=two", "bad argument page: must be a whole number, not 'two'", 2),
        ("sort=random", "bad argument sort: unknown sort 'random'", 2),
        ("from=2016-13", "there is no month 2016-13", 6),
    ],
)
def test_limits_and_bad_parameters(web: Served, query: str, message: str, status: int) -> None:
    """A bad page, page size or sort is a bad argument, as Archive.search says it (status 2); a
    bad query or filter value a bad query (6). Both are HTTP 400."""
    answer = web.get(f"/api/search?{query}")
    assert answer.status == 400 and message in answer.json()["error"] and answer.json()["status"] == status


def test_record_page_and_api(web: Served, truth: dict[str, Record]) -> None:
    record = next(r for r in truth.values() if len(r.countries) >= 2 and r.author)
    data = web.get(f"/api/record/{record.id}").json()
    assert (
        data["ok"] and data["record"]["title"] == record.title and data["record"]["countries"] == list(record.countries)
    )
    assert [h["version"] for h in data["history"]] == [1]
    assert data["captures"][record.urls[0]][0]["status"] == 200
    assert len(web.get(f"/api/record/{record.id}/similar").json()["similar"]) == 10
    page = web.get(f"/record/{record.id}").text
    for code in record.countries:
        assert f'href="/?country={code}" class="country"' in page
    assert f"/?author={quote(record.author or '').replace('%20', '+')}" in page
    assert "/archived?url=" in page and "Cite" in page
    missing = web.get("/api/record/0000000000000000")
    assert missing.status == 404 and "no record with id" in missing.json()["error"]


def test_the_record_page_cites_as_sitrep_cite_does(web: Served, truth: dict[str, Record], crawled: Settings) -> None:
    """One citation (``search.cite``) for the terminal and the web: where the archived copy sits
    (from the store's capture table), the week with both years, the author first."""
    import html as htmllib

    record = next(r for r in truth.values() if r.author and r.week_label and r.week_start[:4] != r.week_end[:4])
    db = sqlite3.connect(crawled.data_dir / "records.sqlite3")
    warc, offset = db.execute(
        "SELECT warc, offset FROM captures WHERE url = ? ORDER BY rowid DESC LIMIT 1", (record.url,)
    ).fetchone()
    db.close()
    page = htmllib.unescape(web.get(f"/record/{record.id}").text)
    cited = re.search(r'<output aria-label="Citation">(.*?)</output>', page, re.S)
    assert cited is not None
    start, end = record.week_start, record.week_end
    assert cited[1].startswith(f'{record.author}. "{record.title}." Belarus in Focus, week of ')
    assert f"archived copy: warc/{warc} at offset {offset}, sitrep id {record.id}" in cited[1]
    assert f", {start[:4]} – " in cited[1] and f", {end[:4]}. " in cited[1]  # both years of the week
    assert cited[1] == run_sitrep("--settings", str(crawled.source), "cite", record.id).stdout.strip()


def test_the_record_page_shows_the_week_as_the_site_printed_it(web: Served, truth: dict[str, Record]) -> None:
    crossing = next(r for r in truth.values() if r.week_label and r.week_start[:4] != (r.week_end or "")[:4])
    page = web.get(f"/record/{crossing.id}").text
    assert f'<dd class="week-label">{crossing.week_label}</dd>' in page  # the generator's own rendering
    assert web.get(f"/api/record/{crossing.id}").json()["record"]["week_label"] == crossing.week_label
    undated = next(r for r in truth.values() if r.date_source != "week")
    assert "Week as printed" not in web.get(f"/record/{undated.id}").text


def test_stats_timeline_and_runs(web: Served, truth: dict[str, Record], crawled: Settings) -> None:
    stats = web.get("/api/stats").json()
    assert stats["records"] == 500
    # every record counts once: its verdict, "unknown" for a label not in the trends table, or "none"
    assert {f["value"]: f["count"] for f in stats["facets"]["trend"]} == Counter(
        r.trend or ("unknown" if r.trend_label else "none") for r in truth.values()
    )
    page = web.get("/stats").text
    assert f'<span id="undated">{sum(1 for r in truth.values() if not r.week_start)}</span>' in page
    assert f'<span id="no-verdict">{sum(1 for r in truth.values() if not r.trend)}</span>' in page
    timeline = web.get("/api/timeline?by=year&split=trend&lang=ru").json()
    assert sum(map(sum, timeline["series"].values())) == keep_count(truth, lambda r: r.lang == "ru" and r.week_start)
    runs = web.get("/api/runs").json()["runs"]
    db = sqlite3.connect(crawled.data_dir / "records.sqlite3")
    ledger = db.execute(
        "SELECT run_id, url, outcome, reason FROM ledger WHERE outcome IN ('failed', 'dropped') "
        "ORDER BY run_id, outcome = 'dropped', url"  # failed first, as `sitrep runs` lists them
    ).fetchall()
    ids = [i for (i,) in db.execute("SELECT id FROM runs ORDER BY id DESC")]
    db.close()
    assert [r["id"] for r in runs] == ids  # newest first; other tests may have crawled again
    assert [(r["id"], p["url"], p["outcome"], p["reason"]) for r in runs[::-1] for p in r["problems"]] == ledger
    assert any("robots.txt" in reason for *_, reason in ledger)  # the sample forbids a page
    page = web.get("/runs").text
    assert all(url in page for _, url, *_ in ledger)


def test_trends_against_the_truth(web: Served, truth: dict[str, Record]) -> None:
    data = web.get("/api/trends?by=year&country=BY").json()
    chosen = [r for r in truth.values() if "BY" in r.countries and r.week_start]
    for verdict in ("improved", "unchanged", "worsened"):
        per_year = Counter(r.week_start[:4] for r in chosen if r.trend == verdict)  # type: ignore[index]
        assert dict(zip(data["periods"], data["overall"][verdict])) == {y: per_year.get(y, 0) for y in data["periods"]}
    assert data["overall"]["balance"] == [
        i - w for i, w in zip(data["overall"]["improved"], data["overall"]["worsened"])
    ]
    elite = Counter(r.week_start[:7] for r in chosen if r.topic == "the-ruling-elite" and r.trend == "worsened")  # type: ignore[index]
    quarters = web.get("/api/trends?by=quarter&country=BY").json()
    expected: Counter[str] = Counter()
    for month, n in elite.items():
        expected[f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"] += n
    got = dict(zip(quarters["periods"], quarters["topics"]["the-ruling-elite"]["worsened"]))
    assert {k: v for k, v in got.items() if v} == dict(expected)
    assert quarters["no_verdict"] == sum(1 for r in chosen if not r.trend)
    page = web.get("/trends?by=year&country=BY").text
    svg = page[page.index('<figure class="trend-chart">') :].split("</figure>")[0]
    assert svg.count('class="bar improved"') == sum(1 for n in data["overall"]["improved"] if n)
    nothing = web.get("/api/trends?q=zzzzqqq")
    assert nothing.status == 200 and nothing.json()["periods"] == [] and nothing.json()["undated"] == 0
    assert web.get("/trends?q=zzzzqqq").status == 200


# --- exports ------------------------------------------------------------------------------------


def test_csv_and_ndjson_export_the_whole_result_set(
    web: Served, truth: dict[str, Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_api, "EXPORT_PAGE", 37)  # many pages, so the stream crosses page ends
    expected = {r.id for r in truth.values() if r.trend == "improved"}
    answer = web.get("/api/export.csv?trend=improved&sort=newest")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert tuple(rows[0]) == COLUMNS, "the columns of sitrep export, in its order"
    assert [r["id"] for r in rows if r["id"] in expected] == [r["id"] for r in rows]
    assert {r["id"] for r in rows} == expected and len(rows) == len(expected)
    weeks = [r["week_start"] for r in rows if r["week_start"]]
    assert weeks == sorted(weeks, reverse=True)
    lines = web.get("/api/export.ndjson?trend=improved").text.splitlines()
    assert {json.loads(line)["id"] for line in lines} == expected and len(lines) == len(expected)
    assert web.get("/api/export.csv?" + urlencode({"q": '"oil'})).status == 400
    assert web.get("/api/export.xlsx").status == 404


def test_csv_cells_never_start_a_formula() -> None:
    record = Record(
        id="1", site="s", url="u", urls=("u",), lang="en", layout="current", title="=HYPERLINK(1)", author="+1"
    )
    row = next(csv.reader(io.StringIO(web_api.csv_rows([record], header=False))))
    assert row[COLUMNS.index("title")] == "'=HYPERLINK(1)"
    assert row[COLUMNS.index("author")] == "'+1"


# --- HTTP behaviour -----------------------------------------------------------------------------


def test_etag_from_the_index_generation(web: Served) -> None:
    first = web.get("/api/stats")
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "no-cache"
    assert web.get("/api/stats", {"If-None-Match": etag}).status == 304
    assert web.get("/?q=oil", {"If-None-Match": etag}).status == 304
    assert web.get("/api/stats", {"If-None-Match": 'W/"other"'}).status == 200


def test_openapi_lists_every_api_route_and_each_answers(web: Served) -> None:
    spec = web.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    routes = {r.path.replace("{kind:str}", "{kind}") for r in web_api.routes()} - {"/api/openapi.json"}
    documented = set(spec["paths"])
    assert {p.replace(".csv", ".{kind}").replace(".ndjson", ".{kind}") for p in documented} == routes
    for path in documented:
        if "{" not in path:
            assert web.get(path).status == 200, path


def test_paths_outside_the_app_are_not_served(web: Served, crawled: Settings) -> None:
    for path in (
        "/static/../records.sqlite3",
        "/static/%2e%2e/%2e%2e/records.sqlite3",
        "/static/..%2fstyle.css",
        "/record/..%2f..%2fetc%2fpasswd",
    ):
        answer = web.get(path)
        assert answer.status == 404 and b"SQLite" not in answer.body and b"root:" not in answer.body, path
    assert web.get("/static/style.css").status == 200


def test_security_headers_on_pages(web: Served) -> None:
    headers = web.get("/").headers
    assert (
        "script-src" not in headers["content-security-policy"]
        and "default-src 'none'" in headers["content-security-policy"]
    )
    assert headers["x-content-type-options"] == "nosniff"


# --- the command ---------------------------------------------------------------------------------


def test_sitrep_serve_binds_loopback_and_warns_otherwise(crawled: Settings) -> None:
    proc, url, lines = serve_process(crawled.source, "--port", "0")
    try:
        assert url.startswith("http://127.0.0.1:") and not any("Warning" in line for line in lines)
        assert get(url + "/api/stats").json()["records"] == 500
    finally:
        stop(proc)
    proc, url, lines = serve_process(crawled.source, "--port", "0", "--host", "0.0.0.0")
    try:
        assert "Warning: listening on 0.0.0.0" in lines[0]
        assert get(url.replace("0.0.0.0", "127.0.0.1") + "/api/stats").status == 200
    finally:
        stop(proc)
    done = run_sitrep("--settings", str(crawled.source), "serve", "--port", "0", "--host", "0.0.0.0", "--timeout", "0")
    assert done.returncode == 2


def test_the_web_app_loads_no_crawler_and_no_scrapy(crawled: Settings) -> None:
    code = (
        "import sys\nfrom sitrep.config import load\nfrom sitrep.web import create_app\n"
        f"create_app(load({str(crawled.source)!r}, environ={{}}))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted') or m.startswith('sitrep.crawler')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_sitrep_serve_without_an_index_says_what_to_run(tmp_path: Path) -> None:
    done = run_sitrep("--data-dir", str(tmp_path / "empty"), "serve", "--port", "0", timeout=60)
    assert done.returncode == 4 and "no index" in done.stderr and "sitrep crawl" in done.stderr
