"""The WARC archive as archivists read it: gzip and chunked pages crawled for real, then checked
with warcio and replayed whole by pywb (a test dependency), against the bytes the server sent."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import free_port, run_sitrep
from tests.hostile import HOST, article

# path -> the page's bytes as the site means them (the oracle), and how they are sent
PAGES = {
    "/security-issues/gzipped/": (article("Gzipped page", text="Oil supply " * 400).encode(), "gzip"),
    "/security-issues/chunked/": (article("Chunked page", text="Army reform " * 400).encode(), "chunked"),
    "/security-issues/plain/": (article("Plain page").encode(), "plain"),
}
LISTING = "/analytics/archive-test/"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            return self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if self.path == LISTING:
            links = "".join(
                f'<li><a href="{p}">Entry {i}</a> <span>May 15 – May 21</span></li>'
                for i, p in enumerate([*PAGES, "/security-issues/missing/"])
            )
            page = f"<html><body><p>All trends</p><h1>Security issues</h1><ul>{links}</ul></body></html>"
            return self.send(200, page.encode())
        if self.path not in PAGES:
            return self.send(404, b"<html><body>not here</body></html>")
        body, how = PAGES[self.path]
        if how == "gzip":
            return self.send(200, gzip.compress(body), headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        if how == "chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), 1000):
                piece = body[start : start + 1000]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return None
        return self.send(200, body)

    def send(
        self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """One real `sitrep crawl` of the server above; yields (the run's WARC file, the server's port)."""
    tmp = tmp_path_factory.mktemp("warc")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    settings = tmp / "settings.toml"
    settings.write_text(
        "\n".join(
            [
                "[storage]",
                f'data_dir = "{tmp / "data"}"',
                "[crawl]",
                f'resolve = {{ "{HOST}" = "127.0.0.1" }}',
                "download_delay = 0.0",
                "autothrottle = false",
                "[sites.belarusinfocus]",
                "last_year = 2025",
                f'start_urls = ["http://{HOST}:{port}{LISTING}"]',
            ]
        )
    )
    try:
        done = run_sitrep("--settings", str(settings), "crawl")
        assert done.returncode in (0, 9), done.stderr  # the 404 may fail the verdict; the archive is what counts
        (warc,) = sorted((tmp / "data" / "warc").glob("*.warc.gz"))
        yield warc, port
    finally:
        server.shutdown()
        server.server_close()


def records(warc: Path) -> list:
    with warc.open("rb") as fh:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read()) for r in ArchiveIterator(fh)]


def test_warcio_checks_the_file(archived: tuple[Path, int]) -> None:
    warc, _ = archived
    done = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", "-v", str(warc)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_payloads_read_back_as_the_server_meant_them(archived: tuple[Path, int]) -> None:
    warc, port = archived
    got = {
        rec.get_header("WARC-Target-URI"): (http, body) for kind, rec, http, body in records(warc) if kind == "response"
    }
    for path, (page, how) in PAGES.items():
        http, body = got[f"http://{HOST}:{port}{path}"]
        assert body == page, f"{how}: the payload read back is the page the server sent"
        assert http.get_statuscode() == "200" and http.protocol == "HTTP/1.1"
        if how == "gzip":
            assert http.get_header("Content-Encoding") == "gzip"
            assert int(http.get_header("Content-Length")) == len(gzip.compress(page)), "kept as received"
        if how == "chunked":
            assert http.get_header("Transfer-Encoding") is None, "the body is stored de-chunked, so no chunked header"
    missing = got[f"http://{HOST}:{port}/security-issues/missing/"][0]
    assert missing.statusline == "404 Not Found"


def test_warcinfo_then_each_response_with_its_request(archived: tuple[Path, int]) -> None:
    warc, port = archived
    found = records(warc)
    assert found[0][0] == "warcinfo"
    assert b"sitrep/" in found[0][3]
    responses = {rec.get_header("WARC-Record-ID"): rec for kind, rec, _, _ in found if kind == "response"}
    requests = [(rec, http) for kind, rec, http, _ in found if kind == "request"]
    assert len(requests) == len(responses) >= len(PAGES) + 3  # pages, listing, robots.txt, the 404
    for rec, http in requests:
        pair = responses[rec.get_header("WARC-Concurrent-To")]
        assert pair.get_header("WARC-Target-URI") == rec.get_header("WARC-Target-URI")
        assert http.protocol == "GET" and http.get_header("Host") == f"{HOST}:{port}"
        assert http.get_header("User-Agent", "").startswith("sitrep/")


def test_pywb_replays_every_page_whole(archived: tuple[Path, int], tmp_path: Path) -> None:
    warc, port = archived
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    subprocess.run(
        [str(bin_dir / "wb-manager"), "init", "coll"], cwd=tmp_path, check=True, capture_output=True, env=env
    )
    subprocess.run(
        [str(bin_dir / "wb-manager"), "add", "coll", str(warc)], cwd=tmp_path, check=True, capture_output=True, env=env
    )
    replay_port = free_port()
    proc = subprocess.Popen(
        [str(bin_dir / "wayback"), "-b", "127.0.0.1", "-p", str(replay_port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", replay_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        for path, (page, how) in PAGES.items():
            url = f"http://127.0.0.1:{replay_port}/coll/id_/http://{HOST}:{port}{path}"
            with urllib.request.urlopen(url, timeout=30) as reply:
                body = reply.read()
                if reply.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
            assert body == page, f"{how}: pywb replays the whole page ({len(body)} of {len(page)} bytes)"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
