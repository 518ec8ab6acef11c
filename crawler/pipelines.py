"""Item pipeline: parse each article page and store it; store each listing's weeks.

A page that does not parse is dropped with its reason in the run's ledger; nothing partial
reaches the store: a record is written whole, in one transaction, or not at all.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.errors import ParseError
from crawler.items import ListingItem, PageItem
from crawler.parsers import parse_article
from crawler.parsers.common import decode


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        state = self.crawler.spider.state  # type: ignore[union-attr]
        if isinstance(item, ListingItem):
            state.touched.update(state.store.add_hints(item.weeks, state.run_id))
            return item
        if not isinstance(item, PageItem):
            return item
        try:
            record = parse_article(item.url, decode(item.body), state.settings.site, fetched_at=item.fetched_at)
        except ParseError as exc:
            state.counts["parse_errors"] += 1
            state.parse_errors.append((item.url, f"{exc.field}: {exc.reason}"))
            state.outcome(item.ledger_url or item.url, "dropped", f"parse error: {exc.field}: {exc.reason}")
            raise DropItem(exc.one_line()) from None
        record_id, outcome = state.store.add_page(record, state.run_id)
        state.known.add(record.urls[0])
        state.counts[outcome] += 1
        if outcome in ("new", "changed"):
            state.touched.add(record_id)
        state.outcome(item.ledger_url or item.url, "record", f"{outcome} {record_id}")
        return item
