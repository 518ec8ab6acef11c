"""What the spider hands to the pipeline: raw article pages and listing weeks."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class PageItem:
    """A fetched page on its way to the parser and the archive, with the validators it came with."""

    url: str
    body: bytes
    fetched_at: str
    ledger_url: str = ""  # the URL asked for, when a redirect answered it
    etag: str | None = None  # the response's validators, sent back on the next conditional request
    last_modified: str | None = None


@dataclasses.dataclass
class ListingItem:
    """The weeks a listing page printed beside the articles it links."""

    url: str
    weeks: list[tuple[str, str, str, str]]  # (article url, week start, week end, listing url)
