"""The article's text and nothing else: it ends where the article ends.

The body is the body container's own run of paragraphs (lists, quotes and tables included),
reached from it through paragraph-shaping elements only: a share bar, a newsletter box or a
related-posts list nested in it is a part of its own. Before the container, only whole
sentences count (a lead a theme sets apart); after its last block, nothing does. Field lines,
repeated items and link lists are skipped wherever they stand, so a status line after the text
keeps the text; a heading that opens comments, related posts or a subscription box ends it.
"""

from __future__ import annotations

import dataclasses
import re

from sitrep.crawler.parsers.common import Block, Page
from sitrep.crawler.parsers.structure import (
    CONTENT_TAGS,
    SENTENCE,
    SHORT,
    Layout,
    ends_article,
    has_date,
    has_range,
    in_chrome,
    in_region,
)
from sitrep.errors import ParseError

_BY_LINE = re.compile(r"^(?:By|Автор:|Аўтар:)\s+([A-ZА-ЯЁІЎ][\w.'’-]+(?:\s+[A-ZА-ЯЁІЎ][\w.'’-]+){0,3})$")


@dataclasses.dataclass
class Content:
    """The article's own text as found between its header and what ends it."""

    lead: str = ""
    body: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    author: str | None = None
    first: int = 0  # index of the lead's block: what stands before it is the header
    end: int = 0  # index of the block that ended the article (a comments heading...), or past the last


def caption(page: Page, block: Block) -> bool:
    return block.tag == "figcaption" or block.text.startswith(page.caption_prefixes)


def _own_paragraph(page: Page, block: Block, container: int) -> bool:
    """Reached from the container through paragraph-shaping elements only."""
    inner = block.path[block.path.index(container) + 1 :]
    return all(page.tags[n] in CONTENT_TAGS for n in inner[:-1]) and page.tags[inner[-1]] not in (
        "nav",
        "aside",
        "footer",
        "header",
    )


def _sentence(block: Block) -> bool:
    return len(block.text.split()) >= 8 and bool(SENTENCE.search(block.text)) and block.link_share < 0.5


def read_body(page: Page, title: str, title_at: int, layout: Layout, is_field: list[bool]) -> Content:
    paragraphs: list[str] = []
    captions: list[str] = []
    author = None
    first = 0
    end = len(page.blocks)
    for i in range(title_at + 1, layout.last + 1):
        block = page.blocks[i]
        text = block.text
        if not in_region(layout, block) or i in layout.repeated:
            continue
        if paragraphs and ends_article(page, block):
            end = i
            break
        if is_field[i] or text == title:
            continue
        if caption(page, block):  # a featured image's caption may stand in the article's header
            captions.append(text)
            continue
        if in_chrome(page, block, layout.region):
            continue
        container = next((c for c in layout.containers if c in block.path), None)
        inside = container is not None
        if container is not None and block.path[-1] != container and not _own_paragraph(page, block, container):
            continue
        if not inside and not _sentence(block):
            continue
        if block.link_share >= 0.5 or ends_article(page, block):
            continue  # a link list, a "Read also" pointer, or a box heading before the text
        if not paragraphs and len(text) <= SHORT and (has_date(text) or has_range(text)) and not SENTENCE.search(text):
            continue  # a dated line above the text is a header line (one the fields did not know)
        if not paragraphs and author is None and (m := _BY_LINE.match(text)):
            author = m.group(1)
            continue
        first = first if paragraphs else i
        paragraphs.append("- " + text if block.tag == "li" and not text.startswith("- ") else text)
    if end == len(page.blocks):  # the container ended the text: the article ends at the next such line
        end = next((i for i in range(layout.last + 1, end) if ends_article(page, page.blocks[i])), end)
    if not paragraphs:
        raise ParseError(page.url, "body", "no text after the title")
    if any("\ufffd" in p for p in paragraphs):
        raise ParseError(page.url, "body", "contains U+FFFD: the page was decoded with the wrong charset")
    return Content(
        lead=paragraphs[0], body=tuple(paragraphs[1:]), captions=tuple(captions), author=author, first=first, end=end
    )
