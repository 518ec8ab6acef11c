"""The search stage (``sitrep.search``): the query language, the ``Archive`` API and facets.

It reads the index and the record store (``sitrep.index``) and the kernel only; it never
imports the crawler, Scrapy or Twisted (tests hold both), so embedding it costs little. The
documented names are re-exported from ``sitrep`` itself.
"""
