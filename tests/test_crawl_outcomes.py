"""How a crawl ends when the world gets in the way, as cron sees it: no network, a full disk,
the time limit. One line on stderr, an exit code of its own, nothing half-written."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from sitrep.config import load
from sitrep.crawler.sample.generate import read_truth
from sitrep.crawler.sample.server import serve
from sitrep.index.store import RecordStore
from sitrep.index.warc import read_capture
from tests.conftest import run_sitrep, sample_settings
from tests.test_crawl import comparable, records_of, slow_settings, small_site


def test_offline_is_one_line_before_any_fetch(tmp_path: Path) -> None:
    """Hosts under .invalid never resolve (RFC 2606), online or not: the same as no network."""
    path = tmp_path / "settings.toml"
    path.write_text(
        f'[storage]\ndata_dir = "{tmp_path / "data"}"\n[crawl]\ncontact_url = "https://example.org/me"\n[sites.belarusinfocus]\ncanonical_host = "belarusinfocus.invalid"\n'
        'hosts = ["belarusinfocus.invalid"]\nstart_urls = ["https://belarusinfocus.invalid/analytics/"]\n'
    )
    done = run_sitrep("--settings", str(path), "crawl", timeout=60)
    assert done.returncode == 9
    assert done.stderr.splitlines() == [
        "Error: cannot resolve belarusinfocus.invalid (is the network up? For a local copy of the site, set crawl.resolve)"
    ]
    assert not (tmp_path / "data" / "warc").exists(), "nothing was started"


def test_the_time_limit_is_its_own_outcome(tmp_path: Path) -> None:
    sample = small_site(tmp_path, count=80)
    with serve(sample / "site") as srv:
        path = slow_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        path.write_text(path.read_text().replace("download_delay = 0.01", "download_delay = 0.2\ntime_limit = 1.0"))
        done = run_sitrep("--settings", str(path), "crawl", "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 11 and report["status"] == "time-limit"
    assert "crawl.time_limit" in report["verdict"] and report["counts"]["pending"] > 0
    assert all(reason.startswith("HTTP 404") for _, reason in report["failures"]), "queued URLs did not fail"
    with RecordStore(load(path, environ={}).data_dir, create=False) as store:
        pending = [r for _, outcome, r in store.ledger(report["run_id"]) if outcome == "pending"]
    assert len(pending) == report["counts"]["pending"] and all("time_limit" in r for r in pending)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs: a real full disk for a real crawl (needs root, as CI and this machine have)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_a_full_disk_stops_the_crawl_with_one_line_and_nothing_half_written(tmp_path: Path, small_disk: Path) -> None:
    sample = small_site(tmp_path, count=120)
    truth = {r.id: comparable(r) for r in read_truth(sample)}
    with serve(sample / "site") as srv:
        path = sample_settings(srv, small_disk / "data", tmp_path / "settings.toml")
        done = run_sitrep("--settings", str(path), "crawl", timeout=120)
        assert done.returncode == 10, done.stderr
        (line,) = done.stderr.splitlines()
        assert line.startswith("Error: the disk holding") and "is full" in line and "free some space" in line
        data = tmp_path / "copy"
        subprocess.run(["cp", "-a", str(small_disk / "data"), str(data)], check=True)
        db = sqlite3.connect(data / RecordStore.FILE)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        captures = db.execute("SELECT warc, offset FROM captures").fetchall()
        db.close()
        for warc in (data / "warc").glob("*.warc.gz"):
            with warc.open("rb") as fh:
                assert [r.rec_type for r in ArchiveIterator(fh)], "every record in the file reads whole"
        for warc, offset in captures:
            read_capture(data / "warc", warc, offset)  # each stored capture points at a whole record
        path.write_text(path.read_text().replace(str(small_disk / "data"), str(data)))
        again = run_sitrep("--settings", str(path), "crawl")
    assert again.returncode == 0, again.stderr
    assert {rid: comparable(r) for rid, r in records_of(load(path, environ={})).items()} == truth


def test_a_live_crawl_with_the_default_contact_url_is_refused(tmp_path: Path) -> None:
    done = run_sitrep("--data-dir", str(tmp_path / "data"), "crawl", cwd=tmp_path, timeout=60)
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "crawl.contact_url" in done.stderr
    assert not (tmp_path / "data" / "warc").exists()
