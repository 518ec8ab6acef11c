"""A watch run over versions written straight into the store (as a crawl writes them), and its
feed over several runs: what is reported, in which order, at which version, and what the feed
keeps. Expected lists are written here."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from sitrep.config import load
from sitrep.index.store import RecordStore, now
from sitrep.index.writing import rebuild_index, update_index
from sitrep.record import Record, finish
from sitrep.search.api import Archive
from sitrep.search.watches import ATOM, FEED_ENTRIES, Found, Watch, Watches, write_feed
from tests.test_ranking import make_records, store_records


def write_version(store: RecordStore, record: Record, version: int, seq: int) -> None:
    """What a crawl writes for a new text (version 1) or a changed one: the record and its history."""
    text = record.to_json()
    store.db.execute(
        "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)",
        (record.id, text, record.content_hash, version, now(), seq),
    )
    store.db.execute(
        "INSERT INTO history VALUES (?, ?, ?, ?, ?, ?, ?)",
        (record.id, version, record.content_hash, text, now(), 1, "crawl"),
    )


def test_a_run_reports_each_record_once_at_its_last_version_newest_week_first(tmp_path: Path) -> None:
    base = [finish(r) for r in make_records(20, 41)]
    store_records(tmp_path, base)
    settings = load(path=None, environ={}, overrides={"storage.data_dir": str(tmp_path)})
    rebuild_index(settings)
    with Archive(settings) as archive:
        Watches(tmp_path).add(archive, "zeppelins", "zeppelin", {})
    week = ["2019-03-04", "2021-06-07", "2017-01-09"]
    new = [
        finish(dataclasses.replace(base[i], id=f"n{i:015x}", title=f"Zeppelin {i}", week_start=w, week_end=w))
        for i, w in zip(range(3), week)
    ]
    edited = base[5]
    once = finish(
        dataclasses.replace(edited, lead="A zeppelin was seen.", week_start="2018-05-07", week_end="2018-05-07")
    )
    twice = finish(dataclasses.replace(once, lead="A zeppelin was seen again."))
    with RecordStore(tmp_path) as store, store.transaction():
        for seq, r in enumerate(new, start=100):
            write_version(store, r, 1, seq)
        write_version(store, once, 2, 110)
        write_version(store, twice, 3, 111)
    update_index(settings)
    with Archive(settings) as archive:
        (digest,) = Watches(tmp_path).run(archive, "zeppelins")
        again = Watches(tmp_path).run(archive, "zeppelins")
    reported = [(f.kind, f.version, f.record.id, f.record.lead) for f in digest.found]
    assert reported == [
        ("new", 1, new[1].id, new[1].lead),  # 2021
        ("new", 1, new[0].id, new[0].lead),  # 2019
        ("changed", 3, edited.id, "A zeppelin was seen again."),  # 2018, at its last version
        ("new", 1, new[2].id, new[2].lead),  # 2017
    ]
    assert again[0].found == ()  # the run moved the watch on


def found(prefix: str, n: int) -> list[Found]:
    base = make_records(1, 0)[0]
    return [Found("new", 1, dataclasses.replace(base, id=f"{prefix}{i:02d}", title=f"{prefix} {i}")) for i in range(n)]


def test_the_feed_keeps_the_newest_entries_of_all_runs_newest_run_first(tmp_path: Path) -> None:
    watch = Watch("w", "oil", {}, now(), None, 0)
    write_feed(tmp_path, watch, found("a", 30))
    path = write_feed(tmp_path, watch, found("b", 30))
    titles = [e.findtext(f"{{{ATOM}}}title") for e in ET.parse(path).getroot().iter(f"{{{ATOM}}}entry")]
    assert FEED_ENTRIES == 50
    assert titles == [f"new: b {i}" for i in range(30)] + [f"new: a {i}" for i in range(20)]
    kept = json.loads((tmp_path / "watches" / "w.entries.json").read_text(encoding="utf-8"))
    assert [e["id"] for e in kept] == [f"b{i:02d}" for i in range(30)] + [f"a{i:02d}" for i in range(20)]
