"""Item pipeline: parse each article page and store it; store each listing's weeks.

Parsing runs in the crawl's worker process (``sitrep.crawler.worker``); storing stays in the crawl's
thread, in the order pages arrive.
A page that does not parse is dropped with its reason in the run's ledger; nothing partial
reaches the store: a record is written whole, in one transaction, or not at all.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.http import Response
from twisted.python.failure import Failure

from sitrep.crawler.items import ListingItem, PageItem
from sitrep.crawler.worker import parse_page
from sitrep.errors import ParseError
from sitrep.index.store import Validators

LOG = logging.getLogger("sitrep.crawl")


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.internal_error, signal=signals.item_error)
        crawler.signals.connect(pipeline.internal_error, signal=signals.spider_error)
        return pipeline

    def internal_error(self, failure: Failure, response: Response | None = None, **_: Any) -> None:
        """A bug in our code (anything but ParseError) met on a page: counted, never a "bad page".

        Scrapy has logged the traceback; the crawl's verdict fails on any of these.
        """
        state = self.crawler.spider.state  # type: ignore[union-attr]
        state.counts["internal_errors"] += 1
        url = response.url if response is not None else "?"
        state.outcome(url, "failed", f"internal error: {failure.type.__name__}: {failure.getErrorMessage()}"[:300])

    async def process_item(self, item: Any) -> Any:
        state = self.crawler.spider.state  # type: ignore[union-attr]
        if isinstance(item, ListingItem):
            state.write(state.store.add_hints, item.weeks, state.run_id)
            return item
        if not isinstance(item, PageItem):
            return item
        try:
            record = await self.crawler.spider.worker.run(parse_page, item.url, item.body, item.fetched_at)  # type: ignore[union-attr]
        except ParseError as exc:
            state.counts["parse_errors"] += 1
            state.parse_errors.append((item.url, f"{exc.field}: {exc.reason}"))
            state.outcome(item.ledger_url or item.url, "dropped", f"parse error: {exc.field}: {exc.reason}")
            raise DropItem(exc.one_line()) from None
        if record.trend is None and record.trend_label:
            state.counts["unknown_verdicts"] += 1  # a phrase the label table lacks: say so, never guess
            LOG.info("unknown verdict %r at %s: add it to the site's trends table", record.trend_label, item.url)
        seen = Validators(item.etag, item.last_modified, None)
        stored = state.write(state.store.add_page, record, state.run_id, seen)
        if stored is None:
            raise DropItem(f"not stored: the disk is full ({state.disk_full})")
        state.counts["parsed"] += 1
        state.counts["undated"] += record.week_start is None
        state.counts["no_verdict"] += record.trend_label is None
        state.counts["headerless"] += record.layout == "headerless"  # no week, verdict or status line
        record_id, outcome = stored
        state.known.add(record.urls[0])
        state.counts[outcome] += 1
        state.outcome(item.ledger_url or item.url, "record", f"{outcome} {record_id}")
        return item
