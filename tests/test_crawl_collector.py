"""The garbage collector during a crawl (crawler/collector.py): what was loaded before is frozen
and young objects are collected less often while the crawl runs, cycles are still collected,
and a program that ran the crawl in-process gets its collector back as it was."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sitrep.crawler.sample.server import serve
from tests.conftest import sample_settings
from tests.test_crawl import small_site

CRAWL = """
import gc, json, sys, threading, time
from sitrep.config import load
from sitrep.crawler.run import crawl

settings = load(sys.argv[1], environ={})
gc.set_threshold(500, 11, 12)  # the embedding program's own tuning, to be given back
during = {}
def watch():
    warc = settings.data_dir / "warc" / "run-00001.warc.gz"
    while not (warc.exists() and warc.stat().st_size > 20000):
        time.sleep(0.02)
    during.update(threshold=gc.get_threshold(), frozen=gc.get_freeze_count(), collections=gc.get_count())
threading.Thread(target=watch, daemon=True).start()
collected = sum(s["collections"] for s in gc.get_stats())
report = crawl(settings)
print(json.dumps({
    "status": report.status,
    "new": report.counts.get("new", 0),
    "during": during,
    "after": {"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count()},
    "collections": sum(s["collections"] for s in gc.get_stats()) - collected,
}))
"""


def test_a_crawl_freezes_its_start_and_gives_the_collector_back(tmp_path: Path) -> None:
    sample = small_site(tmp_path, count=20)
    with serve(sample / "site") as srv:
        path = sample_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        done = subprocess.run(
            [sys.executable, "-c", CRAWL, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=300
        )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert (out["status"], out["new"]) == ("ok", 20)
    # while it ran: what existed at the start frozen, young objects collected every 7,000 allocations
    assert out["during"]["frozen"] > 10_000
    assert out["during"]["threshold"] == [7000, 11, 12]
    assert out["collections"] > 0  # cycles are still collected, only less often
    # afterwards: the program's own thresholds, nothing left frozen
    assert out["after"] == {"threshold": [500, 11, 12], "frozen": 0}


def test_crawls_side_by_side_share_the_tuning_and_the_last_gives_it_back() -> None:
    """Two crawlers in one process: the first to open tunes, the last to close restores."""
    import gc

    from sitrep.crawler.collector import CrawlCollector

    before = gc.get_threshold()
    gc.set_threshold(600, 9, 8)
    first, second = CrawlCollector(), CrawlCollector()
    try:
        first.opened()
        second.opened()
        assert gc.get_threshold() == (7000, 9, 8) and gc.get_freeze_count() > 0
        first.closed()
        assert gc.get_threshold() == (7000, 9, 8)  # the second crawl still runs
        second.closed()
        second.closed()  # a second signal changes nothing
        assert gc.get_threshold() == (600, 9, 8) and gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
