"""HTML for the sample archive, each page in two unrelated markups.

``wp`` looks like a WordPress theme (classes, spans, inline header); ``plain`` is bare semantic
HTML without a single class. The parser must read both to the same record: it finds fields by
what the text says, never by a class name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from html import escape

EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
RU_GEN = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
BE_GEN = (
    "студзеня",
    "лютага",
    "сакавіка",
    "красавіка",
    "траўня",
    "чэрвеня",
    "ліпеня",
    "жніўня",
    "верасня",
    "кастрычніка",
    "лістапада",
    "снежня",
)
MARKUPS = ("wp", "plain")


@dataclasses.dataclass(frozen=True)
class Words:
    """The words a page of one language prints around the article (the renderer's own copy)."""

    listing_heads: tuple[str, ...]
    category_status: str
    boilerplate: tuple[str, ...]  # subscribed, newsletter, similar, situation, subscribe us, read more


WORDS = {
    "en": Words(
        ("All trends",),
        "Category status:",
        (
            "You have been successfully subscribed",
            "Subscribe to our newsletter",
            "Similar articles",
            "Situation in Belarus",
            "Subscribe to us",
            "Read more",
        ),
    ),
    "ru": Words(
        ("Все тренды",),
        "Статус категории:",
        (
            "Вы успешно подписались",
            "Подпишитесь на рассылку",
            "Похожие статьи",
            "Ситуация в Беларуси",
            "Подписывайтесь",
            "Читать далее",
        ),
    ),
    "be": Words(
        ("Усе трэнды",),
        "Статус катэгорыі:",
        (
            "Вы паспяхова падпісаліся",
            "Падпішыцеся на рассылку",
            "Падобныя артыкулы",
            "Сітуацыя ў Беларусі",
            "Падпісвайцеся",
            "Чытаць далей",
        ),
    ),
}
SIDEBAR_WEEK = dt.date(2024, 3, 18)  # the "current week" the sidebar shows, without its year


def week_text(lang: str, start: dt.date, with_year: bool = True, dash: str = " – ") -> str:
    """A week range as the site prints it: the year once, the start's, at the end."""
    end = start + dt.timedelta(days=6)
    if lang == "en":
        text = f"{EN_MONTHS[start.month - 1]} {start.day}{dash}{EN_MONTHS[end.month - 1]} {end.day}"
        return f"{text}, {start.year}" if with_year else text
    months = RU_GEN if lang == "ru" else BE_GEN
    text = f"{start.day} {months[start.month - 1]}{dash}{end.day} {months[end.month - 1]}"
    return f"{text} {start.year}" if with_year else text


def stamp_text(stamp: dt.datetime) -> str:
    return f"{EN_MONTHS[stamp.month - 1]} {stamp.day}, {stamp.year} {stamp.hour:02d}:{stamp.minute:02d}"


@dataclasses.dataclass(frozen=True)
class Printed:
    """What one page of an article prints, as the generator decided it: every markup renders it.

    ``kind`` is the layout generation (current | transitional | old | headerless); fields a
    kind does not print are None or empty.
    """

    kind: str
    lang: str
    title: str
    paragraphs: tuple[str, ...]  # a "By <Author>" first line included, when the text has one
    author: str = ""  # the header's author slot ("" for an empty "by")
    week: str | None = None
    topic: tuple[str, str] | None = None  # (label, listing href)
    verdict: str | None = None
    caption: str | None = None
    repeat_title: bool = False
    status: str | None = None  # the old layout's "Category status: - (verdict)" line
    stamp: str | None = None
    similar: tuple[tuple[str, str, str], ...] = ()  # the old layout's (title, href, stamp) teasers


@dataclasses.dataclass
class Chrome:
    """What every page of one language carries around the article: menu, sidebar, boilerplate."""

    lang: str
    labels: Words
    topics: list[tuple[str, str]]  # (label, listing href)
    listing_root: str
    pad_kb: int = 0  # theme scripts, styles and icons around the text, as on the real site (~30 KB pages)


def _padding(kb: int) -> tuple[str, str]:
    """Deterministic theme weight: a stylesheet and a script config in <head>, an icon sprite in <body>."""
    if kb <= 0:
        return "", ""
    rules = "".join(
        f".block-{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i * 9973 % 0xFFFFFF:06x}}}" for i in range(kb * 12)
    )
    config = ",".join(f'"k{i}":"{"v" * (i % 13)}"' for i in range(kb * 12))
    icons = "".join(
        f'<symbol id="i{i}" viewBox="0 0 24 24"><path d="M{i % 24} 0L24 {i % 24}Z"/></symbol>' for i in range(kb * 4)
    )
    return (
        f"<style>{rules}</style><script>window.__theme={{{config}}};</script>",
        f'<svg style="display:none">{icons}</svg>',
    )


def _menu(c: Chrome, markup: str) -> str:
    head = c.labels.listing_heads[0]
    items = [(head, c.listing_root), *c.topics]
    lis = "".join(
        f'<li class="menu-item"><a href="{escape(h)}">{escape(t)}</a></li>'
        if markup == "wp"
        else f'<li><a href="{escape(h)}">{escape(t)}</a></li>'
        for t, h in items
    )
    if markup == "wp":
        return f'<div class="site-header"><div class="logo"><a href="/">Belarus in Focus</a></div><ul class="menu">{lis}</ul><div class="lang-switch"><a href="/">EN</a> <a href="/ru/">BE/RU</a></div></div>'
    return f'<nav><ul>{lis}</ul><p><a href="/">EN</a> <a href="/ru/">BE/RU</a></p></nav>'


def _tail(c: Chrome, markup: str) -> str:
    b = c.labels.boilerplate
    subscribed, newsletter, situation, subscribe_us, more = b[0], b[1], b[3], b[4], b[5]
    week = week_text(c.lang, SIDEBAR_WEEK, with_year=False)
    blurb = "Once a week we publish short commentaries on the week's events."
    if markup == "wp":
        return (
            f'<div class="subscribe"><div class="ok">{subscribed}</div><h3>{newsletter}</h3><p>{blurb}</p>'
            f'<form><input type="email"><button>Subscribe</button></form></div>'
            f'<aside class="sidebar"><h3 class="widget-title">{situation}</h3><div class="week">{week}</div>'
            f'<a class="all" href="{c.listing_root}">View all</a><h3>{subscribe_us}</h3><a href="/">{more}</a></aside>'
            f'<footer class="site-footer"><span>© Belarus in Focus</span></footer>'
        )
    return (
        f"<section><p>{subscribed}</p><h2>{newsletter}</h2><p>{blurb}</p></section>"
        f'<aside><h2>{situation}</h2><p>{week}</p><p><a href="{c.listing_root}">View all</a></p><p>{subscribe_us}</p><p>{more}</p></aside>'
    )


def _page(c: Chrome, markup: str, title: str, main: str) -> str:
    head_pad, body_pad = _padding(c.pad_kb)
    head = f'<meta charset="utf-8"><title>{escape(title)} – Belarus in Focus</title>{head_pad}'
    main = body_pad + main
    if markup == "wp":
        head += (
            f'<meta property="og:title" content="{escape(title)}"><link rel="stylesheet" href="/wp-content/theme.css">'
        )
        return f'<!DOCTYPE html>\n<html lang="{c.lang}"><head>{head}</head><body class="single">{_menu(c, markup)}<div class="content">{main}</div>{_tail(c, markup)}</body></html>\n'
    return f'<!DOCTYPE html>\n<html lang="{c.lang}"><head>{head}</head><body>{_menu(c, markup)}<main>{main}</main>{_tail(c, markup)}</body></html>\n'


def _paragraphs(paragraphs: list[str], markup: str) -> str:
    """Paragraphs; in ``wp`` a run of "- " items is one bulleted list, in ``plain`` they stay dashed lines."""
    if markup != "wp":
        return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    out, items = [], []
    for p in [*paragraphs, ""]:
        if p.startswith("- "):
            items.append(f"<li>{escape(p[2:])}</li>")
            continue
        if items:
            out.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if p:
            out.append(f"<p>{escape(p)}</p>")
    return "".join(out)


def _caption(caption: str | None, markup: str) -> str:
    if not caption:
        return ""
    if markup == "wp":
        return f'<figure class="wp-caption"><img src="/wp-content/uploads/photo.jpg" alt=""><figcaption class="wp-caption-text">{escape(caption)}</figcaption></figure>'
    return f'<figure><img src="/img/photo.jpg" alt=""><figcaption>{escape(caption)}</figcaption></figure>'


def article(
    c: Chrome,
    markup: str,
    *,
    title: str,
    author: str,
    week: str | None,
    topic: tuple[str, str] | None,
    verdict: str | None,
    caption: str | None,
    paragraphs: list[str],
    repeat_title: bool = True,
) -> str:
    """The current layout (``topic`` given) or the transitional one (``topic`` None)."""
    t = escape(title)
    if markup == "wp":
        meta = f'<div class="post-meta"><span class="by">by {escape(author)}</span> <span class="week">{escape(week or "")}</span></div>'
        topic_html = (
            f'<div class="post-topic"><a href="{escape(topic[1])}">{escape(topic[0])}</a></div>' if topic else ""
        )
        verdict_html = (
            f'<div class="status status-{"green" if verdict else "none"}">{escape(verdict)}</div>' if verdict else ""
        )
        repeat = f"<h2>{t}</h2>" if repeat_title else ""
        body = f'<div class="entry-content">{repeat}{_caption(caption, markup)}{_paragraphs(paragraphs, markup)}</div>'
        main = f'<div class="post-header">{meta}{topic_html}<h1 class="entry-title">{t}</h1>{verdict_html}</div>{body}'
    else:
        header = f"<p>by {escape(author)}</p>" if author else "<p>by</p>"
        header += f"<p>{escape(week)}</p>" if week else ""
        header += f'<p><a href="{escape(topic[1])}">{escape(topic[0])}</a></p>' if topic else ""
        header += f"<h1>{t}</h1>" + (f"<p>{escape(verdict)}</p>" if verdict else "")
        repeat = f"<p><strong>{t}</strong></p>" if repeat_title else ""
        main = f"<article><header>{header}</header>{repeat}{_caption(caption, markup)}{_paragraphs(paragraphs, markup)}</article>"
    return _page(c, markup, title, main)


def old_article(
    c: Chrome,
    markup: str,
    *,
    title: str,
    verdict: str | None,
    stamp: str,
    caption: str | None,
    paragraphs: list[str],
    similar: list[tuple[str, str, str]],
) -> str:
    """The old .info layout: title, "Category status:", a stamp, body, "Similar articles"."""
    status = c.labels.category_status + (f" - ({verdict})" if verdict else "")
    sim_head = c.labels.boilerplate[2]
    if markup == "wp":
        sims = "".join(
            f'<div class="similar-item"><a href="{escape(h)}">{escape(t)}</a><span class="date">{escape(s)}</span><p>Short teaser of the text.</p></div>'
            for t, h, s in similar
        )
        image = f'<div class="image-caption">{escape(caption)}</div>' if caption else ""
        main = (
            f'<h1 class="title">{escape(title)}</h1><div class="category-status">{escape(status)}</div><div class="date">{escape(stamp)}</div>'
            f'{image}<div class="node-body">{_paragraphs(paragraphs, markup)}</div><div class="similar"><h3>{sim_head}</h3>{sims}</div>'
        )
    else:
        sims = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a> {escape(s)}</li>' for t, h, s in similar)
        image = f"<p>{escape(caption)}</p>" if caption else ""
        main = f"<h1>{escape(title)}</h1><p>{escape(status)}</p><p>{escape(stamp)}</p>{image}{_paragraphs(paragraphs, markup)}<h2>{sim_head}</h2><ul>{sims}</ul>"
    return _page(c, markup, title, main)


def headerless(c: Chrome, markup: str, *, title: str, paragraphs: list[str]) -> str:
    if markup == "wp":
        main = f'<h1 class="entry-title">{escape(title)}</h1><div class="entry-content">{_paragraphs(paragraphs, markup)}</div>'
    else:
        main = f"<article><h1>{escape(title)}</h1>{_paragraphs(paragraphs, markup)}</article>"
    return _page(c, markup, title, main)


def listing(
    c: Chrome, markup: str, *, heading: str, entries: list[tuple[str, str, str]], pages: list[tuple[str, str]]
) -> str:
    """A topic listing: "All trends", the topic, (title, yearless week) pairs, page links."""
    if markup == "wp":
        items = "".join(
            f'<div class="trend-item"><a class="trend-title" href="{escape(h)}">{escape(t)}</a><span class="trend-week">{escape(w)}</span></div>'
            for t, h, w in entries
        )
        nav = "".join(f'<a class="page-numbers" href="{escape(h)}">{escape(t)}</a>' for t, h in pages)
        main = f'<div class="breadcrumbs">{c.labels.listing_heads[0]}</div><h1 class="page-title">{escape(heading)}</h1><div class="trends">{items}</div><div class="pagination">{nav}</div>'
    else:
        items = "".join(
            f'<li><p><a href="{escape(h)}">{escape(t)}</a></p><p>{escape(w)}</p></li>' for t, h, w in entries
        )
        nav = " ".join(f'<a href="{escape(h)}">{escape(t)}</a>' for t, h in pages)
        main = f"<p>{c.labels.listing_heads[0]}</p><h1>{escape(heading)}</h1><ul>{items}</ul><p>{nav}</p>"
    return _page(c, markup, heading, main)


def feed(channel_url: str, items: list[tuple[str, str, dt.datetime]]) -> str:
    """A WordPress-style RSS 2.0 feed."""
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link><guid>{escape(u)}</guid>"
        f"<pubDate>{d.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate><description>Weekly commentary.</description></item>"
        for t, u, d in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Belarus in Focus</title>'
        f"<link>{escape(channel_url)}</link><description>Weekly analytics</description>{body}</channel></rss>\n"
    )
