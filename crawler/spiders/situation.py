"""The spider: topic listings, feeds, sitemaps and the old site's sections, to every article page.

Driven by the site profile. Incremental by default: known article URLs are not fetched again
unless the site's sitemap dates a change after we last had them, and a listing page whose
entries are all known ends the walk of that listing, once that listing has been walked to its
end by an earlier, finished run. ``--refresh`` asks again for every known page, conditionally
(If-None-Match / If-Modified-Since): a 304 is an unchanged page, no body sent.

Every request goes to the URL exactly as the site linked it (made absolute): a site that serves
only ``?paged=N`` or only ``/page/N/`` gets what it links. The normal form (``urls.normalise``)
is only the page's identity: one request per page whatever form links it, record ids, known
pages and walked listings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from sitrep.config import load
from sitrep.crawler import run, sitemaps
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
            if request := self._follow(url, priority=10):
                yield request
        if not self.settings.getbool("ROBOTSTXT_OBEY"):  # else Scrapy fetches robots.txt: robots_parsed
            for robots in dict.fromkeys(urljoin(url, "/robots.txt") for url in self.site.start_urls):
                if request := self._follow(robots, 20, self.read_robots, self.no_sitemap):
                    yield request

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
        crawler.signals.connect(spider.opened, signal=signals.spider_opened)
        crawler.signals.connect(spider.dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.closing, signal=signals.spider_closed)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        spider.state.stop = lambda reason: deferred_from_coro(crawler.engine.close_spider_async(reason=reason))
        return spider

    def _follow(
        self, url: str, priority: int = 0, callback: Any = None, errback: Any = None, **meta: Any
    ) -> scrapy.Request | None:
        """A request for ``url`` as linked, or None when its page was asked for already in any form.

        A stored page is asked for conditionally: its ETag and Last-Modified go back to the
        server, and a 304 answer reaches ``route`` (not the errback) as "unchanged".
        """
        key = urlrules.normalise(url, self.site)
        if key in self.state.requested:
            return None
        self.state.requested.add(key)
        self.state.scheduled.add(url)
        headers = {}
        if key in self.state.known and (seen := self.state.seen.get(key)):
            if seen.etag:
                headers["If-None-Match"] = seen.etag
            if seen.last_modified:
                headers["If-Modified-Since"] = seen.last_modified
            if headers:
                meta["handle_httpstatus_list"] = [304]
        return scrapy.Request(
            url,
            callback=callback or self.route,
            errback=errback or self.failed,
            priority=priority,
            meta=meta,
            headers=headers,
        )

    async def route(self, response: Response) -> AsyncIterator[Any]:
        if response.status == 304:
            self.not_modified(response)
        elif urlrules.is_feed(response.url, self.site):
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
                url=response.url,
                body=response.body,
                fetched_at=utcnow(),
                ledger_url=ledger_url(response.request),
                etag=_header(response, b"ETag"),
                last_modified=_header(response, b"Last-Modified"),
            )

    def not_modified(self, response: Response) -> None:
        """A conditional request answered 304: the stored page is current; nothing to parse or store."""
        self.state.counts["unchanged"] += 1
        self.state.counts["not_modified"] += 1
        self.state.write(self.state.store.confirm_unchanged, urlrules.normalise(response.url, self.site), utcnow())
        self.state.outcome(ledger_url(response.request), "record", "unchanged: 304 Not Modified")

    def _want_article(self, url: str, lastmod: str | None = None) -> bool:
        """Fetch this article? Unknown ones, all with --refresh or --full, and known ones whose
        sitemap ``lastmod`` is after we last fetched (or confirmed) them."""
        key = urlrules.normalise(url, self.site)
        if self.state.refresh or self.state.full or key not in self.state.known:
            return True
        seen = self.state.seen.get(key)
        return bool(seen) and sitemaps.changed_since(lastmod, seen.checked_at)  # type: ignore[union-attr]

    def robots_parsed(self, robotparser: Any, request: scrapy.Request) -> None:
        """Scrapy fetched a host's robots.txt (once, for its rules): read its sitemaps from that copy."""
        robots = urljoin(request.url, "/robots.txt")
        for sitemap in self._from_robots(getattr(robotparser, "body", b""), robots):
            self.crawler.engine.crawl(sitemap)

    def read_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """robots.txt fetched by the spider, when robots.txt is not obeyed: still a list of sitemaps."""
        self.state.outcome(ledger_url(response.request), "robots", "read for its sitemaps")
        yield from self._from_robots(response.body, response.url)

    def _from_robots(self, body: bytes, robots: str) -> Iterator[scrapy.Request]:
        """robots.txt's ``Sitemap:`` lines, or else the usual WordPress sitemap paths, tried in turn."""
        named = sitemaps.named_in_robots(body, robots)
        yield from self._sitemaps(named) if named else self._probe(sitemaps.usual(robots))

    def _sitemaps(self, urls: list[str]) -> Iterator[scrapy.Request]:
        for url in urls:
            if urlrules.on_site(url, self.site) and (
                request := self._follow(url, 15, self.read_sitemap, self.no_sitemap)
            ):
                yield request

    def _probe(self, urls: list[str]) -> Iterator[scrapy.Request]:
        """The first of the usual sitemap paths; when it is missing, ``no_sitemap`` tries the next."""
        if urls and (request := self._follow(urls[0], 15, self.read_sitemap, self.no_sitemap, probe=urls[1:])):
            yield request

    def read_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            found = sitemaps.read(response.url, response.body, self.settings.getint("DOWNLOAD_MAXSIZE"))
        except ParseError as exc:
            self.state.outcome(ledger_url(response.request), "dropped", f"sitemap: {exc.reason}")
            yield from self._probe(response.meta.get("probe", []))
            return
        if found.index:
            self.state.outcome(ledger_url(response.request), "sitemap", f"index of {len(found.entries)} sitemaps")
            yield from self._sitemaps([urljoin(response.url, loc) for loc, _ in found.entries])
            return
        wanted = [
            url
            for url, lastmod in ((urljoin(response.url, loc), lastmod) for loc, lastmod in found.entries)
            if urlrules.on_site(url, self.site)
            and urlrules.is_article(url, self.site)
            and self._want_article(url, lastmod)
        ]
        self.state.outcome(
            ledger_url(response.request), "sitemap", f"{len(found.entries)} entries, {len(wanted)} wanted"
        )
        for url in wanted:
            if request := self._follow(url):
                yield request

    def no_sitemap(self, failure: Failure) -> Iterator[scrapy.Request]:
        """No robots.txt, or no sitemap where one was named or usual: not a failure of the crawl
        (listings remain); other failures (offsite, a network error) are ``failed``'s."""
        request = failure.request  # type: ignore[attr-defined]
        if not failure.check(HttpError):
            yield from self.failed(failure) or ()
            return
        status = failure.value.response.status
        self.state.outcome(ledger_url(request), "dropped", f"no sitemap here (HTTP {status})")
        if request.url.endswith("/robots.txt"):
            yield from self._probe(sitemaps.usual(request.url))
        else:
            yield from self._probe(request.meta.get("probe", []))

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
            ) and (request := self._follow(urljoin(response.url, entry.url))):
                yield request

    def read_listing(self, response: Response, page: listing.Listing) -> Iterator[Any]:
        self.state.counts["listings_read"] += 1
        self.state.listings_seen.add(page.url)
        self.state.outcome(ledger_url(response.request), "listing", f"{len(page.entries)} entries")
        weeks = [(e.url, e.week_start, e.week_end, page.url) for e in page.entries if e.week_start and e.week_end]
        if weeks:
            yield ListingItem(url=page.url, weeks=weeks)
        wanted = [e for e in page.entries if self._want_article(e.url)]
        for entry in wanted:
            if request := self._follow(page.linked[entry.url]):
                yield request
        walked_before = page.url in self.state.walked or _first_page(page.url) in self.state.walked
        if not wanted and page.entries and walked_before and not self.state.full:
            return  # everything here is known and this listing was walked to its end before
        for other in page.pages:
            if request := self._follow(page.linked[other], priority=5):
                yield request

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
        key = urlrules.normalise(url, self.site)
        if urlrules.is_listing(url, self.site) and key not in self.state.listings_seen:
            self.state.counts["listings_failed"] += 1

    def opened(self, spider: scrapy.Spider) -> None:
        self.worker.start()

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


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
