"""A real indexing process for the crash tests: `update_index` with small batches, saying on
stdout when each commit starts and ends, so the test can kill it inside one."""

from __future__ import annotations

import sys

from whoosh.writing import SegmentWriter

from sitrep.config import load
from sitrep.index import writing
from sitrep.index.store import RecordStore


def main(data_dir: str, batch: int) -> None:
    settings = load(path=None, environ={}, overrides={"storage.data_dir": data_dir})
    original = SegmentWriter.commit

    def commit(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        print("COMMITTING", flush=True)
        original(self, *args, **kwargs)
        print("COMMITTED", flush=True)

    SegmentWriter.commit = commit  # type: ignore[method-assign]
    writing.BATCH = batch
    link = writing.index_dir(settings.data_dir)
    seq = writing.read_meta(link.resolve()).get("seq", 0) if link.exists() else 0
    with RecordStore(settings.data_dir, create=False) as store:
        start = int(store.db.execute("SELECT COUNT(*) FROM records WHERE seq <= ?", (seq,)).fetchone()[0])
    print("START", start, flush=True)
    writing.update_index(settings)
    print("DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
