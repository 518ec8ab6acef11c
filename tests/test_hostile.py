"""A crawl against a hostile server: it ends in time, every URL ends in the ledger with a reason,
no garbage reaches the store or the index, and memory stays bounded."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from sitrep import Archive
from sitrep.config import load
from sitrep.index.store import RecordStore
from tests.conftest import ROOT, SITREP
from tests.hostile import EXPECTED, GOOD_TITLES, HOST, OFFSITE, HostileServer, settings_toml


class HighWater:
    """The crawl's memory: the high-water marks (VmHWM) of its process and every process under
    it, read every 0.1 s while it runs, summed (an upper bound of their peak together).

    Not getrusage(RUSAGE_CHILDREN): its peak is the largest of every child this test run has
    waited for, and a child started by vfork carries the test runner's own peak across exec, so
    it measured pytest (324 MB in CI once the suite had grown), not the crawl (~140 MB).
    """

    def __init__(self, pid: int) -> None:
        self.pid, self.seen_kb = pid, {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.done.wait(0.1):
            pids, i = [self.pid], 0
            while i < len(pids):
                for children in Path(f"/proc/{pids[i]}/task").glob("*/children"):
                    with contextlib.suppress(OSError):  # the task ended between listing and reading
                        pids += [int(c) for c in children.read_text().split()]
                i += 1
            for pid in pids:
                with contextlib.suppress(OSError, StopIteration):  # the process ended meanwhile
                    status = Path(f"/proc/{pid}/status").read_text().splitlines()
                    self.seen_kb[pid] = int(next(x for x in status if x.startswith("VmHWM:")).split()[1])

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return sum(self.seen_kb.values()) / 1024


@pytest.mark.slow
def test_hostile_site(tmp_path: Path) -> None:
    server = HostileServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        path = tmp_path / "settings.toml"
        path.write_text(settings_toml(server.port, str(tmp_path / "data")))
        env = {**os.environ, "NO_COLOR": "1", "SITREP_CRAWL_LOG_LEVEL": "INFO"}
        started = time.monotonic()
        proc = subprocess.Popen(
            [*SITREP, "--settings", str(path), "crawl", "--json"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        peaks = HighWater(proc.pid)
        out, err = proc.communicate(timeout=180)
        took = time.monotonic() - started
        peak_mb = peaks.stop()
    finally:
        server.shutdown()
        server.server_close()
    report = json.loads(out)
    print(
        f"hostile crawl: {took:.1f} s, peak RSS of the crawl and its worker {peak_mb:.0f} MB, counts {report['counts']}"
    )
    assert proc.returncode == 9, err[-2000:]
    assert "Traceback" not in err
    assert took < 90
    assert peak_mb < 300

    settings = load(path, environ={})
    with RecordStore(settings.data_dir, create=False) as store:
        full = {url: (outcome, reason) for url, outcome, reason in store.ledger(report["run_id"])}
        origin = f"http://{HOST}:{server.port}"
        ledger = {url.removeprefix(origin): got for url, got in full.items() if url.startswith(origin)}
        titles = {r.title for r in store.records()}
        texts = [r.text for r in store.records()]
    wrong = {
        p: (ledger.get(p), want)
        for p, want in EXPECTED.items()
        if p not in ledger or ledger[p][0] != want[0] or want[1] not in ledger[p][1]
    }
    assert wrong == {}
    offsite = {url.format(host=HOST, port=server.port): want for url, want in OFFSITE.items()}
    assert {url: full.get(url, ("?", ""))[0] for url in offsite} == {url: w[0] for url, w in offsite.items()}
    assert all(want[1] in full[url][1] for url, want in offsite.items())
    assert not [url for url in full if "elsewhere.invalid" in url], "another host's URLs are not even asked for"
    assert server.hits.get("/sitemap.xml") == 1 and server.hits.get("/security-issues/good/") == 1
    assert titles == GOOD_TITLES
    assert all("\ufffd" not in t for t in texts)
    assert any("Минске" in t for t in texts), "windows-1251 without a charset decoded right"
    log = (settings.data_dir / "logs" / f"run-{report['run_id']:05d}.log").read_text(encoding="utf-8")
    for path_ in EXPECTED:
        if ledger[path_][0] != "record":
            assert path_ in log, f"a line of the run's log names {path_}"
            assert path_ not in err, "the log goes to its file, not to cron's mail"
    assert err == "", "with --json, stderr stays empty: the report says it all"
    with Archive(settings) as archive:
        assert {h.record.title for h in archive.search(per_page=100).hits} == GOOD_TITLES
    assert server.hits.get("/analytics/hostile/") == 1, "a listing that links to itself is read once"
    assert "/private/secret/" not in server.hits
    for retried in ("/security-issues/retry-503/", "/security-issues/retry-429/"):
        first, second = server.arrivals[retried][:2]  # measured where it matters: at the server
        assert second - first >= 0.9, f"{retried} asked again {second - first:.2f} s after 'Retry-After: 1'"


def test_a_layout_change_fails_the_crawl_loudly(tmp_path: Path) -> None:
    """The site turns into a script-rendered shell: pages still answer 200, but nothing parses."""
    from sitrep.crawler.sample.generate import generate, read_truth
    from sitrep.crawler.sample.server import serve
    from tests.conftest import run_sitrep, sample_settings

    generate(tmp_path / "sample", count=60, seed=11)
    for record in read_truth(tmp_path / "sample"):
        for url in record.urls:
            host, path_ = url.split("/", 3)[2:]
            page = tmp_path / "sample" / "site" / host / path_ / "index.html"
            page.write_text(
                '<!DOCTYPE html><html><body><div id="app"></div><script src="/app.js"></script></body></html>'
            )
    with serve(tmp_path / "sample" / "site") as srv:
        path = sample_settings(srv, tmp_path / "data", tmp_path / "settings.toml")
        done = run_sitrep("--settings", str(path), "crawl")
    assert done.returncode == 9
    assert "did not parse" in done.stderr and "the site may have changed its layout" in done.stderr
    assert "crawl failed:" in done.stdout, "the summary of counts per outcome is printed"
