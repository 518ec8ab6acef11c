"""What one crawl run shares between the spider, the pipeline and the archive extension."""

from __future__ import annotations

import dataclasses
import errno
import logging
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sitrep.config import Settings
from sitrep.crawler import urls as urlrules
from sitrep.crawler.assemble import assembler
from sitrep.index.store import RecordStore, Validators

LOG = logging.getLogger("sitrep.crawl")
T = TypeVar("T")
SQLITE_FULL = 13


def is_disk_full(exc: BaseException) -> bool:
    """A write failed for want of space: ENOSPC from a file, SQLITE_FULL from the record store."""
    if isinstance(exc, sqlite3.OperationalError):
        return getattr(exc, "sqlite_errorcode", None) == SQLITE_FULL
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


@dataclasses.dataclass
class CrawlState:
    """What one crawl run knows and has counted, shared by the spider, the pipelines and the report."""

    settings: Settings
    store: RecordStore
    run_id: int
    full: bool = False
    refresh: bool = False
    known: set[str] = dataclasses.field(default_factory=set)
    walked: set[str] = dataclasses.field(default_factory=set)
    seen: dict[str, Validators] = dataclasses.field(default_factory=dict)  # stored pages: ETag, Last-Modified
    counts: Counter[str] = dataclasses.field(default_factory=Counter)
    failures: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    parse_errors: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    listings_seen: set[str] = dataclasses.field(default_factory=set)
    scheduled: set[str] = dataclasses.field(default_factory=set)  # every URL the spider asked for, as linked
    requested: set[str] = dataclasses.field(default_factory=set)  # ... by identity: one request per page
    settled: set[str] = dataclasses.field(default_factory=set)  # ... and those that got an outcome
    disk_full: str = ""  # the first failed write for want of space; nothing is written after it
    stop: Callable[[str], None] = lambda reason: None  # closes the crawl; set by the spider

    @classmethod
    def open(cls, settings: Settings, full: bool = False, refresh: bool = False, sample: bool = False) -> CrawlState:
        store = RecordStore(settings.data_dir, assemble=assembler(settings.site))
        if sample:
            store.mark_sample()
        return cls(
            settings=settings,
            store=store,
            run_id=store.start_run(),
            full=full,
            refresh=refresh,
            known=store.known_urls() | {urlrules.normalise(u, settings.site) for u in store.forbidden_urls()},
            walked=store.walked(),
            seen=store.validators(),
        )

    @property
    def warc_dir(self) -> Path:
        return self.settings.data_dir / "warc"

    def write(self, fn: Callable[..., T], *args: object) -> T | None:
        """A write to the store or the archive; the first full-disk failure stops the crawl.

        After it nothing more is written (each write would fail the same way, one traceback
        each): the crawl closes, the CLI says it in one line, and what was committed stays whole.
        """
        if self.disk_full:
            return None
        try:
            return fn(*args)
        except (OSError, sqlite3.OperationalError) as exc:
            if not is_disk_full(exc):
                raise
            self.disk_full = f"{exc.strerror if isinstance(exc, OSError) else exc}"
            self.stop("disk_full")
            return None

    def outcome(self, url: str, outcome: str, reason: str = "") -> None:
        """One ledger line and one log line per URL: record, dropped (reason) or failed (reason)."""
        self.write(self.store.log, self.run_id, url, outcome, reason)
        self.counts[outcome] += 1
        self.settled.add(url)
        if outcome == "failed":
            self.failures.append((url, reason))
        LOG.info("%s %s %s", outcome, url, reason)

    def settle_the_rest(self, reason: str, outcome: str = "failed") -> None:
        """Scheduled URLs that never got an answer: failed (redirect loops, filtered redirects) or,
        when the crawl was stopped on purpose (time limit, Ctrl-C, full disk), left for the next run."""
        for url in sorted(self.scheduled - self.settled):
            self.outcome(url, outcome, reason)
