"""The article's place on the page, found by structure and never by a class name or an offset.

- Repeated items: siblings of one kind that each carry a date and a link or a few lines are a
  listing, a comment thread, related posts or a post navigation; never the article.
- The body container: the element whose own paragraphs (lists and quotes included) hold the
  most text after the title, as readability scores it (comments and teasers split their text
  over many small containers; an article keeps its run together).
- The region: the smallest element holding both the title and the body container. Fields are
  read inside it only, so menus, sidebars and footers around it never count.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import defaultdict

from sitrep import dates
from sitrep.crawler.parsers.common import Block, Page

# Elements that shape a paragraph run without starting a new part of the page.
CONTENT_TAGS = frozenset(
    [
        "p",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "figure",
        "figcaption",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "pre",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "center",
    ]
)
CHROME_TAGS = frozenset(["nav", "aside", "footer", "header", "form"])
SHORT = 160  # a field line, a byline or a teaser's date line is shorter than this
SENTENCE = re.compile(r"[.!?…»”\"')]$")
# Headings that open the page's own parts after an article, in any theme (English; the profile's
# boilerplate labels add the site's own, in each language).
_ENDS = re.compile(
    r"^(?:(?:\d+|one|two|three|four|five|no)\s+(?:comments?|responses?|replies|thoughts?)\b|"
    r"(?:comments?|responses?|replies|discussion)\b|(?:leave|post|write|add) (?:a |new )?(?:reply|comment)|"
    r"join the discussion|related(?::|$| posts| articles| stories| news| content| reading)|recommended\b|"
    r"more (?:stories|from|on|in|news|articles)|read (?:also|more|next)|also read|see also|"
    r"you (?:may|might) also like|share (?:this|on)|like this|follow us|subscribe|sign up|newsletter|"
    r"(?:popular|latest|recent|trending) (?:posts|stories|articles|news)|most (?:read|popular)|"
    r"about the author|similar articles|post navigation)",
    re.I,
)
_NUMERIC_DATE = re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})\b")
_AGO = re.compile(r"\b\d+\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b", re.I)
_MONTH_DAY = re.compile(r"\b([A-Za-zА-Яа-яЁёІіЎў]{3,})\.?\s+(\d{1,2})\b|\b(\d{1,2})\s+([A-Za-zА-Яа-яЁёІіЎў]{3,})\b")


_NUMERIC_RANGE = re.compile(
    r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?)\s*(?:[-–—]|to)\s*(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2})"
)
_WORD_RANGE = re.compile(
    r"\b([A-Za-zА-Яа-яЁёІіЎў]{3,})\.?\s+\d{1,2}\s+(?:to|until|till|по|до)\s+([A-Za-zА-Яа-яЁёІіЎў]{3,})\.?\s+\d{1,2}\b"
)
_WEEK_NUMBER = re.compile(r"\b(?:week|неделя|тыдзень)\s+\d{1,2}\b", re.I)


def has_range(text: str) -> bool:
    """Does a line print a span of days (a week in some form), read or not: "28.11–4.12", "Week 47"."""
    if dates.has_week_with_year(text) or dates.find_yearless(text) is not None:
        return True
    if _NUMERIC_RANGE.search(text) or _WEEK_NUMBER.search(text):
        return True
    return any(dates.month_number(m[1]) and dates.month_number(m[2]) for m in _WORD_RANGE.finditer(text))


@functools.lru_cache(maxsize=4096)
def has_date(text: str) -> bool:
    """Does a line print any date at all: a week, a stamp, "28.11.2016", "3 days ago", "May 7".

    Remembered by text: ``repeated_blocks`` asks it of a block once for each element above it,
    and a site's pages repeat their sidebars and footers (the bench's 748 pages asked it
    41 times a page, of 1,287 distinct lines in all)."""
    if not dates.may_print_date(text):
        return False
    if _NUMERIC_DATE.search(text) or _AGO.search(text) or dates.find_yearless(text) or dates.find_stamp(text):
        return True
    return any(dates.month_number(m[1] or m[4]) for m in _MONTH_DAY.finditer(text))


def ends_article(page: Page, block: Block) -> bool:
    """A line that opens what follows an article: comments, related posts, a subscription box."""
    if block.text.startswith(page.boilerplate):
        return True
    return len(block.text) <= 60 and block.link_share < 0.5 and bool(_ENDS.match(block.text))


@dataclasses.dataclass(frozen=True)
class Layout:
    """Where the article stands among the page's blocks."""

    region: int | None  # element id of the region, None: the whole page
    containers: frozenset[int]  # the body container, and its like: same tag, depth and prose weight
    repeated: frozenset[int]  # indices of blocks inside repeated items
    last: int  # index of the last block of the body container


def children_of(page: Page) -> dict[int, dict[int, list[int]]]:
    """For each element, its child elements and the blocks each holds (in reading order)."""
    out: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, block in enumerate(page.blocks):
        for parent, child in zip(block.path, block.path[1:]):
            out[parent][child].append(i)
    return out


def repeated_blocks(page: Page, title_at: int, heavy: set[int]) -> frozenset[int]:
    """Blocks inside repeated dated items (comments, related posts, teasers).

    Never an item: what holds the title's block, or all of ``heavy`` (the heaviest run of text,
    ``heaviest``), so an article whose meta line and text stand side by side, both dated, is not
    taken for two items; a comment list, whose items share the run, still is.
    """
    marked: set[int] = set()
    for kids in children_of(page).values():
        if len(kids) < 2:
            continue
        by_tag: dict[str, list[list[int]]] = defaultdict(list)
        for child, held in kids.items():
            if title_at in held or (heavy and heavy.issubset(held)):
                continue
            if _dated_item(page, held):
                by_tag[page.tags[child]].append(held)
        for items in by_tag.values():
            if len(items) >= 2:
                marked.update(i for held in items for i in held)
    return frozenset(marked)


def _dated_item(page: Page, held: list[int]) -> bool:
    blocks = [page.blocks[i] for i in held]
    dated = any(len(b.text) <= SHORT and has_date(b.text) for b in blocks)
    return dated and (len(blocks) >= 2 or bool(blocks[0].links))


def container_of(page: Page, block: Block) -> int | None:
    """The nearest element above the block's own one that is not a paragraph-shaping tag."""
    for node in reversed(block.path[:-1]):
        if page.tags[node] not in CONTENT_TAGS:
            return node
    return None


def in_chrome(page: Page, block: Block, below: int | None) -> bool:
    """Inside a nav, aside, header, footer or form that lies within element ``below``."""
    start = block.path.index(below) + 1 if below is not None and below in block.path else 0
    return any(page.tags[n] in CHROME_TAGS for n in block.path[start:])


def _scores(page: Page, title_at: int, skip: set[int] | frozenset[int]) -> dict[int, float]:
    """Readability's weight of each container's own paragraphs after the title."""
    scores: dict[int, float] = defaultdict(float)
    for i in range(title_at + 1, len(page.blocks)):
        block = page.blocks[i]
        if i in skip or block.link_share >= 0.5 or ends_article(page, block):
            continue
        node = container_of(page, block)
        if node is not None:  # sentences weigh in full, short lines (teasers, labels) a little
            scores[node] += len(block.text) if SENTENCE.search(block.text) else len(block.text) / 4
    return scores


def heaviest(page: Page, title_at: int) -> set[int]:
    """The blocks of the container with the most text after the title, before anything is excluded."""
    scores = _scores(page, title_at, frozenset())
    if not scores:
        return set()
    top = max(scores, key=lambda n: scores[n])
    return {i for i, b in enumerate(page.blocks) if top in b.path}


def locate(page: Page, title_at: int, is_field: list[bool], repeated: frozenset[int]) -> Layout:
    """The region and body containers of an article page (``is_field``: field lines)."""
    scores = _scores(page, title_at, repeated | {i for i, f in enumerate(is_field) if f})
    if not scores:
        return Layout(None, frozenset(), repeated, len(page.blocks) - 1)
    container = max(scores, key=lambda n: scores[n])  # first maximum: dicts keep reading order
    depth = _depth(page, container)
    # a text a CMS splits into several content elements (TYPO3 frames, page-builder rows)
    containers = frozenset(
        n
        for n, score in scores.items()
        if score >= 0.2 * scores[container] and page.tags[n] == page.tags[container] and _depth(page, n) == depth
    )
    last = max(i for i, b in enumerate(page.blocks) if containers & set(b.path))
    # the smallest element around the title (else the first text) and the last text
    first = title_at if title_at >= 0 else min(i for i, b in enumerate(page.blocks) if containers & set(b.path))
    shared = [a for a, b in zip(page.blocks[first].path, page.blocks[last].path) if a == b]
    return Layout(shared[-1] if shared else None, containers, repeated, last)


def _depth(page: Page, node: int) -> int:
    block = next(b for b in page.blocks if node in b.path)
    return block.path.index(node)


def in_region(layout: Layout, block: Block) -> bool:
    return layout.region is None or layout.region in block.path
