"""Each field found by what it is, independently of the others and of where the theme prints it.

A field line is a short block in the article's region (before or after the title, a byline, a
meta line under the title, a "Posted on" line after the text, a breadcrumb, the tags) that
prints a week with its year, a verdict standing alone, a topic label or a link to a topic
listing, an author after "by", a stamp, or the old layout's "Category status:". A field seen
twice with different values keeps the first and says so in ``warnings``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re

from sitrep import dates
from sitrep.crawler import urls as urlrules
from sitrep.crawler.parsers.common import Block, Page
from sitrep.crawler.parsers.structure import SENTENCE, SHORT
from sitrep.errors import ParseError

_NAME = r"([A-ZА-ЯЁІЎ][\w.'’-]+(?:\s+[A-ZА-ЯЁІЎ][\w.'’-]+){0,3})"
_AUTHOR_WORDS = ("by", "By", "Author:", "Authors:")  # any theme's byline, besides the profile's own
_LABEL = re.compile(r"^[\w ]{1,24}:\s*")  # "Trend:", "Topic:", "Category status:"


@dataclasses.dataclass
class Line:
    """What one block says as a field line (each value None when it says nothing of it)."""

    week: tuple[dt.date, dt.date] | None = None
    week_label: str = ""  # the range as printed, spaces normalised
    bad_week: bool = False
    trend: tuple[str | None, str] | None = None
    topic: str | None = None  # a slug
    topic_label: str | None = None
    author: str | None = None
    byline: bool = False  # a "by" slot, empty or not
    stamp: dt.datetime | None = None
    status: bool = False  # the old layout's "Category status:" line

    @property
    def any(self) -> bool:
        return bool(self.week or self.bad_week or self.trend or self.topic or self.byline or self.stamp or self.status)


def match_trend(page: Page, text: str, unknown: bool = True) -> tuple[str | None, str] | None:
    """(trend, label as printed) when ``text`` is a verdict line; trend None for an unknown phrase."""
    label = text.strip().lstrip("-–— ").strip()
    if label.startswith("(") and label.endswith(")"):
        label = label[1:-1].strip()
    label = label.rstrip(".")
    if (trend := page.trends.get(label)) is not None:
        return trend, label
    if (
        unknown
        and not text.rstrip().endswith((".", "!", "?"))
        and len(label.split()) <= 10
        and label.startswith(page.verdict_openings)
        and len(label) <= 80
    ):
        return None, label
    return None


def _topic_of_label(page: Page, label: str) -> str | None:
    """The slug of a printed topic label, in any letter case (themes capitalise categories)."""
    return page.topic_slugs.get(label.casefold())


def topics_in(page: Page, block: Block) -> dict[str, str]:
    """slug -> label for every topic the block names: as its whole text, a label or a link."""
    found: dict[str, str] = {}
    for href, text in block.links:
        slug = _topic_of_label(page, text)
        if slug is None and urlrules.on_site(href, page.site):
            slug = urlrules.listing_topic(href, page.site)
        if slug:
            found.setdefault(
                slug, text if _topic_of_label(page, text) else page.site.topic_label(slug, page.lang) or text
            )
    text = _LABEL.sub("", block.text, count=1)
    if slug := _topic_of_label(page, text):
        found.setdefault(slug, text)
    return found


def _author(page: Page, text: str) -> tuple[bool, str | None]:
    """(is it a byline, the name) for "by X", "Posted by X on …", "Автор: X"; a bare "by" is an empty slot."""
    prefixes, byline = _byline(page.author_prefixes)
    m = byline.search(text)
    if m:
        return True, m.group(1)
    return text.strip(" :") in prefixes, None


@functools.lru_cache(maxsize=8)
def _byline(profile: tuple[str, ...]) -> tuple[frozenset[str], re.Pattern[str]]:
    """The byline words (any theme's and the profile's) and the pattern of "<word> <Name>";
    built once per profile, not once per line."""
    prefixes = sorted({*_AUTHOR_WORDS, *profile}, key=len, reverse=True)
    alternatives = "|".join(re.escape(p) for p in prefixes)
    return frozenset(prefixes), re.compile(rf"(?:^|\s)(?:{alternatives})(?:\s*:)?\s+{_NAME}")


def read_line(page: Page, block: Block) -> Line:
    line = Line()
    text = dates.clean(block.text)
    if len(text) > SHORT:
        return line
    markers = [t.category_status for t in page.all_labels()]
    marker = next((m for m in markers if text.startswith(m)), None)
    if marker:
        line.status = True
        rest = text[len(marker) :].strip()
        line.trend = match_trend(page, rest) if rest else None
        return line
    if len(text.split()) >= 8 and SENTENCE.search(text):
        return line  # a sentence of the text that names a date is no field line
    line.trend = match_trend(page, _LABEL.sub("", text, count=1)) or match_trend(page, text)
    if line.trend:
        return line
    rest = text
    if found := dates.find_week(text):
        line.week = (found[0], found[1])
        line.week_label = found[2].group(0)
        rest = (text[: found[2].start()] + " " + text[found[2].end() :]).strip()
    elif dates.has_week_with_year(text):
        line.bad_week = True
        return line
    topics = topics_in(page, block)
    if len(topics) == 1:
        line.topic, line.topic_label = next(iter(topics.items()))
    line.byline, line.author = _author(page, rest)
    if not line.week and (stamp := dates.find_stamp(rest)):
        line.stamp = stamp
    return line


@dataclasses.dataclass
class Fields:
    """The labelled lines of an article header: week, verdict, topic, author, date."""

    week: tuple[dt.date, dt.date] | None = None
    week_label: str = ""  # as the kept week was printed
    trend: tuple[str | None, str] | None = None
    topic: tuple[str, str] | None = None
    author: str | None = None
    stamp: dt.datetime | None = None
    status: bool = False
    warnings: list[str] = dataclasses.field(default_factory=list)

    def keep(self, name: str, value: object, shown: str) -> None:
        """Set a field the first time; a different value later is a warning, never a silent guess."""
        current = getattr(self, name)
        if current is None:
            setattr(self, name, value)
        elif current != value:
            warning = f"{name}: kept {self._show(name, current)!r}, also found {shown!r}"
            if warning not in self.warnings:
                self.warnings.append(warning)

    @staticmethod
    def _show(name: str, value: object) -> str:
        if name == "week" and isinstance(value, tuple):
            return f"{value[0].isoformat()}..{value[1].isoformat()}"
        if isinstance(value, tuple):
            return str(value[1])
        return str(value)


def collect(page: Page, lines: dict[int, Line]) -> Fields:
    """The page's fields from its field lines, in reading order."""
    fields = Fields()
    for i in sorted(lines):
        line = lines[i]
        if line.week:
            if fields.week is None:
                fields.week_label = line.week_label
            fields.keep("week", line.week, page.blocks[i].text)
        if line.trend:
            fields.keep("trend", line.trend, line.trend[1])
        if line.topic and line.topic_label:
            fields.keep("topic", (line.topic, line.topic_label), line.topic_label)
        if line.author:
            fields.keep("author", line.author, line.author)
        if line.stamp:
            fields.keep("stamp", line.stamp, page.blocks[i].text)
        fields.status = fields.status or line.status
    return fields


def check_week(page: Page, url: str, lines: dict[int, Line]) -> None:
    """A page that prints a week with its year, but no real Monday-to-Sunday one, is a bad page."""
    bad = [page.blocks[i].text for i, line in sorted(lines.items()) if line.bad_week]
    if bad and not any(line.week for line in lines.values()):
        raise ParseError(url, "week", f"{bad[0]!r} is not a Monday-to-Sunday week")
