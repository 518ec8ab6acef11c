"""One benchmark stage per process, so each one's peak memory and CPU time are its own.

    python bench/stage.py load DATA N              the archive-shaped corpus into a record store
    python bench/stage.py build ENGINE DATA        sitrep | fts5 | tantivy, from the record store
    python bench/stage.py queries DATA ROUNDS      every engine, every query, rounds interleaved
    python bench/stage.py memory ENGINE DATA       one engine answering every query once
    python bench/stage.py crawl SETTINGS           a full sitrep crawl, in this process

Each prints one JSON line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from corpus import Corpus, Query, queries  # noqa: E402

from sitrep.config import load  # noqa: E402


def rss_mb() -> float:
    """This process's peak RSS. VmHWM, not getrusage: ru_maxrss survives exec, so a stage
    would report its parent's peak (the orchestrator's) whenever that was higher."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreePeak:
    """The peak of the summed RSS of this process and every process under it, sampled every
    20 ms while the block runs: Whoosh's writer processes hold memory beside the main process
    at the same time, and a peak of one process misses that. (Not for the crawl, whose time
    it would share: see ``crawl``.)"""

    def __enter__(self) -> TreePeak:
        import threading

        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return max(self.peak_kb / 1024, rss_mb())  # never below this process's own high-water mark

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(pid) for pid in _tree(os.getpid())))


def _tree(pid: int) -> list[int]:
    pids, i = [pid], 0
    while i < len(pids):
        for task in Path(f"/proc/{pids[i]}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # the task ended between listing and reading
                pids += [int(c) for c in task.read_text().split()]
        i += 1
    return pids


def _rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):  # the process ended between listing and reading
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds() -> float:
    """CPU time of this process and of any children it waited for (Whoosh's writer processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def settings_for(data: Path):  # type: ignore[no-untyped-def]
    return load(path=None, environ={}, overrides={"storage.data_dir": str(data)})


def load_records(data: Path, n: int) -> dict[str, object]:
    from sitrep.index.store import RecordStore, now

    settings = settings_for(data)
    started = time.perf_counter()
    stamp = now()
    with RecordStore(settings.data_dir) as store, store.transaction():
        batch = []
        for seq, r in enumerate(Corpus.make().records(n), start=1):
            batch.append((r.id, r.to_json(), r.content_hash, stamp, seq))
            if len(batch) == 1000:
                store.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, 1, ?, ?)", batch)
                batch.clear()
        store.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, 1, ?, ?)", batch)
    return {"records": n, "seconds": time.perf_counter() - started}


def store_records(data: Path) -> Iterator[Any]:
    """The records, streamed from the store: every engine's build starts from the same place."""
    from sitrep.index.store import RecordStore

    with RecordStore(settings_for(data).data_dir, create=False) as store:
        yield from store.records()


def build(engine: str, data: Path) -> dict[str, object]:
    with TreePeak() as peak:
        wall, cpu, count = _build(engine, data)
    return {"records": count, "seconds": wall, "cpu_seconds": cpu, "rate": count / wall, "rss_mb": peak.mb}


def _build(engine: str, data: Path) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    if engine == "sitrep":
        from sitrep.index.writing import rebuild_index

        count = rebuild_index(settings_for(data))
    elif engine == "fts5":
        import fts

        count = fts.build(data / "fts.sqlite3", store_records(data))
    else:
        import tantivy_engine

        count = tantivy_engine.build(data / "tantivy", store_records(data))
    return time.perf_counter() - wall, cpu_seconds() - cpu, count


def engines(
    data: Path, only: str | None = None
) -> dict[str, tuple[Callable[[Query], dict[str, Any]], Callable[[], None]]]:
    """Each engine as (answer a query, close); with ``only``, that one engine and nothing of the
    others imported (its memory alone). An engine that was not built is left out."""
    import fts  # sqlite3 and the shared constants only

    out: dict[str, tuple[Callable[[Query], dict[str, Any]], Callable[[], None]]] = {}
    if only in (None, "sitrep"):
        from sitrep.search.api import Archive

        archive = Archive(settings_for(data))

        def ours(q: Query) -> dict[str, Any]:
            results = archive.search(
                q.text,
                countries=[q.country] if q.country else (),
                topics=[q.topic] if q.topic else (),
                trends=[q.trend] if q.trend else (),
                since=q.since,
                until=q.until,
                sort=q.sort,
                facets=("countries", "topic", "trend", "year") if q.facets else (),
                per_page=fts.TOP,
            )
            return {"total": results.total, "hits": [h.record for h in results.hits]}

        out["sitrep"] = (ours, archive.close)
    if only in (None, "fts5"):
        base = fts.FtsSearch(data / "fts.sqlite3")

        def theirs(q: Query) -> dict[str, Any]:
            return base.search(
                q.text,
                country=q.country,
                since=_monday(q.since),
                until=q.until,
                topic=q.topic,
                trend=q.trend,
                sort=q.sort,
                facets=q.facets,
            )

        out["fts5"] = (theirs, base.close)
    if only in (None, "tantivy") and (data / "tantivy").exists():
        import tantivy_engine

        engine = tantivy_engine.TantivySearch(data / "tantivy")
        out["tantivy"] = (engine.search, engine.close)
    return out


def _monday(day: str | None) -> str | None:
    """README's date rule for a range given in days: every week holding one of its days matches,
    so the week holding the first day counts though it starts the Sunday before or earlier."""
    if day is None:
        return None
    date = dt.date.fromisoformat(day)
    return (date - dt.timedelta(days=date.weekday())).isoformat()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def run_queries(data: Path, rounds: int) -> dict[str, object]:
    """Every query on every engine, in interleaved rounds whose engine order alternates."""
    asked = queries(Corpus.make())
    first = time.perf_counter()
    answer = engines(data)
    open_ms = (time.perf_counter() - first) * 1000
    names = list(answer)
    times: dict[str, dict[str, list[float]]] = {}
    totals: dict[str, dict[int, int]] = {name: {} for name in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for i, q in enumerate(asked):
            for name in order:
                t = time.perf_counter()
                got = answer[name][0](q)
                times.setdefault(q.kind, {}).setdefault(name, []).append((time.perf_counter() - t) * 1000)
                totals[name][i] = got["total"]
    for _, close in answer.values():
        close()
    n = json.loads((data / "bench-count.json").read_text())["records"]
    shares = {kind: [totals["fts5"][i] / n for i, q in enumerate(asked) if q.kind == kind] for kind in times}
    disagree = [
        (asked[i].kind, asked[i].text, totals["sitrep"][i], totals["fts5"][i])
        for i in range(len(asked))
        if totals["sitrep"][i] != totals["fts5"][i] and asked[i].kind in ("filters-only",)
    ]
    out: dict[str, object] = {"open_ms": open_ms, "queries": len(asked), "filter_only_mismatches": disagree}
    for kind, by in times.items():
        out[kind] = {
            name: {"p50": statistics.median(v), "p95": pct(v, 0.95), "p99": pct(v, 0.99), "n": len(v)}
            for name, v in by.items()
        }
        out[kind]["share"] = {"median": statistics.median(shares[kind]), "max": max(shares[kind])}
    return out


def memory(engine: str, data: Path) -> dict[str, object]:
    """Peak RSS of one engine, alone in its process, after answering every query once."""
    ask, _ = engines(data, only=engine)[engine]
    base = rss_mb()
    for q in queries(Corpus.make()):
        ask(q)
    return {"rss_mb": rss_mb(), "rss_after_open_mb": base}


def crawl(settings_path: Path) -> dict[str, object]:
    from sitrep.crawler.run import crawl as run_crawl

    settings = load(settings_path, environ={})
    started = time.perf_counter()
    report = run_crawl(settings, update_index=False)
    seconds = time.perf_counter() - started
    pages = report.counts.get("fetched", 0)
    # Memory: this process's peak plus its parsing worker's (the largest child's, the worker
    # having been joined), an upper bound of the two together. Not TreePeak: its thread read
    # /proc every 20 ms under the crawl's own GIL, ~1 s of CPU the bare spider did not pay.
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "pages": pages,
        "seconds": seconds,
        "rate": pages / seconds,
        "rss_mb": rss_mb() + worker_mb,
        "status": report.status,
    }


def main() -> None:
    stage = sys.argv[1]
    if stage == "load":
        data, n = Path(sys.argv[2]), int(sys.argv[3])
        result = load_records(data, n)
        (data / "bench-count.json").write_text(json.dumps({"records": n}))
    elif stage == "build":
        result = build(sys.argv[2], Path(sys.argv[3]))
    elif stage == "queries":
        result = run_queries(Path(sys.argv[2]), int(sys.argv[3]))
    elif stage == "memory":
        result = memory(sys.argv[2], Path(sys.argv[3]))
    elif stage == "crawl":
        result = crawl(Path(sys.argv[2]))
    else:
        raise SystemExit(f"unknown stage {stage}")
    print(json.dumps(result))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
