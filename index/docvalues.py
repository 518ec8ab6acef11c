"""Per-document facet values as bitsets, built once per index generation and saved beside it.

Whoosh's own faceting reads every hit's values in Python and builds its caches on the first
query (seconds at 100k documents). Here each facet value is a bitset over document numbers
(a Python int), written when the index is committed: counting a facet over all hits is one
AND and one popcount per value, and the first query after opening costs what a warm one does.
"""

from __future__ import annotations

import array
import contextlib
import os
import pickle
from pathlib import Path

from whoosh.index import Index
from whoosh.reading import IndexReader

from index.schema import FACET_FIELDS

FILE = "docvalues-{generation}.pickle"


class DocValues:
    """Document numbers -> record ids, week (day ordinal) and facet bitsets of one generation."""

    def __init__(
        self, generation: int, ids: list[str], weeks: array.array, live: int, facets: dict[str, dict[str, int]]
    ) -> None:
        self.generation = generation
        self.ids = ids
        self.weeks = weeks
        self.live = live
        self.facets = facets

    @classmethod
    def build(cls, reader: IndexReader, generation: int) -> DocValues:
        size = reader.doc_count_all()
        ids = list(reader.column_reader("id")) if size else []
        ids = [i.decode() if isinstance(i, bytes) else i for i in ids]
        weeks = (
            array.array("l", (w if 0 < w < 2**31 - 1 else 0 for w in map(int, reader.column_reader("weekday_ord"))))
            if size
            else array.array("l")
        )  # unset reads as 2**31-1 or 2**32-1
        live = bits_of(reader.all_doc_ids(), size)
        facets: dict[str, dict[str, int]] = {}
        for field in FACET_FIELDS:
            values: dict[str, int] = {}
            if field in reader.indexed_field_names():
                for term in reader.field_terms(field):
                    mask = bits_of(reader.postings(field, term).all_ids(), size) & live
                    if mask:
                        values[term] = mask
            facets[field] = values
        return cls(generation, ids, weeks, live, facets)

    def save(self, folder: Path) -> None:
        """Write atomically (temp file, fsync, rename): a reader never sees half a file."""
        target = folder / FILE.format(generation=self.generation)
        tmp = target.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(
                (self.generation, self.ids, self.weeks, self.live, self.facets), fh, protocol=pickle.HIGHEST_PROTOCOL
            )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        for old in folder.glob("docvalues-*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)

    @classmethod
    def load(cls, folder: Path, generation: int) -> DocValues | None:
        path = folder / FILE.format(generation=generation)
        try:
            with path.open("rb") as fh:
                return cls(*pickle.load(fh))
        except (FileNotFoundError, EOFError, pickle.UnpicklingError, TypeError, ValueError):
            return None

    @classmethod
    def for_index(cls, ix: Index, reader: IndexReader) -> DocValues:
        """The saved doc values of the index's generation, rebuilt (and saved) if missing."""
        folder = Path(ix.storage.folder)
        generation = ix.latest_generation()
        found = cls.load(folder, generation)
        if found is None:
            found = cls.build(reader, generation)
            with contextlib.suppress(OSError):  # a read-only index still answers; it pays the build each time
                found.save(folder)
        return found


def bits_of(docnums, size: int) -> int:  # type: ignore[no-untyped-def]
    """A bitset (int) with the given document numbers set."""
    buf = bytearray((size >> 3) + 1)
    for d in docnums:
        buf[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


def docnums_of(mask: int) -> list[int]:
    """The document numbers set in a bitset, ascending."""
    out = []
    data = mask.to_bytes((mask.bit_length() >> 3) + 1, "little")
    for byte_index, byte in enumerate(data):
        if byte:
            base = byte_index << 3
            for bit in range(8):
                if byte >> bit & 1:
                    out.append(base + bit)
    return out
