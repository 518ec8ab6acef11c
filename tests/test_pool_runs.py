"""Whoosh's pool spilling runs in chunks (``index.pool_runs``) writes the same index as Whoosh's
own pool: the oracle is an index of the same records written with Whoosh's methods in place."""

from __future__ import annotations

from pathlib import Path

from whoosh.writing import PostingPool

from sitrep.config import load
from sitrep.index import pool_runs
from sitrep.index.writing import live_folder, open_folder, rebuild_index
from tests.test_ranking import make_records, store_records

WHOOSH_WRITE_RUN = PostingPool._write_run
WHOOSH_READ_RUN = PostingPool._read_run


def build(data: Path, records: list, chunked: bool, monkeypatch) -> Path:  # type: ignore[no-untyped-def,type-arg]
    store_records(data, records)
    spilled = []
    with monkeypatch.context() as patch:
        if not chunked:  # the oracle: Whoosh's own run methods, whatever chunked_runs() does
            patch.setattr(pool_runs, "chunked_runs", _whooshs_own)
        patch.setattr(PostingPool, "save", _counting(PostingPool.save, spilled))
        # one process (document numbers in store order), the smallest pool: it spills many runs
        rebuild_index(
            load(
                path=None,
                environ={},
                overrides={"storage.data_dir": str(data), "index.processes": 1, "index.memory_mb": 8},
            )
        )
    assert len(spilled) >= 3
    return live_folder(data)


def _whooshs_own():  # type: ignore[no-untyped-def]
    import contextlib

    return contextlib.nullcontext()


def _counting(save, spilled):  # type: ignore[no-untyped-def]
    def counted(pool):  # type: ignore[no-untyped-def]
        if pool.current:
            spilled.append(len(pool.current))
        return save(pool)

    return counted


def everything(folder: Path) -> tuple[list, list]:  # type: ignore[type-arg]
    ix = open_folder(folder)
    try:
        with ix.reader() as reader:
            postings = []
            for field, term in reader.all_terms():
                matcher = reader.postings(field, term)
                while matcher.is_active():
                    postings.append((field, term, matcher.id(), matcher.weight(), matcher.value()))
                    matcher.next()
            lengths = [
                (d, field, reader.doc_field_length(d, field))
                for d in range(reader.doc_count_all())
                for field in ("text_en",)
            ]
            return postings, lengths + [("stored", *sorted(f.items())) for f in reader.all_stored_fields()]
    finally:
        ix.close()


def test_chunked_runs_write_whooshs_index(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    records = make_records(5000, 5)
    ours = everything(build(tmp_path / "chunked", records, True, monkeypatch))
    theirs = everything(build(tmp_path / "whoosh", records, False, monkeypatch))
    assert len(ours[0]) > 50_000
    assert ours == theirs


def test_whooshs_methods_are_back_after_a_write(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with pool_runs.chunked_runs():
        with pool_runs.chunked_runs():
            assert PostingPool._write_run is not WHOOSH_WRITE_RUN
        assert PostingPool._read_run is not WHOOSH_READ_RUN  # still inside the outer writer
    assert (PostingPool._write_run, PostingPool._read_run) == (WHOOSH_WRITE_RUN, WHOOSH_READ_RUN)
