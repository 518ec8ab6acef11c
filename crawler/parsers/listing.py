"""Topic listings: one entry per repeated container, its title and its week, and the links onward.

An entry's container is the largest element that links one article and no other (the title
link, a permalink and a thumbnail all point to the same page). Entries are the siblings of the
largest group of such containers, dated ones first: menus, footers and sidebars link pages too,
but never as a run of dated items, so their links never become articles. The entry's week is a
week range inside its own container, even as the permalink's text or before the title; in a
flat list without a container per entry, each date goes with the title on the side the list
puts its dates (the first date before the first title: before), never with a neighbour's.

Years are inferred by ``dates.resolve_years`` (the Monday rule within the archive's years,
narrowed by the listing's order); an entry whose year stays ambiguous keeps no week.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from sitrep import dates
from sitrep.config import Site
from sitrep.crawler import urls as urlrules
from sitrep.crawler.parsers.common import Page, read_page

_CHROME = frozenset(["nav", "aside", "footer"])  # a listing's menus, sidebars and footers
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])


@dataclasses.dataclass(frozen=True)
class ListingEntry:
    """One article a listing links, with the week printed beside it."""

    title: str
    url: str
    printed: str  # the week as printed, without its year
    week_start: str | None
    week_end: str | None


@dataclasses.dataclass(frozen=True)
class Listing:
    """What a listing page offers: its articles, and the other listing pages it links."""

    url: str
    topic: str | None
    entries: tuple[ListingEntry, ...]
    pages: tuple[str, ...]  # other listing pages it links to (pagination, other topics)
    # identity -> the URL as this page links it (absolute), for every entry and page: the crawler
    # requests what the site links (a site may serve only ``?paged=N`` or only ``/page/N/``)
    linked: dict[str, str] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class _Entry:
    """An article link found while reading a listing, before its week is settled."""

    url: str
    node: int  # its container
    blocks: list[int]
    week: tuple[str, dates.YearlessRange | tuple[dt.date, dt.date]] | None = None


def _week_in(text: str) -> tuple[str, dates.YearlessRange | tuple[dt.date, dt.date]] | None:
    """(the range as printed, the week or its yearless range) for the first range in ``text``."""
    if found := dates.find_week(text):
        return found[2].group(0), (found[0], found[1])
    text = dates.clean(text)
    patterns = dates.compiled()
    for pattern in (patterns.en_range, patterns.slavic_range):
        for m in pattern.finditer(text):
            if (yearless := dates.find_yearless(m.group(0))) is not None:
                return m.group(0), yearless
    return None


def _entries(page: Page) -> list[_Entry]:
    """The entries of the page's largest run of article containers (dated runs first)."""
    site = page.site
    links: dict[int, set[str]] = defaultdict(set)  # block -> article URLs it links
    for i, block in enumerate(page.blocks):
        if any(page.tags[n] in _CHROME for n in block.path):
            continue
        for href, _ in block.links:
            if urlrules.on_site(href, site) and urlrules.is_article(href, site):
                links[i].add(urlrules.normalise(href, site))
    headed = {u for i, urls in links.items() if page.blocks[i].tag in _HEADINGS for u in urls}
    if headed:  # titles stand in headings: a byline's or a category's link is not an entry
        links = {i: urls & headed for i, urls in links.items() if urls & headed}
    shared = _shared_links(page, links)
    links = {i: urls - shared for i, urls in links.items() if urls - shared}
    under: dict[int, set[str]] = defaultdict(set)  # element -> article URLs linked below it
    for i, urls in links.items():
        for node in page.blocks[i].path:
            under[node] |= urls
    # an entry never holds the page's own title: a lone entry's box stops below it
    titled = {n for b in page.blocks if b.tag == "h1" for n in b.path}
    entries: dict[str, _Entry] = {}
    for i in sorted(links):
        for url in sorted(links[i]):
            if url in entries:
                continue
            path = page.blocks[i].path
            node = next((n for n in path if under[n] == {url} and n not in titled), path[-1])
            held = [j for j, b in enumerate(page.blocks) if node in b.path]
            entries[url] = _Entry(url, node, held)
    groups: dict[int | None, list[_Entry]] = defaultdict(list)
    for entry in entries.values():
        path = page.blocks[entry.blocks[0]].path
        at = path.index(entry.node)
        groups[path[at - 1] if at else None].append(entry)
    if not groups:
        return []
    for group in groups.values():
        for entry in group:
            entry.week = next((w for j in entry.blocks if (w := _week_in(page.blocks[j].text))), None)
    parent, best = max(groups.items(), key=lambda kv: (sum(1 for e in kv[1] if e.week), len(kv[1])))
    if not any(e.week for e in best):
        _flat_weeks(page, parent, best)
    if len(best) == 1 and not best[0].week and not headed:
        return []  # one bare link, no week, no heading: a footer's or a menu's, on an empty listing
    return best


def _shared_links(page: Page, links: dict[int, set[str]]) -> set[str]:
    """URLs every entry links (an author's page, a category): their links span other entries."""
    spans: dict[str, tuple[int, ...]] = {}
    for i in sorted(links):
        for url in links[i]:
            path = page.blocks[i].path
            spans[url] = path if url not in spans else _common(spans[url], path)
    return {
        url
        for url, span in spans.items()
        if sum(1 for other, o in spans.items() if other != url and o[: len(span)] == span) >= 2
    }


def _common(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _flat_weeks(page: Page, parent: int | None, entries: list[_Entry]) -> None:
    """Dates that stand beside, not inside, each entry: on the side the list puts them."""
    owned = {j for e in entries for j in e.blocks}
    dated = [
        (j, w)
        for j, b in enumerate(page.blocks)
        if j not in owned and (parent is None or parent in b.path) and (w := _week_in(b.text))
    ]
    if not dated:
        return
    starts = [e.blocks[0] for e in entries]
    before = dated[0][0] < starts[0]
    for k, entry in enumerate(entries):
        low = starts[k - 1] if before and k else (-1 if before else entry.blocks[-1])
        high = starts[k] if before else (starts[k + 1] if k + 1 < len(starts) else len(page.blocks))
        entry.week = next((w for j, w in dated if low < j < high), None)


def _title(page: Page, entry: _Entry) -> str:
    """The heading that links the article, else its longest link that is not a date, else a heading."""
    headings = [page.blocks[j] for j in entry.blocks if page.blocks[j].tag in _HEADINGS]
    for block in headings:
        if not _week_in(block.text) and any(urlrules.normalise(h, page.site) == entry.url for h, _ in block.links):
            return block.text
    texts = [
        text
        for j in entry.blocks
        for href, text in page.blocks[j].links
        if text and not _week_in(text) and urlrules.normalise(href, page.site) == entry.url
    ]
    if texts:
        return max(texts, key=len)
    return next((b.text for b in headings if not _week_in(b.text)), "")


def parse(url: str, html: str | bytes, site: Site, year: int | None = None) -> Listing:
    """The listing's entries with inferred weeks; ``year`` is the crawl's (for the archive's span)."""
    page = read_page(url, html, site)
    found = _entries(page)
    last_year = site.last_year or year or dt.date.today().year
    yearless = [e.week[1] if e.week and isinstance(e.week[1], dates.YearlessRange) else None for e in found]
    resolved = dates.resolve_years(yearless, site.first_year, last_year)
    entries = []
    for entry, week in zip(found, resolved):
        if entry.week and not isinstance(entry.week[1], dates.YearlessRange):
            week = entry.week[1]
        entries.append(
            ListingEntry(
                _title(page, entry),
                entry.url,
                entry.week[0] if entry.week and week else "",
                week[0].isoformat() if week else None,
                week[1].isoformat() if week else None,
            )
        )
    linked: dict[str, str] = {}  # the first link to each identity, in page order
    for href in (href for b in page.blocks for href, _ in b.links if urlrules.on_site(href, site)):
        linked.setdefault(urlrules.normalise(href, site), href.split("#")[0])
    own = urlrules.normalise(url, site)
    pages = sorted({key for key, href in linked.items() if urlrules.is_listing(href, site)} - {own})
    return Listing(
        url=own,
        topic=urlrules.listing_topic(url, site),
        entries=tuple(entries),
        pages=tuple(pages),
        linked={key: href for key, href in linked.items() if key in pages or key in {e.url for e in entries}},
    )
