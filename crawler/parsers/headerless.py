"""Pages with no header at all: title, lead, body. Week, topic and verdict stay unknown here."""

from __future__ import annotations

from sitrep.crawler.parsers.common import Page, build_record, read_content
from sitrep.record import Record

LAYOUT = "headerless"


def detect(page: Page, title_at: int) -> bool:
    return True


def parse(page: Page, title: str, title_at: int, fetched_at: str | None = None) -> Record:
    return build_record(page, LAYOUT, title, read_content(page, title_at + 1, title), fetched_at=fetched_at)
