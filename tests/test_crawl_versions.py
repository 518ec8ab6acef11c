"""Versions mean change: kills and re-runs, re-parses and robots.txt write no history version of
a text that did not change; a parser change writes one, marked as a re-parse."""

from __future__ import annotations

import json
import shutil
import signal
import time
from pathlib import Path

import pytest

from sitrep.config import Settings, load
from sitrep.crawler.sample.generate import read_truth
from sitrep.crawler.sample.server import serve
from sitrep.index.store import RecordStore
from sitrep.record import Record
from tests.conftest import run_sitrep, sample_settings
from tests.test_crawl import comparable, pages_stored, records_of, slow_settings, small_site, start_crawl


def versions_after_the_first(settings: Settings) -> list[tuple[str, int, str]]:
    with RecordStore(settings.data_dir, create=False) as store:
        ids = [r.id for r in store.records()]
        return [(rid, h["version"], h["cause"]) for rid in ids for h in store.history(rid) if h["version"] > 1]


@pytest.mark.slow
def test_killed_crawls_rerun_without_spurious_versions(tmp_path: Path) -> None:
    """SIGKILL after 3, 40 and 100 stored pages (of ~150, texts on two hosts); each re-run
    completes the half-assembled records in place: the site changed nothing, so no version 2."""
    sample = small_site(tmp_path, count=120)
    truth = {r.id: comparable(r) for r in read_truth(sample)}
    with serve(sample / "site") as srv:
        for n, threshold in enumerate([3, 40, 100]):
            data = tmp_path / f"data{n}"
            path = slow_settings(srv, data, tmp_path / f"settings{n}.toml")
            proc = start_crawl(path)
            deadline = time.monotonic() + 60
            while pages_stored(data) < threshold and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            assert proc.poll() is None, f"kill point {n}: the crawl ended before it could be killed"
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            rerun = run_sitrep("--settings", str(path), "crawl")
            assert rerun.returncode == 0, rerun.stderr
            settings = load(path, environ={})
            assert {rid: comparable(r) for rid, r in records_of(settings).items()} == truth, f"kill point {n}"
            assert versions_after_the_first(settings) == [], f"kill point {n}: versions of unchanged texts"


def test_a_recrawl_of_unchanged_texts_writes_no_version_and_indexes_nothing(tmp_path: Path) -> None:
    """Every page served again with other bytes (a comment added, as a cache plugin stamps its
    pages), so fetched and parsed again rather than answered 304: the texts are the same, so no
    version 2 and nothing for the index, though each record's fetch time moves in the store."""
    sample = small_site(tmp_path, count=30)
    pages = list((sample / "site").rglob("index.html"))
    with serve(sample / "site") as srv:
        path = sample_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        first = run_sitrep("--settings", str(path), "crawl")
        assert first.returncode == 0, first.stderr
        for page in pages:
            page.write_text(page.read_text(encoding="utf-8") + "\n<!-- served again -->\n", encoding="utf-8")
        again = run_sitrep("--settings", str(path), "crawl", "--refresh")
    assert again.returncode == 0, again.stderr
    articles = sum(1 for r in read_truth(sample) for _ in r.urls)
    assert f"0 new, 0 changed, {articles} unchanged," in again.stdout, again.stdout
    assert "; 0 indexed (run 2)" in again.stdout, again.stdout
    assert versions_after_the_first(load(path, environ={})) == []


def copy_of(crawled: Settings, tmp_path: Path, extra: str = "") -> Path:
    data = tmp_path / "data"
    shutil.copytree(crawled.data_dir, data, symlinks=True)
    path = tmp_path / "settings.toml"
    path.write_text(Path(crawled.source).read_text().replace(str(crawled.data_dir), str(data)) + extra)
    return path


def test_reparse_after_a_crawl_writes_no_version_and_never_parses_robots(crawled: Settings, tmp_path: Path) -> None:
    path = copy_of(crawled, tmp_path)
    done = run_sitrep("--settings", str(path), "reparse", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["parse_errors"] == [], "robots.txt (and nothing else) is not an article"
    assert versions_after_the_first(load(path, environ={})) == []


def test_a_parser_change_writes_one_version_marked_reparse(
    crawled: Settings, tmp_path: Path, truth: dict[str, Record]
) -> None:
    label = "The situation got better"
    path = copy_of(crawled, tmp_path, f'\n[sites.belarusinfocus.labels.en.trends]\n"{label}" = "unchanged"\n')
    assert run_sitrep("--settings", str(path), "reparse").returncode == 0
    affected = {r.id for r in truth.values() if r.trend_label == label}
    got = versions_after_the_first(load(path, environ={}))
    assert sorted(got) == sorted((rid, 2, "reparse") for rid in affected)
    again = run_sitrep("--settings", str(path), "reparse")  # the same parser again: nothing new
    assert again.returncode == 0 and versions_after_the_first(load(path, environ={})) == got


def test_an_archive_from_before_week_label_gets_no_false_versions_and_reparse_fills_it(
    crawled: Settings, tmp_path: Path, truth: dict[str, Record]
) -> None:
    """A store written before the parser kept the printed week: a refreshing crawl sees no change on
    the site (no version 2), and ``reparse`` gives every record the label its page printed."""
    path = copy_of(crawled, tmp_path)
    settings = load(path, environ={})
    with RecordStore(settings.data_dir, create=False) as store, store.transaction() as db:
        for table, key in (("pages", "url"), ("records", "id"), ("history", "rowid")):
            for ident, text in db.execute(f"SELECT {key}, json FROM {table}").fetchall():
                old = {k: v for k, v in json.loads(text).items() if k != "week_label"}
                db.execute(f"UPDATE {table} SET json = ? WHERE {key} = ?", (json.dumps(old), ident))
    recrawl = run_sitrep("--settings", str(path), "crawl", "--refresh")
    assert recrawl.returncode == 0, recrawl.stderr
    assert versions_after_the_first(settings) == []
    assert run_sitrep("--settings", str(path), "reparse").returncode == 0
    labels = {rid: r.week_label for rid, r in records_of(settings).items()}
    assert labels == {rid: r.week_label for rid, r in truth.items()}
    assert sum(bool(label) for label in labels.values()) > 100
