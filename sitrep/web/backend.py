"""The one Archive a server reads, on one thread, with a time limit on every call.

Whoosh searchers and SQLite connections belong to the thread that opened them, so the archive is
opened and used on a single worker thread; requests queue for it (a query takes milliseconds).
Every call is awaited with a time limit: a query that takes longer answers 504 at once, and the
worker finishes it in the background. Between calls the worker notices a newer index (after a
crawl or ``sitrep index``) and reopens, so a running server never serves a stale index for long.
Answers are kept per index generation (a small LRU), as the ETag promises they may be.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from sitrep.config import Settings
from sitrep.errors import SitrepError
from sitrep.search.api import Archive

T = TypeVar("T")
RECHECK_SECONDS = 1.0
CACHED = 512  # answers kept per index generation (searches, records, stats): a read-only archive


class TooSlow(SitrepError):
    """A query ran past the server's time limit (HTTP 504)."""

    hint = "narrow it: fewer wildcards, a filter or a date range"


class Backend:
    def __init__(self, settings: Settings, timeout: float) -> None:
        self.settings = settings
        self.timeout = timeout
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitrep-archive")
        self._archive: Archive | None = None
        self._checked = 0.0
        self._cache: collections.OrderedDict[tuple[str, Hashable], object] = collections.OrderedDict()
        self.generation = self._pool.submit(self._open).result()  # a missing index fails here, before serving

    def _open(self) -> str:
        self._archive = Archive(self.settings)
        self._checked = time.monotonic()
        return self._archive.generation

    def _current(self) -> Archive:
        """The archive, reopened first when a newer index has gone live (checked once a second)."""
        assert self._archive is not None
        if time.monotonic() - self._checked > RECHECK_SECONDS:
            self._checked = time.monotonic()
            if not self._archive.is_current():
                old = self._archive
                self.generation = self._open()
                old.close()
        return self._archive

    def _run(self, fn: Callable[[Archive], T]) -> T:
        return fn(self._current())

    async def call(self, fn: Callable[[Archive], T], key: Hashable = None) -> T:
        """``fn(archive)`` on the archive's thread, within the time limit.

        With a ``key`` (what the answer depends on besides the index) the answer is kept for the
        index generation that produced it, so a repeated search or record costs nothing; the
        keys of a newer generation never match. Errors are not kept.
        """
        cache_key = (self.generation, key)
        fresh = time.monotonic() - self._checked <= RECHECK_SECONDS  # else the worker checks the index first
        if key is not None and fresh and cache_key in self._cache:
            self._cache.move_to_end(cache_key)
            return self._cache[cache_key]  # type: ignore[return-value]
        future = asyncio.wrap_future(self._pool.submit(self._run, fn))
        try:
            answer = await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            raise TooSlow(f"the query took longer than the server's limit of {self.timeout:g} s") from None
        if key is not None and cache_key[0] == self.generation:  # not reopened meanwhile
            self._cache[cache_key] = answer
            if len(self._cache) > CACHED:
                self._cache.popitem(last=False)
        return answer

    def close(self) -> None:
        self._pool.submit(lambda: self._archive and self._archive.close()).result()
        self._pool.shutdown()
