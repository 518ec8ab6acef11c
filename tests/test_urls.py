"""URL rules of the site profile, against values written here by hand (never computed by the rules)."""

from __future__ import annotations

import pytest

from sitrep.config import load
from sitrep.crawler import urls

SITE = load(path=None, environ={}).sites["belarusinfocus"]
PRO, INFO = "https://belarusinfocus.pro", "https://belarusinfocus.info"


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("http://belarusinfocus.pro:8123/the-ruling-elite/a-quiet-week", f"{PRO}/the-ruling-elite/a-quiet-week/"),
        ("https://BelarusInFocus.info/economy/old-text/?page=1", f"{INFO}/economy/old-text/"),
        ("https://belarusinfocus.info/economy/old-text/?page=2", f"{INFO}/economy/old-text/?page=2"),
        ("https://belarusinfocus.pro//analytics//security-issues/", f"{PRO}/analytics/security-issues/"),
        ("https://belarusinfocus.pro/analytics/security-issues/?paged=3", f"{PRO}/analytics/security-issues/page/3/"),
        (
            "https://belarusinfocus.pro/analytics/security-issues/page/2/?paged=3",
            f"{PRO}/analytics/security-issues/page/3/",
        ),
        ("https://belarusinfocus.pro/analytics/security-issues/?paged=1", f"{PRO}/analytics/security-issues/"),
        ("https://belarusinfocus.pro/analytics/security-issues/page/1/", f"{PRO}/analytics/security-issues/"),
        ("https://belarusinfocus.pro/analytics/?paged=x", f"{PRO}/analytics/"),
        ("https://belarusinfocus.pro/wp-content/uploads/photo.jpg", f"{PRO}/wp-content/uploads/photo.jpg"),
        ("https://belarusinfocus.pro/feed", f"{PRO}/feed/"),
        ("http://example.org:81/a?b=1", "http://example.org:81/a/?b=1"),
    ],
)
def test_normal_form(url: str, normal: str) -> None:
    assert urls.normalise(url, SITE) == normal


@pytest.mark.parametrize(
    ("aliases", "best"),
    [
        # the current host wins over the old one, whatever the lengths
        ([f"{INFO}/economy/x/", f"{PRO}/the-ruling-elite/a-longer-slug/"], f"{PRO}/the-ruling-elite/a-longer-slug/"),
        # a named slug wins over a numeric one, though the numeric is shorter
        (
            [f"{PRO}/6331/", f"{PRO}/the-ruling-elite/lukashenka-reshuffles/"],
            f"{PRO}/the-ruling-elite/lukashenka-reshuffles/",
        ),
        ([f"{PRO}/7136-2/", f"{PRO}/security-issues/drills/"], f"{PRO}/security-issues/drills/"),
        # then the shortest, then alphabetical
        ([f"{PRO}/b/long-slug/", f"{PRO}/b/short/"], f"{PRO}/b/short/"),
        ([f"{PRO}/b/bbb/", f"{PRO}/b/aaa/"], f"{PRO}/b/aaa/"),
        # only old-host aliases: the plainest moves to the current host
        ([f"{INFO}/society-and-politics/text/?page=1"], f"{PRO}/society-and-politics/text/"),
        (["http://belarusinfocus.info:8080/economy/old/"], f"{PRO}/economy/old/"),
        # the host first: a numeric URL on the current host beats a named one on the old host
        ([f"{INFO}/economy/named-slug/", f"{PRO}/7136-2/"], f"{PRO}/7136-2/"),
        # a query that names the page stays
        ([f"{PRO}/?p=7136"], f"{PRO}/?p=7136"),
    ],
)
def test_canonical_url(aliases: list[str], best: str) -> None:
    assert urls.canonical(aliases, SITE) == best
    assert urls.canonical(list(reversed(aliases)), SITE) == best


@pytest.mark.parametrize(
    ("url", "topic", "listing", "article"),
    [
        (f"{PRO}/the-ruling-elite/a-quiet-week/", "the-ruling-elite", False, True),
        (f"{INFO}/society-and-politics/old-text/", "society-and-political-parties", False, True),
        (f"{INFO}/economy/old-text/", "economy", False, True),
        (f"{PRO}/ru/security-issues/security-issues-1001/", "security-issues", False, True),
        (f"{PRO}/6331/", None, False, True),
        (f"{PRO}/a-headerless-text/", None, False, True),
        (f"{PRO}/unknown-section/text/", None, False, True),
        (f"{PRO}/analytics/the-ruling-elite/", None, True, False),
        (f"{PRO}/analytics/the-ruling-elite/page/3/", None, True, False),
        (f"{PRO}/ru/analytics/", None, True, False),
        (f"{INFO}/economy/", None, True, False),
        (f"{INFO}/society-and-politics/page/2/", "society-and-political-parties", True, False),
        (f"{PRO}/feed/", None, False, False),
        (f"{PRO}/about-monitoring/", None, False, False),
        (f"{PRO}/wp-admin/edit/", None, False, False),
        (f"{PRO}/a/b/c/", None, False, False),
        (f"{PRO}/uploads/photo.jpg", None, False, False),
        ("https://example.org/the-ruling-elite/x/", "the-ruling-elite", False, False),
    ],
)
def test_page_kinds_and_topics(url: str, topic: str | None, listing: bool, article: bool) -> None:
    assert urls.topic_from_url(url, SITE) == topic
    assert urls.is_listing(url, SITE) is listing
    assert urls.is_article(url, SITE) is article


@pytest.mark.parametrize(
    ("url", "topic"),
    [
        (f"{PRO}/analytics/security-issues/page/4/", "security-issues"),
        (f"{INFO}/society-and-politics/", "society-and-political-parties"),
        (f"{PRO}/analytics/", None),
        (f"{PRO}/be/analytics/", None),
    ],
)
def test_listing_topic(url: str, topic: str | None) -> None:
    assert urls.listing_topic(url, SITE) == topic


def test_language_and_sections_and_hosts() -> None:
    assert urls.lang_of(f"{PRO}/ru/analytics/", SITE) == "ru"
    assert urls.lang_of(f"{PRO}/be/x/y/", SITE) == "be"
    assert urls.lang_of(f"{PRO}/rule/x/", SITE) is None
    assert urls.path_sections(f"{PRO}/ru/security-issues/x/", SITE) == ["security-issues", "x"]
    assert urls.host_of("http://BelarusInFocus.PRO:80/x") == "belarusinfocus.pro"
    assert urls.on_site(f"{INFO}/x/", SITE) and not urls.on_site("https://belarusinfocus.com/x/", SITE)
    assert urls.is_feed(f"{INFO}/feed", SITE) and not urls.is_feed(f"{INFO}/feeds/", SITE)


def test_edges_of_the_normal_form() -> None:
    assert urls.host_of("not a url") == ""
    assert urls.normalise("https://belarusinfocus.pro", SITE) == f"{PRO}/"
    assert urls.normalise(f"{PRO}/x/?utm=&q=1", SITE) == f"{PRO}/x/?utm=&q=1"  # blank values kept
    assert urls.normalise(f"{PRO}/analytics/?paged=2", SITE) == f"{PRO}/analytics/page/2/"
    assert not urls.is_listing(f"{PRO}/", SITE)
    for menu in ("/about/", "/contacts/", "/about-monitoring/", "/"):
        assert not urls.is_article(f"{PRO}{menu}", SITE), menu


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://belarusinfocus.pro/robots.txt", "robots"),
        ("https://belarusinfocus.info/robots.txt", "robots"),
        ("https://belarusinfocus.pro/sitemap.xml", "sitemap"),
        ("https://belarusinfocus.pro/wp-sitemap-posts-post-1.xml.gz", "sitemap"),
        ("https://belarusinfocus.pro/sitemap/", "page"),  # no XML: not a sitemap
        ("https://belarusinfocus.pro/feed/", "feed"),
        ("https://belarusinfocus.pro/feed", "feed"),
        ("https://belarusinfocus.pro/analytics/economy/", "listing"),
        ("https://belarusinfocus.pro/analytics/economy/page/2/", "listing"),
        ("https://belarusinfocus.info/economy/a-text/", "page"),
        ("https://belarusinfocus.pro/robots.txt/x", "page"),
    ],
)
def test_capture_kind_by_hand(url: str, kind: str) -> None:
    assert urls.capture_kind(url, SITE) == kind


def test_rules_are_remembered_per_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo (``Site.memo``) answers as the rules do: per profile, bounded, carried to the worker."""
    import dataclasses
    import pickle

    site = dataclasses.replace(SITE)  # its own, empty memo
    other = dataclasses.replace(SITE, hosts=("example.org",), canonical_host="example.org", scheme="http")
    url = "https://belarusinfocus.pro:8080/economy/a-text"
    for _ in range(2):  # asked twice: the second answer comes from the memo
        assert urls.on_site(url, site) and not urls.on_site(url, other)
        assert urls.normalise(url, site) == f"{PRO}/economy/a-text/"
        assert urls.normalise(url, other) == "https://belarusinfocus.pro:8080/economy/a-text/"
        assert urls.is_article(url, site) and not urls.is_article(url, other)
    assert site.memo["normalise"] == {url: f"{PRO}/economy/a-text/"}
    assert pickle.loads(pickle.dumps(site)).memo["on_site"] == {url: True}  # as the worker receives it
    monkeypatch.setattr(urls, "MEMO_LIMIT", 2)
    for n in range(5):
        assert urls.normalise(f"{PRO}/x{n}", site) == f"{PRO}/x{n}/"
    assert len(site.memo["normalise"]) <= 2  # starts over at the limit, never grows past it
