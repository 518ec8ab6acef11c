"""A hostile copy of the site on 127.0.0.1: every way a server can answer badly, one URL each."""

from __future__ import annotations

import functools
import gzip
import random
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOST = "belarusinfocus.pro"


def article(
    title: str, week: str = "May 15 – May 21, 2023", text: str = "Officials in Minsk discussed the army and oil supply."
) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><p>by</p><p>{week}</p><p>Security issues</p>"
        f"<h1>{title}</h1><p>The situation has not changed</p><p>{text}</p><p>A second paragraph follows here.</p></body></html>"
    )


# path -> (expected ledger outcome, reason fragment)
EXPECTED = {
    "/security-issues/good/": ("record", "new"),
    "/security-issues/flaky-500/": ("record", "new"),
    "/security-issues/retry-503/": ("record", "new"),
    "/security-issues/retry-429/": ("record", "new"),
    "/security-issues/cp1251/": ("record", "new"),
    "/security-issues/redirect-ok/": ("record", "new"),
    "/security-issues/always-500/": ("failed", "HTTP 500"),
    "/security-issues/slow/": ("failed", "TimeoutError"),
    "/security-issues/drip/": ("failed", "TimeoutError"),
    "/security-issues/reset/": ("failed", "Connection"),
    "/security-issues/loop-a/": ("failed", "redirect loop"),
    "/security-issues/loop-self/": ("failed", "redirect loop"),
    "/security-issues/dataloss/": ("failed", "DataLoss"),
    "/security-issues/gone/": ("failed", "HTTP 404"),
    "/security-issues/offsite/": ("dropped", "offsite"),
    "/security-issues/truncated-html/": ("dropped", "truncated"),
    "/security-issues/huge/": ("dropped", "size limit"),
    "/security-issues/gzip-bomb/": ("dropped", "size limit"),
    "/security-issues/binary/": ("dropped", "parse error: html"),
    "/security-issues/empty/": ("dropped", "parse error: html"),
    "/security-issues/impossible-week/": ("dropped", "parse error: week"),
    "/security-issues/png/": ("dropped", "parse error"),
    "/private/secret/": ("dropped", "robots.txt"),
    "/security-issues/sitemap-only/": ("record", "new"),
    "/sitemap.xml": ("sitemap", "5 entries"),
    "/analytics/missing/": ("failed", "HTTP 404"),
}
GOOD_TITLES = {
    "Good page",
    "Flaky page",
    "Retry page 503",
    "Retry page 429",
    "Страница в windows-1251",
    "Moved page",
    "Only in the sitemap",
}
# robots.txt names sitemaps on this origin, another port and another host; the sitemap lists a
# known page, one found nowhere else, and pages on another port, scheme and host
ROBOTS = (
    "User-agent: *\nDisallow: /private/\nSitemap: http://{host}:{port}/sitemap.xml\n"
    "Sitemap: http://{host}:1/other-port-sitemap.xml\nSitemap: http://elsewhere.invalid/sitemap.xml\n"
)
SITEMAP = (
    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<url><loc>http://{host}:{port}/security-issues/good/</loc></url>"
    "<url><loc>http://{host}:{port}/security-issues/sitemap-only/</loc><lastmod>2025-01-01</lastmod></url>"
    "<url><loc>http://{host}:1/security-issues/other-port/</loc></url>"
    "<url><loc>https://{host}:{port}/security-issues/other-scheme/</loc></url>"
    "<url><loc>http://elsewhere.invalid/security-issues/other-host/</loc></url></urlset>"
)
OFFSITE = {  # URLs robots.txt and the sitemap point at, never fetched: (outcome, reason fragment)
    "http://{host}:1/other-port-sitemap.xml": ("dropped", "offsite"),
    "http://{host}:1/security-issues/other-port/": ("dropped", "offsite"),
    "https://{host}:{port}/security-issues/other-scheme/": ("dropped", "offsite"),
}


@functools.cache
def gzip_bomb() -> bytes:
    """60 MiB of zeros in ~60 KB, compressed once: compressing per request took the server past
    the crawl's 1.5 s timeout on a loaded machine, and the page failed instead of being dropped."""
    return gzip.compress(b"<html>" + b"0" * (60 * 1024 * 1024))


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.arrivals: dict[str, list[float]] = {}  # monotonic arrival times per path, at the server
        self.lock = threading.Lock()
        gzip_bomb()  # compressed before the crawl starts, not while it waits
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the resets and cut connections are on purpose

    def count(self, path: str) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            self.arrivals.setdefault(path, []).append(time.monotonic())
            return self.hits[path]


class Handler(BaseHTTPRequestHandler):
    server: HostileServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

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

    def redirect(self, target: str) -> None:
        self.send(302, b"", headers={"Location": target})

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        n = self.server.count(path)
        if path == "/robots.txt":
            return self.send(200, ROBOTS.format(host=HOST, port=self.server.port).encode(), "text/plain")
        if path == "/sitemap.xml":
            return self.send(200, SITEMAP.format(host=HOST, port=self.server.port).encode(), "application/xml")
        if path == "/analytics/hostile/":
            links = "".join(
                f'<li><a href="{p}">Entry {i}</a> <span>May 15 – May 21</span></li>'
                for i, p in enumerate(EXPECTED)
                if not p.startswith("/analytics/")
            )
            body = (
                f"<html><body><p>All trends</p><h1>Security issues</h1><ul>{links}</ul>"
                f'<p><a href="/analytics/hostile/">1</a> <a href="/analytics/hostile/?paged=1">again</a></p></body></html>'
            )
            return self.send(200, body.encode())
        name = path.strip("/").split("/")[-1]
        if name == "good":
            return self.send(200, article("Good page").encode())
        if name == "sitemap-only":
            return self.send(200, article("Only in the sitemap").encode())
        if name == "moved":
            return self.send(200, article("Moved page").encode())
        if name == "redirect-ok":
            return self.send(301, b"", headers={"Location": "/security-issues/moved/"})
        if name == "flaky-500":
            return self.send(500, b"oops") if n == 1 else self.send(200, article("Flaky page").encode())
        if name == "retry-503":
            return (
                self.send(503, b"busy", headers={"Retry-After": "1"})
                if n == 1
                else self.send(200, article("Retry page 503").encode())
            )
        if name == "retry-429":
            return (
                self.send(429, b"slow down", headers={"Retry-After": "1"})
                if n == 1
                else self.send(200, article("Retry page 429").encode())
            )
        if name == "always-500":
            return self.send(500, b"broken")
        if name == "gone":
            return self.send(404, b"not here")
        if name == "slow":
            time.sleep(4)
            return self.send(200, article("Too slow").encode())
        if name == "drip":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b" " * 10)
                self.wfile.flush()
                time.sleep(0.1)
            return None
        if name == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()
            self.wfile.close()
            self.connection.close()  # with linger 0: a TCP reset, not a clean close
            self.close_connection = True
            return None
        if name == "loop-a":
            return self.redirect("/security-issues/loop-b/")
        if name == "loop-b":
            return self.redirect("/security-issues/loop-a/")
        if name == "loop-self":
            return self.redirect("/security-issues/loop-self/")
        if name == "offsite":
            return self.redirect("http://elsewhere.invalid/page/")
        if name == "truncated-html":
            page = article("Cut in half").encode()
            return self.send(200, page[: len(page) // 2])
        if name == "dataloss":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(article("Lost data").encode()[:300])
            self.wfile.flush()
            self.close_connection = True
            return None
        if name == "cp1251":
            return self.send(
                200,
                article("Страница в windows-1251", text="Власти в Минске обсуждали армию и поставки нефти.")
                .replace("<meta charset='utf-8'>", "")
                .encode("cp1251"),
                "text/html",
            )
        if name == "huge":
            return self.send(200, article("Huge", text="x " * 1_000_000).encode())
        if name == "gzip-bomb":
            return self.send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})
        if name == "binary":
            return self.send(200, random.Random(1).randbytes(5000))
        if name == "empty":
            return self.send(200, b"")
        if name == "impossible-week":
            return self.send(200, article("Wrong week", week="November 29 – December 5, 2016").encode())
        if name == "png":
            return self.send(200, b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(2000), "image/png")
        return self.send(404, b"no such page")


def settings_toml(port: int, data_dir: str) -> str:
    return "\n".join(
        [
            "[storage]",
            f'data_dir = "{data_dir}"',
            "[crawl]",
            f'resolve = {{ "{HOST}" = "127.0.0.1" }}',
            "download_delay = 0.0",
            "autothrottle = false",
            "concurrent_per_domain = 8",
            "timeout = 1.5",
            "retries = 2",
            "max_size_mb = 1.0",
            "max_retry_after = 2.0",
            "time_limit = 90.0",
            "[sites.belarusinfocus]",
            "last_year = 2025",
            f'start_urls = ["http://{HOST}:{port}/analytics/hostile/", "http://{HOST}:{port}/analytics/missing/"]',
            "",
        ]
    )
