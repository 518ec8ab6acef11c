"""The baseline engine: SQLite FTS5 (stdlib sqlite3) doing the same work as sitrep.

Same records, same queries, same answer: the total, the top 20 ranked by BM25 with the title
weighted three times the body (sitrep repeats the title three times in its one text field:
the same weighting before length normalisation), those 20 records read back whole with a
highlighted snippet each, and, where
asked, facet counts by country, topic, trend and year over every match. Filters: country, week
range, topic, trend. The build streams records: it never holds the corpus.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sitrep.record import Record

TOP = 20
RANK = "bm25(fts, 3.0, 1.0)"  # columns: title, body


def build(path: Path, records: Iterable[Record]) -> int:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='porter unicode61');"
        "CREATE TABLE docs (rowid INTEGER PRIMARY KEY, id TEXT, week TEXT, year TEXT, topic TEXT, trend TEXT,"
        " json TEXT);"
        "CREATE TABLE countries (rowid INTEGER, code TEXT);"
    )
    n = 0
    with db:
        for n, r in enumerate(records, start=1):
            db.execute(
                "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (n, r.title, "\n".join([r.lead, *r.body]))
            )
            db.execute(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)",
                (n, r.id, r.week_start, r.week_start and r.week_start[:4], r.topic, r.trend, r.to_json()),
            )
            db.executemany("INSERT INTO countries VALUES (?, ?)", [(n, c) for c in r.countries])
    db.executescript(
        "CREATE INDEX countries_code ON countries(code, rowid); CREATE INDEX countries_row ON countries(rowid);"
        "CREATE INDEX docs_week ON docs(week);"
    )
    db.close()
    return n


class FtsSearch:
    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)

    def close(self) -> None:
        self.db.close()

    def search(
        self,
        text: str = "",
        *,
        country: str | None = None,
        since: str | None = None,
        until: str | None = None,
        topic: str | None = None,
        trend: str | None = None,
        sort: str = "relevance",
        facets: bool = False,
    ) -> dict[str, Any]:
        """The same answer ``Archive.search`` gives: total, top records, optional facets."""
        where, args = [], []
        if text:
            where.append("fts MATCH ?")
            args.append(text)
        if country:
            where.append("d.rowid IN (SELECT rowid FROM countries WHERE code = ?)")
            args.append(country)
        if since:
            where.append("d.week >= ?")
            args.append(since)
        if until:
            where.append("d.week <= ?")
            args.append(until)
        for column, value in (("topic", topic), ("trend", trend)):
            if value:
                where.append(f"d.{column} = ?")
                args.append(value)
        source = "fts JOIN docs d ON d.rowid = fts.rowid" if text else "docs d"
        clause = " AND ".join(where) or "1"
        order = RANK if text and sort == "relevance" else "d.week DESC"
        total = self.db.execute(f"SELECT count(*) FROM {source} WHERE {clause}", args).fetchone()[0]
        snippet = "snippet(fts, 1, '[', ']', '…', 24)" if text else "''"  # sitrep's hits carry one too
        rows = self.db.execute(
            f"SELECT d.json, {snippet} FROM {source} WHERE {clause} ORDER BY {order} LIMIT {TOP}", args
        ).fetchall()
        out: dict[str, Any] = {
            "total": total,
            "hits": [Record.from_dict(json.loads(r[0])) for r in rows],
            "snippets": [r[1] for r in rows],
        }
        if facets:
            self.db.execute("DROP TABLE IF EXISTS temp.hits")
            self.db.execute(f"CREATE TEMP TABLE hits AS SELECT d.rowid AS rowid FROM {source} WHERE {clause}", args)
            out["countries"] = self.db.execute(
                "SELECT code, count(*) c FROM countries WHERE rowid IN (SELECT rowid FROM hits)"
                " GROUP BY code ORDER BY c DESC"
            ).fetchall()
            for col in ("topic", "trend", "year"):
                out[col] = self.db.execute(
                    f"SELECT {col}, count(*) c FROM docs WHERE rowid IN (SELECT rowid FROM hits)"
                    f" GROUP BY {col} ORDER BY c DESC"
                ).fetchall()
        return out
