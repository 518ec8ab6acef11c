"""Sitemaps: where a site lists its pages with the date each last changed (``lastmod``).

The polite way to find new and changed texts: the site says what changed, and a later crawl
fetches only that. Sitemaps are found where robots.txt names them (``Sitemap:`` lines), else at
WordPress's usual paths (core's ``/wp-sitemap.xml``, Yoast's ``/sitemap_index.xml``, the plain
``/sitemap.xml``), tried one after the other. Scrapy's own parser reads them (``urlset`` and
``sitemapindex``, gzip or not); this module adds the decision what to fetch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import struct
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import lxml.etree
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from sitrep.errors import ParseError

USUAL_PATHS = ("/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml")


@dataclasses.dataclass(frozen=True)
class SitemapFile:
    """One sitemap file read: its URLs, or the sitemaps it lists."""

    index: bool  # a sitemap index: its entries are more sitemaps
    entries: tuple[tuple[str, str | None], ...]  # (loc, lastmod as written, if any)


class RobotsParser(ProtegoRobotParser):
    """Scrapy's robots.txt parser (``ROBOTSTXT_PARSER``), keeping the file's text: the spider reads
    its ``Sitemap:`` lines from the one copy Scrapy fetched (``signals.robots_parsed``)."""

    def __init__(self, robotstxt_body: bytes, spider: Any) -> None:
        super().__init__(robotstxt_body, spider)
        self.body = robotstxt_body


def named_in_robots(body: bytes, robots_url: str) -> list[str]:
    """The sitemaps robots.txt names, as absolute URLs, in its order."""
    return list(dict.fromkeys(sitemap_urls_from_robots(body, base_url=robots_url)))


def usual(robots_url: str) -> list[str]:
    """The usual sitemap URLs on the origin of ``robots_url``, in the order they are tried."""
    parts = urlsplit(robots_url)
    return [urlunsplit((parts.scheme, parts.netloc, path, "", "")) for path in USUAL_PATHS]


def read(url: str, body: bytes, max_size: int = 0) -> SitemapFile:
    """A sitemap or sitemap index (gzip-compressed or plain); ParseError when it is neither."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, EOFError, ValueError, struct.error) as exc:  # a damaged or oversized gzip stream
            raise ParseError(url, "sitemap", f"not a readable gzip file ({exc})") from None
    if not body.strip():
        raise ParseError(url, "sitemap", "the sitemap is empty")
    try:
        sitemap = Sitemap(body)
        kind = sitemap.type
        entries = tuple((d["loc"], d.get("lastmod") or None) for d in sitemap if d.get("loc"))
    except (lxml.etree.XMLSyntaxError, StopIteration) as exc:
        raise ParseError(url, "sitemap", f"not XML ({exc})") from None
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError(url, "sitemap", f"not a sitemap (the document is <{kind}>)")
    return SitemapFile(kind == "sitemapindex", entries)


def changed_since(lastmod: str | None, checked_at: str | None) -> bool:
    """Does a sitemap's ``lastmod`` say the page changed after we last fetched (or confirmed) it?

    No lastmod, or one that is not a W3C date, says nothing: False. A bare date (``2024-05-01``)
    covers its whole day, so a page changed later on the day we fetched it is not missed.
    """
    when, checked = _instant(lastmod), _instant(checked_at)
    if when is None or checked is None:
        return False
    if len(lastmod.strip()) == 10:  # type: ignore[union-attr]
        return when.date() >= checked.date()
    return when > checked


def _instant(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
