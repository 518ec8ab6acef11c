"""Scrapy extension: every response the spider receives goes into the run's WARC file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from sitrep.crawler import urls as urlrules
from sitrep.crawler.archive import WarcArchive


class WarcExtension:
    def __init__(self) -> None:
        self.archive: WarcArchive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcExtension:
        ext = cls()
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.received, signal=signals.response_received)
        return ext

    def opened(self, spider: Spider) -> None:
        state = spider.state  # type: ignore[attr-defined]
        self.archive = WarcArchive(state.warc_dir, f"run-{state.run_id:05d}")

    def closed(self, spider: Spider) -> None:
        if self.archive:
            self.archive.close()

    def received(self, response: Response, request: Request, spider: Spider, **_: Any) -> None:
        if self.archive is None:
            return
        state = spider.state  # type: ignore[attr-defined]
        site = state.settings.site
        fetched = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        headers = [(k.decode("latin-1"), b", ".join(v).decode("latin-1")) for k, v in response.headers.items()]
        offset, length = self.archive.write(response.url, response.status, "", headers, response.body, fetched)
        kind = (
            "feed"
            if urlrules.is_feed(response.url, site)
            else "listing"
            if urlrules.is_listing(response.url, site)
            else "page"
        )
        state.store.add_capture(
            urlrules.normalise(response.url, site),
            fetched,
            response.status,
            self.archive.name,
            offset,
            length,
            kind,
            state.run_id,
        )
        state.counts["fetched"] += 1


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
