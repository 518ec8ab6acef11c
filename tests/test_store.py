"""The record store on its own: a real SQLite file in a temporary folder, pages written the way
the crawler writes them, every outcome and version checked against what this file expects.

The assembler here is a small rule written in the test (pages pooled by URL order, the week
from the first URL with a listing week), so each expected record is plain to read; the
crawler's own assembler is tested with the crawler.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

import sitrep.index.store
from sitrep.errors import StoreMissing
from sitrep.index.store import RecordStore, Validators, now
from sitrep.record import Record, finish


def assemble(pages: Sequence[Record], weeks: Mapping[str, tuple[str, str]]) -> Record:
    pages = sorted(pages, key=lambda p: p.urls[0])
    urls = tuple(sorted({u for p in pages for u in p.urls}))
    week = next((weeks[u] for u in urls if u in weeks), (None, None))
    body = tuple(dict.fromkeys(b for p in pages for b in p.body))  # a copy adds nothing, a part adds its text
    return finish(
        dataclasses.replace(pages[0], urls=urls, url=urls[0], body=body, week_start=week[0], week_end=week[1])
    )


def page(rid: str, url: str, body: str = "text", title: str = "T", fetched: str = "2024-01-01T00:00:00Z") -> Record:
    return Record(
        id=rid,
        site="s",
        url=url,
        urls=(url,),
        lang="en",
        layout="article",
        title=title,
        body=(body,),
        fetched_at=fetched,
    )


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with RecordStore(tmp_path, assemble=assemble) as s:
        yield s


def rows(store: RecordStore, sql: str, *args: object) -> list[tuple]:  # type: ignore[type-arg]
    return store.db.execute(sql, args).fetchall()


def test_opening(tmp_path: Path) -> None:
    with pytest.raises(StoreMissing) as err:
        RecordStore(tmp_path / "none", create=False)
    assert str(err.value) == f"no record store at {tmp_path / 'none' / 'records.sqlite3'}"
    assert not (tmp_path / "none").exists()
    with RecordStore(tmp_path / "deep" / "er") as s:  # missing parent folders are made
        assert s.path == tmp_path / "deep" / "er" / "records.sqlite3" and s.path.is_file()
    with RecordStore(tmp_path / "new") as s:
        assert (tmp_path / "new" / "records.sqlite3").is_file()
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert s.count() == 0 and list(s.records()) == [] and s.runs() == []
    with RecordStore(tmp_path / "new", create=False) as s:  # exists now
        assert s.count() == 0


def test_an_old_store_gains_the_cause_column(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "records.sqlite3")
    db.execute(
        "CREATE TABLE history (id TEXT NOT NULL, version INTEGER NOT NULL, content_hash TEXT NOT NULL, "
        "json TEXT NOT NULL, changed_at TEXT NOT NULL, run_id INTEGER, PRIMARY KEY (id, version))"
    )
    db.execute("INSERT INTO history VALUES ('r', 1, 'h', '{}', 'then', NULL)")
    db.commit()
    db.close()
    with RecordStore(tmp_path) as s:
        assert [r[1] for r in s.db.execute("PRAGMA table_info(history)")][-1] == "cause"
        assert s.history("r") == [
            {"version": 1, "content_hash": "h", "changed_at": "then", "run_id": None, "cause": "crawl"}
        ]


def test_a_reader_cannot_add_pages(tmp_path: Path) -> None:
    with RecordStore(tmp_path) as s, pytest.raises(TypeError) as err:
        s.add_page(page("a", "https://x/a"))
    assert str(err.value) == "RecordStore was opened without an assembler; pages can only be added by the crawler"
    with RecordStore(tmp_path) as s:
        assert s.count() == 0 and s.known_urls() == set()  # the failed write left nothing behind


def test_new_unchanged_changed(store: RecordStore) -> None:
    assert store.add_page(page("a", "https://x/a", "one"), run_id=1) == ("a", "new")
    assert store.add_page(page("a", "https://x/a", "one", fetched="2024-02-02T00:00:00Z"), run_id=2) == (
        "a",
        "unchanged",
    )
    assert [h["version"] for h in store.history("a")] == [1]
    assert store.add_page(page("a", "https://x/a", "two"), run_id=3) == ("a", "changed")
    history = store.history("a")
    assert [(h["version"], h["run_id"], h["cause"]) for h in history] == [(1, 1, "crawl"), (2, 3, "crawl")]
    assert history[0]["content_hash"] != history[1]["content_hash"]
    assert store.get("a").body == ("two",)  # type: ignore[union-attr]
    assert store.version("a", 1).body == ("one",)  # type: ignore[union-attr]
    assert store.version("a", 2).body == ("two",)  # type: ignore[union-attr]
    assert store.version("a", 3) is None
    assert rows(store, "SELECT version FROM records WHERE id = 'a'") == [(2,)]
    assert store.get("nope") is None
    assert store.count() == 1


def test_a_changed_text_at_a_known_url_stays_the_same_record(store: RecordStore) -> None:
    store.add_page(page("a", "https://x/a", "one"))
    # the parser gives the new text a new id (ids hash the text); the URL ties it to the record
    assert store.add_page(page("b", "https://x/a", "two")) == ("a", "changed")
    assert store.get("b") is None
    assert store.get("a").id == "a"  # type: ignore[union-attr]
    assert store.record_of_url("https://x/a") == "a"
    assert store.record_of_url("https://x/zzz") is None


def test_a_second_copy_of_a_text_is_a_duplicate(store: RecordStore) -> None:
    assert store.add_page(page("a", "https://x/a", "one")) == ("a", "new")
    assert store.add_page(page("a", "https://y/a", "one")) == ("a", "duplicate")
    record = store.get("a")
    assert record.urls == ("https://x/a", "https://y/a")  # type: ignore[union-attr]
    assert store.history("a")[-1]["version"] == 1
    assert store.known_urls() == {"https://x/a", "https://y/a"}
    # seen again, the copy is unchanged
    assert store.add_page(page("a", "https://y/a", "one")) == ("a", "unchanged")


def test_a_second_page_of_a_text_completes_it_in_place(store: RecordStore) -> None:
    assert store.add_page(page("a", "https://x/a1", "part one"), run_id=1) == ("a", "new")
    assert store.add_page(page("a", "https://x/a2", "part two"), run_id=1) == ("a", "duplicate")
    record = store.get("a")
    assert record.body == ("part one", "part two")  # type: ignore[union-attr]
    history = store.history("a")
    assert len(history) == 1 and history[0]["content_hash"] == record.content_hash  # type: ignore[union-attr]
    assert store.version("a", 1) == record
    assert rows(store, "SELECT version, content_hash FROM records WHERE id = 'a'") == [(1, record.content_hash)]  # type: ignore[union-attr]


def test_listing_weeks(store: RecordStore) -> None:
    store.add_page(page("a", "https://x/a"))
    store.add_page(page("b", "https://x/b"))
    assert store.add_hints([("https://x/a", "2024-01-01", "2024-01-07", "https://x/list")], run_id=4) == ["a"]
    assert store.get("a").week_start == "2024-01-01"  # type: ignore[union-attr]
    assert store.get("a").week_end == "2024-01-07"  # type: ignore[union-attr]
    assert store.history("a")[-1]["version"] == 1  # completed in place, not a new version
    assert store.history("a")[-1]["content_hash"] == store.get("a").content_hash  # type: ignore[union-attr]
    # the same week again: nothing to do
    assert store.add_hints([("https://x/a", "2024-01-01", "2024-01-07", "https://x/list")]) == []
    # a week for a page not yet fetched is kept for later
    assert store.add_hints([("https://x/c", "2024-02-05", "2024-02-11", "https://x/list")]) == []
    store.add_page(page("c", "https://x/c"))
    assert store.get("c").week_start == "2024-02-05"  # type: ignore[union-attr]
    # an unchanged week first does not stop the ones after it
    assert store.add_hints(
        [
            ("https://x/c", "2024-02-05", "2024-02-11", "https://x/list"),
            ("https://x/b", "2024-01-15", "2024-01-21", "l"),
        ]
    ) == ["b"]
    # a moved week touches the record
    assert store.add_hints(
        [("https://x/a", "2024-01-08", "2024-01-14", "l2"), ("https://x/b", "2024-01-08", "2024-01-14", "l2")]
    ) == ["a", "b"]
    assert rows(store, "SELECT url, week_start, listing FROM hints ORDER BY url") == [
        ("https://x/a", "2024-01-08", "l2"),
        ("https://x/b", "2024-01-08", "l2"),
        ("https://x/c", "2024-02-05", "https://x/list"),
    ]


def test_a_hint_that_changes_nothing_is_not_reported(store: RecordStore) -> None:
    store.add_page(page("a", "https://x/a"))
    store.add_page(page("a", "https://x/a2"))
    store.add_hints([("https://x/a", "2024-01-01", "2024-01-07", "l")])
    # the second URL's week does not win over the first URL's: the record does not change
    assert store.add_hints([("https://x/a2", "2024-03-04", "2024-03-10", "l")]) == []


def test_seq_orders_changes_for_the_index(store: RecordStore) -> None:
    store.add_page(page("a", "https://x/a", "1"))
    store.add_page(page("b", "https://x/b", "1"))
    store.add_page(page("c", "https://x/c", "1"))
    store.add_page(page("a", "https://x/a", "2"))
    chunks = list(store.changed_since(0, chunk=2))
    assert [([r.id for r in recs], seq) for recs, seq in chunks] == [(["b", "c"], 3), (["a"], 4)]
    assert [([r.id for r in recs], seq) for recs, seq in store.changed_since(3)] == [(["a"], 4)]
    assert list(store.changed_since(4)) == []
    # an unchanged page writes nothing new for the index, fetched again later or not; a new URL
    # of the same text does
    store.add_page(page("a", "https://x/a", "2"))
    assert list(store.changed_since(4)) == []
    assert store.add_page(page("a", "https://x/a", "2", fetched="2024-02-01T00:00:00Z"))[1] == "unchanged"
    assert list(store.changed_since(4)) == []
    assert store.get("a").fetched_at == "2024-02-01T00:00:00Z"  # type: ignore[union-attr]
    store.add_page(page("b", "https://y/b", "1"))
    assert [([r.id for r in recs], seq) for recs, seq in store.changed_since(4)] == [(["b"], 5)]
    assert store.get("b").urls == ("https://x/b", "https://y/b")  # type: ignore[union-attr]


def test_reading_records(store: RecordStore) -> None:
    for rid in ("c", "a", "b"):
        store.add_page(page(rid, f"https://x/{rid}", rid))
    assert [r.id for r in store.records()] == ["a", "b", "c"]
    got = store.get_many(["b", "c", "zz"])
    assert sorted(got) == ["b", "c"] and got["b"].body == ("b",)
    assert store.get_many([]) == {}


def test_get_many_reads_past_one_chunk(store: RecordStore) -> None:
    with store.transaction() as db:
        for n in range(1203):
            db.execute(
                "INSERT INTO records VALUES (?, ?, 'h', 1, 'now', ?)",
                (f"r{n:04d}", page(f"r{n:04d}", f"u{n}").to_json(), n + 1),
            )
    got = store.get_many(f"r{n:04d}" for n in range(0, 1203, 1))
    assert len(got) == 1203 and got["r1202"].url == "u1202"


def test_versions_since(store: RecordStore) -> None:
    start = store.history_position()
    assert start == 0
    assert store.versions_since(0) == ([], 0)
    store.add_page(page("a", "https://x/a", "1"))
    store.add_page(page("b", "https://x/b", "1"))
    middle = store.history_position()
    store.add_page(page("a", "https://x/a", "2"))
    assert store.versions_since(start) == ([("a", 1), ("b", 1), ("a", 2)], 3)
    assert store.versions_since(middle) == ([("a", 2)], 3)
    assert store.versions_since(3) == ([], 3)


def test_captures_runs_ledger(store: RecordStore) -> None:
    run = store.start_run()
    assert run == 1 and store.start_run() == 2
    store.add_capture("https://x/a", "t1", 200, "w1.warc.gz", 0, 10, "page", run)
    store.add_capture("https://x/b", "t1", 404, "w1.warc.gz", 10, 5, "page", run)
    store.add_capture("https://x/a", "t2", 200, "w2.warc.gz", 7, 9, "page", 2)
    assert store.latest_captures() == [
        ("https://x/b", "t1", 404, "w1.warc.gz", 10, 5, "page"),
        ("https://x/a", "t2", 200, "w2.warc.gz", 7, 9, "page"),
    ]
    assert store.captures_of("https://x/a") == [("t1", 200, "w1.warc.gz", 0, 10), ("t2", 200, "w2.warc.gz", 7, 9)]
    store.log(run, "https://x/b", "failed", "404")
    store.log(run, "https://x/a", "stored")
    # the crawler writes this reason; stores written by earlier versions hold the same words
    robots = "forbidden by robots.txt"
    store.log(run, "https://x/b", "dropped", robots)  # a URL's last outcome in a run is what counts
    store.log(2, "https://x/c", "dropped", "too big")
    assert store.ledger(run) == [("https://x/a", "stored", ""), ("https://x/b", "dropped", robots)]
    assert store.forbidden_urls() == {"https://x/b"}
    store.finish_run(run, "done", 0, {"stored": 1}, {"note": "ok"})
    runs = store.runs()
    assert [(r["id"], r["status"], r["exit_code"], r["counts"]) for r in runs] == [
        (1, "done", 0, {"stored": 1}),
        (2, "running", None, {}),
    ]
    assert runs[0]["ended_at"] is not None and runs[1]["ended_at"] is None
    assert runs[0]["started_at"] <= runs[0]["ended_at"] and runs[1]["started_at"].endswith("Z")
    assert json.loads(rows(store, "SELECT report FROM runs WHERE id = 1")[0][0]) == {"note": "ok"}


def test_sample_mark_and_walked_listings(store: RecordStore, tmp_path: Path) -> None:
    assert not store.is_sample()
    store.add_page(page("a", "https://x/a"))
    assert store.get("a").sample is False  # type: ignore[union-attr]
    store.mark_sample()
    assert store.is_sample()
    # every reader of a sample store gets records marked as the made-up texts they are
    assert store.get("a").sample is True  # type: ignore[union-attr]
    assert [r.sample for r in store.records()] == [True]
    assert store.get_many(["a"])["a"].sample is True
    assert store.version("a", 1).sample is True  # type: ignore[union-attr]
    assert [r.sample for recs, _ in store.changed_since(0) for r in recs] == [True]
    with RecordStore(tmp_path) as again:
        assert again.get("a").sample is True  # type: ignore[union-attr]
    assert json.loads(rows(store, "SELECT json FROM records")[0][0]).get("sample") is False  # stored as parsed
    assert store.walked() == set()
    store.mark_walked(["https://x/l1", "https://x/l2"], 3)
    store.mark_walked(["https://x/l1"], 4)
    assert store.walked() == {"https://x/l1", "https://x/l2"}
    assert rows(store, "SELECT listing, run_id FROM walked ORDER BY listing") == [
        ("https://x/l1", 4),
        ("https://x/l2", 3),
    ]


def test_now_is_utc_seconds() -> None:
    stamp = now()
    assert len(stamp) == 20 and stamp.endswith("Z") and stamp[10] == "T"


def test_a_failing_transaction_leaves_nothing(store: RecordStore) -> None:
    store.add_page(page("a", "https://x/a"))
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.execute("DELETE FROM records")
        raise RuntimeError("stop")
    assert store.count() == 1
    assert not store.db.in_transaction


def test_grouped_writes_commit_together_and_a_failed_page_rolls_back_alone(tmp_path: Path) -> None:
    with RecordStore(tmp_path, assemble=assemble) as s:
        other = sqlite3.connect(tmp_path / "records.sqlite3")
        with s.grouped(seconds=3600):
            s.add_page(page("a", "https://x/a"))
            s.log(1, "https://x/a", "stored")
            s.add_capture("https://x/a", "t", 200, "w", 0, 1, "page", 1)
            assert s.db.in_transaction
            # another connection sees nothing until the group commits
            assert other.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 0
            with pytest.raises(RuntimeError), s.transaction():
                s.db.execute("DELETE FROM records")
                raise RuntimeError("a bad page")
            assert s.count() == 1
            s.add_page(page("b", "https://x/b"))
        assert not s.db.in_transaction
        assert other.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 2
        assert other.execute("SELECT COUNT(*) FROM ledger").fetchone()[0] == 1
        assert other.execute("SELECT COUNT(*) FROM captures").fetchone()[0] == 1
        # outside a group every write is committed at once
        s.log(1, "https://x/b", "stored")
        assert other.execute("SELECT COUNT(*) FROM ledger").fetchone()[0] == 2
        other.close()


def test_a_group_with_a_zero_deadline_commits_each_write(tmp_path: Path) -> None:
    with RecordStore(tmp_path, assemble=assemble) as s:
        other = sqlite3.connect(tmp_path / "records.sqlite3")
        with s.grouped(seconds=0):
            s.add_page(page("a", "https://x/a"))
            assert other.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 1
            s.log(1, "https://x/a", "stored")
            assert other.execute("SELECT COUNT(*) FROM ledger").fetchone()[0] == 1
        other.close()


def test_close_commits_what_is_open(tmp_path: Path) -> None:
    s = RecordStore(tmp_path, assemble=assemble)
    s.db.execute("BEGIN IMMEDIATE")  # as a group leaves it between commits
    s.log(1, "https://x/a", "stored")
    s.close()
    with RecordStore(tmp_path) as again:
        assert again.ledger(1) == [("https://x/a", "stored", "")]


def test_shared_store_serves_another_thread(tmp_path: Path) -> None:
    with RecordStore(tmp_path, assemble=assemble, shared=True) as s:
        s.add_page(page("a", "https://x/a"))
        seen: list[int] = []
        t = threading.Thread(target=lambda: seen.append(s.count()))
        t.start()
        t.join()
        assert seen == [1]
    with RecordStore(tmp_path, assemble=assemble) as s:
        errors: list[BaseException] = []

        def read() -> None:
            try:
                s.count()
            except sqlite3.ProgrammingError as exc:
                errors.append(exc)

        t = threading.Thread(target=read)
        t.start()
        t.join()
        assert len(errors) == 1  # an unshared connection stays with its thread


def test_replace_all(store: RecordStore) -> None:
    store.add_page(page("a", "https://x/a", "one", title="A"))
    store.add_page(page("b", "https://x/b", "bee"))
    store.add_page(page("c", "https://x/c", "sea"))
    store.add_hints([("https://x/b", "2024-01-01", "2024-01-07", "l")])
    # the new parse: a's title changed, b lost its listing week, c is gone, d is new;
    # a's page comes back under a new id (the text hash) and keeps its record
    out = store.replace_all(
        [
            page("a-new", "https://x/a", "one", title="A2", fetched="2025-05-05T00:00:00Z"),
            page("b", "https://x/b", "bee", fetched="2025-05-05T00:00:00Z"),
            page("d", "https://x/d", "dee"),
        ],
        [("https://x/d", "2024-03-04", "2024-03-10", "l")],
        run_id=9,
    )
    assert out == {"added": ["d"], "removed": ["c"], "changed": {"a": ["title"], "b": ["week_end", "week_start"]}}
    assert store.history("d") == [
        {
            "version": 1,
            "content_hash": store.get("d").content_hash,
            "changed_at": store.history("d")[0]["changed_at"],
            "run_id": 9,
            "cause": "reparse",
        }  # type: ignore[union-attr]
    ]
    assert sorted(r.id for r in store.records()) == ["a", "b", "d"]
    assert store.get("d").week_start == "2024-03-04"  # type: ignore[union-attr]
    assert [(h["version"], h["run_id"], h["cause"]) for h in store.history("a")] == [
        (1, None, "crawl"),
        (2, 9, "reparse"),
    ]
    assert store.record_of_url("https://x/a") == "a"
    assert store.record_of_url("https://x/c") is None
    # the same parse again changes nothing
    again = store.replace_all(
        [
            page("a-new", "https://x/a", "one", title="A2", fetched="2025-05-05T00:00:00Z"),
            page("b", "https://x/b", "bee", fetched="2025-05-05T00:00:00Z"),
            page("d", "https://x/d", "dee"),
        ],
        [("https://x/d", "2024-03-04", "2024-03-10", "l")],
    )
    assert again == {"added": [], "removed": [], "changed": {}}


def test_changed_since_reads_2000_at_a_time_by_default(store: RecordStore) -> None:
    with store.transaction() as db:
        for n in range(2001):
            db.execute(
                "INSERT INTO records VALUES (?, ?, 'h', 1, 'now', ?)",
                (f"r{n:04d}", page(f"r{n:04d}", "u").to_json(), n + 1),
            )
    assert [(len(recs), seq) for recs, seq in store.changed_since(0)] == [(2000, 2000), (1, 2001)]


class Clock:
    """time.monotonic for the store, moved by the test: group deadlines without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_group_commits_by_the_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(sitrep.index.store, "time", clock)
    with RecordStore(tmp_path, assemble=assemble) as s:
        other = sqlite3.connect(tmp_path / "records.sqlite3")

        def seen() -> int:
            return int(other.execute("SELECT COUNT(*) FROM ledger").fetchone()[0])

        with s.grouped():  # half a second by default
            s.log(1, "u1", "stored")
            clock.now += 0.25  # (binary fractions: the sums are exact)
            s.log(1, "u2", "stored")
            assert seen() == 0
            clock.now += 0.25  # at the deadline: this write commits the group
            s.log(1, "u3", "stored")
            assert seen() == 3
            clock.now += 0.25  # a new group started at the commit: 0.25 s into it
            s.log(1, "u4", "stored")
            assert seen() == 3
            clock.now += 0.25
            s.log(1, "u5", "stored")
            assert seen() == 5
        other.close()


def test_a_flush_outside_a_group_starts_none(tmp_path: Path) -> None:
    with RecordStore(tmp_path, assemble=assemble) as s:
        other = sqlite3.connect(tmp_path / "records.sqlite3")
        s.flush()
        s.log(1, "u1", "stored")
        assert other.execute("SELECT COUNT(*) FROM ledger").fetchone()[0] == 1
        assert not s.db.in_transaction
        other.close()


def test_an_unchanged_page_under_a_new_assembly_rule_completes_its_record(tmp_path: Path) -> None:
    with RecordStore(tmp_path, assemble=assemble) as s:
        s.add_page(page("a", "https://x/a", "one", title="t"))

    def shouting(pages: Sequence[Record], weeks: Mapping[str, tuple[str, str]]) -> Record:
        record = assemble(pages, weeks)
        return finish(dataclasses.replace(record, title=record.title.upper()))

    with RecordStore(tmp_path, assemble=shouting) as s:  # a new sitrep assembles the same page differently
        # fetched again a month later: the moment of fetching is no change on the site either
        later = page("a", "https://x/a", "one", title="t", fetched="2024-02-01T00:00:00Z")
        assert s.add_page(later) == ("a", "duplicate")
        assert s.get("a").title == "T"  # type: ignore[union-attr]
        assert [h["version"] for h in s.history("a")] == [1]  # no change on the site: no new version


def test_a_known_page_fetched_again_keeps_the_records_other_pages(store: RecordStore) -> None:
    store.add_page(page("a", "https://x/a1", "part one"))
    store.add_page(page("a", "https://x/a2", "part two"))
    assert store.add_page(page("a", "https://x/a1", "part one", fetched="2024-02-01T00:00:00Z")) == ("a", "unchanged")
    record = store.get("a")
    assert record.urls == ("https://x/a1", "https://x/a2")  # type: ignore[union-attr]
    assert record.body == ("part one", "part two")  # type: ignore[union-attr]


def test_validators_for_conditional_requests(store: RecordStore) -> None:
    modified = "Mon, 01 Jan 2024 00:00:00 GMT"
    seen = Validators('"e1"', modified, "ignored: the page's fetch time is when it was checked")
    store.add_page(page("a", "https://x/a", fetched="2024-01-01T00:00:00Z"), seen=seen)
    store.add_page(page("b", "https://x/b", fetched="2024-01-02T00:00:00Z"))
    assert store.validators() == {
        "https://x/a": Validators('"e1"', modified, "2024-01-01T00:00:00Z"),
        "https://x/b": Validators(None, None, "2024-01-02T00:00:00Z"),
    }
    store.confirm_unchanged("https://x/a", "2024-03-03T00:00:00Z")
    assert store.validators()["https://x/a"] == Validators('"e1"', modified, "2024-03-03T00:00:00Z")
    assert store.validators()["https://x/b"] == Validators(None, None, "2024-01-02T00:00:00Z")
    # a re-parse changes no page on the site: what the next conditional request needs stays
    store.replace_all([page("a", "https://x/a", title="A2"), page("b", "https://x/b"), page("c", "https://x/c")], [])
    assert store.validators() == {
        "https://x/a": Validators('"e1"', modified, "2024-03-03T00:00:00Z"),
        "https://x/b": Validators(None, None, "2024-01-02T00:00:00Z"),
        "https://x/c": Validators(None, None, "2024-01-01T00:00:00Z"),
    }


def test_an_old_store_gains_the_conditional_request_columns(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "records.sqlite3")
    db.execute(
        "CREATE TABLE pages (url TEXT PRIMARY KEY, record_id TEXT NOT NULL, json TEXT NOT NULL, fetched_at TEXT)"
    )
    db.execute("INSERT INTO pages VALUES ('https://x/a', 'a', '{}', '2020-01-01T00:00:00Z')")
    db.commit()
    db.close()
    with RecordStore(tmp_path) as s:
        assert [r[1] for r in s.db.execute("PRAGMA table_info(pages)")][-3:] == ["etag", "last_modified", "checked_at"]
        assert s.validators() == {"https://x/a": Validators(None, None, "2020-01-01T00:00:00Z")}
