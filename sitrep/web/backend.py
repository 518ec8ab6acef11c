"""The one Archive a server reads, on one thread, with a time limit on every call.

Whoosh searchers and SQLite connections belong to the thread that opened them, so the archive is
opened and used on a single worker thread; requests queue for it (a query takes milliseconds).
Every call is awaited with a time limit: a query that takes longer answers 504 at once, and the
worker finishes it in the background. Between calls the worker notices a newer index (after a
crawl or ``sitrep index``) and reopens, so a running server never serves a stale index for long.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable
from typing import TypeVar

from sitrep.config import Settings
from sitrep.errors import SitrepError
from sitrep.search.api import Archive

T = TypeVar("T")
RECHECK_SECONDS = 1.0


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

    async def call(self, fn: Callable[[Archive], T]) -> T:
        """``fn(archive)`` on the archive's thread, within the time limit."""
        future = asyncio.wrap_future(self._pool.submit(self._run, fn))
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            raise TooSlow(f"the query took longer than the server's limit of {self.timeout:g} s") from None

    def close(self) -> None:
        self._pool.submit(lambda: self._archive and self._archive.close()).result()
        self._pool.shutdown()
