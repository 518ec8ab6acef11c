"""Per-document facet values as bitsets, built once per index generation and saved beside it.

Whoosh's own faceting reads every hit's values in Python and builds its caches on the first
query (seconds at 100k documents). Here each facet value is a bitset over document numbers
(a Python int), written when the index is committed: counting a facet over all hits is one
AND and one popcount per value, and the first query after opening costs what a warm one does.
"""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import functools
import mmap
import os
import pickle
import secrets
from pathlib import Path

from whoosh.index import Index
from whoosh.reading import IndexReader

from sitrep.index.schema import FACET_FIELDS

FILE = "docvalues-{generation}.pickle"


class DocValues:
    """Document numbers -> record ids, week (day ordinal) and facet bitsets of one generation."""

    def __init__(
        self,
        generation: int,
        ids: list[str],
        weeks: array.array,
        live: int,
        facets: dict[str, dict[str, int]],
        order: array.array,
    ) -> None:
        self.generation = generation
        self.ids = ids
        self.weeks = weeks
        self.live = live
        self.facets = facets
        self.order = order  # live document numbers, newest week first (ties by id), undated last
        self.dated_count = sum(1 for d in order if weeks[d])

    @functools.cached_property
    def month_spans(self) -> list[tuple[int, int, int]]:
        """(first day, last day as ordinals, bitset) of each month that has documents."""
        spans = []
        for month, bits in self.facets.get("month", {}).items():
            first = dt.date(int(month[:4]), int(month[5:7]), 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            spans.append((first.toordinal(), last.toordinal(), bits))
        return spans

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
        live_docs = [d for d in range(size) if live >> d & 1]
        dated = sorted((d for d in live_docs if weeks[d]), key=lambda d: (-weeks[d], ids[d]))
        order = array.array("l", dated + sorted((d for d in live_docs if not weeks[d]), key=lambda d: ids[d]))
        return cls(generation, ids, weeks, live, facets, order)

    def save(self, folder: Path) -> None:
        """Write atomically (temp file, fsync, rename): a reader never sees half a file."""
        target = folder / FILE.format(generation=self.generation)
        tmp = private_tmp(target)
        with tmp.open("wb") as fh:
            pickle.dump(
                (self.generation, self.ids, self.weeks, self.live, self.facets, self.order),
                fh,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        remove_older(folder, "docvalues", ".pickle", self.generation)

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


def private_tmp(target: Path) -> Path:
    """A temporary name no other writer uses (two writers may save the same generation)."""
    return target.with_name(f"{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def remove_older(folder: Path, prefix: str, suffix: str, generation: int) -> None:
    """Delete the files of older generations only: a concurrent writer may have saved a newer one."""
    for old in folder.glob(f"{prefix}-*{suffix}"):
        number = old.name[len(prefix) + 1 : -len(suffix)]
        if number.isdigit() and int(number) < generation:
            old.unlink(missing_ok=True)


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


class TermSets:
    """Which documents hold each frequent word, saved beside the index and read on demand.

    Counting facets over all hits needs the full set of matching documents; Whoosh yields it
    one document at a time in Python. For the words of most queries (those in many documents)
    the set is written once, when the index is committed: dense ones as bitsets, sparse ones as
    document-number arrays. A query then combines them with AND/OR/NOT on Python ints.
    """

    MIN_DF = 64

    def __init__(self, folder: Path, generation: int) -> None:
        self.path = folder / f"termsets-{generation}.bin"
        self._table: dict[tuple[str, str], tuple[int, int, bool]] | None = None
        self._data: bytes | None = None

    @classmethod
    def build(cls, reader: IndexReader, generation: int, folder: Path, fields: tuple[str, ...]) -> TermSets:
        size = reader.doc_count_all()
        table: dict[tuple[str, str], tuple[int, int, bool]] = {}
        target = folder / f"termsets-{generation}.bin"
        tmp = private_tmp(target)
        with tmp.open("wb") as fh:
            for field in fields:
                if field not in reader.indexed_field_names():
                    continue
                for term, info in reader.iter_field(field):
                    if info.doc_frequency() < cls.MIN_DF:
                        continue
                    ids = reader.postings(field, term).all_ids()
                    dense = info.doc_frequency() * 32 > size
                    blob = (
                        bits_of(ids, size).to_bytes((size >> 3) + 1, "little")
                        if dense
                        else array.array("I", ids).tobytes()
                    )
                    table[(field, term if isinstance(term, str) else term.decode("utf-8"))] = (
                        fh.tell(),
                        len(blob),
                        dense,
                    )
                    fh.write(blob)
            index = pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL)
            fh.write(index)
            fh.write(len(index).to_bytes(8, "little"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        remove_older(folder, "termsets", ".bin", generation)
        return cls(folder, generation)

    def _load(self) -> None:
        if self._table is not None:
            return
        self._table, self._data = {}, b""
        try:
            with self.path.open("rb") as fh:
                data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return  # missing or empty: every word falls back to Whoosh's own matching
        length = int.from_bytes(data[-8:], "little") if len(data) >= 8 else -1
        if length < 0 or length > len(data) - 8:
            data.close()
            return
        try:
            self._table = pickle.loads(data[len(data) - 8 - length : len(data) - 8])
        except (pickle.UnpicklingError, EOFError, ValueError):
            data.close()
            return
        self._data = data

    def close(self) -> None:
        if isinstance(self._data, mmap.mmap):
            self._data.close()
        self._table, self._data = None, None

    def get(self, field: str, term: str, size: int) -> int | None:
        """The bitset of documents holding ``term``, or None when it is not saved (rare or unknown)."""
        self._load()
        assert self._table is not None and self._data is not None
        found = self._table.get((field, term))
        if found is None:
            return None
        offset, length, dense = found
        blob = self._data[offset : offset + length]
        if dense:
            return int.from_bytes(blob, "little")
        ids = array.array("I")
        ids.frombytes(blob)
        return bits_of(ids, size)
