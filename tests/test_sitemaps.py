"""Reading sitemaps and deciding by lastmod, against documents and answers written here by hand."""

from __future__ import annotations

import gzip

import pytest

from sitrep.config import load
from sitrep.crawler import sitemaps, urls
from sitrep.errors import ParseError

SITE = load(path=None, environ={}).sites["belarusinfocus"]
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
URLSET = (
    f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>'
    "<url><loc>https://belarusinfocus.pro/security-issues/drills/</loc><lastmod>2024-05-02T09:30:00+00:00</lastmod></url>"
    "<url><loc> https://belarusinfocus.pro/the-ruling-elite/reshuffle/ </loc></url>"
    "<url><lastmod>2024-05-02</lastmod></url>"  # no loc: not an entry
    "</urlset>"
)
INDEX = (
    f"<sitemapindex {NS}><sitemap><loc>https://belarusinfocus.pro/post-sitemap.xml</loc>"
    "<lastmod>2024-05-02</lastmod></sitemap><sitemap><loc>https://belarusinfocus.pro/page-sitemap.xml</loc></sitemap>"
    "</sitemapindex>"
)


def test_a_urlset_gives_each_loc_with_its_lastmod() -> None:
    got = sitemaps.read("https://belarusinfocus.pro/post-sitemap.xml", URLSET.encode())
    assert not got.index
    assert got.entries == (
        ("https://belarusinfocus.pro/security-issues/drills/", "2024-05-02T09:30:00+00:00"),
        ("https://belarusinfocus.pro/the-ruling-elite/reshuffle/", None),
    )


def test_an_index_and_a_gzipped_sitemap() -> None:
    got = sitemaps.read("https://belarusinfocus.pro/sitemap_index.xml", INDEX.encode())
    assert got.index
    assert [loc for loc, _ in got.entries] == [
        "https://belarusinfocus.pro/post-sitemap.xml",
        "https://belarusinfocus.pro/page-sitemap.xml",
    ]
    zipped = sitemaps.read("https://belarusinfocus.pro/s.xml.gz", gzip.compress(URLSET.encode()))
    assert len(zipped.entries) == 2


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"<html><body>Not found</body></html>", "not a sitemap"),
        (b"\x1f\x8bnot really gzip", "gzip"),
    ],
)
def test_what_is_not_a_sitemap_is_a_parse_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        sitemaps.read("https://belarusinfocus.pro/sitemap.xml", body)


def test_robots_names_sitemaps_relative_or_absolute() -> None:
    robots = (
        b"User-agent: *\nDisallow: /wp-admin/\nSitemap: https://belarusinfocus.pro/wp-sitemap.xml\nsitemap: /news.xml\n"
    )
    assert sitemaps.named_in_robots(robots, "https://belarusinfocus.pro/robots.txt") == [
        "https://belarusinfocus.pro/wp-sitemap.xml",
        "https://belarusinfocus.pro/news.xml",
    ]
    assert sitemaps.usual("http://belarusinfocus.pro:8123/robots.txt") == [
        "http://belarusinfocus.pro:8123/wp-sitemap.xml",
        "http://belarusinfocus.pro:8123/sitemap_index.xml",
        "http://belarusinfocus.pro:8123/sitemap.xml",
    ]


@pytest.mark.parametrize(
    ("lastmod", "checked_at", "changed"),
    [
        ("2024-05-02T09:30:00+00:00", "2024-05-02T09:00:00Z", True),
        ("2024-05-02T09:30:00+00:00", "2024-05-02T10:00:00Z", False),
        ("2024-05-02T09:30:00+00:00", "2024-05-02T09:30:00Z", False),  # not newer: not fetched
        ("2024-05-02T11:30:00+02:00", "2024-05-02T09:45:00Z", False),  # 09:30 UTC
        ("2024-05-02T09:30:00", "2024-05-02T09:00:00Z", True),  # no zone: UTC
        ("2024-05-02", "2024-05-02T10:00:00Z", True),  # a bare date covers its day
        ("2024-05-01", "2024-05-02T10:00:00Z", False),
        (None, "2024-05-02T10:00:00Z", False),  # no lastmod says nothing
        ("last Tuesday", "2024-05-02T10:00:00Z", False),
        ("2024-05-02T09:30:00Z", None, False),  # nothing stored to compare with
    ],
)
def test_lastmod_decides(lastmod: str | None, checked_at: str | None, changed: bool) -> None:
    assert sitemaps.changed_since(lastmod, checked_at) is changed


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://belarusinfocus.pro/robots.txt", "robots"),
        ("https://belarusinfocus.pro/wp-sitemap.xml", "sitemap"),
        ("https://belarusinfocus.pro/sitemap-3.xml", "sitemap"),
        ("https://belarusinfocus.pro/post-sitemap.xml.gz", "sitemap"),
        ("https://belarusinfocus.pro/feed/", "feed"),
        ("https://belarusinfocus.pro/analytics/security-issues/?paged=2", "listing"),
        ("https://belarusinfocus.pro/security-issues/sitemap-of-the-army/", "page"),
    ],
)
def test_capture_kind(url: str, kind: str) -> None:
    assert urls.capture_kind(url, SITE) == kind
