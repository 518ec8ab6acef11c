"""Serve the sample archive on 127.0.0.1 under the real host names.

One threaded HTTP server on an ephemeral port answers for both hosts by the ``Host`` header, so
the spider, given ``crawl.resolve`` (host -> 127.0.0.1), sees two domains exactly as on the live
site. Absolute ``https://<host>/`` links are rewritten to ``http://<host>:<port>/`` on the way
out; ``?paged=N`` is served from ``page/N/``.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from sitrep.crawler.sample.generate import INFO, LAST_YEAR, PRO

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


SO_TIMESTAMPNS = 35  # Linux: the kernel stamps each received packet (not exported by the socket module)


def arrival(sock: socket.socket) -> float:
    """When the next request on ``sock`` reached the machine, by the kernel's stamp on its first packet.

    Politeness tests measure gaps between requests; a stamp taken in a server thread would add
    the thread's own scheduling delays (a loaded machine bunches them by tens of milliseconds).
    Elsewhere, or when no stamp comes, the time now.
    """
    if sys.platform == "linux":
        try:
            _, ancillary, _, _ = sock.recvmsg(1, socket.CMSG_SPACE(16), socket.MSG_PEEK)
        except OSError:  # a reset connection: the request read that follows meets the same error
            return time.time()
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                seconds, nanoseconds = struct.unpack("qq", data[:16])
                return seconds + nanoseconds / 1e9
    return time.time()


class SampleServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path, port: int = 0) -> None:
        self.root = Path(root)
        self.requests: list[tuple[str, str]] = []  # (host, path?query) in arrival order
        self.arrivals: list[float] = []  # when each request reached the machine (kernel clock), beside ``requests``
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def find(self, host: str, path: str, query: str) -> Path | None:
        paged = parse_qs(query).get("paged", [""])[0]
        rel = unquote(path).strip("/")
        if paged.isdigit() and int(paged) > 1:
            rel = f"{rel}/page/{int(paged)}".strip("/")
        base = (self.root / host / rel).resolve()
        if not str(base).startswith(str(self.root.resolve())):
            return None
        for candidate in (base / "index.html", base / "index.xml", base):
            if candidate.is_file():
                return candidate
        return None


class _Handler(BaseHTTPRequestHandler):
    server: SampleServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read .requests
        pass

    def setup(self) -> None:
        super().setup()
        if sys.platform == "linux":
            self.connection.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)

    def handle_one_request(self) -> None:
        self.arrived = arrival(self.connection)
        super().handle_one_request()

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        parts = urlsplit(self.path)
        with self.server.lock:
            self.server.requests.append((host, self.path))
            self.server.arrivals.append(self.arrived)
        found = self.server.find(host, parts.path, parts.query)
        if found is None:
            self._send(404, b"<html><body><h1>Not found</h1></body></html>", TYPES[".html"])
            return
        body = found.read_bytes()
        for name in (PRO, INFO):
            body = body.replace(f"https://{name}/".encode(), f"http://{name}:{self.server.port}/".encode())
        self._send(200, body, TYPES.get(found.suffix, TYPES[".html"]))

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve(root: str | Path, port: int = 0) -> Iterator[SampleServer]:
    """Serve ``root`` (a generated archive's ``site/`` folder) in a background thread."""
    server = SampleServer(Path(root), port)
    thread = threading.Thread(target=server.serve_forever, name="sample-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def settings_toml(port: int, data_dir: str | Path, fast: bool = True) -> str:
    """A settings file that points the real profile at the sample served on ``port``.

    Only the start URLs, ``crawl.resolve`` and ``last_year`` change; with ``fast`` the politeness
    delays are dropped, which is right for loopback and wrong for the live site.
    """
    from sitrep.config import load

    site = load(path=None, environ={}).sites["belarusinfocus"]
    starts = [
        u.replace("https://", "http://").replace(".pro/", f".pro:{port}/").replace(".info/", f".info:{port}/")
        for u in site.start_urls
    ]
    lines = [
        "# Written by sitrep for the sample archive served on 127.0.0.1.",
        "[storage]",
        f'data_dir = "{Path(data_dir).as_posix()}"',
        "",
        "[crawl]",
        f'resolve = {{ "{PRO}" = "127.0.0.1", "{INFO}" = "127.0.0.1" }}',
    ]
    if fast:
        lines += [
            "download_delay = 0.0",
            "autothrottle = false",
            "concurrent_per_domain = 16",
            "retries = 1",
            "timeout = 10.0",
        ]
    lines += [
        "",
        "[sites.belarusinfocus]",
        f"last_year = {LAST_YEAR}",
        "start_urls = [" + ", ".join(f'"{u}"' for u in starts) + "]",
        "",
    ]
    return "\n".join(lines)
