"""What every parser generation shares: the page read as blocks of text, and how fields are found.

The real site's markup is unknown, so nothing here looks at a class name. A page becomes the
sequence of its text blocks in reading order (a block is the text of an element that holds no
other block element); fields are found by what the text says and where it stands relative to
the title: the content model of ``shared/site/README.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from sitrep import countries, dates
from sitrep.config import Labels, Site
from sitrep.crawler import urls as urlrules
from sitrep.errors import ParseError
from sitrep.record import Record, finish, make_id, normalise_text

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "main",
        "figure",
        "figcaption",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "pre",
        "address",
        "body",
        "center",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "button",
        "input",
        "select",
        "textarea",
        "iframe",
        "head",
        "form",
        "object",
        "embed",
        "canvas",
    ]
)
MAX_TITLE = 300


@dataclasses.dataclass(frozen=True)
class Block:
    text: str
    tag: str
    links: tuple[tuple[str, str], ...] = ()  # (absolute href, link text)


@dataclasses.dataclass
class Page:
    """A page as the parsers read it."""

    url: str
    site: Site
    blocks: list[Block]
    meta_title: str | None
    head_title: str | None
    html_lang: str | None
    tagger: countries.Tagger | None = None  # None: the built-in alias table

    @property
    def lang(self) -> str:
        """From the URL's prefix, else the template's ``<html lang>``; never from the alphabet."""
        by_url = urlrules.lang_of(self.url, self.site)
        if by_url:
            return by_url
        if self.html_lang and self.html_lang[:2].lower() in ("en", "ru", "be"):
            return self.html_lang[:2].lower()
        return "en"

    @property
    def labels(self) -> Labels:
        return self.site.labels.get(self.lang, self.site.labels["en"])

    def all_labels(self) -> list[Labels]:
        """This language's table first, then the others (a page may mix template strings)."""
        return [self.labels, *(t for t in self.site.labels.values() if t is not self.labels)]


def _inline_parts(tag: Tag, base: str) -> tuple[bool, list[tuple[str, str]]]:
    """One pass over an inline element: does it hold a block element, and which links."""
    links = []
    for node in (tag, *tag.descendants):
        if isinstance(node, Tag):
            if node.name in BLOCK_TAGS:
                return True, []
            if node.name == "a" and node.get("href"):
                links.append((urljoin(base, str(node["href"])), normalise_text(node.get_text(" "))))
    return False, links


def _walk(el: Tag, base: str, out: list[Block]) -> None:
    text: list[str] = []
    links: list[tuple[str, str]] = []

    def flush() -> None:
        joined = normalise_text(" ".join(text))
        if joined:
            out.append(Block(joined, el.name, tuple(links)))
        text.clear()
        links.clear()

    for child in el.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, Comment):
                text.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in SKIP_TAGS:
            continue
        if name == "br":
            flush()
            continue
        if name in BLOCK_TAGS:
            flush()
            _walk(child, base, out)
            continue
        has_block, inline_links = _inline_parts(child, base)
        if has_block:
            flush()
            _walk(child, base, out)
        else:
            text.append(child.get_text(" "))
            links.extend(inline_links)
    flush()


# Chrome that never holds article text, cut before BeautifulSoup sees it: real pages are mostly
# this (~30 KB of scripts, styles and icons around a few KB of text).
_CHROME = re.compile(r"<(script|style|svg|noscript|template|iframe)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.S | re.I)


def read_page(url: str, html: str | bytes, site: Site, tagger: countries.Tagger | None = None) -> Page:
    """The page's blocks and title sources, or a ParseError for what is not an HTML page."""
    if isinstance(html, bytes):
        html = decode(html)
    if not html or not html.strip():
        raise ParseError(url, "html", "the page is empty")
    if "\x00" in html[:4096] or "<" not in html[:4096]:
        raise ParseError(url, "html", "not an HTML page (binary or plain text)")
    try:
        soup = BeautifulSoup(_CHROME.sub(" ", html), "lxml")
    except Exception as exc:  # lxml refuses some garbage outright; that is a parse failure, not a crash
        raise ParseError(url, "html", f"unreadable HTML ({type(exc).__name__})") from None
    body = soup.body or soup
    blocks: list[Block] = []
    _walk(body, url, blocks)
    meta = soup.find("meta", attrs={"property": "og:title"})
    head = soup.find("title")
    root = soup.find("html")
    return Page(
        url=url,
        site=site,
        blocks=blocks,
        meta_title=normalise_text(str(meta.get("content") or "")) if isinstance(meta, Tag) else None,
        head_title=normalise_text(head.get_text(" ")) if isinstance(head, Tag) else None,
        html_lang=str(root.get("lang")) if isinstance(root, Tag) and root.get("lang") else None,
        tagger=tagger,
    )


def decode(raw: bytes) -> str:
    """Bytes to text: a declared charset, else UTF-8, else windows-1251 (the region's legacy)."""
    head = raw[:2048].decode("ascii", "ignore").lower()
    m = re.search(r"charset=[\"']?([a-z0-9_-]+)", head)
    if m:
        try:
            return raw.decode(m.group(1), "replace")
        except LookupError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1251", "replace")


def _strip_site_name(title: str) -> str:
    return re.split(r"\s+[–—|-]\s+(?=Belarus in Focus\s*$)", title)[0].strip()


def find_title(page: Page) -> tuple[str, int]:
    """The article title and the index of its block: an ``<h1>`` that the metadata confirms."""
    meta = [t for t in (page.meta_title, _strip_site_name(page.head_title or "")) if t]
    h1s = [(i, b.text) for i, b in enumerate(page.blocks) if b.tag == "h1"]
    for i, text in h1s:
        if text in meta:
            return text, i
    if h1s:
        return h1s[0][1], h1s[0][0]
    for t in meta:
        for i, b in enumerate(page.blocks):
            if b.text == t:
                return t, i
    raise ParseError(page.url, "title", "no <h1> or titled heading found")


def check_title(page: Page, title: str) -> None:
    if not title:
        raise ParseError(page.url, "title", "empty")
    if len(title) > MAX_TITLE:
        raise ParseError(page.url, "title", f"{len(title)} characters, expected at most {MAX_TITLE}")
    if "\ufffd" in title:
        raise ParseError(page.url, "title", "contains U+FFFD: the page was decoded with the wrong charset")


@dataclasses.dataclass
class Header:
    week: tuple[dt.date, dt.date] | None = None
    author: str | None = None
    topic_label: str | None = None
    start: int = 0  # index of the header's first block


def _author_from(text: str, prefixes: list[str]) -> str | None:
    for prefix in prefixes:
        if text == prefix or text.startswith(prefix + " ") or (prefix.endswith(":") and text.startswith(prefix)):
            name = text[len(prefix) :].strip(" :")
            return name or None
    return None


def author_prefixes(page: Page) -> list[str]:
    return ["by", "By", *(p for t in page.all_labels() for p in t.author_prefixes)]


def read_header(page: Page, title_at: int) -> Header | None:
    """The by / week / topic header that stands right before the title, if there is one.

    The week must print its year (the sidebar's yearless week is not the article's), and a
    topic label counts only between the week and the title: the menu's labels stand earlier.
    """
    week_at = None
    for i in range(title_at - 1, max(-1, title_at - 4), -1):
        found = dates.find_week(page.blocks[i].text)
        if found:
            week_at = i
            break
        if dates.has_week_with_year(page.blocks[i].text):
            raise ParseError(page.url, "week", f"{page.blocks[i].text!r} is not a Monday-to-Sunday week")
    if week_at is None:
        return None
    start, end, match = found
    header = Header(week=(start, end), start=week_at)
    for i in range(week_at + 1, title_at):
        label = page.blocks[i].text
        if any(label in t.topics for t in page.all_labels()):
            header.topic_label = label
    rest = dates.clean(page.blocks[week_at].text)
    rest = (rest[: match.start()] + rest[match.end() :]).strip()
    prefixes = author_prefixes(page)
    if rest:
        header.author = _author_from(rest, prefixes)
    elif (week_at > 0 and _author_from(page.blocks[week_at - 1].text + " ", prefixes) is not None) or (
        week_at > 0 and page.blocks[week_at - 1].text in prefixes
    ):
        header.author = _author_from(page.blocks[week_at - 1].text, prefixes)
        header.start = week_at - 1
    return header


def match_trend(page: Page, text: str) -> tuple[str | None, str] | None:
    """(trend, label as printed) when ``text`` is a verdict line; trend None for an unknown phrase."""
    label = text.strip().lstrip("-–— ").strip()
    if label.startswith("(") and label.endswith(")"):
        label = label[1:-1].strip()
    label = label.rstrip(".")
    for table in page.all_labels():
        if label in table.trends:
            return table.trends[label], label
    for table in page.all_labels():
        if any(label.startswith(p + " ") for p in table.verdict_prefixes) and len(label) <= 80:
            return None, label
    return None


def _is_boilerplate(page: Page, text: str) -> bool:
    return any(text.startswith(b) for t in page.all_labels() for b in t.boilerplate)


def _caption(page: Page, block: Block) -> bool:
    return block.tag == "figcaption" or any(
        block.text.startswith(p) for t in page.all_labels() for p in t.caption_prefixes
    )


@dataclasses.dataclass
class Content:
    lead: str = ""
    body: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    author: str | None = None


_BY_LINE = re.compile(r"^(?:By|Автор:|Аўтар:)\s+([A-ZА-ЯЁІЎ][\w.'’-]+(?:\s+[A-ZА-ЯЁІЎ][\w.'’-]+){0,3})$")


def read_content(page: Page, start: int, title: str) -> Content:
    """Paragraphs from ``start`` to the first boilerplate line; captions and a "By" line set apart."""
    paragraphs: list[str] = []
    captions: list[str] = []
    author = None
    for block in page.blocks[start:]:
        text = block.text
        if _is_boilerplate(page, text):
            break
        if not paragraphs and (text == title or match_trend(page, text)):
            continue  # the title repeated, or the verdict, above the text
        if _caption(page, block):
            captions.append(text)
            continue
        if not paragraphs and author is None and (m := _BY_LINE.match(text)):
            author = m.group(1)
            continue
        paragraphs.append("- " + text if block.tag == "li" and not text.startswith("- ") else text)
    if not paragraphs:
        raise ParseError(page.url, "body", "no text after the title")
    if any("\ufffd" in p for p in paragraphs):
        raise ParseError(page.url, "body", "contains U+FFFD: the page was decoded with the wrong charset")
    return Content(lead=paragraphs[0], body=tuple(paragraphs[1:]), captions=tuple(captions), author=author)


def topic_for(page: Page, label: str | None) -> tuple[str | None, str | None]:
    """(slug, label): the printed label if the tables know it, else the URL's section."""
    if label:
        for table in page.all_labels():
            if label in table.topics:
                return table.topics[label], label
    slug = urlrules.topic_from_url(page.url, page.site)
    return (slug, page.site.topic_label(slug, page.lang)) if slug else (None, None)


def build_record(
    page: Page,
    layout: str,
    title: str,
    content: Content,
    *,
    header: Header | None = None,
    trend: tuple[str | None, str] | None = None,
    stamp: dt.datetime | None = None,
    fetched_at: str | None = None,
) -> Record:
    """The record of one page; the tagger reads only title, lead and body (never captions or labels)."""
    header = header or Header()
    week_start = week_end = None
    source = "none"
    if header.week:
        week_start, week_end, source = header.week[0].isoformat(), header.week[1].isoformat(), "week"
    topic, topic_label = topic_for(page, header.topic_label)
    url = urlrules.normalise(page.url, page.site)
    text = "\n".join([title, content.lead, *content.body])
    tags = (page.tagger or countries.default_tagger()).tag(text, page.lang)
    record = Record(
        id=make_id(page.lang, title, content.lead, content.body),
        site=page.site.key,
        url=urlrules.canonical([url], page.site),
        urls=(url,),
        lang=page.lang,
        layout=layout,
        title=title,
        lead=content.lead,
        body=content.body,
        week_start=week_start,
        week_end=week_end,
        date_source=source,
        stamp=stamp.isoformat(timespec="minutes") if stamp else None,
        topic=topic,
        topic_label=topic_label,
        trend=trend[0] if trend else None,
        trend_label=trend[1] if trend else None,
        author=header.author or content.author,
        captions=content.captions,
        countries=tags.countries,
        country_counts=tags.country_counts,
        orgs=tags.orgs,
        fetched_at=fetched_at,
    )
    return finish(record)
