"""`make bench`: every stage of sitrep against a baseline measured in the same run.

    python bench/run.py           # 3,000-article crawl, 10k and 100k records (under 20 minutes)
    python bench/run.py --quick   # a small run for development (under 2 minutes)

Baselines: a bare Scrapy spider fetching the same URLs, lxml.html parsing the same pages, SQLite
FTS5 indexing and querying the same records, `python -c pass` and an FTS5 script for the CLI.
Sitrep and its baseline alternate within each stage. Prints a table and writes
bench/results.json. Benchmarks, not tests: nothing here fails on a figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sitrep.config import load  # noqa: E402
from sitrep.countries import default_tagger  # noqa: E402
from sitrep.crawler.parsers import parse_article  # noqa: E402
from sitrep.crawler.sample.generate import generate, read_truth  # noqa: E402
from sitrep.crawler.sample.server import serve, settings_toml  # noqa: E402

WORK = HERE / "_work"
PY = sys.executable
ROWS: list[dict[str, object]] = []


def row(
    stage: str,
    measure: str,
    ours: float,
    base: float,
    unit: str,
    target: str = "",
    met: bool | None = None,
    higher_is_better: bool = False,
) -> None:
    ratio = ours / base if base else float("nan")
    ROWS.append(
        {
            "stage": stage,
            "measure": measure,
            "sitrep": round(ours, 3),
            "baseline": round(base, 3),
            "unit": unit,
            "ratio": round(ratio, 3),
            "target": target,
            "met": met,
            "higher_is_better": higher_is_better,
        }
    )


def stage(*args: str) -> dict:  # type: ignore[type-arg]
    done = subprocess.run([PY, str(HERE / "stage.py"), *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"stage {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def bench_parse(articles: int, rounds: int) -> None:
    import lxml.html

    out = WORK / "parse"
    shutil.rmtree(out, ignore_errors=True)
    generate(out, count=articles, page_kb=28)
    site = load(path=None, environ={}).site
    pages = []
    for record in read_truth(out):
        for url in record.urls:
            host, path = url.split("/", 3)[2:]
            pages.append((url, (out / "site" / host / path / "index.html").read_text(encoding="utf-8")))
    size_kb = statistics.mean(len(h) for _, h in pages) / 1024
    ours, theirs, tagging, per_page = [], [], [], []
    tagger = default_tagger()
    for _ in range(rounds):
        started = time.perf_counter()
        for url, html in pages:
            t = time.perf_counter()
            parse_article(url, html, site)
            per_page.append((time.perf_counter() - t) * 1000)
        ours.append(len(pages) / (time.perf_counter() - started))
        started = time.perf_counter()
        for _, html in pages:
            lxml.html.fromstring(html)
        theirs.append(len(pages) / (time.perf_counter() - started))
        texts = [r.text for r in read_truth(out)]
        started = time.perf_counter()
        for text in texts:
            tagger.tag(text)
        tagging.append((time.perf_counter() - started) / (len(pages) / ours[-1]))
    rate = statistics.median(ours)
    row(
        "parse",
        f"pages/s ({len(pages)} pages of {size_kb:.0f} KB, median of {rounds})",
        rate,
        statistics.median(theirs),
        "pages/s",
        ">= 200 pages/s",
        rate >= 200,
        higher_is_better=True,
    )
    row("parse", "p95 per page", pct(per_page, 0.95), 1000 / statistics.median(theirs), "ms")
    share = statistics.median(tagging)
    row("parse", "country tagging share of parse time", share * 100, 10, "%", "< 10 %", share < 0.10)


def site_urls(root: Path, port: int) -> list[str]:
    urls = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and "private" not in path.parts:
            host = path.relative_to(root).parts[0]
            rel = "/".join(path.relative_to(root / host).parts[:-1])
            name = path.name
            tail = "robots.txt" if name == "robots.txt" else (rel + "/" if rel else "")
            urls.append(f"http://{host}:{port}/{tail}")
    return urls


def bench_crawl(articles: int, rounds: int) -> None:
    out = WORK / "crawl"
    shutil.rmtree(out, ignore_errors=True)
    generate(out, count=articles, page_kb=28)
    sitrep_runs, bare_runs = [], []
    with serve(out / "site") as server:
        urls = site_urls(out / "site", server.port)
        (out / "urls.txt").write_text("\n".join(urls))
        hosts = json.dumps({"belarusinfocus.pro": "127.0.0.1", "belarusinfocus.info": "127.0.0.1"})
        for n in range(rounds):
            done = subprocess.run(
                [PY, str(HERE / "bare_spider.py"), str(out / "urls.txt"), hosts, "16"],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            bare_runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            data = out / f"data{n}"
            path = out / f"settings{n}.toml"
            path.write_text(settings_toml(server.port, data))
            sitrep_runs.append(stage("crawl", str(path)))
    ours = statistics.median(r["rate"] for r in sitrep_runs)
    base = statistics.median(r["pages"] / r["seconds"] for r in bare_runs)
    row(
        "crawl",
        f"pages/s, full crawl of {articles} articles ({sitrep_runs[0]['pages']} pages)",
        ours,
        base,
        "pages/s",
        ">= 0.8x bare Scrapy",
        ours >= 0.8 * base,
        higher_is_better=True,
    )
    peak = max(r["rss_mb"] for r in sitrep_runs)
    row("crawl", "peak RSS", peak, max(r["rss_mb"] for r in bare_runs), "MB", "<= 300 MB", peak <= 300)


def bench_records(n: int, query_rounds: int, cli_runs: int) -> None:
    folder = WORK / f"records-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    data = folder / "data"
    stage("load", str(data), str(n))
    fts = stage("build-fts", str(data))
    ours = stage("build-sitrep", str(data))
    row(
        f"index {n // 1000}k",
        "build, records/s",
        ours["rate"],
        fts["rate"],
        "records/s",
        ">= 400 records/s",
        ours["rate"] >= 400,
        higher_is_better=True,
    )
    row(f"index {n // 1000}k", "build peak RSS", ours["rss_mb"], fts["rss_mb"], "MB")
    q = stage("queries", str(data), str(query_rounds))
    for kind in ("plain", "filtered", "faceted", "sorted"):
        s, f = q[kind]["sitrep"], q[kind]["fts5"]
        target, met = "", None
        if kind == "faceted" and n <= 10_000:
            target, met = "p50 <= 10 ms, p95 <= 25 ms", s["p50"] <= 10 and s["p95"] <= 25
        elif kind in ("faceted", "plain") and n >= 100_000:
            target, met = "p95 <= FTS5 p95", s["p95"] <= f["p95"]
        row(f"query {n // 1000}k", f"{kind} p50", s["p50"], f["p50"], "ms")
        row(f"query {n // 1000}k", f"{kind} p95", s["p95"], f["p95"], "ms", target, met)
    warm_p95 = q["faceted"]["sitrep"]["p95"]  # a warm faceted query's range: p50 shown, p95 the bound
    row(
        f"query {n // 1000}k",
        "first faceted query after open vs warm p50",
        q["first_faceted_ms"],
        q["warm_faceted_p50_ms"],
        "ms",
        f"<= warm p95 ({warm_p95:.0f} ms)",
        q["first_faceted_ms"] <= warm_p95,
    )
    mem = stage("search-memory", str(data))
    row(
        f"query {n // 1000}k",
        "search peak RSS",
        mem["rss_mb"],
        q["rss_mb"],
        "MB",
        "<= 250 MB at 100k" if n >= 100_000 else "",
        mem["rss_mb"] <= 250 if n >= 100_000 else None,
    )
    bench_cli(n, data, cli_runs)


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"})
    if done.returncode:
        raise SystemExit(f"{cmd} failed: {done.stderr[-500:]}")
    return (time.perf_counter() - started) * 1000


def bench_cli(n: int, data: Path, runs: int) -> None:
    sitrep = [str(Path(PY).parent / "sitrep"), "--data-dir", str(data), "search", "oil", "--country", "AZ"]
    bare = [PY, "-c", "pass"]
    fts = [PY, str(HERE / "fts_cli.py"), str(data / "fts.sqlite3"), "oil", "AZ"]
    times: dict[str, list[float]] = {"sitrep": [], "bare": [], "fts": []}
    for _ in range(runs):
        for name, cmd in (("sitrep", sitrep), ("bare", bare), ("fts", fts)):
            times[name].append(timed(cmd))
    ours = statistics.median(times["sitrep"])
    limit = 400 if n >= 100_000 else 250
    row(
        f"cli {n // 1000}k",
        "`sitrep search oil --country AZ`, start to output (median)",
        ours,
        statistics.median(times["fts"]),
        "ms",
        f"<= {limit} ms",
        ours <= limit,
    )
    row(
        f"cli {n // 1000}k",
        "same, p95 / `python -c pass` median",
        pct(times["sitrep"], 0.95),
        statistics.median(times["bare"]),
        "ms",
    )


def print_table() -> None:
    print(f"\n{'stage':<10} {'measure':<62} {'sitrep':>10} {'baseline':>10} {'ratio':>7}  target")
    for r in ROWS:
        mark = "" if r["met"] is None else (" met" if r["met"] else " NOT MET")
        print(
            f"{r['stage']:<10} {r['measure'][:62]:<62} {r['sitrep']:>10.1f} {r['baseline']:>10.1f} {r['ratio']:>6.2f}x  {r['target']}{mark}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for development")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    started = time.perf_counter()
    if args.quick:
        bench_parse(200, 2)
        bench_crawl(300, 1)
        bench_records(2000, 1, 3)
    else:
        bench_parse(600, 3)
        bench_crawl(3000, 2)
        bench_records(10_000, 3, 7)
        bench_records(100_000, 2, 5)
    print_table()
    results = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "seconds": round(time.perf_counter() - started, 1),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "versions": {p: version(p) for p in ("scrapy", "whoosh", "beautifulsoup4", "lxml", "sitrep")},
        "rows": ROWS,
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{len(ROWS)} figures in {results['seconds']} s; written to bench/results.json")


if __name__ == "__main__":
    main()
