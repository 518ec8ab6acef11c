"""The spider: topic listings, feeds and the old site's sections, to every article page.

Driven by the site profile. Incremental by default: known article URLs are not fetched again,
and a listing page whose entries are all known ends the walk of that listing, once that
listing has been walked to its end by an earlier, finished run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import urls as urlrules
from crawler.config import load
from crawler.errors import ParseError
from crawler.items import ListingItem, PageItem
from crawler.parsers import feed, listing
from crawler.state import CrawlState
from index.store import ROBOTS


def utcnow() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class SituationSpider(scrapy.Spider):
    name = "situation"

    def __init__(self, state: CrawlState | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state = state or CrawlState.open(load())  # `scrapy crawl situation` / Scrapyd
        self.site = self.state.settings.site
        self.allowed_domains = list(self.site.hosts)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.site.start_urls:
            yield self._request(url, priority=10)

    def _request(self, url: str, priority: int = 0, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=self.route, errback=self.failed, priority=priority, meta=meta)

    def route(self, response: Response) -> Iterator[Any]:
        if urlrules.is_feed(response.url, self.site):
            yield from self.read_feed(response)
        elif urlrules.is_listing(response.url, self.site):
            yield from self.read_listing(response)
        else:
            self.state.counts["article_pages"] += 1
            yield PageItem(url=response.url, body=response.body, fetched_at=utcnow())

    def _want_article(self, url: str) -> bool:
        key = urlrules.normalise(url, self.site)
        return self.state.refresh or self.state.full or key not in self.state.known

    def read_feed(self, response: Response) -> Iterator[Any]:
        try:
            entries = feed.parse(response.url, response.body)
        except ParseError as exc:
            self.state.outcome(response.url, "dropped", exc.reason)
            return
        self.state.outcome(response.url, "feed", f"{len(entries)} entries")
        for entry in entries:
            if (
                urlrules.on_site(entry.url, self.site)
                and urlrules.is_article(entry.url, self.site)
                and self._want_article(entry.url)
            ):
                yield self._request(_same_origin(entry.url, response.url))

    def read_listing(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, scrapy.http.TextResponse):
            self.state.outcome(response.url, "dropped", "listing is not a text page")
            return
        try:
            page = listing.parse(response.url, response.text, self.site, year=dt.date.today().year)
        except ParseError as exc:
            self.state.outcome(response.url, "dropped", exc.reason)
            return
        self.state.counts["listings_read"] += 1
        self.state.listings_seen.add(page.url)
        self.state.outcome(response.url, "listing", f"{len(page.entries)} entries")
        weeks = [(e.url, e.week_start, e.week_end, page.url) for e in page.entries if e.week_start and e.week_end]
        if weeks:
            yield ListingItem(url=page.url, weeks=weeks)
        wanted = [e for e in page.entries if self._want_article(e.url)]
        for entry in wanted:
            yield self._request(_same_origin(entry.url, response.url))
        walked_before = page.url in self.state.walked or _first_page(page.url) in self.state.walked
        if not wanted and page.entries and walked_before and not self.state.full:
            return  # everything here is known and this listing was walked to its end before
        for other in page.pages:
            yield self._request(_same_origin(other, response.url), priority=5)

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            status = failure.value.response.status
            self.state.outcome(request.url, "failed", f"HTTP {status}")
            self.state.failures.append((request.url, f"HTTP {status}"))
            if urlrules.is_listing(request.url, self.site):
                self.state.counts["listings_failed"] += 1
        elif failure.check(IgnoreRequest):
            message = str(failure.value)
            reason = ROBOTS if "robots" in message.lower() else message or "ignored (offsite or size limit)"
            self.state.outcome(request.url, "dropped", reason)
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]
            self.state.outcome(request.url, "failed", reason)
            self.state.failures.append((request.url, reason))
            if urlrules.is_listing(request.url, self.site):
                self.state.counts["listings_failed"] += 1


def _first_page(url: str) -> str:
    return url.split("page/")[0] if "/page/" in url else url


def _same_origin(url: str, seen_from: str) -> str:
    """Keep the port the site was reached on (the sample on 127.0.0.1), for normalised links."""
    from urllib.parse import urlsplit, urlunsplit

    target, source = urlsplit(url), urlsplit(seen_from)
    if source.port and target.hostname and not target.port:
        return urlunsplit((source.scheme, f"{target.hostname}:{source.port}", target.path, target.query, ""))
    return url
