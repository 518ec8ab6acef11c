"""The crawl's Scrapy components around the spider: the WARC recorder and the progress line."""

from __future__ import annotations

import datetime as dt
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
    The request record carries the headers the crawler really sent.
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
        )
        if written is None:
            raise IgnoreRequest(f"not archived: the disk is full ({state.disk_full})")
        offset, length = written
        state.write(
            state.store.add_capture,
            urlrules.normalise(response.url, site),
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
    """A live progress line on a terminal (stderr), redrawn at most twice a second."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.last = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        ext = cls(crawler)
        crawler.signals.connect(ext.tick, signal=signals.response_received)
        crawler.signals.connect(ext.done, signal=signals.spider_closed)
        return ext

    def tick(self, **_: Any) -> None:
        import sys
        import time

        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        c = self.crawler.spider.state.counts  # type: ignore[union-attr]
        sys.stderr.write(
            f"\r  fetched {c['fetched']} · new {c['new']} · changed {c['changed']} · failed {c['failed']} · parse errors {c['parse_errors']}   "
        )
        sys.stderr.flush()

    def done(self, **_: Any) -> None:
        import sys

        sys.stderr.write("\n")
