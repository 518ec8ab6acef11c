"""The crawl's parsing worker ends with the crawl, even one killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT

CRAWL = """
import asyncio, os, time
from sitrep.config import load
from sitrep.crawler.worker import Worker
worker = Worker(load(path=None, environ={}).site, {})
print(asyncio.run(worker.run(os.getpid)), flush=True)
time.sleep(600)
"""


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's exit may wait for a reaper that never comes here)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state


def test_the_parse_worker_ends_when_its_crawl_is_killed() -> None:
    with subprocess.Popen([sys.executable, "-c", CRAWL], cwd=ROOT, stdout=subprocess.PIPE, text=True) as crawl:
        try:
            worker = int(crawl.stdout.readline())  # type: ignore[union-attr]
            assert worker != crawl.pid and running(worker), "the parse ran in a worker process of its own"
        finally:
            crawl.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 30  # the worker looks for its parent every second
    while running(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = running(worker)
    if alive:
        os.kill(worker, signal.SIGKILL)
    assert not alive, "an orphaned worker would wait for work forever, one more per killed crawl"
