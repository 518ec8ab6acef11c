"""Scrapy settings module: polite defaults for a live site (``scrapy.cfg`` points here).

``sitrep.crawler.run.scrapy_settings`` fills the same names from settings.toml; these are what
``scrapy crawl situation`` and Scrapyd use when run without sitrep's command line.
"""

from scrapy.settings import default_settings as _scrapy_defaults

BOT_NAME = "sitrep"
SPIDER_MODULES = ["sitrep.crawler.spiders"]
NEWSPIDER_MODULE = "sitrep.crawler.spiders"
USER_AGENT = "sitrep/0.1 (+https://github.com/sitrep-archive/sitrep)"
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "sitrep.crawler.sitemaps.RobotsParser"  # Protego, keeping the text for its Sitemap: lines
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Scrapy starts this many asyncio workers for every callback's output; ours yield one item or
# a few dozen requests, and 100 workers per page cost more than parsing it (profiled)
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
TELNETCONSOLE_ENABLED = False
MEMUSAGE_ENABLED = True
MEMUSAGE_LIMIT_MB = 300
MEMUSAGE_CHECK_INTERVAL_SECONDS = 5.0
CLOSESPIDER_TIMEOUT = 3600
REDIRECT_MAX_TIMES = 5
METAREFRESH_ENABLED = False  # a page's meta refresh is not a link the site asks us to follow
COOKIES_ENABLED = False
# Scrapy 2.19 renamed two settings; use the name this Scrapy knows, so no deprecation warning
if hasattr(_scrapy_defaults, "TWISTED_DNS_RESOLVER"):
    TWISTED_DNS_RESOLVER = "sitrep.crawler.resolver.MappedResolver"
else:
    DNS_RESOLVER = "sitrep.crawler.resolver.MappedResolver"
JITTER = "DOWNLOAD_DELAY_JITTER" if hasattr(_scrapy_defaults, "DOWNLOAD_DELAY_JITTER") else "RANDOMIZE_DOWNLOAD_DELAY"
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "sitrep.crawler.middlewares.BackoffRetryMiddleware": 550,
    "sitrep.crawler.middlewares.OriginMiddleware": 650,
    # below HttpCompression (590), retries and redirects: archives each response as received
    "sitrep.crawler.extensions.WarcMiddleware": 950,
}
DOWNLOAD_HANDLERS = {  # the same handler, holding requests to one host at least DOWNLOAD_DELAY apart
    "http": "sitrep.crawler.spacing.SpacedDownloadHandler",
    "https": "sitrep.crawler.spacing.SpacedDownloadHandler",
}
SITREP_MIN_GAP = DOWNLOAD_DELAY
ITEM_PIPELINES = {"sitrep.crawler.pipelines.StorePipeline": 300}
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    # the limit counts the crawl's own resident memory, not the process's peak (crawler/memory.py)
    "scrapy.extensions.memusage.MemoryUsage": None,
    "sitrep.crawler.memory.CrawlMemoryUsage": 0,
    "sitrep.crawler.collector.CrawlCollector": 0,  # fewer garbage collections (crawler/collector.py)
}
HTTPCACHE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
