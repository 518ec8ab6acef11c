"""The old .info layout: title, "Category status: - (verdict)", a stamp, body, "Similar articles".

The stamp is kept as ``stamp``; it is not the article's week (many carry the 2016 migration
date). Which week a text belongs to is settled when its pages are merged (``crawler.dating``).
"""

from __future__ import annotations

from sitrep import dates
from sitrep.crawler.parsers.common import Page, build_record, match_trend, read_content
from sitrep.record import Record

LAYOUT = "old"


def _status_at(page: Page, title_at: int) -> int | None:
    markers = [t.category_status for t in page.all_labels()]
    for i in range(title_at + 1, min(len(page.blocks), title_at + 4)):
        if any(page.blocks[i].text.startswith(m) for m in markers):
            return i
    return None


def detect(page: Page, title_at: int) -> bool:
    return _status_at(page, title_at) is not None


def parse(page: Page, title: str, title_at: int, fetched_at: str | None = None) -> Record:
    status_at = _status_at(page, title_at)
    assert status_at is not None  # detect() said so
    status = page.blocks[status_at].text
    marker = next(t.category_status for t in page.all_labels() if status.startswith(t.category_status))
    rest = status[len(marker) :].strip()
    trend = match_trend(page, rest) if rest else None
    start = status_at + 1
    stamp = None
    if start < len(page.blocks):
        stamp = dates.find_stamp(page.blocks[start].text)
        if stamp is not None:
            start += 1
    content = read_content(page, start, title)
    return build_record(page, LAYOUT, title, content, trend=trend, stamp=stamp, fetched_at=fetched_at)
