"""The crawl side: the record type, settings, dates, countries, parsers, the Scrapy spider.

This package's ``__init__`` imports nothing heavy: the search side loads records from here
without pulling in Scrapy or Twisted (a test holds this).
"""

__version__ = "0.1.0"
