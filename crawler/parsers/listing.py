"""Topic listings: (title, yearless week) pairs, newest first, and the links to other pages.

Years are inferred by ``dates.resolve_years`` (the Monday rule within the archive's years,
narrowed by the listing's order); an entry whose year stays ambiguous keeps no week.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sitrep import dates
from sitrep.config import Site
from sitrep.crawler import urls as urlrules
from sitrep.crawler.parsers.common import Block, read_page


@dataclasses.dataclass(frozen=True)
class ListingEntry:
    title: str
    url: str
    printed: str  # the week as printed, without its year
    week_start: str | None
    week_end: str | None


@dataclasses.dataclass(frozen=True)
class Listing:
    url: str
    topic: str | None
    entries: tuple[ListingEntry, ...]
    pages: tuple[str, ...]  # other listing pages it links to (pagination, other topics)

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def _article_links(block: Block, site: Site) -> list[tuple[str, str]]:
    return [(href, text) for href, text in block.links if text and urlrules.is_article(href, site)]


def parse(url: str, html: str | bytes, site: Site, year: int | None = None) -> Listing:
    """The listing's entries with inferred weeks; ``year`` is the crawl's (for the archive's span)."""
    page = read_page(url, html, site)
    raw: list[tuple[str, str, dates.YearlessRange | None, str]] = []
    blocks = page.blocks
    for i, block in enumerate(blocks):
        links = _article_links(block, site)
        if len(links) != 1:
            continue
        href, title = links[0]
        rest = block.text.replace(title, " ", 1)
        week = dates.find_yearless(rest)
        printed = rest.strip()
        if week is None and i + 1 < len(blocks) and not _article_links(blocks[i + 1], site):
            week = dates.find_yearless(blocks[i + 1].text)
            printed = blocks[i + 1].text
        raw.append((title, urlrules.normalise(href, site), week, printed if week else ""))
    last_year = site.last_year or year or dt.date.today().year
    weeks = dates.resolve_years([w for _, _, w, _ in raw], site.first_year, last_year)
    entries = tuple(
        ListingEntry(title, link, printed, w[0].isoformat() if w else None, w[1].isoformat() if w else None)
        for (title, link, _, printed), w in zip(raw, weeks)
    )
    pages = sorted(
        {
            urlrules.normalise(href, site)
            for b in blocks
            for href, _ in b.links
            if urlrules.on_site(href, site) and urlrules.is_listing(href, site)
        }
        - {urlrules.normalise(url, site)}
    )
    return Listing(
        url=urlrules.normalise(url, site),
        topic=urlrules.listing_topic(url, site),
        entries=entries,
        pages=tuple(pages),
    )
