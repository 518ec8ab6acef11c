"""Page parsers: any article page read by what its text says and how its elements nest.

One reading serves every layout generation and every theme: the title (``title``), the article's
region and body container (``structure``), each field wherever it stands (``fields``), the text
(``body``). The layout generation is then named from what was found (``layout_of``): archived
pages keep old layouts whatever their date, so it is never taken from the URL's era.

``parse_article`` raises ``ParseError`` for a page it recognises as bad (empty, not HTML, cut
short, no title, no text, an impossible week, an unknown header); anything else is a bug.
"""

from __future__ import annotations

from sitrep import countries
from sitrep.config import Site
from sitrep.countries import Tagger
from sitrep.crawler import urls as urlrules
from sitrep.crawler.parsers.body import Content, caption, read_body
from sitrep.crawler.parsers.common import Page, decode, read_page
from sitrep.crawler.parsers.fields import Fields, Line, check_week, collect, read_line
from sitrep.crawler.parsers.structure import (
    SHORT,
    Layout,
    has_range,
    heaviest,
    in_region,
    locate,
    repeated_blocks,
)
from sitrep.crawler.parsers.title import Title, find_title
from sitrep.errors import ParseError
from sitrep.record import Record, finish, make_id


def parse_article(
    url: str, html: str | bytes, site: Site, fetched_at: str | None = None, tagger: Tagger | None = None
) -> Record:
    """The record of one article page, or ``ParseError(url, field, reason)``.

    ``tagger`` carries the aliases a user added in settings.toml (``countries.tagger_for``).
    """
    text = decode(html) if isinstance(html, bytes) else html
    tail = text[-4096:].lower()
    if text.strip() and "</html" not in tail and "</body" not in tail:
        raise ParseError(url, "html", "truncated: the page ends before </body> or </html>")
    page = read_page(url, text, site, tagger)
    title = find_title(page)
    repeated = repeated_blocks(page, title.at, heaviest(page, title.at))
    lines = _field_lines(page, title, repeated)
    is_field = [i in lines for i in range(len(page.blocks))]
    layout = locate(page, title.at, is_field, repeated)
    lines = {i: line for i, line in lines.items() if in_region(layout, page.blocks[i])}
    check_week(page, url, lines)
    content = read_body(page, title.text, title.at, layout, is_field)
    # nothing after the article's end counts; an unknown "The situation …" phrase counts only
    # in the header, never inside the text
    lines = {
        i: v for i, v in lines.items() if i < content.end and not (v.trend and v.trend[0] is None and i > content.first)
    }
    fields = collect(page, lines)
    name = layout_of(fields)
    if name == "headerless":
        _check_headerless(page, layout, content.first)
    return build_record(page, name, title, content, fields, fetched_at)


def _field_lines(page: Page, title: Title, repeated: frozenset[int]) -> dict[int, Line]:
    """Every block that reads as a field line, menus' topic links dropped."""
    lines: dict[int, Line] = {}
    for i, block in enumerate(page.blocks):
        if i == title.at or i in repeated or caption(page, block) or len(block.text) > SHORT:
            continue
        line = read_line(page, block)
        if line.any:
            lines[i] = line
    by_parent: dict[int | None, set[str]] = {}
    for i, line in lines.items():
        if line.topic:
            by_parent.setdefault(_parent(page, i), set()).add(line.topic)
    for i, line in lines.items():
        if line.topic and len(by_parent[_parent(page, i)]) > 1:  # a menu: every topic, side by side
            line.topic = line.topic_label = None
    return {i: line for i, line in lines.items() if line.any}


def _parent(page: Page, i: int) -> int | None:
    path = page.blocks[i].path
    return path[-2] if len(path) > 1 else None


def layout_of(fields: Fields) -> str:
    """The generation a page's fields make: the names ``record.LAYOUTS`` ranks for merging."""
    if fields.status:
        return "old"
    if fields.week or fields.trend:
        return "current" if fields.topic else "transitional"
    return "headerless"


def _check_headerless(page: Page, layout: Layout, first: int) -> None:
    """A page with neither week nor verdict is headerless only when its header prints no span of days.

    A redesign that prints the week in a form the profile does not know ("28.11–4.12.2016",
    "Week 47") would otherwise parse silently into undated records; such a page names what it
    printed instead. A single date (a theme's post date) is read as the stamp and is no reason.
    The header is the region up to the first paragraph of the text. The crawl's
    ``max_headerless_ratio`` catches the redesigns no single page can tell.
    """
    for i in range(first):
        block = page.blocks[i]
        if i in layout.repeated or not in_region(layout, block) or len(block.text) > SHORT:
            continue
        if has_range(block.text):
            raise ParseError(page.url, "layout", f"no week or verdict recognised, but the header prints {block.text!r}")


def build_record(
    page: Page, layout: str, title: Title, content: Content, fields: Fields, fetched_at: str | None = None
) -> Record:
    """The record of one page; the tagger reads only title, lead and body (never captions or labels)."""
    week_start = week_end = None
    source = "none"
    if fields.week:
        week_start, week_end, source = fields.week[0].isoformat(), fields.week[1].isoformat(), "week"
    topic, topic_label = fields.topic if fields.topic else (None, None)
    if topic is None and (slug := urlrules.topic_from_url(page.url, page.site)):
        topic, topic_label = slug, page.site.topic_label(slug, page.lang)
    url = urlrules.normalise(page.url, page.site)
    text = "\n".join([title.text, content.lead, *content.body])
    tags = (page.tagger or countries.default_tagger()).tag(text, page.lang)
    record = Record(
        id=make_id(page.lang, title.text, content.lead, content.body),
        site=page.site.key,
        url=urlrules.canonical([url], page.site),
        urls=(url,),
        lang=page.lang,
        layout=layout,
        title=title.text,
        title_source=title.source,
        lead=content.lead,
        body=content.body,
        week_start=week_start,
        week_end=week_end,
        date_source=source,
        week_label=fields.week_label,
        stamp=fields.stamp.isoformat(timespec="minutes") if fields.stamp else None,
        topic=topic,
        topic_label=topic_label,
        trend=fields.trend[0] if fields.trend else None,
        trend_label=fields.trend[1] if fields.trend else None,
        author=fields.author or content.author,
        captions=content.captions,
        countries=tags.countries,
        country_counts=tags.country_counts,
        orgs=tags.orgs,
        warnings=tuple(fields.warnings),
        fetched_at=fetched_at,
    )
    return finish(record)
