"""Per-document facet values as bitsets, built once per index generation and saved beside it.

Whoosh's own faceting reads every hit's values in Python and builds its caches on the first
query (seconds at 100k documents). Here each facet value is a bitset over document numbers
(a Python int), written when the index is committed: counting a facet over all hits is one
AND and one popcount per value, and the first query after opening costs what a warm one does.
"""

from __future__ import annotations

import array
import bisect
import contextlib
import datetime as dt
import functools
import itertools
import mmap
import os
import pickle
import re
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, overload

import sitrep.index.whoosh_imports  # noqa: F401  (before Whoosh: see its docstring)

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.index import Index
from whoosh.reading import IndexReader, TermNotFound

from sitrep.errors import IndexWriteFailed
from sitrep.index.schema import FACET_FIELDS, TEXT_FIELDS

if TYPE_CHECKING:
    from concurrent.futures import Future

FILE = "docvalues-{generation}.pickle"


class PackedIds(Sequence[str]):
    """Record ids by document number, kept as one UTF-8 string and where each id ends.

    Saved as a list of strings, the ids of 100k documents took each command-line search ~14 ms
    to unpickle (one object per id); these two buffers load as they are, and an id is decoded
    when it is asked for.
    """

    __slots__ = ("_ends", "_text")

    def __init__(self, text: bytes, ends: array.array) -> None:
        self._text, self._ends = text, ends

    @classmethod
    def of(cls, ids: Iterable[str]) -> PackedIds:
        encoded = [i.encode() for i in ids]
        return cls(b"".join(encoded), array.array("Q", itertools.accumulate(map(len, encoded))))

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, d: int) -> str: ...
    @overload
    def __getitem__(self, d: slice) -> list[str]: ...
    def __getitem__(self, d: int | slice) -> str | list[str]:
        if isinstance(d, slice):
            return [self[i] for i in range(*d.indices(len(self)))]
        if d < 0:
            d += len(self)
        if not 0 <= d < len(self):
            raise IndexError(f"document {d} of {len(self)}")
        return self._text[self._ends[d - 1] if d else 0 : self._ends[d]].decode()

    def __reduce__(self) -> tuple[type[PackedIds], tuple[bytes, array.array]]:
        return PackedIds, (self._text, self._ends)


class DocValues:
    """Document numbers -> record ids, week (day ordinal) and facet bitsets of one generation."""

    def __init__(
        self,
        generation: int,
        ids: Sequence[str],  # PackedIds; a list in a file saved before them
        weeks: array.array,
        live: int,
        facets: dict[str, dict[str, int]],
        order: array.array,
        lengths: array.array,
        average_lengths: dict[str, float],
    ) -> None:
        self.generation = generation
        self.ids = ids
        self.weeks = weeks
        self.live = live
        self.facets = facets
        self.order = order  # live document numbers, newest week first (ties by id), undated last
        self.lengths = lengths  # each document's text length in words (BM25's length normalisation)
        self.average_lengths = average_lengths  # per text field, over the documents that have it
        # ``order`` holds the dated documents first: where they end is found by halving, not by
        # a pass over every document on each open (a command-line search opens once per query)
        self.dated_count = bisect.bisect_left(order, True, key=lambda d: not weeks[d])

    @functools.cached_property
    def positions(self) -> array.array:
        """Each document's place in ``order``: sorting a few hits by it gives the order a walk
        of ``order`` would, without walking past every document that is not a hit."""
        places = array.array("l", [0]) * len(self.ids)
        for place, d in enumerate(self.order):
            places[d] = place
        return places

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
        # every document has one text field (by its script), so one length each
        lengths, totals = array.array("f", bytes(4 * size)), dict.fromkeys(TEXT_FIELDS, 0)
        counts = dict.fromkeys(TEXT_FIELDS, 0)
        for field in TEXT_FIELDS:
            for d in range(size):
                n = reader.doc_field_length(d, field, 0)
                if n and live >> d & 1:
                    lengths[d] = n
                    totals[field] += n
                    counts[field] += 1
        averages = {f: totals[f] / counts[f] for f in TEXT_FIELDS if counts[f]}
        return cls(generation, PackedIds.of(ids), weeks, live, facets, order, lengths, averages)

    def save(self, folder: Path) -> None:
        """Write atomically (temp file, fsync, rename): a reader never sees half a file."""
        target = folder / FILE.format(generation=self.generation)
        tmp = private_tmp(target)
        with tmp.open("wb") as fh:
            pickle.dump(
                (
                    self.generation,
                    self.ids,
                    self.weeks,
                    self.live,
                    self.facets,
                    self.order,
                    self.lengths,
                    self.average_lengths,
                ),
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
    return target.with_name(f"{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")


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


_BITS_OF_BYTE = [tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256)]
_NONZERO_BYTE = re.compile(rb"[^\x00]")


def docnums_of(mask: int) -> list[int]:
    """The document numbers set in a bitset, ascending.

    A few hits among many documents (a rare word, a narrow filter) are found by a regular
    expression that skips the zero bytes in C; many hits by a walk over every byte. Either way a
    set byte's bits come from a table, not eight tests (a search's few hits at 100k: 0.05 ms, was 0.4).
    """
    data = mask.to_bytes((mask.bit_length() >> 3) + 1, "little")
    bits = _BITS_OF_BYTE
    out: list[int] = []
    if mask.bit_count() * 4 < len(data):
        for found in _NONZERO_BYTE.finditer(data):
            i = found.start()
            out += [(i << 3) + bit for bit in bits[data[i]]]
        return out
    for i, byte in enumerate(data):
        if byte:
            out += [(i << 3) + bit for bit in bits[byte]]
    return out


class TermSets:
    """Which documents hold each frequent word, and how often, saved beside the index.

    Counting facets over all hits needs the full set of matching documents, and ranking needs
    every matching document's term frequencies; Whoosh yields both one posting at a time in
    Python. For the words of most queries (those in many documents) they are written once, when
    the index is committed: the document numbers and frequencies as arrays (and, for dense
    words, the set as a bitset too). A query then combines sets with AND/OR/NOT on Python ints
    and ranks with array arithmetic (``sitrep.search.ranking``).
    """

    MIN_DF = 64

    def __init__(self, folder: Path, generation: int) -> None:
        self.path = folder / f"termsets-{generation}.bin"
        self._table: dict[tuple[str, str], tuple[int, int, int]] | _PackedTable | None = None
        self._data: bytes | None = None

    @classmethod
    def build(
        cls, reader: IndexReader, generation: int, folder: Path, fields: tuple[str, ...], processes: int = 1
    ) -> TermSets:
        """Write the sets of every word in ``MIN_DF`` documents or more. Reading their postings is
        about a tenth of a 100k-record rebuild, and all of it comes after the writers are done:
        with ``processes`` > 1 a second process (which opens the index itself) reads every other
        word, and its part is appended to this one's."""
        size = reader.doc_count_all()
        indexed = reader.indexed_field_names()
        wanted = [
            (field, term)
            for field in fields
            if field in indexed
            for term, info in reader.iter_field(field)
            if info.doc_frequency() >= cls.MIN_DF
        ]
        target = folder / f"termsets-{generation}.bin"
        tmp, part = private_tmp(target), private_tmp(target.with_suffix(".part"))
        try:
            with contextlib.ExitStack() as stack, tmp.open("wb") as fh:
                helper = None
                if processes > 1 and len(wanted) > 1:
                    from concurrent.futures import ProcessPoolExecutor  # here: searching never needs them
                    from multiprocessing import get_context

                    pool = stack.enter_context(ProcessPoolExecutor(1, mp_context=get_context("spawn")))
                    helper = pool.submit(_write_part, folder, wanted[1::2], part, size)
                    wanted = wanted[0::2]
                table = _write_sets(fh, reader, wanted, size)
                if helper is not None:
                    start = fh.tell()
                    theirs = _part_of(helper)
                    with part.open("rb") as src:
                        shutil.copyfileobj(src, fh)
                    table.update({key: (start + at, n, bits) for key, (at, n, bits) in theirs.items()})
                index = pickle.dumps(_PackedTable.of(table), protocol=pickle.HIGHEST_PROTOCOL)
                fh.write(index)
                fh.write(len(index).to_bytes(8, "little"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
            part.unlink(missing_ok=True)
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
            return  # missing or empty: every word falls back to Whoosh's own postings
        length = int.from_bytes(data[-8:], "little") if len(data) >= 8 else -1
        if length < 0 or length > len(data) - 8:
            data.close()
            return
        try:
            # a _PackedTable; a dict of the same places in a file saved before it (read alike)
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
        offset, count, bitset = found
        if bitset:
            start = offset + count * 6
            return int.from_bytes(self._data[start : start + bitset], "little")
        ids = array.array("I")
        ids.frombytes(self._data[offset : offset + count * 4])
        return bits_of(ids, size)

    def postings(self, field: str, term: str) -> tuple[memoryview, memoryview] | None:
        """Document numbers (uint32) and term frequencies (uint16) of a saved word, ascending by
        document, as views of the file (no copy); None when the word is not saved."""
        self._load()
        assert self._table is not None and self._data is not None
        found = self._table.get((field, term))
        if found is None:
            return None
        offset, count, _ = found
        view = memoryview(self._data)
        return view[offset : offset + count * 4], view[offset + count * 4 : offset + count * 6]


class _PackedTable:
    """Where each saved word's sets lie: (offset, count, bitset length) by (field, word).

    Pickled as a dict of tuples, the 16k words of a 100k index cost every command-line search
    ~9 ms to load (five objects each); here the names are one string and the places one array,
    and the lookup dict is made from them with a split and a zip.
    """

    __slots__ = ("_at", "_places")

    def __init__(self, names: str, places: array.array) -> None:
        self._places = places
        self._at = dict(zip(names.split("\n"), range(0, len(places), 3))) if names else {}

    @classmethod
    def of(cls, table: dict[tuple[str, str], tuple[int, int, int]]) -> _PackedTable:
        """A word holding either separator (none of the analysers' words does) is left out: it
        is then read from Whoosh's own postings, as every word below ``MIN_DF`` is."""
        kept = {
            f"{field}\x00{word}": place
            for (field, word), place in table.items()
            if "\n" not in field + word and "\x00" not in field + word
        }
        return cls("\n".join(kept), array.array("Q", (n for place in kept.values() for n in place)))

    def get(self, key: tuple[str, str]) -> tuple[int, int, int] | None:
        i = self._at.get(f"{key[0]}\x00{key[1]}")
        return None if i is None else (self._places[i], self._places[i + 1], self._places[i + 2])

    def __reduce__(self) -> tuple[type[_PackedTable], tuple[str, array.array]]:
        return _PackedTable, ("\n".join(self._at), self._places)


def _write_sets(
    fh: BinaryIO, reader: IndexReader, words: list[tuple[str, str | bytes]], size: int
) -> dict[tuple[str, str], tuple[int, int, int]]:
    """Each word's document numbers, frequencies and (for a word in over 1/32 of the documents)
    bitset, written from the file's position at the start; returns where each one went."""
    table: dict[tuple[str, str], tuple[int, int, int]] = {}
    base = fh.tell()
    for field, term in words:
        ids, tfs = postings_of(reader, field, term)
        bitset = bits_of(ids, size).to_bytes((size >> 3) + 1, "little") if len(ids) * 32 > size else b""
        name = term if isinstance(term, str) else term.decode("utf-8")
        table[(field, name)] = (fh.tell() - base, len(ids), len(bitset))
        fh.write(ids.tobytes())
        fh.write(tfs.tobytes())
        fh.write(bitset)
    return table


def _part_of(
    helper: Future[dict[tuple[str, str], tuple[int, int, int]]],
) -> dict[tuple[str, str], tuple[int, int, int]]:
    """The second process's part; its death (an OOM kill) is a failed write, like a writer's, not a bug."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return helper.result()
    except BrokenProcessPool:
        raise IndexWriteFailed(
            "the second process reading the index's word sets ended before its part was written"
        ) from None


def _write_part(
    folder: Path, words: list[tuple[str, str | bytes]], part: Path, size: int
) -> dict[tuple[str, str], tuple[int, int, int]]:
    """``_write_sets`` in a process of its own, on its own reader of the index in ``folder``."""
    from sitrep.index.writing import open_folder  # here: writing imports this module

    ix = open_folder(folder)
    try:
        with ix.reader() as reader, part.open("wb") as fh:
            return _write_sets(fh, reader, words, size)
    finally:
        ix.close()


def positions_of(reader: IndexReader, field: str, term: str, docs: Sequence[int]) -> dict[int, list[int]]:
    """Where ``term`` stands in each of ``docs`` (ascending document numbers) that holds it.

    Read like ``postings_of``, a block at a time: a block whose last document comes before the
    next one wanted is passed by its header, and in a block only the wanted documents' positions
    are decoded. Whoosh's ``skip_to`` steps through every posting in between in Python (a phrase
    of two common words at 100k: ~730,000 steps).
    """
    found: dict[int, list[int]] = {}
    decode = reader.schema[field].format.decoder("positions")
    for leaf, offset in reader.leaf_readers():
        start = bisect.bisect_left(docs, offset)
        local = [d - offset for d in docs[start : bisect.bisect_left(docs, offset + leaf.doc_count_all())]]
        if not local:
            continue
        try:
            matcher = leaf.postings(field, term)
        except TermNotFound:
            continue
        if not isinstance(matcher, W3LeafMatcher):
            for doc in local:
                if not matcher.is_active():
                    break
                matcher.skip_to(doc)
                if matcher.is_active() and matcher.id() == doc:
                    found[doc + offset] = matcher.value_as("positions")
            continue
        k = 0
        while matcher.is_active() and k < len(local):
            if matcher.block_max_id() >= local[k]:
                matcher._read_ids()
                matcher._read_values()
                ids, values = matcher._ids, matcher._values
                while k < len(local) and local[k] <= ids[-1]:
                    i = bisect.bisect_left(ids, local[k])
                    if ids[i] == local[k]:
                        found[local[k] + offset] = decode(values[i])
                    k += 1
            matcher._next_block()
    return found


def postings_of(reader: IndexReader, field: str, term: str | bytes) -> tuple[array.array, array.array]:
    """A word's document numbers and term frequencies across every segment, ascending.

    Whoosh 2.7's on-disk matcher is read a block (up to 128 postings) at a time through its
    block loaders: its per-posting interface costs several times more. Whoosh is pinned below
    2.8, so these names do not move; any other matcher is read posting by posting.
    """
    ids, tfs = array.array("I"), array.array("H")
    for leaf, offset in reader.leaf_readers():
        try:
            matcher = leaf.postings(field, term)  # one term lookup, not a membership test and another
        except TermNotFound:
            continue
        if isinstance(matcher, W3LeafMatcher):
            shift = offset.__add__
            while matcher.is_active():
                matcher._read_ids()
                matcher._read_weights()
                ids.extend(map(shift, matcher._ids) if offset else matcher._ids)
                weights = matcher._weights
                # map() runs in C; only a block holding a count past the array's range is clamped
                tfs.extend(map(int, weights) if max(weights) <= 65535 else (min(int(w), 65535) for w in weights))
                matcher._next_block()
        else:
            for docnum, weight in matcher.items_as("weight"):
                ids.append(docnum + offset)
                tfs.append(min(int(weight), 65535))
    return ids, tfs
