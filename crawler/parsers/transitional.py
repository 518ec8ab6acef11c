"""The transitional .info layout: the current header without its topic line.

The topic comes from the URL's section (old sections mapped by the profile's table).
"""

from __future__ import annotations

from sitrep.crawler.parsers import current
from sitrep.crawler.parsers.common import Page, build_record, read_content, read_header
from sitrep.record import Record

LAYOUT = "transitional"


def detect(page: Page, title_at: int) -> bool:
    header = read_header(page, title_at)
    return header is not None and header.topic_label is None


def parse(page: Page, title: str, title_at: int, fetched_at: str | None = None) -> Record:
    header = read_header(page, title_at)
    content = read_content(page, title_at + 1, title)
    trend = current.verdict_after(page, title_at)
    return build_record(page, LAYOUT, title, content, header=header, trend=trend, fetched_at=fetched_at)
