"""The parser on the whole sample archive, read from disk: records equal the ground truth."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sitrep.config import load
from sitrep.crawler import urls as urlrules
from sitrep.crawler.assemble import assembler
from sitrep.crawler.parsers import listing, parse_article
from sitrep.crawler.sample import generate as gen
from sitrep.crawler.sample import render
from sitrep.index.store import RecordStore


def pages_on_disk(sample: Path):  # type: ignore[no-untyped-def]
    site_dir = sample / "site"
    for path in sorted(site_dir.rglob("index.html")):
        host = path.relative_to(site_dir).parts[0]
        rel = "/".join(path.relative_to(site_dir / host).parts[:-1])
        yield f"https://{host}/{rel}/" if rel else f"https://{host}/", path.read_text(encoding="utf-8")


def test_parsed_sample_equals_ground_truth(sample: Path, truth: dict, tmp_path: Path) -> None:
    site = dataclasses.replace(load(path=None, environ={}).sites["belarusinfocus"], last_year=gen.LAST_YEAR)
    store = RecordStore(tmp_path, assemble=assembler(site))
    for url, html in pages_on_disk(sample):
        if "/private/" in url:
            continue
        if urlrules.is_listing(url, site):
            page = listing.parse(url, html, site)
            store.add_hints([(e.url, e.week_start, e.week_end, page.url) for e in page.entries if e.week_start])
        else:
            store.add_page(parse_article(url, html, site))
    got = {r.id: r for r in store.records()}
    assert set(got) == set(truth)
    mismatches = [
        (rid, name)
        for rid, r in got.items()
        for name in r.to_dict()
        if name != "fetched_at" and getattr(r, name) != getattr(truth[rid], name)
    ]
    assert mismatches == []


@pytest.mark.parametrize("seed", [1, 2])
def test_both_markups_give_identical_records(seed: int) -> None:
    """Every page kind, rendered as a WordPress theme and as bare HTML, parses to one record."""
    site = load(path=None, environ={}).sites["belarusinfocus"]
    articles = gen.plan(150, seed)
    checked = 0
    for a in articles:
        for p in a.pages:
            wp = parse_article(p.url, gen.page_html(a, p, markup="wp"), site)
            plain = parse_article(p.url, gen.page_html(a, p, markup="plain"), site)
            assert wp == plain, (p.url, p.kind)
            checked += 1
    assert checked >= 150


def test_yearless_sidebar_and_menu_labels_never_leak_into_records(truth: dict) -> None:
    labels = {"The ruling elite", "Security issues", "All trends", "Situation in Belarus", "View all"}
    for record in truth.values():
        assert not labels & set(record.body)
        assert record.lead not in labels


def test_markups_are_really_different() -> None:
    a = gen.plan(5, 3)[0]
    wp = gen.page_html(a, a.pages[0], markup="wp")
    plain = gen.page_html(a, a.pages[0], markup="plain")
    assert 'class="' in wp and 'class="' not in plain
    assert render.MARKUPS == ("wp", "plain")
