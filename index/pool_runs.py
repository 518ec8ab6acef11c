"""Whoosh's writer pool, spilling its sorted runs a few thousand postings per pickle.

Whoosh 2.7.4's external sort writes each posting of a run with a pickle call of its own and
reads it back the same way: a posting is written, read and merged once per spill, and at 100k
records nearly every posting spills (``index.memory_mb``). One ``pickle.dump`` of a list of
postings, and one ``pickle.load`` back, does the same in C; the runs are temporary files the
same writer reads back, so nothing outside the writer ever sees them.

``chunked_runs()`` swaps the two methods on Whoosh's ``PostingPool`` class while a writer is
open (the writer processes Whoosh forks inherit the class as it is), and restores them after;
``tests/test_pool_runs.py`` holds an index written this way to one written by Whoosh alone.
"""

from __future__ import annotations

import contextlib
import itertools
import pickle
import threading
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import sitrep.index.whoosh_imports  # noqa: F401  (before Whoosh: see its docstring)

from whoosh.writing import PostingPool

CHUNK = 512  # postings per pickle: enough to amortise the call; every run being merged holds one chunk

_lock = threading.Lock()
_users = 0


def _write_run(pool: Any, f: BinaryIO, items: Iterable[Any]) -> None:
    items = iter(items)
    while chunk := list(itertools.islice(items, CHUNK)):
        pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
    f.close()


def _read_run(pool: Any, path: str) -> Iterator[Any]:
    f = pool._open_run(path)
    try:
        while True:
            try:
                chunk = pickle.load(f)
            except EOFError:
                return
            yield from chunk
    finally:
        f.close()
        pool._remove_run(path)


@contextlib.contextmanager
def chunked_runs() -> Iterator[None]:
    """Whoosh's pools spill in chunks while the block runs (nested or concurrent uses share it)."""
    global _users
    with _lock:
        if _users == 0:
            PostingPool._write_run = _write_run
            PostingPool._read_run = _read_run
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:  # back to the methods PostingPool inherits from Whoosh's SortingPool
                del PostingPool._write_run
                del PostingPool._read_run
