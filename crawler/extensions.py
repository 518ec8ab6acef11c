"""The crawl's Scrapy components around the spider: the WARC recorder and the progress line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Request, Response

from sitrep.crawler import urls as urlrules
from sitrep.crawler.archive import WarcArchive


class WarcMiddleware:
    """Downloader middleware, next to the downloader: every response goes into the run's WARC as received.

    Sitting below HttpCompressionMiddleware, retries and redirects, it sees each response
    before Scrapy decodes it: a gzip-encoded page is archived gzip-encoded with its own headers,
    and a 503 that was retried or a 301 that was followed is archived too, as archivists expect.
    The request record carries the headers the crawler really sent. A 304 is archived as a
    revisit record and gets no capture row: the page's newest capture, with its body, stays the
    one ``sitrep reparse`` and the web page read.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.archive: WarcArchive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.received, signal=signals.response_received)
        return ext

    def opened(self, spider: Spider) -> None:
        state = spider.state  # type: ignore[attr-defined]
        self.archive = WarcArchive(state.warc_dir, f"run-{state.run_id:05d}", operator=state.settings.crawl.contact_url)

    def closed(self, spider: Spider) -> None:
        if self.archive:
            self.archive.close()
            self.archive = None

    def received(self, spider: Spider, **_: Any) -> None:
        """One response reached the spider (after retries and redirects): one page fetched."""
        spider.state.counts["fetched"] += 1  # type: ignore[attr-defined]

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if self.archive is None or self.crawler.spider is None:
            return response
        state = self.crawler.spider.state  # type: ignore[attr-defined]
        site = state.settings.site
        fetched = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = [("Host", parts.netloc), *_pairs(request.headers)]
        key = urlrules.normalise(response.url, site)
        refers_to = None
        if response.status == 304:  # a revisit of the newest full capture of this page
            full = [(at, status) for at, status, *_ in state.store.captures_of(key) if status == 200]
            refers_to = (response.url, full[-1][0]) if full else None
        written = state.write(
            self.archive.write,
            response.url,
            response.status,
            _pairs(response.headers),
            response.body,
            fetched,
            f"{request.method} {target} HTTP/1.1",
            request_headers,
            str(response.ip_address or ""),
            refers_to,
        )
        if written is None:
            raise IgnoreRequest(f"not archived: the disk is full ({state.disk_full})")
        if response.status == 304:
            return response  # no capture of its own: the page's newest capture still holds its body
        offset, length = written
        state.write(
            state.store.add_capture,
            key,
            fetched,
            response.status,
            self.archive.name,
            offset,
            length,
            urlrules.capture_kind(response.url, site),
            state.run_id,
        )
        return response


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), b", ".join(v).decode("latin-1")) for k, v in headers.items()]


class ProgressExtension:
    """A live progress line on a terminal (stderr), redrawn at most twice a second: elapsed
    time, pages fetched and their rate, requests still queued, and the outcomes so far."""

    def __init__(self, crawler: Crawler) -> None:
        import time

        self.crawler = crawler
        self.last = 0.0
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        ext = cls(crawler)
        crawler.signals.connect(ext.tick, signal=signals.response_received)
        crawler.signals.connect(ext.done, signal=signals.spider_closed)
        return ext

    def queued(self) -> int | None:
        """Requests waiting in the scheduler and in flight (None where Scrapy does not say)."""
        engine = self.crawler.engine
        scheduler = getattr(engine, "scheduler", None)  # public since Scrapy 2.19
        if engine is None or scheduler is None or not hasattr(scheduler, "__len__"):
            return None
        return len(scheduler) + len(engine.downloader.active)

    def tick(self, **_: Any) -> None:
        import sys
        import time

        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        sys.stderr.write("\r" + progress_line(self.crawler.spider.state.counts, now - self.started, self.queued()))  # type: ignore[union-attr]
        sys.stderr.flush()

    def done(self, **_: Any) -> None:
        import sys

        sys.stderr.write("\n")


def progress_line(c: Mapping[str, int], elapsed: float, queued: int | None) -> str:
    """``  0:42 · fetched 310 (7.4/s) · queued 52 · new 280 · changed 0 · failed 1 · parse errors 0``"""
    minutes, seconds = divmod(int(elapsed), 60)
    rate = c.get("fetched", 0) / elapsed if elapsed > 0 else 0.0
    queue = f" · queued {queued}" if queued is not None else ""
    return (
        f"  {minutes}:{seconds:02d} · fetched {c.get('fetched', 0)} ({rate:.1f}/s){queue} · new {c.get('new', 0)}"
        f" · changed {c.get('changed', 0)} · failed {c.get('failed', 0)} · parse errors {c.get('parse_errors', 0)}   "
    )
