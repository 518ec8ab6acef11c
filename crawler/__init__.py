"""The crawl stage (``sitrep.crawler``): the Scrapy spider, the WARC archive, the parsers that
turn pages into records, and record assembly. It writes through the record store's API
(``sitrep.index.store``) and never imports the search stage.

This ``__init__`` imports nothing heavy, so loading a parser does not pull in Scrapy.
"""
