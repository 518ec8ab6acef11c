"""Polite by design, through the real path: links fetched as the site wrote them, conditional
refreshes answered 304, sitemaps whose lastmod decides what a later crawl fetches.

Truth comes from the generator (its records and the files it wrote) and from the sample server's
own log of what it was asked and what it answered; never from the crawler's report alone.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from sitrep.config import load
from sitrep.crawler.sample.generate import INFO, PRO, generate, read_truth
from sitrep.crawler.sample.server import Hit, SampleServer, serve
from sitrep.index.store import RecordStore
from sitrep.record import Record
from tests.conftest import run_sitrep, sample_settings
from tests.test_crawl import comparable, records_of

USUAL = {"/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml"}


def site(tmp_path: Path, count: int = 120) -> Path:
    generate(tmp_path / "sample", count=count, seed=5)
    return tmp_path / "sample"


def crawl(srv: SampleServer, tmp_path: Path, *args: str) -> tuple[dict[str, object], list[Hit]]:
    """One `sitrep crawl` subprocess; its JSON report and the requests the server saw during it."""
    path = tmp_path / "settings.toml"
    if not path.exists():
        sample_settings(srv, tmp_path / "data", path)
    before = len(srv.hits)
    done = run_sitrep("--settings", str(path), "crawl", "--json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), srv.hits[before:]


def page_paths(sample: Path) -> dict[tuple[str, str], Record]:
    """(host, path) of every article page the generator wrote, to its record."""
    out = {}
    for record in read_truth(sample):
        for url in record.urls:
            host, path = url.split("/", 3)[2], "/" + url.split("/", 3)[3]
            out[(host, path)] = record
    return out


def article_hits(hits: list[Hit], sample: Path) -> list[Hit]:
    pages = page_paths(sample)
    return [h for h in hits if (h.host, h.target.split("?")[0]) in pages]


def listing_pages(sample: Path) -> list[tuple[str, str, int]]:
    """(host, listing base, N) of every listing page N > 1 the generator wrote."""
    found = []
    for file in (sample / "site").rglob("page/*/index.html"):
        rel = file.parent.relative_to(sample / "site").as_posix()
        host, rest = rel.split("/", 1)
        base, n = rest.rsplit("/page/", 1)
        found.append((host, f"/{base}/", int(n)))
    return sorted(found)


def assert_every_record(data_dir: Path, sample: Path) -> None:
    settings_path = data_dir.parent / "settings.toml"
    got = records_of(load(settings_path, environ={}))
    truth = {r.id: comparable(r) for r in read_truth(sample)}
    assert {rid: comparable(r) for rid, r in got.items()} == truth


# --- 1. what the site links ------------------------------------------------------------------


@pytest.mark.parametrize("form", ["query", "path"])
def test_a_site_serving_one_form_of_listing_pages_gets_that_form(tmp_path: Path, form: str) -> None:
    """The server answers only ``?paged=N`` (or only ``/page/N/``) and links only that form; no
    sitemap, so listings are the only way to the texts on later pages."""
    sample = site(tmp_path)
    paged = listing_pages(sample)
    assert len(paged) >= 4, "the sample has later listing pages to walk"
    with serve(sample / "site", paged=form, sitemap=False) as srv:
        report, hits = crawl(srv, tmp_path)
    assert_every_record(tmp_path / "data", sample)
    targets = Counter((h.host, h.target) for h in hits)
    for host, base, n in paged:
        want = f"{base}?paged={n}" if form == "query" else f"{base}page/{n}/"
        other = f"{base}page/{n}/" if form == "query" else f"{base}?paged={n}"
        assert targets[(host, want)] == 1, (host, want)
        assert targets[(host, other)] == 0, (host, other)
    missing = [h.target for h in hits if h.status == 404]
    assert sorted(missing) == sorted([*USUAL, *USUAL]), "only the usual sitemap paths were missing (two hosts)"
    assert report["counts"].get("failed", 0) == 0


def test_two_links_to_one_page_in_both_forms_fetch_it_once(tmp_path: Path) -> None:
    """Odd listing pages link their neighbours as ``?paged=N``, the others as ``/page/N/``: each
    listing page is linked in both forms from two pages, and asked for once."""
    sample = site(tmp_path)
    paged = listing_pages(sample)
    rewritten = 0
    for host, base, n in paged:
        if n % 2:
            file = sample / "site" / host / base.strip("/") / "page" / str(n) / "index.html"
            text, links = re.subn(
                r'href="([^"?]*/)page/(\d+)/"', r'href="\1?paged=\2"', file.read_text(encoding="utf-8")
            )
            file.write_text(text, encoding="utf-8")
            rewritten += links
    assert rewritten >= 4, "pages linked in the query form from some pages, the path form from others"
    with serve(sample / "site", sitemap=False) as srv:
        _, hits = crawl(srv, tmp_path)
    targets = Counter((h.host, h.target) for h in hits)
    for host, base, n in paged:
        assert targets[(host, f"{base}page/{n}/")] + targets[(host, f"{base}?paged={n}")] == 1, (host, base, n)
    assert [t for t, k in targets.items() if k > 1] == [], "no URL asked for twice"
    assert_every_record(tmp_path / "data", sample)


# --- 2. conditional requests -----------------------------------------------------------------


def warc_records(data_dir: Path, run_id: int) -> list[tuple[str, dict[str, str]]]:
    with (data_dir / "warc" / f"run-{run_id:05d}.warc.gz").open("rb") as fh:
        return [(r.rec_type, dict(r.rec_headers.headers)) for r in ArchiveIterator(fh)]


def test_refresh_asks_conditionally_and_counts_304s_as_unchanged(tmp_path: Path) -> None:
    """Over gzip and chunked responses: a refresh of an unchanged site is all 304s; one page
    changed on disk is the one page sent again, and its one new version."""
    sample = site(tmp_path, count=80)
    pages = page_paths(sample)
    with serve(sample / "site", gzip=True, chunked=True) as srv:
        _, first_hits = crawl(srv, tmp_path)
        assert {(h.host, h.target.split("?")[0]) for h in article_hits(first_hits, sample)} == set(pages)
        assert all(h.if_none_match is None and h.status == 200 for h in first_hits)
        assert_every_record(tmp_path / "data", sample)
        with (tmp_path / "data" / "warc" / "run-00001.warc.gz").open("rb") as fh:
            encodings = Counter(
                r.http_headers.get_header("Content-Encoding") for r in ArchiveIterator(fh) if r.rec_type == "response"
            )
        assert encodings == {"gzip": len(first_hits)}, "every response went over the wire gzip-encoded"

        again, hits = crawl(srv, tmp_path, "--refresh")
        articles = article_hits(hits, sample)
        assert len(articles) == len(pages)
        assert all(h.status == 304 and h.if_none_match and h.if_modified_since and h.sent == 0 for h in articles)
        counts = again["counts"]
        assert (counts["not_modified"], counts["unchanged"]) == (len(pages), len(pages))
        assert not {"new", "changed", "failed"} & {k for k, v in counts.items() if v}
        with RecordStore(tmp_path / "data", create=False) as store:
            run = store.runs()[-1]
            assert run["counts"]["not_modified"] == len(pages) and run["status"] == "ok"
            assert all(len(store.history(r.id)) == 1 for r in read_truth(sample))
        revisits = [h for kind, h in warc_records(tmp_path / "data", run["id"]) if kind == "revisit"]
        assert len(revisits) == len(pages)
        assert all(h["WARC-Profile"].endswith("/revisit/server-not-modified") for h in revisits)
        assert all(h.get("WARC-Refers-To-Date") for h in revisits), "each names the capture it confirms"

        target = next(r for r in read_truth(sample) if r.layout == "current" and len(r.urls) == 1)
        path = "/" + target.urls[0].split("/", 3)[3]
        file = sample / "site" / PRO / path.strip("/") / "index.html"
        file.write_text(
            file.read_text(encoding="utf-8").replace(target.lead[:40], "A corrected first sentence."), encoding="utf-8"
        )
        third, hits = crawl(srv, tmp_path, "--refresh")
    sent = [(h.host, h.target) for h in article_hits(hits, sample) if h.status == 200]
    assert sent == [(PRO, path)]
    assert third["counts"]["changed"] == 1 and third["counts"]["not_modified"] == len(pages) - 1
    with RecordStore(tmp_path / "data", create=False) as store:
        assert [h["version"] for h in store.history(target.id)] == [1, 2]
        assert store.get(target.id).lead.startswith("A corrected first sentence.")
        capture = store.captures_of(target.urls[0])[-1]
        assert capture[1] == 200, "the newest capture is the changed page, not a 304"


def test_reparse_after_a_refresh_keeps_records_and_validators(tmp_path: Path) -> None:
    """A 304 leaves the page's full capture the newest one (a re-parse reads it, nothing is
    removed); a re-parse keeps the validators, so the next refresh is 304s again."""
    sample = site(tmp_path, count=30)
    with serve(sample / "site") as srv:
        crawl(srv, tmp_path)
        _, hits = crawl(srv, tmp_path, "--refresh")
        assert {h.status for h in article_hits(hits, sample)} == {304}
        done = run_sitrep("--settings", str(tmp_path / "settings.toml"), "reparse", "--json")
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert (report["removed"], report["changed"], report["records"]) == ([], {}, 30)
        _, hits = crawl(srv, tmp_path, "--refresh")
    assert {h.status for h in article_hits(hits, sample)} == {304}


# --- 3. sitemaps -----------------------------------------------------------------------------


def test_the_sitemap_finds_texts_no_listing_or_feed_links(tmp_path: Path) -> None:
    """Five texts unlinked from every listing and feed: the sitemap finds them; without a
    sitemap they are missed (so it was the sitemap that found them)."""
    sample = site(tmp_path, count=80)
    hidden = [r for r in read_truth(sample) if r.layout == "current" and len(r.urls) == 1][:5]
    paths = ["/" + r.urls[0].split("/", 3)[3] for r in hidden]
    for file in (sample / "site").rglob("index.*"):
        text = file.read_text(encoding="utf-8")
        for path in paths:
            if file.parent != sample / "site" / PRO / path.strip("/"):
                text = text.replace(f'href="{path}"', 'href="#"').replace(f"https://{PRO}{path}<", f"https://{PRO}/<")
        file.write_text(text, encoding="utf-8")
    truth = {r.id for r in read_truth(sample)}
    found = {}
    for sitemap in (True, False):
        folder = tmp_path / f"sitemap-{sitemap}"
        folder.mkdir()
        with serve(sample / "site", sitemap=sitemap) as srv:
            path = sample_settings(srv, folder / "data", folder / "settings.toml")
            done = run_sitrep("--settings", str(path), "crawl", "--json")
        assert done.returncode == 0, done.stderr
        found[sitemap] = set(records_of(load(path, environ={})))
    assert found[True] == truth
    assert found[False] == truth - {r.id for r in hidden}


def test_a_later_crawl_fetches_only_the_page_whose_lastmod_is_newer(tmp_path: Path) -> None:
    sample = site(tmp_path, count=80)
    target = next(r for r in read_truth(sample) if r.layout == "current" and len(r.urls) == 1)
    path = "/" + target.urls[0].split("/", 3)[3]
    file = sample / "site" / PRO / path.strip("/") / "index.html"
    with serve(sample / "site") as srv:
        _, first = crawl(srv, tmp_path)
        asked = Counter((h.host, h.target) for h in first)
        for host in (PRO, INFO):  # robots.txt names the sitemap index: every child read, nothing guessed
            assert asked[(host, "/robots.txt")] == 1, "robots.txt read once, for its rules and its sitemaps"
            assert asked[(host, "/sitemap_index.xml")] == 1
            children = {t: n for (h, t), n in asked.items() if h == host and re.fullmatch(r"/sitemap-\d+\.xml", t)}
            pages = sum(1 for _ in (sample / "site" / host).rglob("index.html"))
            assert len(children) == -(-pages // 100) > 0 and set(children.values()) == {1}, "each child once"
            assert not asked[(host, "/wp-sitemap.xml")] + asked[(host, "/sitemap.xml")]
        _, quiet = crawl(srv, tmp_path)
        assert article_hits(quiet, sample) == [], "nothing dated after the first crawl: no page asked for"
        file.write_text(
            file.read_text(encoding="utf-8").replace(target.lead[:40], "A corrected first sentence."), encoding="utf-8"
        )
        later = time.time() + 120  # lastmod clearly after the first crawl, whatever the clock's second
        os.utime(file, (later, later))
        report, hits = crawl(srv, tmp_path)
    assert [(h.host, h.target, h.status) for h in article_hits(hits, sample)] == [(PRO, path, 200)]
    assert report["counts"]["changed"] == 1
    with RecordStore(tmp_path / "data", create=False) as store:
        assert [h["version"] for h in store.history(target.id)] == [1, 2]


def test_not_obeying_robots_the_spider_reads_it_for_sitemaps_and_a_missing_one_is_no_failure(tmp_path: Path) -> None:
    """With ``obey_robots = false`` Scrapy fetches no robots.txt: the spider asks for it itself,
    once per host; on a site whose robots.txt is missing, the usual paths are tried and all
    their 404s are dropped URLs, not failures."""
    sample = site(tmp_path, count=30)
    for host in (PRO, INFO):
        (sample / "site" / host / "robots.txt").unlink()
    with serve(sample / "site", sitemap=False) as srv:
        path = sample_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        path.write_text(path.read_text().replace("[crawl]\n", "[crawl]\nobey_robots = false\n"))
        report, hits = crawl(srv, tmp_path)
    asked = Counter((h.host, h.target) for h in hits if h.status == 404)
    assert asked == {(host, p): 1 for host in (PRO, INFO) for p in ("/robots.txt", *USUAL)}
    assert report["counts"].get("failed", 0) == 0 and report["status"] == "ok"
    with RecordStore(tmp_path / "data", create=False) as store:
        dropped = {url: reason for url, outcome, reason in store.ledger(report["run_id"]) if outcome == "dropped"}
    private = [url for url in dropped if url.endswith("/private/draft-of-the-week/")]
    assert len(private) == 1 and dropped.pop(private[0]).startswith("parse error"), "not obeyed: fetched, no article"
    assert sorted(dropped.values()) == ["no sitemap here (HTTP 404)"] * 8
    assert_every_record(tmp_path / "data", sample)
