"""The crawl's parsing worker: one process beside Scrapy's single thread, on the second core.

Parsing (BeautifulSoup over ~30 KB pages) is the heaviest work per page; in the crawl's thread
it held the whole crawl to 148 pages/s against 380 for a bare spider. Listings and articles are
parsed here; storing stays in the crawl's thread. If the worker dies, work falls back to the
crawl's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, process
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from sitrep.config import Site
from sitrep.countries import Tagger, tagger_for
from sitrep.crawler.parsers import listing, parse_article
from sitrep.crawler.parsers.common import decode
from sitrep.record import Record

T = TypeVar("T")
Aliases = Mapping[str, Mapping[str, Iterable[str]]]
_SITE: Site | None = None
_TAGGER: Tagger | None = None


def _start(site: Site, aliases: Aliases, parent: int | None = None) -> None:
    """Set up a process to parse: the site profile and the tagger with the user's added aliases.
    In the worker (``parent`` given), also watch the crawl that started it."""
    global _SITE, _TAGGER
    _SITE, _TAGGER = site, tagger_for(aliases)
    if parent is not None:
        # what is loaded now (modules, the profile, the tagger's tables) lives as long as the
        # worker: the collections each page's soup sets off need not walk it (parse ~6 % faster)
        gc.freeze()
        threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="parent-watch").start()


def _exit_with(parent: int) -> None:
    """End this worker once the crawl that started it is gone. A crawl killed with SIGKILL (the
    OOM killer, ``timeout -s KILL``, a reboot of the job) cannot shut its pool down, and the
    worker would wait for work forever, holding its memory, one more for every killed run."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def parse_page(url: str, body: bytes, fetched_at: str) -> Record:
    return parse_article(url, decode(body), _SITE, fetched_at=fetched_at, tagger=_TAGGER)  # type: ignore[arg-type]


def parse_listing(url: str, body: bytes, year: int) -> listing.Listing:
    return listing.parse(url, decode(body), _SITE, year=year)  # type: ignore[arg-type]


QUEUED = 16  # pages handed to the worker ahead of the one it parses


@contextlib.contextmanager
def _queued_calls(n: int) -> Iterator[None]:
    """Pools made inside keep ``n`` calls queued for their workers instead of one.

    The standard library queues ``max_workers + EXTRA_QUEUED_CALLS`` (1) calls, read when a
    pool is made. Refilling that queue is work for a thread of the crawl's process, which waits
    for the GIL while Scrapy's thread runs, so one worker kept two pages ahead sat idle between
    them: with 16 queued the bench crawl took 13.5 s instead of 14.8 (medians of 9 interleaved runs).
    A worker that dies takes its queued pages with it; each is parsed again in the crawl's thread.
    """
    before = process.EXTRA_QUEUED_CALLS
    process.EXTRA_QUEUED_CALLS = n
    try:
        yield
    finally:
        process.EXTRA_QUEUED_CALLS = before


class Worker:
    def __init__(self, site: Site, aliases: Aliases) -> None:
        self.site, self.aliases = site, aliases
        # spawn, not fork: the crawl process runs threads (Twisted's resolver) that fork would copy mid-flight
        context = multiprocessing.get_context("spawn")
        with _queued_calls(QUEUED):
            self.pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
                1, mp_context=context, initializer=_start, initargs=(site, aliases, os.getpid())
            )

    def start(self) -> None:
        """Spawn the worker process now rather than at the first page: its imports (~0.5 s) then
        run while the crawl fetches robots.txt and the sitemaps. Called when the crawl opens,
        so a crawl that never opens leaves no process behind."""
        if self.pool is not None:
            self.pool.submit(os.getpid)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in the worker; in this thread if the worker is gone."""
        if self.pool is not None:
            try:
                return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)
            except BrokenProcessPool:
                self.pool = None
                _start(self.site, self.aliases)  # this process parses from now on
        return fn(*args)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
