"""The crawl's parsing worker ends with the crawl, even one killed with SIGKILL."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


def pid_after(seconds: float) -> int:
    """A call for the worker (module level: the spawned worker imports it by name)."""
    time.sleep(seconds)
    return os.getpid()


def test_pages_queued_for_a_worker_that_dies_are_parsed_in_the_crawls_thread() -> None:
    """The worker holds up to QUEUED pages besides the one it parses; when it dies (the OOM
    killer, a crash in lxml), every call still returns, each page parsed in the crawl's thread."""
    import asyncio

    from sitrep.config import load
    from sitrep.crawler.worker import QUEUED, Worker

    async def crawl() -> tuple[int, list[int]]:
        worker = Worker(load(path=None, environ={}).site, {})
        try:
            worker_pid = await worker.run(pid_after, 0)
            calls = [asyncio.ensure_future(worker.run(pid_after, 0.05)) for _ in range(2 * QUEUED)]
            await asyncio.sleep(0.3)  # a few parsed in the worker, the rest queued or waiting
            os.kill(worker_pid, signal.SIGKILL)
            return worker_pid, await asyncio.gather(*calls)
        finally:
            worker.close()

    worker_pid, pids = asyncio.run(crawl())
    assert len(pids) == 2 * QUEUED
    assert set(pids) == {worker_pid, os.getpid()}, "some parsed in the worker, the rest here, none lost"
    assert pids.count(os.getpid()) > QUEUED // 2


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fails(message: str) -> None:
    raise LookupError(message)


def unsendable() -> object:
    return lambda: None  # a lambda does not pickle


def test_answers_exceptions_and_big_pages_come_back_to_their_callers() -> None:
    """Each call gets its own answer, pages far larger than the socket's buffer included; an
    exception in the worker is raised here with its type, its message and the worker's traceback,
    and an answer that cannot be sent back is a clear error, not a hang; the worker goes on."""
    import asyncio

    from sitrep.config import load
    from sitrep.crawler.worker import RemoteTraceback, Worker, WorkerGone

    pages = [os.urandom(size) for size in (10, 70_000, 3_000_000, 1, 500_000) * 8]

    async def crawl() -> None:
        worker = Worker(load(path=None, environ={}).site, {})
        try:
            worker_pid = await worker.run(pid_after, 0)
            answers = await asyncio.gather(*(worker.run(digest, page) for page in pages))
            assert answers == [hashlib.sha256(page).hexdigest() for page in pages]
            with pytest.raises(LookupError, match="no such week") as raised:
                await worker.run(fails, "no such week")
            assert isinstance(raised.value.__cause__, RemoteTraceback)
            assert "in fails" in str(raised.value.__cause__)
            with pytest.raises(WorkerGone, match="unsendable answered what cannot be sent back"):
                await worker.run(unsendable)
            slow = asyncio.ensure_future(worker.run(pid_after, 0.2))
            await asyncio.sleep(0.05)
            slow.cancel()
            assert await worker.run(pid_after, 0) == worker_pid != os.getpid()
        finally:
            worker.close()

    asyncio.run(crawl())


CLOSED_EARLY = """
import asyncio, os
from sitrep.config import load
from sitrep.crawler.worker import Worker
from tests.test_crawl_worker import pid_after

async def crawl():
    worker = Worker(load(path=None, environ={}).site, {})
    worker_pid = await worker.run(pid_after, 0)
    calls = [asyncio.ensure_future(worker.run(pid_after, 0.3)) for _ in range(5)]
    await asyncio.sleep(0.1)  # the worker is inside the first of them
    worker.close()
    print(worker_pid != os.getpid(), await asyncio.gather(*calls) == [os.getpid()] * 5)

asyncio.run(crawl())
"""


def test_closing_with_calls_in_flight_answers_them_here_and_the_worker_ends_quietly() -> None:
    """A crawl stopped with pages still out (Ctrl-C, a close spider limit): every call returns,
    parsed in the crawl's thread, and the worker, finding nobody to answer, ends without a
    traceback on the crawl's stderr."""
    done = subprocess.run([sys.executable, "-c", CLOSED_EARLY], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
    assert "Traceback" not in done.stderr, done.stderr
