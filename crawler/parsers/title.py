"""The article's title and where it stands, with the rule that found it (``title_source``).

In order: the ``<h1>`` that ``og:title`` or ``<title>`` confirms (``h1``); else ``og:title``;
else ``<title>`` with the site's name cut off before or after a usual separator (``title``);
else the first heading-like line that one of them confirms (``heading``). Themes put the site's
name in the ``<h1>`` or print the title as a bold line, so an unconfirmed ``<h1>`` is the last
resort, not the first.
"""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlsplit

from sitrep.crawler.parsers.common import Page
from sitrep.errors import ParseError

MAX_TITLE = 300
_SEPARATOR = re.compile(r"\s*[|»·]\s*|\s+[–—-]\s+|:\s+")
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])


@dataclasses.dataclass(frozen=True)
class Title:
    """The article's title, which block prints it and which rule found it."""

    text: str
    at: int  # index of its block, -1 when no block prints it
    source: str  # h1 | og:title | title | heading


def _site_names(page: Page) -> set[str]:
    """The profile's name, ``og:site_name``, and the text of links home (a theme's logo)."""
    home = {text for b in page.blocks for href, text in b.links if urlsplit(href).path in ("", "/")}
    return {n.casefold() for n in (page.site.name, page.site_name, page.site.canonical_host, *home) if n}


def _title_sides(page: Page) -> tuple[str | None, list[str]]:
    """``<title>`` without the site's name (None when the name is not there), and every split of it."""
    head = page.head_title or ""
    cuts = list(_SEPARATOR.finditer(head))
    sides = []
    names = _site_names(page)
    for cut in cuts:
        left, right = head[: cut.start()].strip(), head[cut.end() :].strip()
        if left.casefold() in names and right:
            return right, [right]
        if right.casefold() in names and left:
            return left, [left]
        sides += [left, right]
    return (head or None) if not cuts else None, [s for s in sides if s] or ([head] if head else [])


def _at(page: Page, text: str) -> int:
    """The first block that prints ``text`` (a heading first), -1 when none does."""
    found = [i for i, b in enumerate(page.blocks) if b.text == text]
    headed = [i for i in found if page.blocks[i].tag in _HEADINGS]
    return (headed or found or [-1])[0]


def find_title(page: Page) -> Title:
    stripped, sides = _title_sides(page)
    confirming = {t for t in (page.meta_title, stripped, page.head_title, *sides) if t}
    h1s = [(i, b.text) for i, b in enumerate(page.blocks) if b.tag == "h1"]
    strong = {t for t in (page.meta_title, stripped, page.head_title) if t}
    confirmed = [(i, text) for i, text in h1s if text in strong] or sorted(
        ((i, text) for i, text in h1s if text in confirming), key=lambda h: -len(h[1])
    )  # one side of an unknown site's <title>: a logo <h1> is the shorter one
    if confirmed:
        return _checked(page, Title(confirmed[0][1], confirmed[0][0], "h1"))
    if page.meta_title:
        return _checked(page, Title(page.meta_title, _at(page, page.meta_title), "og:title"))
    if stripped:
        return _checked(page, Title(stripped, _at(page, stripped), "title"))
    for i, block in enumerate(page.blocks):
        if block.text in confirming and _heading_like(page, i):
            return _checked(page, Title(block.text, i, "heading"))
    if h1s:  # no metadata to confirm it: the page's only claim
        return _checked(page, Title(h1s[0][1], h1s[0][0], "h1"))
    raise ParseError(page.url, "title", "no <h1>, og:title, <title> or titled heading found")


def _heading_like(page: Page, i: int) -> bool:
    block = page.blocks[i]
    return block.tag in _HEADINGS or (len(block.text) <= MAX_TITLE and not block.text.endswith("."))


def _checked(page: Page, title: Title) -> Title:
    if not title.text:
        raise ParseError(page.url, "title", "empty")
    if len(title.text) > MAX_TITLE:
        raise ParseError(page.url, "title", f"{len(title.text)} characters, expected at most {MAX_TITLE}")
    if "\ufffd" in title.text:
        raise ParseError(page.url, "title", "contains U+FFFD: the page was decoded with the wrong charset")
    return title
