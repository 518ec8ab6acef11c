"""sitrep: an archive scraper and faceted search engine for weekly situation analysis.

The documented API::

    from sitrep import Archive
    with Archive.open("data") as archive:
        results = archive.search("oil", countries="AZ")

The package is a small kernel that every stage may use (``record``, ``config``, ``errors``,
``dates``, ``countries``), the three stages ``sitrep.crawler`` → ``sitrep.index`` →
``sitrep.search``, and the application on top (``sitrep.cli``). The API names below load
lazily, so ``import sitrep.record`` costs no index or search code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0.dev0"

_API = {
    "Archive": "sitrep.search.api",
    "FacetCount": "sitrep.search.results",
    "Filters": "sitrep.search.filters",
    "Hit": "sitrep.search.results",
    "Results": "sitrep.search.results",
    "Snippet": "sitrep.search.highlight",
    "Stats": "sitrep.search.results",
    "Timeline": "sitrep.search.results",
    "Record": "sitrep.record",
    "ArgumentError": "sitrep.errors",
    "ConfigError": "sitrep.errors",
    "IndexDamaged": "sitrep.errors",
    "IndexLocked": "sitrep.errors",
    "IndexMissing": "sitrep.errors",
    "ParseError": "sitrep.errors",
    "QueryError": "sitrep.errors",
    "RecordNotFound": "sitrep.errors",
    "SitrepError": "sitrep.errors",
}

__all__ = [  # kept equal to _API's keys by a test
    "Archive",
    "ArgumentError",
    "ConfigError",
    "FacetCount",
    "Filters",
    "Hit",
    "IndexDamaged",
    "IndexLocked",
    "IndexMissing",
    "ParseError",
    "QueryError",
    "Record",
    "RecordNotFound",
    "Results",
    "SitrepError",
    "Snippet",
    "Stats",
    "Timeline",
    "__version__",
]

if TYPE_CHECKING:
    from sitrep.errors import (
        ArgumentError,
        ConfigError,
        IndexDamaged,
        IndexLocked,
        IndexMissing,
        ParseError,
        QueryError,
        RecordNotFound,
        SitrepError,
    )
    from sitrep.record import Record
    from sitrep.search.api import Archive
    from sitrep.search.filters import Filters
    from sitrep.search.highlight import Snippet
    from sitrep.search.results import FacetCount, Hit, Results, Stats, Timeline


def __getattr__(name: str) -> Any:
    """Load an API name from its stage on first use (PEP 562)."""
    if name not in _API:
        raise AttributeError(f"module 'sitrep' has no attribute {name!r}")
    value = getattr(importlib.import_module(_API[name]), name)
    globals()[name] = value
    return value
