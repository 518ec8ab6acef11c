"""README's Scrapyd steps, for real: a Scrapyd on 127.0.0.1 with folders of its own, the egg
built and uploaded by `scrapyd-deploy` from a copy of this checkout, the `situation` job
scheduled against the sample server, and what it leaves compared with `sitrep crawl` of the
same sample: the records (against the generator's truth), the run's row, the listings marked
walked, the index and a search answer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sitrep.config import Settings, load
from sitrep.crawler.sample.generate import read_truth
from sitrep.crawler.sample.server import serve
from sitrep.index.store import RecordStore
from tests.conftest import ROOT, free_port, run_sitrep, sample_settings
from tests.test_crawl import comparable, records_of, small_site

BIN = Path(sys.executable).parent
EGG_SOURCES = ("pyproject.toml", "setup.py", "scrapy.cfg", "README.md", "sitrep", "crawler", "index", "search")
JOB_SECONDS = 240  # bounds, not expectations: a 40-text crawl of the loopback sample takes seconds


def api(url: str, data: dict[str, str] | None = None) -> Any:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as answer:
        return json.loads(answer.read())


@contextmanager
def scrapyd(folder: Path) -> Iterator[str]:
    """A Scrapyd whose eggs, logs and job database live in ``folder``; stopped at the end.

    Its environment has no SITREP_SETTINGS: the job finds settings.toml through the setting it
    is scheduled with, as README tells an operator."""
    port = free_port()
    folder.mkdir()
    (folder / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\neggs_dir = {folder / 'eggs'}\nlogs_dir = {folder / 'logs'}\n"
        f"dbs_dir = {folder / 'dbs'}\npoll_interval = 0.2\nmax_proc = 1\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITREP_")}
    log = (folder / "scrapyd.out").open("w")
    proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, (folder / "scrapyd.out").read_text()
            try:
                assert api(url + "daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                assert time.monotonic() < deadline, "Scrapyd did not answer within 30 s"
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(15)
        log.close()


def deploy(url: str, project: Path) -> None:
    """`scrapyd-deploy` as README says, in a copy of the checkout whose scrapy.cfg names this Scrapyd."""
    project.mkdir()
    for name in EGG_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, project / name)
    cfg = project / "scrapy.cfg"
    cfg.write_text(cfg.read_text().replace("http://localhost:6800/", url), encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "-v", "1"], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["status"] == "ok", done.stdout
    assert api(url + "listspiders.json?project=sitrep")["spiders"] == ["situation"]


def run_job(url: str, settings_file: Path) -> dict[str, Any]:
    """Schedule the spider with settings.toml named by the SITREP_SETTINGS setting; wait for it to end."""
    job = api(
        url + "schedule.json",
        {"project": "sitrep", "spider": "situation", "setting": f"SITREP_SETTINGS={settings_file}"},
    )["jobid"]
    deadline = time.monotonic() + JOB_SECONDS
    while True:
        finished = {j["id"]: j for j in api(url + "listjobs.json?project=sitrep")["finished"]}
        if job in finished:
            return finished[job]
        assert time.monotonic() < deadline, f"the Scrapyd job did not finish within {JOB_SECONDS} s"
        time.sleep(0.5)


def outcome(settings: Settings, path: Path) -> dict[str, Any]:
    """What a crawl leaves that another runner must leave the same."""
    with RecordStore(settings.data_dir, create=False) as store:
        runs = store.runs()
        walked = store.walked()
    found = run_sitrep("--settings", str(path), "search", "--json", "--limit", "100", "sanctions OR army")
    assert found.returncode == 0, found.stderr
    answer = json.loads(found.stdout)
    return {
        "records": {rid: comparable(r) for rid, r in records_of(settings).items()},
        "runs": [(r["status"], r["exit_code"]) for r in runs],
        "walked": walked,
        "search": (answer["total"], [h["id"] for h in answer["hits"]]),
    }


def test_a_scrapyd_job_is_the_same_crawl_as_sitrep_crawl(tmp_path: Path) -> None:
    sample = small_site(tmp_path, count=40)
    truth = {r.id: comparable(r) for r in read_truth(sample)}
    with serve(sample / "site") as srv:
        by_job = sample_settings(srv, tmp_path / "job-data", tmp_path / "job.toml")
        by_cli = sample_settings(srv, tmp_path / "cli-data", tmp_path / "cli.toml")
        with scrapyd(tmp_path / "scrapyd") as url:
            deploy(url, tmp_path / "project")
            job = run_job(url, by_job)
        logs = list((tmp_path / "scrapyd" / "logs").rglob(f"{job['id']}.log"))
        assert len(logs) == 1, "Scrapyd keeps the job's Scrapy log in its logs_dir"
        log = logs[0].read_text(encoding="utf-8")
        assert "ERROR" not in log and "Traceback" not in log, log[-3000:]
        assert run_sitrep("--settings", str(by_cli), "crawl").returncode == 0
        got, want = outcome(load(by_job, environ={}), by_job), outcome(load(by_cli, environ={}), by_cli)
    assert got["records"] == truth, "the job stored every text as the generator wrote it"
    assert got["runs"] == [("ok", 0)], "the job's run row is finished, with its verdict"
    assert got["walked"], "the job marks the listings it walked to their end"
    assert got["search"][0] > 0
    assert got == want, "a Scrapyd job leaves what `sitrep crawl` leaves"
