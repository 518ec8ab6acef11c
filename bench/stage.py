"""One benchmark stage per process, so each one's peak memory is its own.

    python bench/stage.py load DATA N        records from the generator into a record store
    python bench/stage.py build-sitrep DATA  sitrep index --rebuild
    python bench/stage.py build-fts DATA     FTS5 over the same records
    python bench/stage.py queries DATA ROUNDS  sitrep and FTS5 queries, interleaved
    python bench/stage.py crawl SETTINGS     a full sitrep crawl, in this process

Each prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitrep.config import load


def rss_mb() -> float:
    """This process's peak RSS. VmHWM, not getrusage: ru_maxrss survives exec, so a stage
    would report its parent's peak (the orchestrator's) whenever that was higher."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def settings_for(data: Path):  # type: ignore[no-untyped-def]
    return load(path=None, environ={}, overrides={"storage.data_dir": str(data)})


def load_records(data: Path, n: int) -> dict[str, object]:
    from sitrep.crawler.sample.generate import plan, truth
    from sitrep.index.store import RecordStore, now

    settings = settings_for(data)
    started = time.perf_counter()
    records = [truth(a) for a in plan(n, 20161128 + n)]
    with RecordStore(settings.data_dir) as store, store.transaction():
        stamp = now()
        store.db.executemany(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?, 1, ?, ?)",
            [(r.id, r.to_json(), r.content_hash, stamp, i) for i, r in enumerate(records, start=1)],
        )
    return {"records": len(records), "seconds": time.perf_counter() - started}


def store_records(data: Path) -> list:  # type: ignore[type-arg]
    from sitrep.index.store import RecordStore

    settings = settings_for(data)
    with RecordStore(settings.data_dir, create=False) as store:
        return list(store.records())


def build_sitrep(data: Path) -> dict[str, object]:
    from sitrep.index.writing import rebuild_index

    started = time.perf_counter()
    count = rebuild_index(settings_for(data))
    seconds = time.perf_counter() - started
    return {"records": count, "seconds": seconds, "rate": count / seconds, "rss_mb": rss_mb()}


def build_fts(data: Path) -> dict[str, object]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fts import build

    started = time.perf_counter()
    records = store_records(data)  # reading the store is part of the job, as for sitrep
    count = build(data / "fts.sqlite3", records)
    seconds = time.perf_counter() - started
    return {"records": count, "seconds": seconds, "rate": count / seconds, "rss_mb": rss_mb()}


TEXTS = ["oil", "army", "sanctions", "border trade", "air defence", "potash", "elections", "budget"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def queries(data: Path, rounds: int) -> dict[str, object]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fts import FtsSearch

    from sitrep.search.api import Archive

    settings = settings_for(data)
    opened = time.perf_counter()
    archive = Archive(settings)
    open_ms = (time.perf_counter() - opened) * 1000
    first = time.perf_counter()
    archive.search("oil", facets=("countries", "topic", "trend", "year"))
    first_ms = (time.perf_counter() - first) * 1000
    fts = FtsSearch(data / "fts.sqlite3")
    kinds = {
        "plain": (lambda t: archive.search(t, facets=()), lambda t: fts.plain(t)),
        "filtered": (
            lambda t: archive.search(t, countries=["AZ"], since="2016", until="2020", facets=()),
            lambda t: fts.filtered(t, "AZ", "2016-01-01", "2020-12-31"),
        ),
        "faceted": (
            lambda t: archive.search(t, facets=("countries", "topic", "trend", "year")),
            lambda t: fts.faceted(t),
        ),
        "sorted": (lambda t: archive.search(t, sort="newest", facets=()), lambda t: fts.newest(t)),
    }
    times: dict[str, dict[str, list[float]]] = {k: {"sitrep": [], "fts5": []} for k in kinds}
    for _ in range(rounds):
        for kind, (ours, theirs) in kinds.items():
            for text in TEXTS:
                for name, fn in (("sitrep", ours), ("fts5", theirs)):  # interleaved, same process
                    t = time.perf_counter()
                    fn(text)
                    times[kind][name].append((time.perf_counter() - t) * 1000)
    warm = []
    for text in TEXTS:
        t = time.perf_counter()
        archive.search(text, facets=("countries", "topic", "trend", "year"))
        warm.append((time.perf_counter() - t) * 1000)
    archive.close()
    fts.close()
    out: dict[str, object] = {
        "open_ms": open_ms,
        "first_faceted_ms": first_ms,
        "warm_faceted_p50_ms": statistics.median(warm),
        "rss_mb": rss_mb(),
    }
    for kind, by in times.items():
        out[kind] = {name: {"p50": statistics.median(v), "p95": pct(v, 0.95), "n": len(v)} for name, v in by.items()}
    return out


def search_memory(data: Path) -> dict[str, object]:
    from sitrep.search.api import Archive

    with Archive(settings_for(data)) as archive:
        for text in TEXTS:
            archive.search(text, facets=("countries", "topic", "trend", "year"))
            archive.search(text, sort="newest", countries=["AZ"], since="2016")
    return {"rss_mb": rss_mb()}


def crawl(settings_path: Path) -> dict[str, object]:
    from sitrep.crawler.run import crawl as run_crawl

    settings = load(settings_path, environ={})
    started = time.perf_counter()
    report = run_crawl(settings, update_index=False)
    seconds = time.perf_counter() - started
    pages = report.counts.get("fetched", 0)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the parsing worker (an upper bound)
    return {
        "pages": pages,
        "seconds": seconds,
        "rate": pages / seconds,
        "rss_mb": rss_mb() + workers,
        "status": report.status,
    }


def main() -> None:
    stage, arg = sys.argv[1], Path(sys.argv[2])
    if stage == "load":
        result = load_records(arg, int(sys.argv[3]))
    elif stage == "build-sitrep":
        result = build_sitrep(arg)
    elif stage == "build-fts":
        result = build_fts(arg)
    elif stage == "queries":
        result = queries(arg, int(sys.argv[3]))
    elif stage == "search-memory":
        result = search_memory(arg)
    elif stage == "crawl":
        result = crawl(arg)
    else:
        raise SystemExit(f"unknown stage {stage}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
