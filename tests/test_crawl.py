"""`sitrep crawl` as cron runs it: a subprocess, against the sample served on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from sitrep.config import Settings, load
from sitrep.crawler.sample.generate import generate, read_truth
from sitrep.crawler.sample.server import SampleServer, serve
from sitrep.index.store import RecordStore
from sitrep.record import Record
from tests.conftest import ROOT, SITREP, run_sitrep, sample_settings


def records_of(settings: Settings) -> dict[str, Record]:
    with RecordStore(settings.data_dir, create=False) as store:
        return {r.id: r for r in store.records()}


def comparable(record: Record) -> dict[str, object]:
    data = record.to_dict()
    data.pop("fetched_at")
    return data


def test_first_crawl_equals_the_ground_truth(crawled: Settings, truth: dict[str, Record]) -> None:
    got = records_of(crawled)
    assert set(got) == set(truth)
    assert [rid for rid in got if comparable(got[rid]) != comparable(truth[rid])] == []
    assert all(r.fetched_at for r in got.values())
    with RecordStore(crawled.data_dir, create=False) as store:
        counts = store.runs()[0]["counts"]
    unknown = [r for r in truth.values() if r.trend_label and not r.trend]
    assert counts["unknown_verdicts"] >= len(unknown) > 0, "an unknown verdict phrase is counted as a warning"


def test_robots_disallowed_path_is_never_fetched(crawled: Settings, server: SampleServer) -> None:
    assert server.requests, "the crawl went through the sample server"
    assert not [path for _, path in server.requests if path.startswith("/private/")]
    assert ("belarusinfocus.pro", "/robots.txt") in server.requests


def test_one_text_on_both_hosts_is_one_record_with_both_urls(crawled: Settings) -> None:
    both = [
        r
        for r in records_of(crawled).values()
        if {u.split("/")[2] for u in r.urls} == {"belarusinfocus.pro", "belarusinfocus.info"}
    ]
    assert both
    for record in both:
        assert record.url.startswith("https://belarusinfocus.pro/")


def test_every_response_is_in_a_standard_warc(crawled: Settings) -> None:
    with RecordStore(crawled.data_dir, create=False) as store:
        captures = store.latest_captures()
    files = sorted((crawled.data_dir / "warc").glob("*.warc.gz"))
    assert files
    responses = 0
    for path in files:
        with path.open("rb") as fh:
            records = list(ArchiveIterator(fh))
        assert records[0].rec_type == "warcinfo", "each file opens with a warcinfo record"
        ids = {r.rec_headers.get_header("WARC-Record-ID"): r for r in records if r.rec_type == "response"}
        for record in records[1:]:
            assert record.rec_type in ("response", "request")
            assert record.rec_headers.get_header("WARC-Target-URI").startswith("http")
            if record.rec_type == "request":
                pair = ids[record.rec_headers.get_header("WARC-Concurrent-To")]
                assert pair.rec_headers.get_header("WARC-Target-URI") == record.rec_headers.get_header(
                    "WARC-Target-URI"
                )
        responses += len(ids)
        assert len(ids) == sum(r.rec_type == "request" for r in records), "one request record per response"
    assert responses >= len(captures) > 500
    from sitrep.index.warc import read_capture

    with RecordStore(crawled.data_dir, create=False) as store:
        record = next(iter(records_of(crawled).values()))
        found = store.captures_of(record.urls[0])  # the lookup from a URL to its captures
    assert found
    _, status, warc, offset, _ = found[-1]
    capture = read_capture(crawled.data_dir / "warc", warc, offset)
    assert (
        (capture.status, status) == (200, 200)
        and record.title.encode() in capture.body
        and capture.url.endswith(record.urls[0].split("/", 3)[3])
        and capture.content_type.startswith("text/html")
    )
    with pytest.raises(ValueError, match="not a WARC file name"):
        read_capture(crawled.data_dir / "warc", "../records.sqlite3", 0)
    assert {kind for *_, kind in captures} == {"page", "listing", "feed", "robots", "sitemap"}


def test_second_crawl_fetches_only_listing_heads_and_finds_nothing_new(crawled: Settings, server: SampleServer) -> None:
    before = len(server.requests)
    done = run_sitrep("--settings", str(crawled.source), "crawl", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["counts"].get("new", 0) == 0 and report["counts"].get("changed", 0) == 0
    fetched = [path for _, path in server.requests[before:]]
    assert fetched, "the second crawl asked the server again"
    assert not [p for p in fetched if "/page/" in p or "paged=" in p], "only the first page of each listing"
    assert all(p.endswith(("/feed/", "/robots.txt")) or "analytics" in p or p.count("/") <= 2 for p in fetched), fetched
    assert len(records_of(crawled)) == 500


def small_site(tmp_path: Path, count: int = 80) -> Path:
    generate(tmp_path / "sample", count=count, seed=5)
    return tmp_path / "sample"


def test_refresh_records_one_changed_text(tmp_path: Path) -> None:
    """Without a sitemap to date the change, only --refresh finds it (test_crawl_polite: with one)."""
    sample = small_site(tmp_path)
    with serve(sample / "site", sitemap=False) as srv:
        path = sample_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        assert run_sitrep("--settings", str(path), "crawl").returncode == 0
        settings = load(path, environ={})
        target = next(r for r in read_truth(sample) if r.layout == "current" and len(r.urls) == 1)
        page = sample / "site" / "belarusinfocus.pro" / target.urls[0].split("belarusinfocus.pro/")[1] / "index.html"
        page.write_text(
            page.read_text(encoding="utf-8").replace(target.lead[:40], "A corrected first sentence."), encoding="utf-8"
        )
        plain = run_sitrep("--settings", str(path), "crawl", "--json")
        assert json.loads(plain.stdout)["counts"].get("changed", 0) == 0, (
            "without --refresh known pages are not fetched"
        )
        done = run_sitrep("--settings", str(path), "crawl", "--refresh", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["counts"]["changed"] == 1 and report["counts"].get("new", 0) == 0
    with RecordStore(settings.data_dir, create=False) as store:
        assert [h["version"] for h in store.history(target.id)] == [1, 2]
        assert store.get(target.id).lead.startswith("A corrected first sentence.")
        assert store.count() == 80


def start_crawl(settings_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.Popen(
        [*SITREP, "--settings", str(settings_path), "crawl"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def pages_stored(data_dir: Path) -> int:
    try:
        db = sqlite3.connect(data_dir / RecordStore.FILE, timeout=1)
        try:
            return int(db.execute("SELECT COUNT(*) FROM pages").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def slow_settings(srv: SampleServer, data_dir: Path, path: Path) -> Path:
    sample_settings(srv, data_dir, path)
    text = path.read_text().replace("concurrent_per_domain = 16", "concurrent_per_domain = 2")
    path.write_text(text.replace("download_delay = 0.0", "download_delay = 0.01"))
    return path


@pytest.mark.slow
def test_sigkilled_crawls_rerun_to_the_same_records(tmp_path: Path) -> None:
    """SIGKILL at five points chosen by progress, never by time: once the first request reached
    the server (nothing stored yet), then after 5, 40, 90 and 130 stored pages of ~150; one re-run each."""
    sample = small_site(tmp_path, count=120)
    truth = {r.id: comparable(r) for r in read_truth(sample)}
    with serve(sample / "site") as srv:
        for n, threshold in enumerate([0, 5, 40, 90, 130]):
            data = tmp_path / f"data{n}"
            path = slow_settings(srv, data, tmp_path / f"settings{n}.toml")
            requests_before = len(srv.requests)
            proc = start_crawl(path)
            while proc.poll() is None and (
                len(srv.requests) == requests_before if threshold == 0 else pages_stored(data) < threshold
            ):
                time.sleep(0.01)  # polling for progress; no deadline, the test's own timeout bounds it
            assert proc.poll() is None, f"kill point {n}: the crawl ended before it could be killed"
            proc.send_signal(signal.SIGKILL)
            assert proc.wait() == -signal.SIGKILL
            stored = pages_stored(data)
            assert stored >= threshold, f"kill point {n} landed after {stored} stored pages, not {threshold}"
            if threshold == 0:
                assert len(srv.requests) > requests_before
            rerun = run_sitrep("--settings", str(path), "crawl")
            assert rerun.returncode == 0, rerun.stderr
            got = records_of(load(path, environ={}))
            assert {rid: comparable(r) for rid, r in got.items()} == truth, f"kill point {n}"
            search = run_sitrep("--settings", str(path), "search", "--json", "--limit", "1")
            assert json.loads(search.stdout)["total"] == 120


def test_two_crawls_at_once_the_second_is_refused(tmp_path: Path) -> None:
    sample = small_site(tmp_path, count=120)
    with serve(sample / "site") as srv:
        path = slow_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        first = start_crawl(path)
        try:
            deadline = time.monotonic() + 30
            while pages_stored(tmp_path / "data") < 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            second = run_sitrep("--settings", str(path), "crawl", timeout=60)
        finally:
            first.wait(timeout=120)
    assert second.returncode == 5
    assert second.stderr.strip().count("\n") == 0
    assert "a crawl is already running" in second.stderr
    assert first.returncode == 0


def test_reparse_reports_exactly_the_records_a_parser_change_touches(
    crawled: Settings, tmp_path: Path, truth: dict[str, Record]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawled.data_dir, data, symlinks=True)
    changed_label = "The situation got better"
    text = Path(crawled.source).read_text().replace(str(crawled.data_dir), str(data))
    text += f'\n[sites.belarusinfocus.labels.en.trends]\n"{changed_label}" = "unchanged"\n'
    path = tmp_path / "settings.toml"
    path.write_text(text)
    done = run_sitrep("--settings", str(path), "reparse", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    affected = {r.id for r in truth.values() if r.trend_label == changed_label}
    assert affected
    assert set(report["changed"]) == affected
    assert all(fields == ["trend"] for fields in report["changed"].values())
    assert report["added"] == [] and report["removed"] == []


def test_reparse_without_changes_changes_nothing(crawled: Settings, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawled.data_dir, data, symlinks=True)
    path = tmp_path / "settings.toml"
    path.write_text(Path(crawled.source).read_text().replace(str(crawled.data_dir), str(data)))
    report = json.loads(run_sitrep("--settings", str(path), "reparse", "--json").stdout)
    assert (report["added"], report["removed"], report["changed"], report["records"]) == ([], [], {}, 500)


def test_scrapy_sees_the_spider() -> None:
    done = subprocess.run(
        [str(Path(os.sys.executable).parent / "scrapy"), "list"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["situation"]


ALIAS = '\n[countries.NA]\nen = ["Officials"]  # a user-added alias (Namibia, for the test)\n'


def test_aliases_added_in_settings_reach_the_crawl(tmp_path: Path) -> None:
    sample = small_site(tmp_path, count=40)
    with serve(sample / "site") as srv:
        path = sample_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        path.write_text(path.read_text() + ALIAS)
        assert run_sitrep("--settings", str(path), "crawl").returncode == 0
    got = records_of(load(path, environ={}))
    tagged = {rid for rid, r in got.items() if "NA" in r.countries}
    assert tagged and tagged == {rid for rid, r in got.items() if "Officials" in r.text}


def test_reparse_applies_aliases_added_in_settings(crawled: Settings, tmp_path: Path, truth: dict[str, Record]) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawled.data_dir, data, symlinks=True)
    path = tmp_path / "settings.toml"
    path.write_text(Path(crawled.source).read_text().replace(str(crawled.data_dir), str(data)) + ALIAS)
    report = json.loads(run_sitrep("--settings", str(path), "reparse", "--json").stdout)
    assert set(report["changed"]) == {r.id for r in truth.values() if "Officials" in r.text}
    assert all(set(fields) <= {"countries", "country_counts"} for fields in report["changed"].values())
