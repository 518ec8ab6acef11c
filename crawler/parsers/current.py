"""The current layout (belarusinfocus.pro): by / week / topic / title / verdict, then the text.

How to add a generation: write a module with ``LAYOUT``, ``detect(page, title_at)`` and
``parse(page, title, title_at, fetched_at)``, reuse ``common``'s helpers, add fixture pages
with their expected JSON under ``tests/pages/<layout>/``, and register it in ``GENERATIONS``.
"""

from __future__ import annotations

from sitrep.crawler.parsers.common import Page, build_record, match_trend, read_content, read_header
from sitrep.record import Record

LAYOUT = "current"


def detect(page: Page, title_at: int) -> bool:
    header = read_header(page, title_at)
    return header is not None and header.topic_label is not None


def verdict_after(page: Page, title_at: int) -> tuple[str | None, str] | None:
    """The verdict line among the few blocks right after the title."""
    for block in page.blocks[title_at + 1 : title_at + 4]:
        found = match_trend(page, block.text)
        if found:
            return found
    return None


def parse(page: Page, title: str, title_at: int, fetched_at: str | None = None) -> Record:
    header = read_header(page, title_at)
    content = read_content(page, title_at + 1, title)
    return build_record(
        page, LAYOUT, title, content, header=header, trend=verdict_after(page, title_at), fetched_at=fetched_at
    )
