"""Keeping the Whoosh index in step with the record store.

``update_index`` adds exactly the records the store wrote since the index last saw it (by id:
no duplicates after any number of crawls). ``rebuild_index`` builds a fresh index beside the
live one and swaps a symlink to it: readers see the old index or the new one, never a mix.
Writers wait ``index.lock_timeout`` seconds for Whoosh's lock, then fail with IndexLocked.
The lock file is Whoosh's and is never deleted here.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import os
import pickle
import re
import shutil
import struct
import time
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path

import sitrep.index.whoosh_imports  # noqa: F401  (before Whoosh: see its docstring)

from whoosh import index as whoosh_index
from whoosh.codec import default_codec
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from sitrep.config import Settings
from sitrep.errors import IndexDamaged, IndexLocked, IndexMissing
from sitrep.index.docvalues import FILE as FILE_OF_DOCVALUES
from sitrep.index.docvalues import DocValues, TermSets, private_tmp
from sitrep.index.schema import SCHEMA_VERSION, TEXT_FIELDS, document, schema
from sitrep.index.store import RecordStore
from sitrep.index.words import WordCounts

LINK = "index"  # <data>/index -> index-<n>, swapped atomically by a rebuild
META = "sitrep-index.json"
BATCH = 2000
# A rebuild commits once, so it reads the store in smaller pieces: the writer processes are forked
# from this one and start with a copy of what it holds (2,000 records are ~15 MB in each process;
# 100k records: peak 195 MB with 2,000, 153 MB with 250).
REBUILD_CHUNK = 500
PARALLEL_SETS_FROM = 20_000  # documents; below, starting a second process costs more than it saves


def _storage(folder: Path) -> FileStorage:
    """Whoosh's file storage without memory-mapping: mapped segments count in full against a
    process's memory as they are touched (260 MB for a 100k index, against 50 MB read), at the
    price of ~25 % slower queries, which stay faster than FTS5's at that size."""
    return FileStorage(str(folder), supports_mmap=False)


def index_dir(data_dir: Path) -> Path:
    return data_dir / LINK


def read_meta(folder: Path) -> dict[str, int]:
    try:
        return json.loads((folder / META).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write_meta(folder: Path, meta: dict[str, int]) -> None:
    tmp = private_tmp(folder / META)
    tmp.write_text(json.dumps(meta))
    os.replace(tmp, folder / META)


def check_version(folder: Path) -> None:
    version = read_meta(folder).get("schema_version")
    if version != SCHEMA_VERSION:
        raise IndexDamaged(f"the index at {folder} has schema version {version}, this sitrep needs {SCHEMA_VERSION}")


def _new_folder(data_dir: Path) -> Path:
    folder = data_dir / f"index-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{os.urandom(3).hex()}"
    folder.mkdir(parents=True)
    _storage(folder).create_index(schema())
    _write_meta(folder, {"schema_version": SCHEMA_VERSION, "seq": 0})
    return folder


def _swap(data_dir: Path, folder: Path) -> None:
    """Point the link at ``folder`` atomically, then remove every other index folder.

    Called under the rebuild lock, so the other folders are old indexes or ones a killed
    rebuild left behind; a reader that still has an old one open keeps its files until it
    closes them (POSIX).
    """
    link = index_dir(data_dir)
    tmp = private_tmp(data_dir / (LINK + ".swap"))
    os.symlink(folder.name, tmp)
    os.replace(tmp, link)
    for other in data_dir.glob("index-*"):
        if other.is_dir() and other.resolve() != folder.resolve():
            shutil.rmtree(other, ignore_errors=True)


def _feed(folder: Path, store: RecordStore, since: int, settings: Settings, one_commit: bool = False) -> int:
    """Write the store's records after ``since`` into the index at ``folder``; returns how many.

    Commits every ``BATCH`` records, so a killed writer loses at most one batch and the next
    run goes on from the last commit (the seq in the index's meta file). A rebuild, which
    nobody reads until it is swapped in, uses ``one_commit`` and merges its segments once.
    """
    from sitrep.index.pool_runs import chunked_runs  # here: readers of the index never load Whoosh's writer

    ix = _storage(folder).open_index()
    fresh = ix.doc_count_all() == 0  # nothing to replace: add without looking up old copies
    words = WordCounts() if fresh else WordCounts.latest(folder)
    newest, count, writer = since, 0, None
    with chunked_runs():  # Whoosh's pools spill faster (``index.pool_runs``)
        try:
            for batch, upto in store.changed_since(since, chunk=REBUILD_CHUNK if one_commit else BATCH):
                newest = upto
                if writer is None:
                    # a rebuild, which nobody reads until it is swapped in, indexes in several
                    # processes; an incremental update, run inside a crawl, stays in this one
                    writer = _writer(ix, folder, settings, settings.index.processes if one_commit else 1)
                add = writer.add_document if fresh else writer.update_document
                for record in batch:
                    add(**document(record))
                words.add(batch)
                count += len(batch)
                if not one_commit:
                    writer.commit()
                    writer = None
            if writer is not None:
                writer.commit()
                writer = None
        except BaseException:
            if writer is not None:
                writer.cancel()
            raise
    if count or not (folder / FILE_OF_DOCVALUES.format(generation=ix.latest_generation())).exists():
        with ix.searcher() as searcher:
            reader = searcher.reader()
            DocValues.build(reader, ix.latest_generation()).save(folder)
            # a rebuild of a large index reads the word sets in two processes (see TermSets.build)
            large = one_commit and reader.doc_count_all() >= PARALLEL_SETS_FROM
            TermSets.build(
                reader, ix.latest_generation(), folder, TEXT_FIELDS, settings.index.processes if large else 1
            )
        words.save(folder, ix.latest_generation())
    _write_meta(folder, {"schema_version": SCHEMA_VERSION, "seq": newest})
    ix.close()
    return count


def _codec():  # type: ignore[no-untyped-def]
    """Whoosh's own codec, without the document length it records per posting block.

    Whoosh looks up each posting's document length while writing (about a tenth of a rebuild's
    time, one column read per posting) only to bound its own top-k scoring of a block; sitrep
    ranks with its own BM25 over lengths saved apart (``DocValues``), and Whoosh's scoring, left
    to "similar texts", stays exact with a looser bound. Same file format: any Whoosh reads it.
    """
    codec = default_codec()
    codec.length_stats = False
    return codec


def _writer(ix: whoosh_index.Index, folder: Path, settings: Settings, processes: int = 1):  # type: ignore[no-untyped-def]
    common = {"timeout": settings.index.lock_timeout, "limitmb": settings.index.memory_mb, "codec": _codec()}
    try:
        if processes > 1:  # each process writes a segment of its own; they are kept, not merged
            from sitrep.index.writer_processes import WatchedMpWriter

            return WatchedMpWriter(ix, procs=processes, multisegment=True, **common)
        return ix.writer(**common)
    except LockError:
        raise IndexLocked(f"the index at {folder} stayed locked for {settings.index.lock_timeout:g} s") from None


def update_index(settings: Settings) -> int:
    """Bring the index up to date with the store (creating it the first time)."""
    data_dir = settings.data_dir
    store = RecordStore(data_dir, create=False)
    try:
        link = index_dir(data_dir)
        if not link.exists():
            # the first index: there is no older one to protect, so it goes live at once, empty,
            # and fills batch by batch; a writer killed on the way leaves a smaller, sound index
            with _rebuild_lock(data_dir, settings.index.lock_timeout):
                if not link.exists():
                    _swap(data_dir, _new_folder(data_dir))
        folder = link.resolve()
        check_version(folder)
        return _feed(folder, store, read_meta(folder).get("seq", 0), settings)
    finally:
        store.close()


def rebuild_index(settings: Settings, store: RecordStore | None = None) -> int:
    """A fresh index from every record in the store, built beside the live one and swapped in whole."""
    own = store is None
    store = store or RecordStore(settings.data_dir, create=False)
    try:
        with _rebuild_lock(settings.data_dir, settings.index.lock_timeout):
            folder = _new_folder(settings.data_dir)
            try:
                count = _feed(folder, store, 0, settings, one_commit=True)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            _swap(settings.data_dir, folder)
            return count
    finally:
        if own:
            store.close()


@contextlib.contextmanager
def _rebuild_lock(data_dir: Path, timeout: float) -> Iterator[None]:
    """One rebuild (or first build) at a time per data directory; the kernel frees it if we die."""
    with (data_dir / "index.rebuild.lock").open("a") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLocked(f"another index rebuild in {data_dir} held its lock for {timeout:g} s") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# What reading a damaged index raises: each kind is provoked by tests/test_index_reliability.py
# (a TOC deleted, truncated or garbage; a segment deleted, truncated, emptied or garbage; the
# folder gone or a file). Anything else is a bug and is not dressed up as damage.
DAMAGE = (
    OSError,
    EOFError,
    struct.error,
    pickle.UnpicklingError,
    whoosh_index.EmptyIndexError,
    whoosh_index.IndexError,
)


def live_folder(data_dir: Path) -> Path:
    """The folder the index link points at now."""
    link = index_dir(data_dir)
    if not link.exists():
        raise IndexMissing(f"no index in {data_dir}")
    return link.resolve()


def open_folder(folder: Path) -> whoosh_index.Index:
    """One index generation for reading, or IndexDamaged."""
    check_version(folder)
    with warnings.catch_warnings():  # on a damaged TOC Whoosh leaves its open file to the collector
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return _storage(folder).open_index()
        except DAMAGE as exc:
            error = f"the index at {folder} cannot be opened ({type(exc).__name__})"
            quiet_collect(exc)
    raise IndexDamaged(error)


def open_index(data_dir: Path) -> whoosh_index.Index:
    """The live index for reading, or one clear error saying what to run."""
    return open_folder(live_folder(data_dir))


def generation_of(data_dir: Path) -> str:
    """Which index is live now: its folder and Whoosh generation, without opening it.

    Changes with every commit (``sitrep index``, a crawl) and every rebuild (a new folder), so a
    long-running reader such as ``sitrep serve`` can notice a newer index and use it as an ETag.
    Whoosh names each generation's table of contents ``_MAIN_<generation>.toc``.
    """
    folder = index_dir(data_dir).resolve()
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        raise IndexMissing(f"no index in {data_dir}") from None
    found = [int(m.group(1)) for n in names if (m := _TOC.fullmatch(n))]
    return f"{folder.name}.{max(found, default=-1)}"


_TOC = re.compile(r"_MAIN_(\d+)\.toc")


def quiet_collect(exc: BaseException) -> None:
    """Close the files a failed Whoosh read left open (they live in the traceback's frames),
    without a ResourceWarning per file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        traceback.clear_frames(exc.__traceback__)
        gc.collect()
