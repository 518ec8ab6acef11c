"""Per-chrome figures: the sample's pages in every foreign chrome, parsed, against what was placed.

    python bench/chromes.py render DIR          # write pages, listings and their truth to DIR
    python bench/chromes.py score DIR           # parse them with the importable sitrep, print a table
    python bench/chromes.py score DIR --main M  # the same with the parser of a checkout of main at M
    python bench/chromes.py extractors DIR      # body extraction: our rule vs trafilatura vs readability
                                                # (pip install trafilatura readability-lxml: not dependencies)

Rendering and scoring are apart so the parser of another checkout reads the very same bytes.
Figures per chrome: week, verdict, topic, title found right (of pages that print them); the
share of chrome words that reach the body; country precision; entries and weeks read from
listings. Benchmarks, not tests: nothing here fails on a figure.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORD = re.compile(r"\w+")


def render(out: Path, count: int = 60, seed: int = 7) -> None:
    sys.path.insert(0, str(HERE.parent))
    from sitrep.crawler.sample import chromes, listing_chromes
    from sitrep.crawler.sample import generate as gen

    articles = gen.plan(count, seed)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in chromes.ARTICLE_CHROMES:
        for a in articles:
            for k, page in enumerate(a.pages):
                html = chromes.article(name, gen.printed(a, page), gen.chrome(a.lang))
                path = out / name / f"{a.n}-{k}.html"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(html, encoding="utf-8")
                rows.append({"chrome": name, "file": str(path), "url": page.url, **gen.page_truth(a, page)})
    listed = sorted(((a, p) for a in articles for p in a.pages[:1] if a.lang == "en"), key=lambda ap: ap[0].week)
    listed = listed[::-1][:20]  # newest first, as listings print them
    entries = [(a.title, p.path, gen.render.week_text("en", a.week, with_year=False)) for a, p in listed]
    for name in listing_chromes.LISTING_CHROMES:
        path = out / "listings" / f"{name}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        c = gen.chrome("en")
        html = listing_chromes.listing(
            name, c, "Security issues", entries, [("2", "/analytics/security-issues/page/2/")]
        )
        path.write_text(html, encoding="utf-8")
        truth = [
            {"url": f"https://belarusinfocus.pro{p.path}", "title": a.title, "week": a.week.isoformat()}
            for a, p in listed
        ]
        rows.append(
            {
                "chrome": name,
                "file": str(path),
                "url": "https://belarusinfocus.pro/analytics/security-issues/",
                "listing": truth,
            }
        )
    (out / "truth.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def _use_main(root: Path) -> None:
    """Import ``sitrep`` from a checkout of main: its folders, not this worktree's editable install."""
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__.lower()]
    sys.path.insert(0, str(root))
    import sitrep

    sitrep.__path__[:] = [str(root / "sitrep"), str(root)]


def _words(texts: list[str]) -> Counter[str]:
    return Counter(w.lower() for t in texts for w in WORD.findall(t))


def chrome_share(html_text: list[str], article: list[str], got: list[str]) -> tuple[int, int]:
    """(chrome words that reached the body, chrome words on the page), counted as word multisets."""
    page, own, body = _words(html_text), _words(article), _words(got)
    chrome = page - own
    return sum((body - own).values()), sum(chrome.values())


def score(out: Path, main: Path | None) -> dict[str, dict[str, object]]:
    if main:
        _use_main(main)
    else:
        sys.path.insert(0, str(HERE.parent))
    from sitrep.config import load
    from sitrep.crawler.parsers import listing as listing_parser
    from sitrep.crawler.parsers import parse_article
    from sitrep.crawler.parsers.common import read_page
    from sitrep.errors import ParseError

    site = load(path=None, environ={}).sites["belarusinfocus"]
    site = type(site)(**{**site.__dict__, "last_year": 2025})
    rows = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    table: dict[str, Counter[str]] = {}
    for row in rows:
        t = table.setdefault(row["chrome"], Counter())
        html = Path(row["file"]).read_text(encoding="utf-8")
        if "listing" in row:
            got = listing_parser.parse(row["url"], html, site, year=2025)
            want = {e["url"]: e for e in row["listing"]}
            t["entries_placed"] += len(want)
            t["entries_read"] += sum(1 for e in got.entries if e.url in want and e.title == want[e.url]["title"])
            t["entries_wrong"] += sum(1 for e in got.entries if e.url not in want)
            t["weeks_read"] += sum(1 for e in got.entries if e.url in want and e.week_start == want[e.url]["week"])
            continue
        t["pages"] += 1
        try:
            r = parse_article(row["url"], html, site)
        except ParseError:
            t["parse_errors"] += 1
            continue
        for name, key in (("week", "week_start"), ("verdict", "trend_label"), ("topic", "topic"), ("author", "author")):
            if row[key]:
                t[f"{name}_placed"] += 1
                t[f"{name}_found"] += getattr(r, key) == row[key]
            else:
                t[f"{name}_invented"] += getattr(r, key) is not None and name != "topic"
        t["title_found"] += r.title == row["title"]
        t["body_exact"] += r.lead == row["lead"] and list(r.body) == row["body"]
        texts = [b.text for b in read_page(row["url"], html, site).blocks]
        leaked, chrome = chrome_share(texts, [row["title"], row["lead"], *row["body"]], [r.lead, *r.body])
        t["chrome_in_body"] += leaked
        t["chrome_words"] += chrome
        t["countries_tagged"] += len(r.countries)
        t["countries_right"] += len(set(r.countries) & set(row["countries"]))
    return {k: dict(v) for k, v in table.items()}


def extractors(out: Path) -> None:
    """Body text by our rule, trafilatura and readability-lxml on the same pages: recall of the
    article's words, chrome words that got in, and country precision of a tagger reading it."""
    sys.path.insert(0, str(HERE.parent))
    import trafilatura
    from bs4 import BeautifulSoup
    from readability import Document

    from sitrep.config import load
    from sitrep.countries import default_tagger
    from sitrep.crawler.parsers import parse_article
    from sitrep.crawler.parsers.common import read_page

    site = load(path=None, environ={}).sites["belarusinfocus"]
    tagger = default_tagger()

    def ours(url: str, html: str) -> list[str]:
        r = parse_article(url, html, site)
        return [r.lead, *r.body]

    def trafi(url: str, html: str) -> list[str]:
        return (trafilatura.extract(html, url=url, include_comments=False) or "").splitlines()

    def readab(url: str, html: str) -> list[str]:
        summary = Document(html).summary(html_partial=True)
        return [p.get_text(" ", strip=True) for p in BeautifulSoup(summary, "lxml").find_all(["p", "li"])]

    rows = [r for r in json.loads((out / "truth.json").read_text(encoding="utf-8")) if "listing" not in r]
    print(f"{'extractor':12} {'chrome':16} {'recall':>7} {'chrome→body':>12} {'ctry prec':>9}")
    for name, extract in (("ours", ours), ("trafilatura", trafi), ("readability", readab)):
        totals: Counter[str] = Counter()
        for chrome in dict.fromkeys(r["chrome"] for r in rows):
            t: Counter[str] = Counter()
            for row in (r for r in rows if r["chrome"] == chrome):
                html = Path(row["file"]).read_text(encoding="utf-8")
                got = extract(row["url"], html)
                own = _words([row["lead"], *row["body"]])
                seen = _words(got)
                t["own"] += sum(own.values())
                t["recalled"] += sum((own & seen).values())
                texts = [b.text for b in read_page(row["url"], html, site).blocks]
                leaked, chrome_words = chrome_share(texts, [row["title"], row["lead"], *row["body"]], got)
                t["leaked"] += leaked
                t["chrome"] += chrome_words
                tags = tagger.tag(
                    "\n".join([row["title"], *got]),
                    "en" if "/ru/" not in row["url"] and "/be/" not in row["url"] else row["url"].split("/")[3],
                )
                t["tagged"] += len(tags.countries)
                t["right"] += len(set(tags.countries) & set(row["countries"]))
            totals += t
            print(
                f"{name:12} {chrome:16} {t['recalled'] / t['own']:>7.3f} {t['leaked'] / t['chrome']:>12.3f} {t['right'] / max(1, t['tagged']):>9.3f}"
            )
        print(
            f"{name:12} {'ALL':16} {totals['recalled'] / totals['own']:>7.3f} {totals['leaked'] / totals['chrome']:>12.3f} {totals['right'] / max(1, totals['tagged']):>9.3f}"
        )


def _pct(a: int, b: int) -> str:
    return f"{a}/{b}" if b else "-"


def print_table(table: dict[str, dict[str, int]]) -> None:
    print(
        f"{'chrome':16} {'pages':>5} {'err':>4} {'title':>8} {'week':>8} {'verdict':>8} {'topic':>8} {'author':>7} {'body=':>8} {'chrome→body':>12} {'ctry prec':>9}"
    )
    for name, t in table.items():
        if "entries_placed" in t:
            print(
                f"{name:16} listing: entries {t.get('entries_read', 0)}/{t['entries_placed']}, weeks {t.get('weeks_read', 0)}/{t['entries_placed']}, non-entries taken {t.get('entries_wrong', 0)}"
            )
            continue
        share = t.get("chrome_in_body", 0) / max(1, t.get("chrome_words", 0))
        prec = t.get("countries_right", 0) / max(1, t.get("countries_tagged", 0))
        print(
            f"{name:16} {t['pages']:>5} {t.get('parse_errors', 0):>4} {_pct(t.get('title_found', 0), t['pages']):>8} "
            f"{_pct(t.get('week_found', 0), t.get('week_placed', 0)):>8} {_pct(t.get('verdict_found', 0), t.get('verdict_placed', 0)):>8} "
            f"{_pct(t.get('topic_found', 0), t.get('topic_placed', 0)):>8} {_pct(t.get('author_found', 0), t.get('author_placed', 0)):>7} "
            f"{_pct(t.get('body_exact', 0), t['pages']):>8} {share:>12.3f} {prec:>9.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["render", "score", "extractors"])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--main", type=Path, default=None)
    args = parser.parse_args()
    if args.mode == "render":
        render(args.dir)
    elif args.mode == "extractors":
        extractors(args.dir)
    else:
        print_table(score(args.dir, args.main))


if __name__ == "__main__":
    main()
