"""URL rules of a site profile: one normal form per page, the record's canonical URL, page kinds.

The sample archive is served on 127.0.0.1 with the real host names and a port: normal forms
drop the port and take the profile's scheme, so a record reads the same from the live site
and from the sample.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sitrep.config import Site

_PAGED_PATH = re.compile(r"/page/(\d+)/?$")
_NUMERIC = re.compile(r"^/\d+(?:-\d+)?/$")
_SKIP_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|zip|mp3|mp4|css|js|ico|xml|txt)$", re.I)
T = TypeVar("T")
MEMO_LIMIT = 50_000  # URLs remembered per rule and profile; past it the memo starts over


def _remembered(rule: Callable[[str, Site], T]) -> Callable[[str, Site], T]:
    """``rule(url, site)`` worked out once per URL and site profile (``Site.memo``).

    A crawl asks the same rules about the same URLs again and again: every listing links the
    site's menus and its other listings, and the spider, the archive and the parser each
    normalise a page. The bench's 287 listings made 72k ``on_site`` calls for 3.8k URLs. Only
    rules that return immutable answers are remembered.
    """

    @functools.wraps(rule)
    def remembered(url: str, site: Site) -> T:
        memo = site.memo.setdefault(rule.__name__, {})
        try:
            return memo[url]
        except KeyError:
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            answer = memo[url] = rule(url, site)
            return answer

    return remembered


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@_remembered
def on_site(url: str, site: Site) -> bool:
    return host_of(url) in site.hosts


@_remembered
def normalise(url: str, site: Site) -> str:
    """The one form of a page's URL: profile scheme, no port, trailing slash, no ``?page=1``.

    Listing pages keep their page number as ``/page/N/`` whichever style linked them.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not (k == "page" and v == "1")]
    paged = [v for k, v in query if k == "paged"]
    query = [(k, v) for k, v in query if k != "paged"]
    if not path.endswith("/") and not _SKIP_EXT.search(path):
        path += "/"
    if paged and paged[0].isdigit() and int(paged[0]) > 1:
        path = _PAGED_PATH.sub("/", path) + f"page/{int(paged[0])}/"
    path = re.sub(r"/page/1/$", "/", path)
    scheme = site.scheme if host in site.hosts else parts.scheme
    netloc = host if host in site.hosts else parts.netloc
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def lang_of(url: str, site: Site) -> str | None:
    """The language a URL declares by its prefix (``/ru/``...), None when it declares none."""
    path = urlsplit(url).path
    for lang, prefix in site.lang_prefixes.items():
        if path.startswith(prefix):
            return lang
    return None


def path_sections(url: str, site: Site) -> list[str]:
    """The path's segments without the language prefix."""
    path = urlsplit(url).path
    lang = lang_of(url, site)
    if lang:
        path = path[len(site.lang_prefixes[lang]) - 1 :]
    return [p for p in path.split("/") if p]


def topic_from_url(url: str, site: Site) -> str | None:
    """The topic a URL's first section names (current slug or an old section), else None."""
    sections = path_sections(url, site)
    if len(sections) < 2:
        return None
    first = sections[0]
    if first in site.topics:
        return first
    return site.old_sections.get(first)


def listing_topic(url: str, site: Site) -> str | None:
    """The topic a listing URL lists (``/analytics/<slug>/``, an old ``/<section>/``), else None."""
    for section in reversed([s for s in path_sections(url, site) if s != "page" and not s.isdigit()]):
        if section in site.topics:
            return section
        if section in site.old_sections:
            return site.old_sections[section]
    return None


@_remembered
def is_listing(url: str, site: Site) -> bool:
    sections = path_sections(url, site)
    if not sections:
        return False
    if "/" + sections[0] + "/" == site.listing_prefix:
        return True
    head = [s for s in sections if s != "page" and not s.isdigit()]
    return len(head) == 1 and (head[0] in site.old_sections or head[0] in site.topics)


@_remembered
def is_feed(url: str, site: Site) -> bool:
    path = urlsplit(url).path
    return any(path.rstrip("/") == p.rstrip("/") for p in site.feed_paths)


def capture_kind(url: str, site: Site) -> str:
    """What a fetched URL is, for the archive's lookup and ``sitrep reparse``: robots, sitemap,
    feed, listing or page.

    robots.txt and sitemaps are kinds of their own: archived like every response, never parsed
    as an article.
    """
    path = urlsplit(url).path
    if path == "/robots.txt":
        return "robots"
    if "sitemap" in path and path.endswith((".xml", ".xml.gz")):
        return "sitemap"
    if is_feed(url, site):
        return "feed"
    return "listing" if is_listing(url, site) else "page"


@_remembered
def is_article(url: str, site: Site) -> bool:
    """Could this on-site URL be an article page (not a listing, feed, asset or menu page)?"""
    if not on_site(url, site) or is_listing(url, site) or is_feed(url, site):
        return False
    path = urlsplit(url).path
    if _SKIP_EXT.search(path) or path.rstrip("/") in ("", "/about-monitoring", "/about", "/contacts"):
        return False
    sections = path_sections(url, site)
    return 1 <= len(sections) <= 2 and not sections[0].startswith("wp-")


def canonical(urls: list[str], site: Site) -> str:
    """The record's URL among its aliases: the plainest one, moved to the current domain.

    Plainest: on the canonical host first, then a named slug before a numeric one, then the
    shortest, then alphabetical, so the choice does not depend on crawl order.
    """

    def plainness(url: str) -> tuple[bool, bool, int, str]:
        path = urlsplit(url).path
        return (host_of(url) != site.canonical_host, bool(_NUMERIC.match(path)), len(url), url)

    best = min((normalise(u, site) for u in urls), key=plainness)
    parts = urlsplit(best)
    return urlunsplit((site.scheme, site.canonical_host, parts.path, parts.query, ""))
