"""Python's cyclic garbage collector during a crawl: what was loaded before it is left alone.

Scrapy allocates a few hundred container objects a page (requests, deferreds, headers, the
spider's items). At the default young-generation threshold (700) the collector ran about 1,200
times in a 4,065-page bench crawl, and each full collection walked every loaded module, the
settings and the crawl's URL sets again: 1.1–1.4 s of the crawl process's ~12 s of CPU, by
``gc.callbacks``. With what exists when the spider opens frozen (``gc.freeze``: never collected,
never walked) and the young generation collected every YOUNG allocations, the same crawl spends
about 0.2 s. Cycles are still collected; only less often, in bigger batches.

Both are undone when the last crawl of the process closes: a program that runs crawls
in-process (Scrapyd, a notebook, ``sitrep.crawler.run.crawl``) gets its collector back as it was.
"""

from __future__ import annotations

import gc

from scrapy import Spider, signals
from scrapy.crawler import Crawler

YOUNG = 7000  # allocations between young-generation collections (the standard library's: 700)


class CrawlCollector:
    """Scrapy extension: freeze what the crawl starts with, collect young objects less often.

    Crawls that run side by side in one process (several crawlers in one ``CrawlerProcess``)
    share the tuning: the first to open sets it, the last to close gives it back.
    """

    crawls_open = 0  # in this process, across instances
    before: tuple[int, int, int] = (0, 0, 0)  # the thresholds the first crawl found

    def __init__(self) -> None:
        self.active = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlCollector:
        ext = cls()
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Spider | None = None) -> None:
        if self.active:
            return
        self.active = True
        if CrawlCollector.crawls_open == 0:
            CrawlCollector.before = gc.get_threshold()
            gc.collect()  # what is garbage now is not frozen with the rest
            gc.freeze()
            gc.set_threshold(max(YOUNG, CrawlCollector.before[0]), *CrawlCollector.before[1:])
        CrawlCollector.crawls_open += 1

    def closed(self, spider: Spider | None = None) -> None:
        if not self.active:
            return
        self.active = False
        CrawlCollector.crawls_open -= 1
        if CrawlCollector.crawls_open == 0:
            gc.set_threshold(*CrawlCollector.before)
            gc.unfreeze()
