"""The physical limit: tantivy (Rust, through its Python bindings) doing the same work.

Optional (`pip install .[bench]`). Same corpus and answer as bench/fts.py: BM25 with the
title counted three times (repeated in the one text field, as sitrep does), the total, the top
20 records read back whole, term aggregations for the four facets, the same filters.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy

from sitrep.record import Record

TOP = 20
TITLE_WEIGHT = 3
FACETS = ("countries", "topic", "trend", "year")


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("text", tokenizer_name="en_stem")
    sb.add_bytes_field("json", stored=True, indexed=False)  # the record, read back like the others
    for name in FACETS:
        sb.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_date_field("week", indexed=True, fast=True)
    return sb.build()


def build(path: Path, records: Iterable[Record]) -> int:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    index = tantivy.Index(_schema(), str(path))
    writer = index.writer(heap_size=128_000_000, num_threads=2)
    n = 0
    for r in records:
        n += 1
        doc = tantivy.Document()
        doc.add_text("text", "\n".join([*[r.title] * TITLE_WEIGHT, r.lead, *r.body]))
        doc.add_bytes("json", r.to_json().encode())
        for code in r.countries:
            doc.add_text("countries", code)
        for name, value in (("topic", r.topic), ("trend", r.trend), ("year", r.week_start and r.week_start[:4])):
            doc.add_text(name, value or "none")
        if r.week_start:
            doc.add_date("week", dt.datetime.fromisoformat(r.week_start).replace(tzinfo=dt.UTC))
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    return n


class TantivySearch:
    def __init__(self, path: Path) -> None:
        self.index = tantivy.Index.open(str(path))
        self.index.reload()
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def close(self) -> None:
        del self.searcher, self.index

    def search(self, q: Any) -> dict[str, Any]:
        parts: list[tuple[Any, Any]] = []
        if q.text:
            parts.append((tantivy.Occur.Must, self.index.parse_query(q.text, ["text"], conjunction_by_default=True)))
        if q.country:
            parts.append((tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "countries", q.country)))
        for name in ("topic", "trend"):
            if getattr(q, name):
                parts.append((tantivy.Occur.Must, tantivy.Query.term_query(self.schema, name, getattr(q, name))))
        if q.since or q.until:
            low = dt.datetime.fromisoformat(q.since).replace(tzinfo=dt.UTC) if q.since else None
            high = dt.datetime.fromisoformat(q.until).replace(tzinfo=dt.UTC) if q.until else None
            parts.append(
                (tantivy.Occur.Must, tantivy.Query.range_query(self.schema, "week", tantivy.FieldType.Date, low, high))
            )
        query = tantivy.Query.boolean_query(parts) if parts else tantivy.Query.all_query()
        if q.sort == "newest" or not q.text:
            found = self.searcher.search(query, TOP, count=True, order_by_field="week")
        else:
            found = self.searcher.search(query, TOP, count=True)
        hits = [Record.from_json(self.searcher.doc(address)["json"][0].decode()) for _, address in found.hits]
        out: dict[str, Any] = {"total": found.count, "hits": hits}
        if q.facets:
            aggs = self.searcher.aggregate(query, {f: {"terms": {"field": f, "size": 300}} for f in FACETS})
            for name in FACETS:
                out[name] = [(b["key"], b["doc_count"]) for b in aggs[name]["buckets"]]
        return out
