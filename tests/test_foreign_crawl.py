"""A whole sample site in a foreign chrome, crawled end to end by a real `sitrep crawl` on 127.0.0.1.

Every article page is a Drupal 7 node (breadcrumb topic, "Submitted … on <week>" after the
title, labelled verdict and status fields, the status after the text, a comment thread, a
dated sidebar) and every listing a flat view with the date before each title and no element per
entry, plus a footer link that matches the article URL rules. The records must equal the
generator's truth, field by field, as they do for the sample's own markup.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.config import load
from sitrep.crawler import urls as urlrules
from sitrep.crawler.sample.generate import generate, read_truth
from sitrep.crawler.sample.server import serve
from sitrep.index.store import RecordStore
from tests.conftest import run_sitrep, sample_settings

CHROME = "drupal7"


@pytest.mark.slow
def test_a_sample_site_in_a_foreign_chrome_crawls_to_the_truth(tmp_path: Path) -> None:
    manifest = generate(tmp_path / "sample", count=120, seed=4242, chrome_name=CHROME)
    truth = {r.id: r for r in read_truth(tmp_path / "sample")}
    page = next((tmp_path / "sample" / "site" / "belarusinfocus.pro").glob("*/*/index.html")).read_text("utf-8")
    assert 'class="node node-article"' in page and "Submitted" in page  # the chrome really is on the pages
    with serve(tmp_path / "sample" / "site") as server:
        path = sample_settings(server, tmp_path / "data", tmp_path / "settings.toml")
        done = run_sitrep("--settings", str(path), "crawl")
        requested = {p for _, p in server.requests}
    assert done.returncode == 0, done.stderr
    assert "crawl ok" in done.stderr + done.stdout
    settings = load(path, environ={})
    with RecordStore(settings.data_dir, create=False) as store:
        got = {r.id: r for r in store.records()}
        counts = store.runs()[0]["counts"]
    assert set(got) == set(truth)
    ignore = {"fetched_at", "title_source"}  # the chrome's <title> has no og:title: another rule finds it
    wrong = [
        (rid, name, getattr(got[rid], name), getattr(truth[rid], name))
        for rid in truth
        for name in got[rid].to_dict()
        if name not in ignore and getattr(got[rid], name) != getattr(truth[rid], name)
    ]
    assert wrong == []
    assert not {"/impressum/", "/kontakt/"} & requested, "a listing's footer link was fetched as an article"
    site_dir = tmp_path / "sample" / "site"
    listings = set()
    for host in ("belarusinfocus.pro", "belarusinfocus.info"):
        for index in (site_dir / host).rglob("index.html"):
            path = "/" + "".join(f"{part}/" for part in index.parent.relative_to(site_dir / host).parts)
            if urlrules.is_listing(f"https://{host}{path}", settings.site):
                listings.add(path)
    assert len(listings) == manifest["listing_pages"] and listings <= requested, listings - requested
    assert counts.get("internal_errors", 0) == 0 and counts.get("parse_errors", 0) == 0
    assert counts["undated"] < counts["parsed"]
