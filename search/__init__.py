"""Search the archive from Python: ``with Archive.open("data") as archive: archive.search("oil")``.

Imports neither Scrapy nor Twisted (a test holds this), so embedding it costs little.
"""

from crawler.errors import IndexDamaged, IndexLocked, IndexMissing, QueryError, RecordNotFound, SitrepError
from crawler.record import Record
from search.api import Archive
from search.highlight import Snippet
from search.query import Filters
from search.results import FacetCount, Hit, Results, Stats, Timeline

__all__ = [
    "Archive",
    "FacetCount",
    "Filters",
    "Hit",
    "IndexDamaged",
    "IndexLocked",
    "IndexMissing",
    "QueryError",
    "Record",
    "RecordNotFound",
    "Results",
    "SitrepError",
    "Snippet",
    "Stats",
    "Timeline",
]
