"""What one crawl run shares between the spider, the pipeline and the archive extension."""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from pathlib import Path

from sitrep.config import Settings
from sitrep.crawler import urls as urlrules
from sitrep.crawler.assemble import assembler
from sitrep.index.store import RecordStore

LOG = logging.getLogger("sitrep.crawl")


@dataclasses.dataclass
class CrawlState:
    settings: Settings
    store: RecordStore
    run_id: int
    full: bool = False
    refresh: bool = False
    known: set[str] = dataclasses.field(default_factory=set)
    walked: set[str] = dataclasses.field(default_factory=set)
    counts: Counter[str] = dataclasses.field(default_factory=Counter)
    failures: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    parse_errors: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    listings_seen: set[str] = dataclasses.field(default_factory=set)
    scheduled: set[str] = dataclasses.field(default_factory=set)  # every URL the spider asked for
    settled: set[str] = dataclasses.field(default_factory=set)  # ... and those that got an outcome

    @classmethod
    def open(cls, settings: Settings, full: bool = False, refresh: bool = False) -> CrawlState:
        store = RecordStore(settings.data_dir, assemble=assembler(settings.site))
        return cls(
            settings=settings,
            store=store,
            run_id=store.start_run(),
            full=full,
            refresh=refresh,
            known=store.known_urls() | {urlrules.normalise(u, settings.site) for u in store.forbidden_urls()},
            walked=store.walked(),
        )

    @property
    def warc_dir(self) -> Path:
        return self.settings.data_dir / "warc"

    def outcome(self, url: str, outcome: str, reason: str = "") -> None:
        """One ledger line and one log line per URL: record, dropped (reason) or failed (reason)."""
        self.store.log(self.run_id, url, outcome, reason)
        self.counts[outcome] += 1
        self.settled.add(url)
        if outcome == "failed":
            self.failures.append((url, reason))
        LOG.info("%s %s %s", outcome, url, reason)

    def settle_the_rest(self, reason: str) -> None:
        """Scheduled URLs that never got an answer (redirect loops, filtered redirects, the time limit)."""
        for url in sorted(self.scheduled - self.settled):
            self.outcome(url, "failed", reason)
