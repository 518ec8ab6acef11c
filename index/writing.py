"""Keeping the Whoosh index in step with the record store.

``update_index`` adds exactly the records the store wrote since the index last saw it (by id:
no duplicates after any number of crawls). ``rebuild_index`` builds a fresh index beside the
live one and swaps a symlink to it: readers see the old index or the new one, never a mix.
Writers wait ``index.lock_timeout`` seconds for Whoosh's lock, then fail with IndexLocked.
The lock file is Whoosh's and is never deleted here.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError

from crawler.config import Settings
from crawler.errors import IndexDamaged, IndexLocked, IndexMissing
from index.docvalues import DocValues
from index.schema import SCHEMA_VERSION, document, schema
from index.store import RecordStore

LINK = "index"  # <data>/index -> index-<n>, swapped atomically by a rebuild
META = "sitrep-index.json"
BATCH = 2000


def index_dir(data_dir: Path) -> Path:
    return data_dir / LINK


def read_meta(folder: Path) -> dict[str, int]:
    try:
        return json.loads((folder / META).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write_meta(folder: Path, meta: dict[str, int]) -> None:
    tmp = folder / (META + ".tmp")
    tmp.write_text(json.dumps(meta))
    os.replace(tmp, folder / META)


def check_version(folder: Path) -> None:
    version = read_meta(folder).get("schema_version")
    if version != SCHEMA_VERSION:
        raise IndexDamaged(f"the index at {folder} has schema version {version}, this sitrep needs {SCHEMA_VERSION}")


def _new_folder(data_dir: Path) -> Path:
    folder = data_dir / f"index-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
    folder.mkdir(parents=True)
    whoosh_index.create_in(str(folder), schema())
    _write_meta(folder, {"schema_version": SCHEMA_VERSION, "seq": 0})
    return folder


def _swap(data_dir: Path, folder: Path) -> None:
    link = index_dir(data_dir)
    tmp = data_dir / (LINK + ".swap")
    tmp.unlink(missing_ok=True)
    os.symlink(folder.name, tmp)
    old = link.resolve() if link.is_symlink() else None
    os.replace(tmp, link)
    if old and old != folder.resolve() and old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _feed(folder: Path, store: RecordStore, since: int, lock_timeout: float, memory_mb: int) -> int:
    """Write the store's records after ``since`` into the index at ``folder``; returns how many."""
    ix = whoosh_index.open_dir(str(folder))
    records, newest = store.changed_since(since)
    for start in range(0, len(records), BATCH) or [0]:
        batch = records[start : start + BATCH]
        try:
            writer = ix.writer(timeout=lock_timeout, limitmb=memory_mb)
        except LockError:
            raise IndexLocked(f"the index at {folder} stayed locked for {lock_timeout:g} s") from None
        try:
            for record in batch:
                writer.update_document(**document(record))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    with ix.searcher() as searcher:
        DocValues.build(searcher.reader(), ix.latest_generation()).save(folder)
    _write_meta(folder, {"schema_version": SCHEMA_VERSION, "seq": newest})
    ix.close()
    return len(records)


def update_index(settings: Settings) -> int:
    """Bring the index up to date with the store (creating it the first time)."""
    data_dir = settings.data_dir
    store = RecordStore(data_dir, settings.site, create=False)
    try:
        link = index_dir(data_dir)
        if not link.exists():
            return rebuild_index(settings, store)
        folder = link.resolve()
        check_version(folder)
        return _feed(
            folder, store, read_meta(folder).get("seq", 0), settings.index.lock_timeout, settings.index.memory_mb
        )
    finally:
        store.close()


def rebuild_index(settings: Settings, store: RecordStore | None = None) -> int:
    """A fresh index from every record in the store, swapped in when complete."""
    own = store is None
    store = store or RecordStore(settings.data_dir, settings.site, create=False)
    try:
        folder = _new_folder(settings.data_dir)
        try:
            count = _feed(folder, store, 0, settings.index.lock_timeout, settings.index.memory_mb)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        _swap(settings.data_dir, folder)
        return count
    finally:
        if own:
            store.close()


def open_index(data_dir: Path) -> whoosh_index.Index:
    """The live index for reading, or one clear error saying what to run."""
    link = index_dir(data_dir)
    if not link.exists():
        raise IndexMissing(f"no index in {data_dir}")
    folder = link.resolve()
    check_version(folder)
    try:
        return whoosh_index.open_dir(str(folder))
    except Exception as exc:  # Whoosh raises many kinds on a damaged index; all mean the same to a user
        raise IndexDamaged(f"the index at {folder} cannot be opened ({type(exc).__name__})") from None
