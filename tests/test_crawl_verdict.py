"""The crawl's verdict on what its pages yielded: a layout change that leaves pages parsing but
headerless fails loudly, as a bug does; the summary line says how many records lack a week or a verdict."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sitrep.config import load
from sitrep.crawler.run import CrawlReport, verdict
from sitrep.crawler.sample.generate import generate
from sitrep.crawler.sample.server import serve
from sitrep.index.store import RecordStore
from tests.conftest import run_sitrep, sample_settings

SETTINGS = load(path=None, environ={})
OK = {"fetched": 100, "article_pages": 80, "listings_read": 5, "parsed": 80}


def test_the_default_headerless_ratio_is_a_quarter() -> None:
    assert SETTINGS.crawl.max_headerless_ratio == 0.25


def test_headerless_pages_past_the_ratio_fail_the_crawl() -> None:
    assert verdict({**OK, "headerless": 20}, SETTINGS) == ""
    why = verdict({**OK, "headerless": 21}, SETTINGS)
    assert "21 of 80 parsed article pages" in why and "changed its layout" in why
    looser = dataclasses.replace(SETTINGS, crawl=dataclasses.replace(SETTINGS.crawl, max_headerless_ratio=0.5))
    assert verdict({**OK, "headerless": 21}, looser) == ""


@pytest.mark.parametrize(
    ("bad", "total", "alarm"),
    [(1, 2, False), (2, 2, False), (3, 3, True), (8, 9, False), (9, 9, True), (3, 10, True), (2, 10, False)],
)
def test_a_few_pages_are_judged_only_when_all_are_bad(bad: int, total: int, alarm: bool) -> None:
    """A later crawl that fetched a handful of pages (a sitemap's lastmod) is not a redesign because
    one of two is an old headerless text; ten pages and more are judged by the share (25 %)."""
    small = {"fetched": total + 5, "listings_read": 5, "article_pages": total, "parsed": total}
    assert bool(verdict({**small, "headerless": bad}, SETTINGS)) is alarm
    assert bool(verdict({**small, "parsed": total - bad, "parse_errors": bad}, SETTINGS)) is alarm


def test_an_internal_error_fails_the_crawl_whatever_the_ratios() -> None:
    assert "1 internal errors" in verdict({**OK, "internal_errors": 1}, SETTINGS)
    assert "internal errors" in verdict({**OK, "internal_errors": 30, "failed": 30}, SETTINGS)


def test_the_summary_line_counts_undated_records_and_missing_verdicts() -> None:
    report = CrawlReport(1, "ok", 0, {**OK, "undated": 7, "no_verdict": 12}, [], [], 80, "")
    assert "of 80 article pages parsed, 7 undated, 12 without a verdict" in report.summary()
    assert "internal errors" not in report.summary()
    failed = CrawlReport(1, "failed", 3, {**OK, "internal_errors": 2}, [], [], 0, "x")
    assert "2 internal errors" in failed.summary()
    refresh = CrawlReport(2, "ok", 0, {**OK, "unchanged": 80, "not_modified": 78}, [], [], 0, "")
    assert "80 unchanged (78 answered 304 Not Modified), " in refresh.summary()
    assert "304" not in report.summary(), "no conditional answers, no mention"


BUG = """
import sitrep.crawler.parsers as parsers
_read_body = parsers.read_body


def read_body(page, *args, **kwargs):
    if "/the-ruling-elite/" in page.url:
        raise KeyError("a bug planted by the test")
    return _read_body(page, *args, **kwargs)


parsers.read_body = read_body
"""


@pytest.mark.slow
def test_a_bug_met_in_a_real_crawl_is_an_internal_error_not_a_bad_page(tmp_path: Path) -> None:
    """A bug planted in the parser (through sitecustomize, in the crawl's processes only)."""
    (tmp_path / "bug").mkdir()
    (tmp_path / "bug" / "sitecustomize.py").write_text(BUG, encoding="utf-8")
    generate(tmp_path / "sample", count=60, seed=3)
    with serve(tmp_path / "sample" / "site") as server:
        path = sample_settings(server, tmp_path / "data", tmp_path / "settings.toml")
        done = run_sitrep("--settings", str(path), "crawl", env={"PYTHONPATH": str(tmp_path / "bug")})
    assert done.returncode == 9, done.stderr
    assert "internal errors (a bug in sitrep" in done.stderr
    assert "internal error: KeyError: 'a bug planted by the test'" in done.stderr
    with RecordStore(load(path, environ={}).data_dir, create=False) as store:
        counts = store.runs()[0]["counts"]
    assert counts["internal_errors"] > 0 and counts.get("parse_errors", 0) == 0
