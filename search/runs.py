"""What the crawls did: each run's outcome and counts, one run's failed and dropped URLs with
their reasons, and the verdict phrases the site profile's trends table does not know.

Read-only views of the record store's runs and ledger, for ``sitrep runs``: the cron mail says
"3 failed"; this says which and why, without opening SQLite.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sitrep.index.store import RecordStore

PROBLEMS = ("failed", "dropped")


@dataclasses.dataclass(frozen=True)
class Run:
    """One crawl run from the ledger: when, how it ended, what it counted."""

    id: int
    started_at: str
    ended_at: str | None
    status: str
    exit_code: int | None
    counts: dict[str, int]

    @property
    def seconds(self) -> float | None:
        if not self.ended_at:
            return None
        start, end = (dt.datetime.fromisoformat(t.replace("Z", "+00:00")) for t in (self.started_at, self.ended_at))
        return (end - start).total_seconds()

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "seconds": self.seconds}


@dataclasses.dataclass(frozen=True)
class Problem:
    """A URL a run could not turn into a page: ``failed`` (network, HTTP) or ``dropped`` (robots,
    size, offsite, parse error)."""

    url: str
    outcome: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class UnknownVerdict:
    """A verdict phrase found on pages but missing from the trends table, and where."""

    phrase: str
    records: tuple[tuple[str, str], ...]  # (id, title)

    def to_dict(self) -> dict[str, Any]:
        return {"phrase": self.phrase, "records": [{"id": i, "title": t} for i, t in self.records]}


def runs(store: RecordStore) -> list[Run]:
    """Every crawl run, oldest first."""
    return [
        Run(r["id"], r["started_at"], r["ended_at"], r["status"], r["exit_code"], r["counts"]) for r in store.runs()
    ]


def problems(store: RecordStore, run_id: int) -> list[Problem]:
    """The run's failed and dropped URLs, failed first."""
    found = [Problem(u, o, r or "") for u, o, r in store.ledger(run_id) if o in PROBLEMS]
    return sorted(found, key=lambda p: (PROBLEMS.index(p.outcome), p.url))
