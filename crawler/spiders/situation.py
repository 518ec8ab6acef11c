"""The spider: topic listings, feeds and the old site's sections, to every article page.

Driven by the site profile. Incremental by default: known article URLs are not fetched again,
and a listing page whose entries are all known ends the walk of that listing, once that
listing has been walked to its end by an earlier, finished run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from sitrep.config import load
from sitrep.crawler import run
from sitrep.crawler import urls as urlrules
from sitrep.crawler.items import ListingItem, PageItem
from sitrep.crawler.parsers import feed, listing
from sitrep.crawler.state import CrawlState
from sitrep.crawler.worker import Worker, parse_listing
from sitrep.errors import ParseError
from sitrep.index.store import ROBOTS


def utcnow() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class SituationSpider(scrapy.Spider):
    name = "situation"

    def __init__(self, state: CrawlState | None = None, settings_file: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.owner = contextlib.ExitStack()  # what this spider holds when it runs without `sitrep crawl`
        self.owns_state = state is None
        if state is None:  # `scrapy crawl situation` or Scrapyd: what `sitrep crawl` does around the spider, done here
            settings = load(settings_file)
            self.owner.enter_context(run.crawl_lock(settings.data_dir))
            run.refuse_sample_store(settings)
            run.require_contact(settings)
            run.check_network(settings)
            state = CrawlState.open(settings)
        self.state = state
        self.site = self.state.settings.site
        self.allowed_domains = list(self.site.hosts)
        self.worker = Worker(self.site, self.state.settings.countries)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.site.start_urls:
            yield self._request(url, priority=10)

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Under `scrapy crawl situation` or Scrapyd, settings.toml's [crawl] becomes Scrapy's
        settings, as for `sitrep crawl`. The file is the Scrapy setting SITREP_SETTINGS (``-s``,
        or Scrapyd's ``setting=``) when given, else as ``sitrep`` finds it ($SITREP_SETTINGS,
        ./settings.toml)."""
        super().update_settings(settings)
        if not settings.getbool("SITREP_CONFIGURED"):
            settings.setdict(run.scrapy_settings(load(run.settings_file(settings))), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SituationSpider:
        if kwargs.get("state") is None:  # the same settings file update_settings read
            kwargs["settings_file"] = run.settings_file(crawler.settings)
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.closing, signal=signals.spider_closed)
        spider.state.stop = lambda reason: deferred_from_coro(crawler.engine.close_spider_async(reason=reason))
        return spider

    def _request(self, url: str, priority: int = 0, **meta: Any) -> scrapy.Request:
        self.state.scheduled.add(url)
        return scrapy.Request(url, callback=self.route, errback=self.failed, priority=priority, meta=meta)

    async def route(self, response: Response) -> AsyncIterator[Any]:
        if urlrules.is_feed(response.url, self.site):
            for out in self.read_feed(response):
                yield out
        elif urlrules.is_listing(response.url, self.site):
            try:
                page = await self.worker.run(parse_listing, response.url, response.body, dt.date.today().year)
            except ParseError as exc:
                self.state.outcome(response.url, "dropped", exc.reason)
                return
            for out in self.read_listing(response, page):
                yield out
        else:
            self.state.counts["article_pages"] += 1
            yield PageItem(
                url=response.url, body=response.body, fetched_at=utcnow(), ledger_url=ledger_url(response.request)
            )

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

    def read_listing(self, response: Response, page: listing.Listing) -> Iterator[Any]:
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
        url = ledger_url(request)
        if failure.check(HttpError):
            self.state.outcome(url, "failed", f"HTTP {failure.value.response.status}")
        elif failure.check(IgnoreRequest):
            message = str(failure.value)
            if "robots" in message.lower():
                self.state.outcome(url, "dropped", ROBOTS)
            elif "MAXSIZE" in message or "max size" in message:
                self.state.outcome(url, "dropped", f"larger than the size limit: {message}"[:300])
            elif "offsite" in message.lower():
                self.state.outcome(url, "dropped", f"offsite: {message}"[:300])
            else:
                self.state.outcome(url, "dropped", message or "ignored")
        else:
            message = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]
            if "larger than download max size" in message:
                self.state.outcome(url, "dropped", f"larger than the size limit: {message}"[:300])
            else:
                self.state.outcome(url, "failed", message)
        if urlrules.is_listing(request.url, self.site) and url not in self.state.listings_seen:
            self.state.counts["listings_failed"] += 1

    def dropped(self, request: scrapy.Request, spider: scrapy.Spider | None = None) -> None:
        """The scheduler refused a request: for a redirect, that is a loop (or a page seen already)."""
        chain = request.meta.get("redirect_urls")
        if not chain:
            return  # a plain duplicate link: its first request has its own outcome
        if not urlrules.on_site(request.url, self.site):
            self.state.outcome(chain[0], "dropped", f"offsite: redirected to {request.url}")
        elif request.url in chain:
            self.state.outcome(chain[0], "failed", f"redirect loop: {' -> '.join([*chain, request.url])}"[:300])
        else:
            self.state.outcome(chain[0], "dropped", f"redirected to {request.url}, fetched already")

    def closing(self, spider: scrapy.Spider, reason: str) -> None:
        self.worker.close()
        if reason in STOPPED:
            self.state.settle_the_rest(f"not fetched: {STOPPED[reason]}; the next run fetches it", "pending")
        else:
            self.state.settle_the_rest(f"no response before the crawl closed ({reason}): a filtered redirect")
        if self.owns_state:
            with self.owner:
                if self.state.disk_full:
                    run.close_after_disk_full(self.state)
                    self.logger.error(run.disk_full(self.state).one_line())
                    return
                stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
                report = run.finish(self.state, reason, int(stats.get("dupefilter/filtered", 0)))
                (self.logger.error if report.verdict else self.logger.info)(report.summary())


STOPPED = {  # Scrapy's close reasons for a crawl stopped on purpose, not by a failing site
    "closespider_timeout": "the crawl reached crawl.time_limit",
    "shutdown": "the crawl was interrupted",
    "disk_full": "the disk is full",
}


def ledger_url(request: scrapy.Request) -> str:
    """The URL the spider asked for, even when the answer came from a redirect."""
    return request.meta.get("redirect_urls", [request.url])[0]


def _first_page(url: str) -> str:
    return url.split("page/")[0] if "/page/" in url else url


def _same_origin(url: str, seen_from: str) -> str:
    """Keep the port the site was reached on (the sample on 127.0.0.1), for normalised links."""
    from urllib.parse import urlsplit, urlunsplit

    target, source = urlsplit(url), urlsplit(seen_from)
    if source.port and target.hostname and not target.port:
        return urlunsplit((source.scheme, f"{target.hostname}:{source.port}", target.path, target.query, ""))
    return url
