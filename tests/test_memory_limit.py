"""crawl.memory_limit_mb counts the crawl's own memory: a crawl started from Python in a process
that once used more than the limit (a notebook, a test run) is not stopped for it, and a crawl
whose memory really grows past the limit still is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitrep.crawler.sample.server import serve
from tests.conftest import sample_settings
from tests.test_crawl import small_site

BIG_MB = 400  # more than the default limit (300 MB)

CRAWL = """
import sys, threading, time
from sitrep.config import load
from sitrep.crawler.run import crawl

def grow(mb):
    return b"x" * (mb * 1024 * 1024)  # written, so resident

settings = load(sys.argv[1], environ={})
mode, big_mb = sys.argv[2], int(sys.argv[3])
if mode == "peaked":  # the process used big_mb once and gave it back before the crawl
    big = grow(big_mb)
    del big
else:  # the crawl's memory grows past the limit once pages come in, and stays
    held = []
    def when_crawling():
        warc = settings.data_dir / "warc" / "run-00001.warc.gz"
        while not (warc.exists() and warc.stat().st_size > 20000):
            time.sleep(0.05)
        held.append(grow(big_mb))
    threading.Thread(target=when_crawling, daemon=True).start()
report = crawl(settings)
print(report.status, report.counts.get("new", 0))
"""


def run(tmp_path: Path, mode: str, delay: float = 0.0) -> str:
    sample = small_site(tmp_path, count=20)
    with serve(sample / "site") as srv:
        path = sample_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        text = path.read_text(encoding="utf-8").replace(
            "download_delay = 0.0\n", f"download_delay = {delay}\nmemory_check_seconds = 0.1\n"
        )
        path.write_text(text, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-c", CRAWL, str(path), mode, str(BIG_MB)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def stopped_for_memory(tmp_path: Path) -> bool:
    (log,) = (tmp_path / "data" / "logs").glob("run-*.log")
    return "Memory usage exceeded" in log.read_text(encoding="utf-8")


def test_a_process_that_peaked_before_the_crawl_crawls_whole(tmp_path: Path) -> None:
    assert run(tmp_path, "peaked") == "ok 20"
    assert not stopped_for_memory(tmp_path)


def test_memory_the_crawl_holds_past_the_limit_stops_it(tmp_path: Path) -> None:
    # a delay keeps the 20-page crawl running for the check to see the growth
    status, new = run(tmp_path, "grows", delay=0.3).split()[:2]
    assert status == "failed" and int(new) < 20
    assert stopped_for_memory(tmp_path)
