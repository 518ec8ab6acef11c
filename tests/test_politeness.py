"""Politeness as documented, measured at the server: no gap under crawl.download_delay between
requests to one host, and nothing fetched off the profile's hosts, scheme and port."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sitrep.crawler.sample.generate import generate
from sitrep.crawler.sample.server import serve, settings_toml
from tests.conftest import run_sitrep
from tests.hostile import HOST, Responder, article

DELAY = 0.2


def test_no_gap_under_the_delay_over_200_requests(tmp_path: Path) -> None:
    """Default politeness (two in flight, AutoThrottle on, jitter) with a short delay, so 200
    requests take seconds; Scrapy's own ±50 % jitter put a third of the gaps under the delay."""
    generate(tmp_path / "sample", count=140, seed=11)
    with serve(tmp_path / "sample" / "site") as srv:
        path = tmp_path / "settings.toml"
        text = settings_toml(srv.port, tmp_path / "data", fast=False)
        path.write_text(text.replace("[crawl]\n", f"[crawl]\ndownload_delay = {DELAY}\n"))
        done = run_sitrep("--settings", str(path), "crawl")
        assert done.returncode == 0, done.stderr
        log = list(zip(srv.arrivals, [host for host, _ in srv.requests]))
    assert len(log) >= 200
    gaps = []
    for host in {h for _, h in log}:
        times = sorted(t for t, h in log if h == host)  # kernel stamps; threads may log out of order
        gaps += [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= DELAY, f"{sum(g < DELAY for g in gaps)} of {len(gaps)} gaps under {DELAY} s"


class Elsewhere(ThreadingHTTPServer):
    """Another port on the same machine: counts every connection, whatever comes over it."""

    daemon_threads = True

    def __init__(self) -> None:
        self.connections = 0
        super().__init__(("127.0.0.1", 0), BaseHTTPRequestHandler)

    def verify_request(self, request: object, client_address: object) -> bool:
        self.connections += 1
        return False


@pytest.fixture
def elsewhere() -> Iterator[Elsewhere]:
    server = Elsewhere()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def hostile_site(other: int) -> type[Responder]:
    away = [
        f"http://{HOST}:{other}/security-issues/other-port/",
        f"https://{HOST}:{other}/security-issues/other-scheme/",
        f"http://elsewhere.test:{other}/security-issues/other-host/",
    ]

    class Site(Responder):
        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                return self.send(200, b"User-agent: *\nAllow: /\n")
            if self.path == "/analytics/hostile/":
                links = [*away, "/security-issues/redirect-away/", "/security-issues/refresh-away/"]
                items = "".join(
                    f'<li><a href="{u}">Entry {i}</a> <span>May 15 – May 21</span></li>' for i, u in enumerate(links)
                )
                return self.send(200, f"<html><body><h1>Security issues</h1><ul>{items}</ul></body></html>".encode())
            if self.path == "/security-issues/redirect-away/":
                return self.send(302, b"", headers={"Location": away[0]})
            if self.path == "/security-issues/refresh-away/":
                page = article("Refresh page").replace(
                    "<head>", f'<head><meta http-equiv="refresh" content="0; url={away[0]}">'
                )
                return self.send(200, page.encode())
            return self.send(200, article(f"Page {self.path}").encode())

    return Site


def test_a_hostile_page_gets_nothing_fetched_off_the_profile_origin(tmp_path: Path, elsewhere: Elsewhere) -> None:
    other = elsewhere.server_address[1]
    site = ThreadingHTTPServer(("127.0.0.1", 0), hostile_site(other))
    site.daemon_threads = True
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        port = site.server_address[1]
        path = tmp_path / "settings.toml"
        path.write_text(
            "\n".join(
                [
                    "[storage]",
                    f'data_dir = "{tmp_path / "data"}"',
                    "[crawl]",
                    f'resolve = {{ "{HOST}" = "127.0.0.1", "elsewhere.test" = "127.0.0.1" }}',
                    "download_delay = 0.0",
                    "autothrottle = false",
                    "[sites.belarusinfocus]",
                    "last_year = 2025",
                    f'start_urls = ["http://{HOST}:{port}/analytics/hostile/"]',
                ]
            )
        )
        done = run_sitrep("--settings", str(path), "crawl", "--json")
    finally:
        site.shutdown()
        site.server_close()
    assert done.returncode in (0, 9), done.stderr
    assert elsewhere.connections == 0, "nothing reached another port, host or scheme"
