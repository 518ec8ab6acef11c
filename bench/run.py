"""`make bench`: every stage of sitrep against a baseline measured in the same run.

    python bench/run.py           # 3,000-article crawl, 10k and 100k records (under 20 minutes)
    python bench/run.py --quick   # a small run for development (under 2 minutes)

Baselines: a bare Scrapy spider fetching the same URLs, lxml.html parsing the same pages, SQLite
FTS5 (and tantivy, with the optional `bench` extra) indexing and querying the same
archive-shaped corpus (bench/corpus.py) with the same work, and an FTS5 script doing what
`sitrep search` does for the CLI. Engines alternate within each stage; each engine's memory is
measured in its own process. Prints a table with every target met or not and writes
bench/results.json. Benchmarks, not tests: nothing here fails on a figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
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
    extra: float | None = None,
) -> None:
    """One figure: sitrep's, the baseline's (the same statistic), and a third reference column
    where there is one (tantivy for the index, `python -c pass` for the CLI)."""
    ratio = ours / base if base else None  # nothing to divide by (a count whose baseline is 0)
    ROWS.append(
        {
            "stage": stage,
            "measure": measure,
            "sitrep": round(ours, 3),
            "baseline": round(base, 3),
            "unit": unit,
            "ratio": None if ratio is None else round(ratio, 3),
            "target": target,
            "met": met,
            "higher_is_better": higher_is_better,
            "reference": None if extra is None else round(extra, 3),
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
    ours, theirs, tagging, per_page, per_page_lxml = [], [], [], [], []
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
            t = time.perf_counter()
            lxml.html.fromstring(html)
            per_page_lxml.append((time.perf_counter() - t) * 1000)
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
    row("parse", "p95 per page", pct(per_page, 0.95), pct(per_page_lxml, 0.95), "ms")
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
            # Both timed the same way: the whole process, start-up to exit, as a cron job pays it.
            data = out / f"data{n}"
            path = out / f"settings{n}.toml"
            path.write_text(settings_toml(server.port, data))
            runs = [
                (bare_runs, [PY, str(HERE / "bare_spider.py"), str(out / "urls.txt"), hosts, "16"]),
                (sitrep_runs, [PY, str(HERE / "stage.py"), "crawl", str(path)]),
            ]
            for results, cmd in runs if n % 2 == 0 else runs[::-1]:
                results.append(_process(cmd))
    ours = statistics.median(r["pages"] / r["wall"] for r in sitrep_runs)
    base = statistics.median(r["pages"] / r["wall"] for r in bare_runs)
    row(
        "crawl",
        f"pages/s, start to exit, full crawl of {articles} articles ({sitrep_runs[0]['pages']} pages), median of {rounds}",
        ours,
        base,
        "pages/s",
        ">= 0.8x bare Scrapy",
        ours >= 0.8 * base,
        higher_is_better=True,
    )
    peak = max(r["rss_mb"] for r in sitrep_runs)
    measure = "peak RSS (sitrep: the crawl's peak plus its parsing worker's)"
    row("crawl", measure, peak, max(r["rss_mb"] for r in bare_runs), "MB", "<= 300 MB", peak <= 300)


def _process(cmd: list[str]) -> dict[str, float]:
    """Run one crawl process; its last JSON line plus ``wall``, the seconds from start to exit."""
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{cmd} failed:\n{done.stderr[-3000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall": wall}


KIND_LABELS = {
    "single": "one word (ranks 1 to 20,000)",
    "and2": "two words, AND",
    "and3": "three words, AND",
    "or": "two words, OR",
    "phrase": "phrase",
    "filtered": "one word + country + years",
    "faceted": "one word + 4 facets",
    "newest": "one word, newest first",
    "filters-only": "filters only + 4 facets",
}
# Kinds held to FTS5's p50 and p95 at 100k (issue: plain, filtered, faceted and two-word AND)
HELD_TO_FTS5 = ("single", "filtered", "faceted", "and2")


def bench_records(n: int, rounds: int, cli_runs: int, tantivy: bool) -> None:
    folder = WORK / f"records-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    data = folder / "data"
    stage("load", str(data), str(n))
    size = f"{n // 1000}k"
    engines = ["sitrep", "fts5"] + (["tantivy"] if tantivy else [])
    # Builds alternate which engine goes first from one size to the next (cache and page state).
    built = {e: stage("build", e, str(data)) for e in (engines if n % 20_000 else engines[::-1])}
    ours, base = built["sitrep"], built["fts5"]
    target = n >= 100_000
    row(
        f"index {size}",
        "build, records per wall-second",
        ours["rate"],
        base["rate"],
        "records/s",
        ">= 1000 records/s" if target else "",
        ours["rate"] >= 1000 if target else None,
        higher_is_better=True,
        extra=_third(built, "rate", tantivy),
    )
    row(
        f"index {size}",
        "build, CPU seconds",
        ours["cpu_seconds"],
        base["cpu_seconds"],
        "s",
        extra=_third(built, "cpu_seconds", tantivy),
    )
    row(
        f"index {size}",
        "build peak RSS",
        ours["rss_mb"],
        base["rss_mb"],
        "MB",
        "<= 200 MB" if target else "",
        ours["rss_mb"] <= 200 if target else None,
        extra=_third(built, "rss_mb", tantivy),
    )
    q = stage("queries", str(data), str(rounds))
    for kind, label in KIND_LABELS.items():
        s, f = q[kind]["sitrep"], q[kind]["fts5"]
        share = q[kind]["share"]
        for stat in ("p50", "p95", "p99"):
            target, met = "", None
            if n >= 100_000 and kind in HELD_TO_FTS5 and stat in ("p50", "p95"):
                target, met = f"<= FTS5 {stat}", s[stat] <= f[stat]
            elif n >= 100_000 and kind == "newest" and stat == "p95":
                target, met = "<= 5 ms", s[stat] <= 5
            elif n <= 10_000 and stat == "p95":
                target, met = "<= 15 ms", s[stat] <= 15
            row(
                f"query {size}",
                f"{label} {stat} (n={s['n']}, hits: median {share['median']:.1%}, max {share['max']:.0%})",
                s[stat],
                f[stat],
                "ms",
                target,
                met,
                extra=q[kind]["tantivy"][stat] if "tantivy" in q[kind] else None,
            )
    mismatches = q["filter_only_mismatches"]
    row(
        f"query {size}",
        f"filter-only totals differing from FTS5 (of {q['queries'] // len(KIND_LABELS)})",
        len(mismatches),
        0,
        "queries",
        "0",
        not mismatches,
    )
    mem = {e: stage("memory", e, str(data)) for e in engines}
    row(
        f"query {size}",
        "search peak RSS, each engine in its own process",
        mem["sitrep"]["rss_mb"],
        mem["fts5"]["rss_mb"],
        "MB",
        extra=mem["tantivy"]["rss_mb"] if tantivy else None,
    )
    bench_cli(n, data, cli_runs)


def _third(built: dict[str, dict[str, float]], key: str, tantivy: bool) -> float | None:
    return built["tantivy"][key] if tantivy else None


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"})
    if done.returncode:
        raise SystemExit(f"{cmd} failed: {done.stderr[-500:]}")
    return (time.perf_counter() - started) * 1000


def bench_cli(n: int, data: Path, runs: int) -> None:
    """Start to output of the whole command, against a script doing the same work on FTS5:
    the total, four facets over all matches and the top 20 records printed.

    sitrep's bytecode is compiled first, as pip does when it installs a package: an editable
    checkout under PYTHONDONTWRITEBYTECODE would otherwise compile every module on every run."""
    subprocess.run([PY, "-m", "compileall", "-q", "sitrep", "crawler", "index", "search"], cwd=ROOT, check=True)
    sitrep = [str(Path(PY).parent / "sitrep"), "--data-dir", str(data), "search", "oil", "--country", "BY"]
    fts = [PY, str(HERE / "fts_cli.py"), str(data / "fts.sqlite3"), "oil", "BY"]
    bare = [PY, "-c", "pass"]
    times: dict[str, list[float]] = {"sitrep": [], "fts": [], "bare": []}
    for r in range(runs):
        order = (("sitrep", sitrep), ("fts", fts), ("bare", bare))
        for name, cmd in order if r % 2 == 0 else order[::-1]:
            times[name].append(timed(cmd))
    limit = 150 if n >= 100_000 else 120
    for stat, fn in (("median", statistics.median), ("p95", lambda v: pct(v, 0.95))):
        ours = fn(times["sitrep"])
        row(
            f"cli {n // 1000}k",
            f"`sitrep search oil --country BY`, start to output, {stat} of {runs}",
            ours,
            fn(times["fts"]),
            "ms",
            f"<= {limit} ms" if stat == "median" else "",
            ours <= limit if stat == "median" else None,
            extra=fn(times["bare"]),
        )


def print_table() -> None:
    print(f"\n{'stage':<10} {'measure':<70} {'sitrep':>9} {'baseline':>9} {'ratio':>7}  target")
    for r in ROWS:
        mark = "" if r["met"] is None else (" met" if r["met"] else " NOT MET")
        print(
            f"{r['stage']:<10} {r['measure'][:70]:<70} {r['sitrep']:>9.1f} {r['baseline']:>9.1f}"
            f" {'–' if r['ratio'] is None else format(r['ratio'], '6.2f') + 'x':>7}  {r['target']}{mark}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for development")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    tantivy = importlib.util.find_spec("tantivy") is not None  # the optional `bench` extra
    started = time.perf_counter()
    if args.quick:
        bench_parse(200, 2)
        bench_crawl(300, 1)
        bench_records(2000, 1, 3, tantivy)
    else:
        bench_parse(600, 3)
        bench_crawl(3000, 3)
        bench_records(10_000, 3, 9, tantivy)
        bench_records(100_000, 3, 9, tantivy)
    print_table()
    results = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "seconds": round(time.perf_counter() - started, 1),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "versions": {
            p: version(p)
            for p in ("scrapy", "whoosh", "beautifulsoup4", "lxml", "sitrep-archive", *(["tantivy"] if tantivy else []))
        },
        "rows": ROWS,
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    met = [r for r in ROWS if r["met"] is not None]
    print(
        f"\n{len(ROWS)} figures in {results['seconds']} s; targets met: {sum(bool(r['met']) for r in met)} of {len(met)}"
    )
    print("written to bench/results.json; `python bench/readme.py` puts the table into README.md")


if __name__ == "__main__":
    main()
