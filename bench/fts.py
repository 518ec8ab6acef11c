"""The index and query baseline: SQLite FTS5 (stdlib sqlite3) doing the same work as sitrep.

Same records, same queries: full-text match ranked by bm25, filters by country and week, facet
counts by country, topic, trend and year over all matches, newest-first sorting.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from sitrep.record import Record


def build(path: Path, records: Iterable[Record]) -> int:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='porter unicode61');"
        "CREATE TABLE docs (rowid INTEGER PRIMARY KEY, id TEXT, week TEXT, year TEXT, topic TEXT, trend TEXT);"
        "CREATE TABLE countries (rowid INTEGER, code TEXT);"
    )
    n = 0
    with db:
        for n, r in enumerate(records, start=1):
            db.execute(
                "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (n, r.title, "\n".join([r.lead, *r.body]))
            )
            db.execute(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                (n, r.id, r.week_start, r.week_start and r.week_start[:4], r.topic, r.trend),
            )
            db.executemany("INSERT INTO countries VALUES (?, ?)", [(n, c) for c in r.countries])
    db.executescript(
        "CREATE INDEX countries_code ON countries(code, rowid); CREATE INDEX countries_row ON countries(rowid); CREATE INDEX docs_week ON docs(week);"
    )
    db.close()
    return n


class FtsSearch:
    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)

    def close(self) -> None:
        self.db.close()

    def plain(self, text: str) -> tuple[int, list[str]]:
        total = self.db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (text,)).fetchone()[0]
        rows = self.db.execute(
            "SELECT d.id FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ? ORDER BY rank LIMIT 20", (text,)
        ).fetchall()
        return total, [r[0] for r in rows]

    def filtered(self, text: str, country: str, since: str, until: str) -> tuple[int, list[str]]:
        where = "fts MATCH ? AND d.week BETWEEN ? AND ? AND d.rowid IN (SELECT rowid FROM countries WHERE code = ?)"
        args = (text, since, until, country)
        total = self.db.execute(
            f"SELECT count(*) FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE {where}", args
        ).fetchone()[0]
        rows = self.db.execute(
            f"SELECT d.id FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE {where} ORDER BY rank LIMIT 20", args
        ).fetchall()
        return total, [r[0] for r in rows]

    def faceted(self, text: str) -> dict[str, list[tuple[str, int]]]:
        self.db.execute("DROP TABLE IF EXISTS temp.hits")
        self.db.execute("CREATE TEMP TABLE hits AS SELECT rowid FROM fts WHERE fts MATCH ?", (text,))
        out = {
            "countries": self.db.execute(
                "SELECT code, count(*) c FROM countries WHERE rowid IN (SELECT rowid FROM hits) GROUP BY code ORDER BY c DESC"
            ).fetchall()
        }
        for col in ("topic", "trend", "year"):
            out[col] = self.db.execute(
                f"SELECT {col}, count(*) c FROM docs WHERE rowid IN (SELECT rowid FROM hits) GROUP BY {col} ORDER BY c DESC"
            ).fetchall()
        out["top"] = self.db.execute(
            "SELECT d.id FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ? ORDER BY rank LIMIT 20", (text,)
        ).fetchall()
        return out

    def newest(self, text: str) -> list[str]:
        rows = self.db.execute(
            "SELECT d.id FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ? ORDER BY d.week DESC LIMIT 20",
            (text,),
        ).fetchall()
        return [r[0] for r in rows]
