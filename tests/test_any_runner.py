"""One crawl, any runner: `scrapy crawl situation` does what `sitrep crawl` does around the
spider (settings.toml's [crawl], the lock, the run's row and verdict, listing bookkeeping, the
index), and a crawl started from Python leaves the process environment as it found it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sitrep.config import load
from sitrep.crawler.sample.generate import read_truth
from sitrep.crawler.sample.server import serve
from sitrep.index.store import RecordStore
from tests.conftest import ROOT, run_sitrep, sample_settings
from tests.test_crawl import comparable, records_of, small_site


def test_scrapy_crawl_situation_is_a_whole_crawl(tmp_path: Path) -> None:
    sample = small_site(tmp_path, count=40)
    truth = {r.id: comparable(r) for r in read_truth(sample)}
    with serve(sample / "site") as srv:
        path = sample_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        env = {**os.environ, "SITREP_SETTINGS": str(path)}
        scrapy = str(Path(sys.executable).parent / "scrapy")
        done = subprocess.run(
            [scrapy, "crawl", "situation"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
        settings = load(path, environ={})
        assert {rid: comparable(r) for rid, r in records_of(settings).items()} == truth
        with RecordStore(settings.data_dir, create=False) as store:
            runs = store.runs()
            walked = store.walked()
        assert [(r["status"], r["exit_code"]) for r in runs] == [("ok", 0)], "the run's row is finished"
        assert walked, "listings walked to their end are recorded, so the next run stops early"
        found = run_sitrep("--settings", str(path), "search", "--json", "--limit", "1")
        assert json.loads(found.stdout)["total"] == 40, "the index was updated"
        again = run_sitrep("--settings", str(path), "crawl", "--json")
    counts = json.loads(again.stdout)["counts"]  # (the small sample's 404 listings may fail its verdict)
    assert counts.get("new", 0) == counts.get("changed", 0) == 0, "`sitrep crawl` goes on from the Scrapy run"


def test_a_crawl_from_python_leaves_the_environment_alone(tmp_path: Path) -> None:
    sample = small_site(tmp_path, count=20)
    with serve(sample / "site") as srv:
        path = sample_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        script = (
            "import os, sys\n"
            "from sitrep import Archive\n"
            "from sitrep.config import load\n"
            "from sitrep.crawler.run import crawl\n"
            "before = dict(os.environ)\n"
            f"settings = load({str(path)!r}, environ={{}})\n"
            "report = crawl(settings)\n"
            "assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())\n"
            "with Archive.open(settings.data_dir) as archive:\n"
            "    print(report.status, archive.search('').total)\n"
        )
        done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["ok", "20"]
