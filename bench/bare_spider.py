"""The crawl baseline: a bare Scrapy spider that only fetches a list of URLs, no parsing or storage.

Run as its own process (`python bench/bare_spider.py URLS_FILE HOSTMAP_JSON CONCURRENCY`), like
sitrep's crawl, so both pay Scrapy's start-up and neither shares a reactor.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sitrep.crawler import settings as crawler_settings


class Bare(scrapy.Spider):
    name = "bare"

    def __init__(self, urls: list[str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.fetched = 0

    async def start(self):  # type: ignore[no-untyped-def]
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):  # type: ignore[no-untyped-def]
        self.fetched += 1


def main() -> None:
    urls = [u for u in Path(sys.argv[1]).read_text(encoding="utf-8").split() if u]
    concurrency = int(sys.argv[3])
    process = CrawlerProcess(
        {
            "LOG_LEVEL": "ERROR",
            "TELNETCONSOLE_ENABLED": False,
            "ROBOTSTXT_OBEY": False,
            "COOKIES_ENABLED": False,
            "CONCURRENT_REQUESTS": max(8, concurrency * 2),
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "SITREP_RESOLVE": json.loads(sys.argv[2]),
            "SITREP_CONFIGURED": True,  # the map above is the one to use (not settings.toml's crawl.resolve)
            **{k: v for k, v in vars(crawler_settings).items() if k.endswith("DNS_RESOLVER")},
        }
    )
    crawler = process.create_crawler(Bare)
    started = time.perf_counter()
    process.crawl(crawler, urls=urls)
    process.start()
    seconds = time.perf_counter() - started
    status = Path("/proc/self/status").read_text().splitlines()
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))  # ru_maxrss survives exec
    print(json.dumps({"pages": crawler.spider.fetched, "seconds": seconds, "rss_mb": hwm / 1024}))


if __name__ == "__main__":
    main()
