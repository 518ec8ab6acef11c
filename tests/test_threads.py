"""One Archive shared by threads while `sitrep index --rebuild` swaps generations under it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from sitrep import Archive
from sitrep.config import Settings, load
from sitrep.index import writing
from sitrep.index.store import RecordStore
from tests.conftest import run_sitrep

QUERIES = [
    "",
    "oil",
    "army NOT oil",
    "country:AZ OR oil",
    "NOT country:AZ",
    "(country:BY OR country:GE) AND NOT trend:worse",
    "trend:none",
    "date:[2016 to]",
    "oil date:2030",
    "нефти OR армия",
    "topic:none OR date:none",
    "sanction*",
]


def copy_of(crawled: Settings, folder: Path) -> Settings:
    """The crawled sample's record store, copied, with an index of its own."""
    data = folder / "data"
    data.mkdir()
    with RecordStore(crawled.data_dir, create=False) as source:
        target = sqlite3.connect(data / RecordStore.FILE)
        source.db.backup(target)
        target.close()
    settings = load(path=None, environ={}, overrides={"storage.data_dir": str(data)})
    writing.update_index(settings)
    return settings


def test_four_threads_share_one_archive_while_the_index_is_rebuilt_twice(crawled: Settings, tmp_path: Path) -> None:
    settings = copy_of(crawled, tmp_path)
    with Archive(settings) as alone:
        expected = {q: alone.search(q, per_page=5).total for q in QUERIES}
    errors: list[str] = []
    done = threading.Event()
    counts = {"searches": 0, "opens": 0}
    archive = Archive(settings)

    def searcher(offset: int) -> None:
        n = 0
        while n < 500 or not done.is_set():
            query = QUERIES[(n + offset) % len(QUERIES)]
            try:
                total = archive.search(query, per_page=5, sort=("relevance", "newest")[n % 2]).total
                if total != expected[query]:
                    errors.append(f"{query!r}: {total} != {expected[query]}")
            except Exception as exc:  # the test counts every failure, whatever its kind
                errors.append(f"{type(exc).__name__}: {exc}")
            n += 1
        counts["searches"] += n

    def opener() -> None:
        while not done.is_set():
            try:
                with Archive(settings) as fresh:
                    if fresh.search("oil").total != expected["oil"]:
                        errors.append("a fresh Archive disagrees")
            except Exception as exc:  # the test counts every failure, whatever its kind
                errors.append(f"open: {type(exc).__name__}: {exc}")
            counts["opens"] += 1

    def rebuilder() -> None:
        try:
            for _ in range(2):
                run = run_sitrep("--data-dir", str(settings.data_dir), "index", "--rebuild")
                if run.returncode:
                    errors.append(f"rebuild: {run.stderr}")
        finally:
            done.set()

    threads = [threading.Thread(target=searcher, args=(i,)) for i in range(4)]
    threads += [threading.Thread(target=opener), threading.Thread(target=rebuilder)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    archive.close()
    print(f"{counts['searches']} searches on one Archive, {counts['opens']} fresh opens, {len(errors)} errors")
    assert counts["searches"] >= 2000 and counts["opens"] > 0
    assert not errors, errors[:10]
    assert len(list(settings.data_dir.glob("index-*"))) == 1, "the old generations are gone"
