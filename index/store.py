"""The record store: a SQLite database in the data directory, the source of truth.

Pages (the parse of each URL), listing weeks, assembled records with their history, WARC
capture locations, crawl runs and each run's ledger. WAL with ``synchronous=FULL``: a record
that was reported stored survives a power cut. The Whoosh index is derived from this and can
always be rebuilt from it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from sitrep.errors import StoreMissing
from sitrep.record import Record

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
  url TEXT PRIMARY KEY, record_id TEXT NOT NULL, json TEXT NOT NULL, fetched_at TEXT,
  etag TEXT, last_modified TEXT, checked_at TEXT);
CREATE INDEX IF NOT EXISTS pages_record ON pages(record_id);
CREATE TABLE IF NOT EXISTS hints (
  url TEXT PRIMARY KEY, week_start TEXT NOT NULL, week_end TEXT NOT NULL, listing TEXT);
CREATE TABLE IF NOT EXISTS records (
  id TEXT PRIMARY KEY, json TEXT NOT NULL, content_hash TEXT NOT NULL, version INTEGER NOT NULL,
  updated_at TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS records_seq ON records(seq);
CREATE TABLE IF NOT EXISTS history (
  id TEXT NOT NULL, version INTEGER NOT NULL, content_hash TEXT NOT NULL, json TEXT NOT NULL,
  changed_at TEXT NOT NULL, run_id INTEGER, cause TEXT, PRIMARY KEY (id, version));
CREATE TABLE IF NOT EXISTS captures (
  url TEXT NOT NULL, fetched_at TEXT NOT NULL, status INTEGER, warc TEXT NOT NULL, offset INTEGER NOT NULL,
  length INTEGER NOT NULL, kind TEXT, run_id INTEGER);
CREATE INDEX IF NOT EXISTS captures_url ON captures(url);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, ended_at TEXT, status TEXT,
  exit_code INTEGER, counts TEXT, report TEXT);
CREATE TABLE IF NOT EXISTS ledger (
  run_id INTEGER NOT NULL, url TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT, PRIMARY KEY (run_id, url));
CREATE TABLE IF NOT EXISTS walked (listing TEXT PRIMARY KEY, run_id INTEGER);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


ROBOTS = "forbidden by robots.txt"


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Validators(NamedTuple):
    """What a conditional request sends back (the page's ETag and Last-Modified as the server
    sent them) and when the page was last fetched or confirmed unchanged (for sitemap lastmod)."""

    etag: str | None
    last_modified: str | None
    checked_at: str | None


Assembler = Callable[[Sequence[Record], Mapping[str, tuple[str, str]]], Record]
"""Builds one record from a text's pages and the listing weeks known for its URLs (url → start,
end). The crawler supplies it (``sitrep.crawler.assemble``): the store stores, it does not parse."""


class RecordStore:
    """All durable state of one data directory.

    Readers open it without an assembler; writers of pages and listing weeks pass the crawler's
    ``assemble``, which the store calls inside the same transaction that stores the page.
    """

    FILE = "records.sqlite3"

    def __init__(
        self, data_dir: str | Path, create: bool = True, assemble: Assembler | None = None, shared: bool = False
    ) -> None:
        """``shared``: one connection any thread may use; the caller serialises the calls."""
        self.path = Path(data_dir) / self.FILE
        if not create and not self.path.exists():
            raise StoreMissing(f"no record store at {self.path}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._assemble = assemble
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=not shared)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self._add_columns("history", "cause")  # a store from before versions had causes
        self._add_columns("pages", "etag", "last_modified", "checked_at")  # ... before conditional requests
        self.sample = self.is_sample()

    def _add_columns(self, table: str, *columns: str) -> None:
        """Bring a store written by an older sitrep up to SCHEMA: the columns it lacks, empty."""
        have = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column not in have:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")

    def close(self) -> None:
        self.flush()
        self.db.close()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing. Inside a group commit (``grouped``) this is a savepoint: a failing
        page rolls back alone, and its work reaches the disk with the group."""
        if self._group_deadline is not None:
            self._open_group()
            self.db.execute("SAVEPOINT one")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK TO one")
                self.db.execute("RELEASE one")
                raise
            self.db.execute("RELEASE one")
            self._maybe_commit()
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- group commit ------------------------------------------------------------------------

    _group_deadline: float | None = None
    _group_seconds = 0.5

    @contextlib.contextmanager
    def grouped(self, seconds: float = 0.5) -> Iterator[None]:
        """Commit (and fsync) at most every ``seconds`` instead of after every write.

        For a crawl: a page costs one fsync less than three. A crash loses at most the last
        group, and a re-run fetches those pages again since nothing of them is stored.
        """
        self._group_seconds = seconds
        self._group_deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            self.flush()
            self._group_deadline = None

    def _open_group(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")

    def _maybe_commit(self) -> None:
        if self._group_deadline is not None and time.monotonic() >= self._group_deadline:
            self.flush()

    def flush(self) -> None:
        """Commit the open group, if any."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        if self._group_deadline is not None:
            self._group_deadline = time.monotonic() + self._group_seconds

    def _write(self, sql: str, args: tuple[object, ...]) -> None:
        if self._group_deadline is not None:
            self._open_group()
            self.db.execute(sql, args)
            self._maybe_commit()
        else:
            self.db.execute(sql, args)

    # --- pages and records ---------------------------------------------------------------

    def known_urls(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT url FROM pages")}

    def forbidden_urls(self) -> set[str]:
        """URLs an earlier run was forbidden to fetch (robots.txt): settled, not missing."""
        return {
            row[0]
            for row in self.db.execute(
                "SELECT DISTINCT url FROM ledger WHERE outcome = 'dropped' AND reason = ?", (ROBOTS,)
            )
        }

    def validators(self) -> dict[str, Validators]:
        """Per stored page URL, what a conditional request needs and when the page was last checked."""
        rows = self.db.execute("SELECT url, etag, last_modified, COALESCE(checked_at, fetched_at) FROM pages")
        return {url: Validators(etag, modified, checked) for url, etag, modified, checked in rows}

    def confirm_unchanged(self, url: str, checked_at: str) -> None:
        """The site answered 304 Not Modified for a stored page: it was current at ``checked_at``."""
        self._write("UPDATE pages SET checked_at = ? WHERE url = ?", (checked_at, url))

    def add_page(self, page: Record, run_id: int | None = None, seen: Validators | None = None) -> tuple[str, str]:
        """Store one page's parse and reassemble its record: (record id, new|changed|unchanged|duplicate).

        Only a page fetched before whose parse now differs is a change on the site, the one
        thing that writes a history version; a page not seen before completes its record in
        place (the other host's copy, the rest of a text a killed crawl left half-assembled).
        ``seen``: the response's ETag and Last-Modified, for the next conditional request.
        """
        url = page.urls[0]
        etag, modified = (seen.etag, seen.last_modified) if seen else (None, None)
        seen = Validators(etag, modified, page.fetched_at)
        with self.transaction():
            row = self.db.execute("SELECT record_id, json FROM pages WHERE url = ?", (url,)).fetchone()
            record_id = page.id
            if row and row[0] != page.id:
                record_id = row[0]  # the text at a known URL changed: a new version of that record
            elif not row:
                other = self.db.execute("SELECT 1 FROM pages WHERE record_id = ? LIMIT 1", (page.id,)).fetchone()
                if other:
                    self._put_page(url, page.id, page, seen)
                    outcome = self._reassemble(page.id, run_id)
                    return page.id, "duplicate" if outcome in ("unchanged", "completed") else outcome
            self._put_page(url, record_id, page, seen)
            only = [page] if not row else None  # a text seen for the first time: its one page is all there is
            revised = bool(row) and _revised(row[1], page)
            outcome = self._reassemble(record_id, run_id, only, cause="crawl" if revised else None)
            return record_id, "duplicate" if outcome == "completed" else outcome

    def _put_page(self, url: str, record_id: str, page: Record, seen: Validators) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO pages (url, record_id, json, fetched_at, etag, last_modified, checked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (url, record_id, page.to_json(), page.fetched_at, seen.etag, seen.last_modified, seen.checked_at),
        )

    def add_hints(self, weeks: Iterable[tuple[str, str, str, str]], run_id: int | None = None) -> list[str]:
        """Listing weeks (url, start, end, listing); returns ids of records whose dates changed."""
        touched = []
        with self.transaction():
            for url, start, end, listing in weeks:
                old = self.db.execute("SELECT week_start FROM hints WHERE url = ?", (url,)).fetchone()
                if old and old[0] == start:
                    continue
                self.db.execute("INSERT OR REPLACE INTO hints VALUES (?, ?, ?, ?)", (url, start, end, listing))
                row = self.db.execute("SELECT record_id FROM pages WHERE url = ?", (url,)).fetchone()
                if row and self._reassemble(row[0], run_id) != "unchanged":
                    touched.append(row[0])
        return touched

    def _hints_for(self, urls: Iterable[str]) -> dict[str, tuple[str, str]]:
        out = {}
        for url in urls:
            row = self.db.execute("SELECT week_start, week_end FROM hints WHERE url = ?", (url,)).fetchone()
            if row:
                out[url] = (row[0], row[1])
        return out

    def _reassemble(
        self, record_id: str, run_id: int | None, pages: list[Record] | None = None, cause: str | None = None
    ) -> str:
        """Assemble the record from all its pages (read back unless given) and write it if it changed.

        With a ``cause`` (a page's text changed on the site: "crawl"; the parser's output
        changed: "reparse") a changed record becomes a new history version marked with it;
        without one it is still being assembled and is completed in place ("completed").
        """
        pages = pages or [
            Record.from_json(r[0]) for r in self.db.execute("SELECT json FROM pages WHERE record_id = ?", (record_id,))
        ]
        pages = [p if p.id == record_id else _with_id(p, record_id) for p in pages]
        if self._assemble is None:
            raise TypeError("RecordStore was opened without an assembler; pages can only be added by the crawler")
        record = self._assemble(pages, self._hints_for({u for p in pages for u in p.urls}))
        text = record.to_json()
        old = self.db.execute("SELECT content_hash, version, json FROM records WHERE id = ?", (record_id,)).fetchone()
        if old is not None and old[0] == record.content_hash:
            # same text: keep the version, refresh what the hash leaves out. One more URL takes a
            # new seq, so the index's next generation tells readers (the web's cache) the record
            # changed; a new fetch time alone does not: every re-fetched page has one, and it
            # re-indexed every record of an unchanged re-crawl, leaving as many deleted documents.
            if Record.from_json(old[2]).urls != record.urls:
                self.db.execute(
                    "UPDATE records SET json = ?, seq = ? WHERE id = ?", (text, self._next_seq(), record_id)
                )
            elif old[2] != text:
                self.db.execute("UPDATE records SET json = ? WHERE id = ?", (text, record_id))
            return "unchanged"
        seq = self._next_seq()
        stamp = now()
        if old is None:
            self.db.execute(
                "INSERT INTO records VALUES (?, ?, ?, 1, ?, ?)",
                (record_id, text, record.content_hash, stamp, seq),
            )
            self.db.execute(
                "INSERT INTO history VALUES (?, 1, ?, ?, ?, ?, ?)",
                (record_id, record.content_hash, text, stamp, run_id, cause or "crawl"),
            )
            return "new"
        if cause is None:
            # more pages or listing weeks of a text still being assembled: one version, completed in place
            self.db.execute(
                "UPDATE records SET json = ?, content_hash = ?, updated_at = ?, seq = ? WHERE id = ?",
                (text, record.content_hash, stamp, seq, record_id),
            )
            self.db.execute(
                "UPDATE history SET json = ?, content_hash = ? WHERE id = ? AND version = ?",
                (text, record.content_hash, record_id, old[1]),
            )
            return "completed"
        version = old[1] + 1
        self.db.execute(
            "UPDATE records SET json = ?, content_hash = ?, version = ?, updated_at = ?, seq = ? WHERE id = ?",
            (text, record.content_hash, version, stamp, seq, record_id),
        )
        self.db.execute(
            "INSERT INTO history VALUES (?, ?, ?, ?, ?, ?, ?)",
            (record_id, version, record.content_hash, text, stamp, run_id, cause),
        )
        return "changed"

    def _next_seq(self) -> int:
        row = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM records").fetchone()
        return int(row[0])

    def _record(self, text: str) -> Record:
        """A stored record as every reader gets it: marked ``sample`` when this store holds the
        generated sample archive, so no output can pass a made-up text off as a real one."""
        record = Record.from_json(text)
        return dataclasses.replace(record, sample=True) if self.sample else record

    def get(self, record_id: str) -> Record | None:
        row = self.db.execute("SELECT json FROM records WHERE id = ?", (record_id,)).fetchone()
        return self._record(row[0]) if row else None

    def get_many(self, ids: Iterable[str]) -> dict[str, Record]:
        ids = list(ids)
        out: dict[str, Record] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for rid, text in self.db.execute(f"SELECT id, json FROM records WHERE id IN ({marks})", chunk):
                out[rid] = self._record(text)
        return out

    def records(self) -> Iterator[Record]:
        for (text,) in self.db.execute("SELECT json FROM records ORDER BY id"):
            yield self._record(text)

    def changed_since(self, seq: int, chunk: int = 2000) -> Iterator[tuple[list[Record], int]]:
        """Records written after ``seq``, oldest first, ``chunk`` at a time with the newest seq so
        far: what the index has not seen yet, streamed so 100k records never sit in memory at once.
        Stops at the newest record that existed when it started."""
        last = int(self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM records").fetchone()[0])
        while seq < last:
            rows = self.db.execute(
                "SELECT json, seq FROM records WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?", (seq, last, chunk)
            ).fetchall()
            if not rows:
                return
            seq = rows[-1][1]
            yield [self._record(r[0]) for r in rows], seq

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def history(self, record_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT version, content_hash, changed_at, run_id, cause FROM history WHERE id = ? ORDER BY version",
            (record_id,),
        )
        return [
            {"version": v, "content_hash": h, "changed_at": c, "run_id": r, "cause": why or "crawl"}
            for v, h, c, r, why in rows
        ]

    def version(self, record_id: str, version: int) -> Record | None:
        """The record as it was at ``version`` (1 is the first text seen)."""
        row = self.db.execute("SELECT json FROM history WHERE id = ? AND version = ?", (record_id, version)).fetchone()
        return self._record(row[0]) if row else None

    def history_position(self) -> int:
        """Where the history of versions ends now; ``versions_since`` reads on from here."""
        return int(self.db.execute("SELECT COALESCE(MAX(rowid), 0) FROM history").fetchone()[0])

    def versions_since(self, position: int) -> tuple[list[tuple[str, int]], int]:
        """(record id, version) of every version written after ``position``, oldest first, and
        the position to read on from: what saved queries (``sitrep watch``) report as new."""
        rows = self.db.execute(
            "SELECT rowid, id, version FROM history WHERE rowid > ? ORDER BY rowid", (position,)
        ).fetchall()
        return [(i, v) for _, i, v in rows], (rows[-1][0] if rows else position)

    def record_of_url(self, url: str) -> str | None:
        """The id of the record a page URL belongs to."""
        row = self.db.execute("SELECT record_id FROM pages WHERE url = ?", (url,)).fetchone()
        return str(row[0]) if row else None

    # --- captures, runs, ledger ------------------------------------------------------------

    def add_capture(
        self, url: str, fetched_at: str, status: int, warc: str, offset: int, length: int, kind: str, run_id: int | None
    ) -> None:
        self._write(
            "INSERT INTO captures VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (url, fetched_at, status, warc, offset, length, kind, run_id),
        )

    def latest_captures(self) -> list[tuple[str, str, int, str, int, int, str]]:
        """(url, fetched_at, status, warc, offset, length, kind) of the newest capture per URL."""
        return self.db.execute(
            "SELECT url, fetched_at, status, warc, offset, length, kind FROM captures c WHERE rowid = "
            "(SELECT MAX(rowid) FROM captures WHERE url = c.url) ORDER BY rowid"
        ).fetchall()

    def captures_of(self, url: str) -> list[tuple[str, int, str, int, int]]:
        return self.db.execute(
            "SELECT fetched_at, status, warc, offset, length FROM captures WHERE url = ? ORDER BY rowid", (url,)
        ).fetchall()

    def start_run(self) -> int:
        cur = self.db.execute("INSERT INTO runs (started_at, status) VALUES (?, 'running')", (now(),))
        return int(cur.lastrowid or 0)

    def finish_run(
        self, run_id: int, status: str, exit_code: int, counts: dict[str, Any], report: dict[str, Any]
    ) -> None:
        self.db.execute(
            "UPDATE runs SET ended_at = ?, status = ?, exit_code = ?, counts = ?, report = ? WHERE id = ?",
            (now(), status, exit_code, json.dumps(counts), json.dumps(report), run_id),
        )

    def runs(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT id, started_at, ended_at, status, exit_code, counts FROM runs ORDER BY id")
        return [
            {"id": i, "started_at": s, "ended_at": e, "status": st, "exit_code": x, "counts": json.loads(c or "{}")}
            for i, s, e, st, x, c in rows
        ]

    def log(self, run_id: int, url: str, outcome: str, reason: str = "") -> None:
        self._write("INSERT OR REPLACE INTO ledger VALUES (?, ?, ?, ?)", (run_id, url, outcome, reason))

    def ledger(self, run_id: int) -> list[tuple[str, str, str]]:
        return self.db.execute(
            "SELECT url, outcome, reason FROM ledger WHERE run_id = ? ORDER BY url", (run_id,)
        ).fetchall()

    def mark_sample(self) -> None:
        """Mark this store as holding the generated sample archive (``sitrep demo``), never real data."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('sample', '1')")
        self.sample = True

    def is_sample(self) -> bool:
        return self.db.execute("SELECT 1 FROM meta WHERE key = 'sample'").fetchone() is not None

    def mark_walked(self, listings: Iterable[str], run_id: int) -> None:
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO walked VALUES (?, ?)", [(u, run_id) for u in listings])

    def walked(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT listing FROM walked")}

    def replace_all(
        self, pages: Iterable[Record], hints: Iterable[tuple[str, str, str, str]], run_id: int | None = None
    ) -> dict[str, Any]:
        """Rebuild pages, hints and records from a fresh parse (``sitrep reparse``), in one transaction.

        A record gets a new version (marked "reparse") only when the parser's output for its
        pages or listing weeks differs from what was stored; otherwise it is left as it is.
        Returns what changed: ids added, removed, and changed with the fields that differ.
        """
        before = {r.id: r for r in self.records()}
        with self.transaction():
            url_ids = dict(self.db.execute("SELECT url, record_id FROM pages").fetchall())
            seen = self.validators()  # a re-parse changes no page on the site: keep what conditional requests need
            self.db.execute("DELETE FROM pages")
            self.db.execute("DELETE FROM hints")
            self.db.executemany("INSERT OR REPLACE INTO hints VALUES (?, ?, ?, ?)", list(hints))
            ids = set()
            for page in pages:
                url = page.urls[0]
                rid = url_ids.get(url, page.id)
                self._put_page(url, rid, page, seen.get(url, Validators(None, None, None)))
                ids.add(rid)
            removed = set(before) - ids
            for rid in removed:
                self.db.execute("DELETE FROM records WHERE id = ?", (rid,))
            outcomes = {rid: self._reassemble(rid, run_id, cause="reparse") for rid in sorted(ids)}
        after = {r.id: r for r in self.records()}
        changed = {}
        for rid, outcome in outcomes.items():
            if outcome == "changed":
                a, b = before[rid].to_dict(), after[rid].to_dict()
                changed[rid] = sorted(k for k in a if a[k] != b[k] and k not in ("content_hash", "fetched_at"))
        return {
            "added": sorted(r for r, o in outcomes.items() if o == "new"),
            "removed": sorted(removed),
            "changed": changed,
        }


def _revised(stored_json: str, page: Record) -> bool:
    """Does a page fetched before now say something else? Its parses then and now, without the
    moment fetched. A field the parser learned since the page was stored (``week_label``) is
    absent from the old parse and is not compared: a newer sitrep is no change on the site. Such
    records are completed in place; ``sitrep reparse`` fills the field for every page."""
    old, new = json.loads(stored_json), json.loads(page.to_json())
    return any(old[key] != new.get(key) for key in old.keys() - {"fetched_at"})


def _with_id(page: Record, record_id: str) -> Record:
    return dataclasses.replace(page, id=record_id)
