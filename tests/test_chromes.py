"""The sample's texts and listings in eight foreign article chromes and three listing chromes.

Expected values are what the generator placed on each page (``generate.page_truth``, the
listing entries it wrote), never what the parser said. Each chrome puts the week, topic,
verdict, author, stamp and status line in its own places and surrounds the article with other
dates, headings and country names, so a parser that reads positions or leaks chrome fails here.
"""

from __future__ import annotations

import dataclasses

import pytest

from sitrep.config import load
from sitrep.crawler.parsers import listing, parse_article
from sitrep.crawler.sample import chromes, listing_chromes, render
from sitrep.crawler.sample import generate as gen

SITE = dataclasses.replace(load(path=None, environ={}).sites["belarusinfocus"], last_year=gen.LAST_YEAR)
ARTICLES = gen.plan(45, 20240318)
FIELDS = (
    "title",
    "lead",
    "body",
    "week_start",
    "week_label",
    "trend_label",
    "topic",
    "author",
    "stamp",
    "captions",
    "countries",
)


def test_there_are_eight_article_and_three_listing_chromes() -> None:
    assert len(chromes.ARTICLE_CHROMES) >= 8 and len(listing_chromes.LISTING_CHROMES) >= 3
    assert set(listing_chromes.PAIRED) == set(chromes.ARTICLE_CHROMES)


def test_the_sample_covers_every_kind_of_page_and_field() -> None:
    kinds = {p.kind for a in ARTICLES for p in a.pages}
    assert kinds >= {"current", "transitional", "old", "headerless"}
    assert any(a.author and not a.by_line for a in ARTICLES) and any(a.by_line for a in ARTICLES)
    assert any(a.lang != "en" for a in ARTICLES) and any(a.caption for a in ARTICLES)


@pytest.mark.parametrize("name", sorted(chromes.ARTICLE_CHROMES))
def test_every_sample_page_in_a_foreign_chrome_parses_to_what_was_placed(name: str) -> None:
    wrong = []
    for a in ARTICLES:
        for page in a.pages:
            html = chromes.article(name, gen.printed(a, page), gen.chrome(a.lang))
            record = parse_article(page.url, html, SITE)
            want = gen.page_truth(a, page)
            got = {**record.to_dict(), "body": list(record.body), "captions": list(record.captions)}
            got["countries"] = sorted(record.countries)
            wrong += [(page.url, f, got[f], want[f]) for f in FIELDS if got[f] != want[f]]
            if record.warnings:
                wrong.append((page.url, "warnings", record.warnings, ()))
    assert wrong == []


@pytest.mark.parametrize("name", sorted(chromes.ARTICLE_CHROMES))
def test_chrome_pages_are_really_full_of_chrome(name: str) -> None:
    """The trap is set: other dates, country names and headings stand on every page."""
    a = next(a for a in ARTICLES if a.pages[0].kind == "current")
    html = chromes.article(name, gen.printed(a, a.pages[0]), gen.chrome(a.lang))
    text = html.lower()
    assert sum(country in text for country in ("france", "germany", "canada", "poland", "ukraine", "lithuania")) >= 2
    assert "2024" in text
    assert text.count("<h") >= 3


def _entries(count: int, year_rule: bool = True) -> list[tuple[gen.Article, gen.Page]]:
    """Listed English pages, newest first; with ``year_rule`` only weeks the Monday rule pins."""
    listed = [
        (a, p)
        for a in gen.plan(300, 5)
        for p in a.pages[:1]
        if a.lang == "en" and (not year_rule or gen.monday_unique(a.week))
    ]
    listed.sort(key=lambda ap: (ap[0].week, ap[0].n), reverse=True)
    return listed[:count]


@pytest.mark.parametrize("name", sorted(listing_chromes.LISTING_CHROMES))
@pytest.mark.parametrize("count", [1, 2, 20])
def test_listing_chrome_entries_and_weeks_are_what_was_placed(name: str, count: int) -> None:
    placed = _entries(count)
    entries = [(a.title, p.path, render.week_text("en", a.week, with_year=False)) for a, p in placed]
    pages = [("2", "/analytics/security-issues/page/2/"), ("Next »", "/analytics/security-issues/?paged=2")]
    html = listing_chromes.listing(name, gen.chrome("en"), "Security issues", entries, pages)
    got = listing.parse("https://belarusinfocus.pro/analytics/security-issues/", html, SITE, year=gen.LAST_YEAR)
    want = [(a.title, f"https://belarusinfocus.pro{p.path}", a.week.isoformat()) for a, p in placed]
    assert [(e.title, e.url, e.week_start) for e in got.entries] == want
    assert "https://belarusinfocus.pro/analytics/security-issues/page/2/" in got.pages


def test_sidebar_and_footer_links_that_look_like_articles_never_become_entries() -> None:
    placed = _entries(3)
    entries = [(a.title, p.path, render.week_text("en", a.week, with_year=False)) for a, p in placed]
    for name in listing_chromes.LISTING_CHROMES:
        html = listing_chromes.listing(name, gen.chrome("en"), "Security issues", entries, [])
        assert any(x in html for x in ("/kontakt/", "/impressum/", "/t-shirt/"))
        got = listing.parse("https://belarusinfocus.pro/analytics/security-issues/", html, SITE, year=gen.LAST_YEAR)
        urls = {e.url for e in got.entries}
        assert not {u for u in urls if u.rsplit("/", 2)[-2] in ("kontakt", "impressum", "t-shirt", "editor")}
        assert len(urls) == 3
