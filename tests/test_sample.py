"""The bundled sample archive: deterministic, faithful to the site's structure, served right."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from pathlib import Path

from sitrep.crawler.sample.generate import generate
from sitrep.crawler.sample.server import SampleServer


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", count=80, seed=7)
    generate(tmp_path / "b", count=80, seed=7)
    generate(tmp_path / "c", count=80, seed=8)
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    assert tree_digest(tmp_path / "a") != tree_digest(tmp_path / "c")


def test_sample_covers_every_layout_language_and_year(sample: Path, truth: dict) -> None:
    records = truth.values()
    assert {r.layout for r in records} == {"current", "transitional", "old", "headerless"}
    assert {r.lang for r in records} == {"en", "ru", "be"}
    assert {r.year for r in records if r.year} == set(range(2014, 2026))
    assert {r.date_source for r in records} >= {"week", "listing", "stamp", "none"}
    assert any(len({u.split("/")[2] for u in r.urls}) == 2 for r in records), "a text on both hosts"
    assert any(u.rstrip("/").split("/")[-1].split("-")[0].isdigit() for r in records for u in r.urls), "a numeric slug"
    assert any(r.week_start[:4] != r.week_end[:4] for r in records if r.week_start), "a week across New Year"
    assert any(c.startswith(("Фота", "Фото")) for r in records if r.lang == "en" for c in r.captions)
    assert any(r.trend_label and not r.trend for r in records), "an unknown verdict phrase"


def fetch(server: SampleServer, host: str, path: str) -> tuple[int, bytes]:
    request = urllib.request.Request(server.url("127.0.0.1", path), headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_server_answers_for_both_hosts(server: SampleServer) -> None:
    pro_status, pro = fetch(server, "belarusinfocus.pro", "/analytics/the-ruling-elite/")
    info_status, info = fetch(server, "belarusinfocus.info", "/economy/")
    assert (pro_status, info_status) == (200, 200)
    assert b"The ruling elite" in pro and b"Economy" in info
    assert fetch(server, "example.org", "/")[0] == 404


def test_server_serves_robots_and_both_pagination_styles(server: SampleServer) -> None:
    status, robots = fetch(server, "belarusinfocus.pro", "/robots.txt")
    assert status == 200 and b"Disallow: /private/" in robots
    by_path = fetch(server, "belarusinfocus.pro", "/analytics/the-ruling-elite/page/2/")
    by_query = fetch(server, "belarusinfocus.pro", "/analytics/the-ruling-elite/?paged=2")
    first = fetch(server, "belarusinfocus.pro", "/analytics/the-ruling-elite/")
    assert by_path[0] == 200 and by_path == by_query and by_path != first


def test_server_rewrites_absolute_links_to_its_port(server: SampleServer) -> None:
    _, feed = fetch(server, "belarusinfocus.pro", "/feed/")
    assert f"http://belarusinfocus.pro:{server.port}/".encode() in feed
    assert b"https://belarusinfocus.pro/" not in feed
