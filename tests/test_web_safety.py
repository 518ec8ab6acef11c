"""`sitrep serve` when things go wrong or turn hostile: text full of markup, an archived page
that tries to run script and leave, a newer index under a running server, slow queries, errors."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest

from sitrep.config import Settings
from sitrep.errors import IndexDamaged, IndexMissing, QueryError, RecordNotFound, SitrepError
from sitrep.record import finish
from sitrep.web.app import http_status
from sitrep.web.backend import TooSlow
from tests.webserver import CYRILLIC, IMG, SCRIPT, Served, add_record, hostile_archive, hostile_record


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Settings]]:
    settings = hostile_archive(tmp_path_factory.mktemp("hostile") / "data")
    served = Served(settings, cors=True)
    yield served, settings
    served.close()


def test_a_new_index_is_served_with_a_new_etag(hostile: tuple[Served, Settings]) -> None:
    served, settings = hostile
    before = served.get("/api/search?q=Pripyat")
    assert before.json()["total"] == 0
    add_record(settings, hostile_record(3, "Pripyat report", "Pripyat and oil."))
    time.sleep(1.2)  # the server checks for a newer index at most once a second
    assert served.get("/api/search?q=Pripyat").json()["total"] == 1  # this request reopened the index
    after = served.get("/api/search?q=Pripyat", {"If-None-Match": before.headers["etag"]})
    assert after.status == 200 and after.headers["etag"] != before.headers["etag"]
    assert served.get("/api/search?q=Pripyat", {"If-None-Match": after.headers["etag"]}).status == 304


def test_cors_only_when_asked(hostile: tuple[Served, Settings]) -> None:
    served, settings = hostile  # served with --cors
    origin = {"Origin": "https://example.org"}
    assert served.get("/api/stats", origin).headers["access-control-allow-origin"] == "*"
    plain = Served(settings)
    try:
        assert "access-control-allow-origin" not in plain.get("/api/stats", origin).headers
    finally:
        plain.close()


def test_every_field_is_escaped(hostile: tuple[Served, Settings]) -> None:
    served, _ = hostile
    pages = [
        served.get("/?q=oil").text,
        served.get(f"/record/{1:016x}").text,
        served.get("/?q=oil&author=" + quote(f"Anna {IMG}")).text,
    ]
    for page in pages:
        assert SCRIPT not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert CYRILLIC in pages[1]
    data = served.get("/api/record/" + f"{1:016x}").json()
    assert CYRILLIC in data["record"]["title"] and SCRIPT in data["record"]["title"]  # JSON keeps the text as it is
    assert CYRILLIC.encode() in served.get("/api/record/" + f"{1:016x}").body  # UTF-8, not \\u escapes


def test_archived_copy_runs_no_script_and_keeps_links_inside(hostile: tuple[Served, Settings]) -> None:
    served, _ = hostile
    url = "https://belarusinfocus.pro/security-issues/hostile-1/"
    answer = served.get("/archived?" + urlencode({"url": url, "record": f"{1:016x}"}))
    csp = answer.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "sandbox" in csp and "allow-scripts" not in csp
    page = answer.text
    assert "Archived copy" in page and "2026-01-05T10:00:00Z" in page and "Archived headline" in page
    assert 'href="/leave?url=https%3A%2F%2Fevil.example%2Faway"' in page
    assert 'href="/archived?url=https%3A%2F%2Fbelarusinfocus.pro%2Fsecurity-issues%2Fhostile-2%2F"' in page
    assert "http-equiv" not in page and "<base" not in page
    leave = served.get("/leave?url=" + quote("https://evil.example/away")).text
    assert 'href="https://evil.example/away"' in leave and "Leaving the archive" in leave
    assert 'href="javascript' not in served.get("/leave?url=" + quote("javascript:alert(1)")).text
    assert served.get("/archived?url=" + quote("https://nowhere.example/")).status == 404
    assert served.get("/archived").status == 400


def test_a_slow_query_answers_504(crawled: Settings) -> None:
    """A query stuck behind a slow one (here: the archive's thread kept busy for 1.5 s) answers
    504 at the limit; the server answers normally once the thread is free."""
    served = Served(crawled, timeout=0.3)
    try:
        busy = served.app.state.backend._pool.submit(time.sleep, 1.5)
        answer = served.get("/api/search?q=oil")
        assert answer.status == 504 and "longer than the server's limit of 0.3 s" in answer.json()["error"]
        page = served.get("/?q=oil")
        assert page.status == 504 and "narrow it" in page.text
        busy.result()
        assert served.get("/api/search?q=oil").status == 200
    finally:
        served.close()


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (QueryError("x", "bad"), 400),
        (RecordNotFound("gone"), 404),
        (IndexMissing("no index"), 503),
        (IndexDamaged("damaged"), 503),
        (TooSlow("slow"), 504),
        (SitrepError("something else"), 500),
    ],
)
def test_http_status_follows_the_cli_exit_status(error: SitrepError, status: int) -> None:
    assert http_status(error) == status


def test_versions_show_what_changed(hostile: tuple[Served, Settings]) -> None:
    served, settings = hostile
    first = hostile_record(2, f"Army {IMG}", f"Army only {SCRIPT}.")
    edited = dataclasses.replace(first, body=("Army only, the text edited.", first.body[1]), trend="improved")
    add_record(settings, finish(edited))
    time.sleep(1.2)  # the server checks for a newer index at most once a second
    served.get("/api/stats")  # this request reopens the index
    data = served.get(f"/api/record/{2:016x}").json()
    assert [h["version"] for h in data["history"]] == [1, 2]
    diff = data["history"][1]["diff"]
    assert f"-Army only {SCRIPT}." in diff and "+Army only, the text edited." in diff
    assert "-trend: worsened" in diff and "+trend: improved" in diff
    page = served.get(f"/record/{2:016x}").text
    assert '<span class="add">+Army only, the text edited.</span>' in page
    assert '<span class="del">-Army only &lt;script&gt;' in page
