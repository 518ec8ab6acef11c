"""Whole result sets as files for spreadsheets, R and pandas: CSV, JSON lines or Parquet.

The columns are a stable contract (README, "sitrep export"): added to, never renamed or
removed. Rows are written as records stream from ``Archive.iter_records``, so an export of the
whole archive never holds it in memory. A file is written beside its target and renamed into
place when complete: an interrupted export leaves no half-written file.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from sitrep.errors import MissingDependency
from sitrep.record import Record

FORMATS = ("csv", "jsonl", "parquet")
COLUMNS = (
    "id",
    "week_start",
    "week_end",
    "topic",
    "trend",
    "title",
    "countries",
    "orgs",
    "lang",
    "author",
    "url",
    "fetched_at",
    "text",
    "sample",
    "week_label",
    "trend_label",
)
"""The columns of every format, in order; a new one goes at the end, so readers that take
columns by position keep working. ``countries`` and ``orgs`` are joined by ``;``; ``text`` is
the lead and body paragraphs joined by blank lines; a missing value is empty in CSV and null in
JSON lines and Parquet. ``sample`` is true for a record of the generated sample archive
(``sitrep demo``), never a real analysis: ``true``/``false`` in CSV, a boolean in JSON
lines and Parquet. ``week_label`` is the week as the page printed it (empty when no page
printed one). ``trend_label`` is the verdict as the page printed it: a ``trend`` left empty
with a label is a verdict not in the site's table (``trend:unknown``), empty with none is no
verdict (``trend:none``)."""

PARQUET_BATCH = 1000


def row(record: Record) -> dict[str, str | bool | None]:
    return {
        "id": record.id,
        "week_start": record.week_start,
        "week_end": record.week_end,
        "topic": record.topic,
        "trend": record.trend,
        "title": record.title,
        "countries": ";".join(record.countries),
        "orgs": ";".join(record.orgs),
        "lang": record.lang,
        "author": record.author,
        "url": record.url,
        "fetched_at": record.fetched_at,
        "text": "\n\n".join(p for p in (record.lead, *record.body) if p),
        "sample": record.sample,
        "week_label": record.week_label,
        "trend_label": record.trend_label,
    }


def csv_cells(record: Record) -> list[str]:
    """The row as CSV cells in ``COLUMNS`` order: ``sample`` as ``true``/``false``, a missing
    value empty. The command line's CSV and the web's CSV download both write these."""
    values, cells = row(record), []
    for column in COLUMNS:
        value = values[column]
        if isinstance(value, bool):
            value = "true" if value else "false"
        cells.append("" if value is None else value)
    return cells


def write_csv(records: Iterable[Record], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for record in records:
        writer.writerow(csv_cells(record))
        n += 1
    return n


def write_jsonl(records: Iterable[Record], out: IO[str]) -> int:
    n = 0
    for record in records:
        out.write(json.dumps(row(record), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_parquet(records: Iterable[Record], path: Path) -> int:
    """Parquet in batches of ``PARQUET_BATCH`` rows; every column a nullable string but ``sample``, a boolean."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ModuleNotFoundError:
        raise MissingDependency(
            "Parquet export needs pyarrow", "pip install 'sitrep-archive[parquet]', or use --format csv"
        ) from None
    schema = pa.schema([(name, pa.bool_() if name == "sample" else pa.string()) for name in COLUMNS])
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, str | bool | None]] = []
        for record in records:
            batch.append(row(record))
            n += 1
            if len(batch) == PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch or not n:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return n


def export(records: Iterable[Record], fmt: str, target: Path | None, stdout: IO[str] | None = None) -> int:
    """Write ``records`` as ``fmt`` to ``target`` (atomically) or to ``stdout``; returns the count."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    if target is None:
        if fmt == "parquet" or stdout is None:
            raise ValueError("Parquet is written to a file")
        return write_csv(records, stdout) if fmt == "csv" else write_jsonl(records, stdout)
    with _replacing(target) as tmp:
        if fmt == "parquet":
            return write_parquet(records, tmp)
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            return write_csv(records, fh) if fmt == "csv" else write_jsonl(records, fh)


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
