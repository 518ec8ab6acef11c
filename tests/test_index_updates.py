"""An index kept up to date by `sitrep index` / each crawl: only what the store changed since
the last update is written, and searches, facets and word sets see the new records at once.
Expected values are counted in the test from the records stored."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from sitrep.config import load
from sitrep.index.store import RecordStore, now
from sitrep.index.writing import index_dir, rebuild_index, update_index
from sitrep.record import finish
from sitrep.search.api import Archive
from tests.test_ranking import make_records, store_records


def test_an_update_writes_only_what_is_new_and_every_view_sees_it(tmp_path: Path) -> None:
    records = make_records(300, 31)
    store_records(tmp_path, records)
    settings = load(path=None, environ={}, overrides={"storage.data_dir": str(tmp_path)})
    rebuild_index(settings)
    assert update_index(settings) == 0, "nothing changed in the store: nothing to write"
    added = [
        finish(
            dataclasses.replace(
                r,
                id=f"new{i:013x}",
                body=(*r.body, "A zeppelin over the oil refinery."),
                countries=("GE",),
                country_counts=(("GE", 1),),
            )
        )
        for i, r in enumerate(make_records(12, 32))
    ]
    with RecordStore(tmp_path) as store, store.transaction():
        store.db.executemany(
            "INSERT INTO records VALUES (?, ?, ?, 1, ?, ?)",
            [(r.id, r.to_json(), r.content_hash, now(), 1000 + i) for i, r in enumerate(added)],
        )
    assert update_index(settings) == 12
    assert update_index(settings) == 0
    everything = records + added
    with Archive(settings) as archive:
        assert archive.search("zeppelin").total == 12
        oil = sum(bool(re.search(r"\boil\b", r.text, re.I)) for r in everything)
        assert archive.search("oil").total == oil  # a common word: answered from its saved set
        assert {f.value: f.count for f in archive.search("", facets="countries").facets["countries"]}["GE"] == 12
        assert len(archive.ids()) == 312 and set(archive.ids(countries="GE")) == {r.id for r in added}


def test_an_update_with_nothing_new_writes_saved_values_that_are_missing(tmp_path: Path) -> None:
    """A writer killed between its commit and saving the doc values and word sets leaves an
    index without them; the next update, with nothing new to write, saves them."""
    store_records(tmp_path, make_records(60, 33))
    settings = load(path=None, environ={}, overrides={"storage.data_dir": str(tmp_path)})
    rebuild_index(settings)
    folder = index_dir(tmp_path).resolve()
    saved = sorted(p.name for p in folder.iterdir() if p.name.startswith(("docvalues-", "termsets-")))
    assert len(saved) == 2
    for name in saved:
        (folder / name).unlink()
    assert update_index(settings) == 0
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(("docvalues-", "termsets-"))) == saved
