"""Serve the sample archive on 127.0.0.1 under the real host names.

One threaded HTTP server on an ephemeral port answers for both hosts by the ``Host`` header, so
the spider, given ``crawl.resolve`` (host -> 127.0.0.1), sees two domains exactly as on the live
site. Absolute ``https://<host>/`` links are rewritten to ``http://<host>:<port>/`` on the way
out; ``?paged=N`` is served from ``page/N/``.

As a WordPress site answers: each file with an ``ETag`` and a ``Last-Modified`` (its mtime), a
304 to a conditional request that matches; robots.txt names a sitemap index whose child
sitemaps list every page with its ``lastmod``, as the files were when the index was asked for
(a crawl reads the index, then its children; WordPress caches them too). Options
make other sites of the same texts: ``paged="query"`` or ``"path"`` serves (and links) only that
form of listing pages, 404 for the other; ``sitemap=False`` has no sitemap; ``gzip`` sends
``Content-Encoding: gzip`` to clients that accept it and ``chunked`` a chunked body.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import email.utils
import gzip as gziplib
import hashlib
import os
import re
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from sitrep.crawler.sample.generate import INFO, LAST_YEAR, PRO

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    "sitemap": "application/xml; charset=utf-8",
}
SITEMAP_INDEX = "/sitemap_index.xml"
SITEMAP_CHILD = re.compile(r"^/sitemap-(\d+)\.xml$")
PER_SITEMAP = 100  # URLs per child sitemap: the 500-text sample has several, as a real index does
PATH_LINK = re.compile(rb'(href="[^"?]*/)page/(\d+)/"')
QUERY_LINK = re.compile(rb'(href="[^"?]*/)\?paged=(\d+)"')


@dataclasses.dataclass(frozen=True)
class Hit:
    """One request as the server saw it, and its answer."""

    host: str
    target: str  # path?query as requested
    status: int
    if_none_match: str | None
    if_modified_since: str | None
    sent: int  # body bytes on the wire


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
    # a crawl opens its connections in a burst; socketserver's queue of 5 made the kernel drop
    # the rest, each then waiting out TCP's one-second retry (a real site's server queues more)
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(
        self,
        root: Path,
        port: int = 0,
        paged: str = "both",
        sitemap: bool = True,
        gzip: bool = False,
        chunked: bool = False,
    ) -> None:
        if paged not in ("both", "query", "path"):
            raise ValueError(f"paged must be both, query or path, not {paged!r}")
        self.root = Path(root)
        self.top = str(self.root.resolve())  # where every served file must lie
        self.paged, self.sitemap, self.gzip, self.chunked = paged, sitemap, gzip, chunked
        self.requests: list[tuple[str, str]] = []  # (host, path?query) in arrival order
        self.hits: list[Hit] = []  # beside ``requests``: status, conditional headers, bytes sent
        self.arrivals: list[float] = []  # when each request reached the machine (kernel clock), beside ``requests``
        self.listed: dict[str, list[tuple[str, float]]] = {}  # host -> its pages when its sitemap index was read
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
        if (self.paged == "query" and re.search(r"(^|/)page/\d+$", rel)) or (self.paged == "path" and paged):
            return None  # this site serves the other form of listing pages only
        if paged.isdigit() and int(paged) > 1:
            rel = f"{rel}/page/{int(paged)}".strip("/")
        # ".." undone by the spelling alone (the generated site has no symbolic links): resolving
        # every request's path (a stat per part) was half of the server's CPU in the bench
        base = os.path.normpath(os.path.join(self.top, host, rel))
        if not base.startswith(self.top + os.sep):
            return None
        for candidate in (Path(base, "index.html"), Path(base, "index.xml"), Path(base)):
            if candidate.is_file():
                return candidate
        return None

    def pages(self, host: str) -> list[tuple[str, float]]:
        """(path, mtime) of every HTML page of ``host``, for its sitemaps."""
        base = self.root / host
        found = []
        for file in base.rglob("index.html"):
            rel = file.parent.relative_to(base).as_posix()
            found.append(("/" if rel == "." else f"/{rel}/", file.stat().st_mtime))
        return sorted(found)

    def sitemap_xml(self, host: str, path: str) -> bytes | None:
        """The sitemap index (``/sitemap_index.xml``) or one child sitemap; None for any other path
        (asked of every request: only a sitemap's walks the site).

        The index lists the files as they are now; a child, the same list (walking a 3,000-page
        site again for each of its 40 children took ~3.5 s of the two cores the bench crawl runs on).
        """
        if path != SITEMAP_INDEX and not SITEMAP_CHILD.match(path):
            return None
        if path == SITEMAP_INDEX or host not in self.listed:
            self.listed[host] = self.pages(host)
        pages = self.listed[host]
        chunks = [pages[i : i + PER_SITEMAP] for i in range(0, len(pages), PER_SITEMAP)]
        head = '<?xml version="1.0" encoding="UTF-8"?>\n'
        ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        if path == SITEMAP_INDEX:
            items = "".join(
                f"<sitemap><loc>{self.url(host, f'/sitemap-{n}.xml')}</loc><lastmod>{_w3c(max(m for _, m in chunk))}"
                "</lastmod></sitemap>\n"
                for n, chunk in enumerate(chunks, start=1)
            )
            return f"{head}<sitemapindex {ns}>\n{items}</sitemapindex>\n".encode()
        if (match := SITEMAP_CHILD.match(path)) and 1 <= int(match.group(1)) <= len(chunks):
            items = "".join(
                f"<url><loc>{escape(self.url(host, p))}</loc><lastmod>{_w3c(m)}</lastmod></url>\n"
                for p, m in chunks[int(match.group(1)) - 1]
            )
            return f"{head}<urlset {ns}>\n{items}</urlset>\n".encode()
        return None


def _w3c(mtime: float) -> str:
    return dt.datetime.fromtimestamp(int(mtime), dt.UTC).isoformat().replace("+00:00", "Z")


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


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
        if self.server.sitemap and (xml := self.server.sitemap_xml(host, parts.path)) is not None:
            return self._send(200, xml, TYPES["sitemap"])
        found = self.server.find(host, parts.path, parts.query)
        if found is None:
            return self._send(404, b"<html><body><h1>Not found</h1></body></html>", TYPES[".html"])
        body = found.read_bytes()
        for name in (PRO, INFO):
            body = body.replace(f"https://{name}/".encode(), f"http://{name}:{self.server.port}/".encode())
        if self.server.paged == "query":
            body = PATH_LINK.sub(rb'\1?paged=\2"', body)
        elif self.server.paged == "path":
            body = QUERY_LINK.sub(rb'\1page/\2/"', body)
        if found.name == "robots.txt" and self.server.sitemap:
            body += f"\nSitemap: {self.server.url(host, SITEMAP_INDEX)}\n".encode()
        mtime = int(found.stat().st_mtime)
        self._send(200, body, TYPES.get(found.suffix, TYPES[".html"]), mtime)

    def _send(self, status: int, body: bytes, ctype: str, mtime: int | None = None) -> None:
        headers = {"Content-Type": ctype}
        if self.server.gzip and status == 200 and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gziplib.compress(body, mtime=0)
            headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        if mtime is not None:  # validators of what is sent (a gzip body is its own representation)
            headers |= {"ETag": _etag(body), "Last-Modified": email.utils.formatdate(mtime, usegmt=True)}
            if self._not_modified(headers["ETag"], mtime):
                status, body = 304, b""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        chunked = self.server.chunked and status == 200
        self.send_header(*(("Transfer-Encoding", "chunked") if chunked else ("Content-Length", str(len(body)))))
        self.end_headers()
        if chunked:
            for i in range(0, len(body), 4096):
                piece = body[i : i + 4096]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        elif status != 304:
            self.wfile.write(body)
        hit = Hit(
            (self.headers.get("Host") or "").split(":")[0].lower(),
            self.path,
            status,
            self.headers.get("If-None-Match"),
            self.headers.get("If-Modified-Since"),
            len(body),
        )
        with self.server.lock:
            self.server.hits.append(hit)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        """RFC 9110: If-None-Match decides when sent (weak comparison); else If-Modified-Since."""
        if (wanted := self.headers.get("If-None-Match")) is not None:
            tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
            return etag in tags or "*" in tags
        if since := self.headers.get("If-Modified-Since"):
            try:
                return mtime <= email.utils.parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False


@contextlib.contextmanager
def serve(root: str | Path, port: int = 0, **options: object) -> Iterator[SampleServer]:
    """Serve ``root`` (a generated archive's ``site/`` folder) in a background thread;
    ``options`` are SampleServer's (``paged``, ``sitemap``, ``gzip``, ``chunked``)."""
    server = SampleServer(Path(root), port, **options)  # type: ignore[arg-type]
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
    from sitrep.config import builtin_sites

    # the shipped profile, never a ./settings.toml of the folder this runs in (it may be an old
    # sample's, pointing at a port long closed)
    profile = builtin_sites()["belarusinfocus"]
    starts = [
        u.replace("https://", "http://").replace(".pro/", f".pro:{port}/").replace(".info/", f".info:{port}/")
        for u in profile["start_urls"]
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
