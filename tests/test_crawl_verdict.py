"""The crawl's verdict on what its pages yielded: a layout change that leaves pages parsing but
headerless fails loudly, as a bug does; the summary line says how many records lack a week or a verdict."""

from __future__ import annotations

import dataclasses

from sitrep.config import load
from sitrep.crawler.run import CrawlReport, verdict

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


def test_an_internal_error_fails_the_crawl_whatever_the_ratios() -> None:
    assert "1 internal errors" in verdict({**OK, "internal_errors": 1}, SETTINGS)


def test_the_summary_line_counts_undated_records_and_missing_verdicts() -> None:
    report = CrawlReport(1, "ok", 0, {**OK, "undated": 7, "no_verdict": 12}, [], [], 80, "")
    assert "7 records undated, 12 without a verdict" in report.summary()
    assert "internal errors" not in report.summary()
    failed = CrawlReport(1, "failed", 3, {**OK, "internal_errors": 2}, [], [], 0, "x")
    assert "2 internal errors" in failed.summary()
