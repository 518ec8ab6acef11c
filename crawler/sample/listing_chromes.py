"""Foreign listing chromes: the sample's topic listings dressed as other kinds of site.

Each takes the generator's listing (heading, (title, href, yearless week) entries, page links)
and prints it its own way: the week as the permalink's text after the title (a WordPress
archive), the week as a permalink before the title in a container per entry, and a flat run
with the date before each title and no container per entry. Each page also carries links that
match the article URL rules but are not entries (a sidebar's recent posts, ``/kontakt/``,
``/impressum/``, ``/t-shirt/``) and dates in its sidebars: none may become an entry or a week.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from sitrep.crawler.sample.chromes import RELATED, TEASER, menu
from sitrep.crawler.sample.render import Chrome

Entries = list[tuple[str, str, str]]
Pages = list[tuple[str, str]]


def _pages(pages: Pages) -> str:
    return " ".join(f'<a class="page-numbers" href="{escape(h)}">{escape(t)}</a>' for t, h in pages)


def _doc(title: str, lang: str, body: str) -> str:
    return f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>{body}</body></html>\n'


def wp_archive(c: Chrome, heading: str, entries: Entries, pages: Pages) -> str:
    """A WordPress archive: title link, then the week as the permalink's text, a teaser, a
    "Posted in" footer; a widget sidebar of recent posts with dates; footer links."""
    posts = "".join(
        f'<article class="post"><header class="entry-header"><h2 class="entry-title"><a href="{escape(h)}" rel="bookmark">{escape(t)}</a></h2>'
        f'<div class="entry-meta"><span class="posted-on"><a href="{escape(h)}" rel="bookmark"><time>{escape(w)}</time></a></span>'
        f'<span class="byline"> by <a href="/author/editor/">Editor</a></span></div></header>'
        f'<div class="entry-summary"><p>{TEASER}</p></div><footer class="entry-footer">Posted in <a href="/category/analysis/">Analysis</a></footer></article>'
        for t, h, w in entries
    )
    recent = "".join(
        f'<li><a href="{h}">{escape(t)}</a> <span class="post-date">{d}</span></li>' for t, h, d in RELATED
    )
    return _doc(
        f"{heading} – Eastern Ledger",
        c.lang,
        f'<header id="masthead"><a href="/">Eastern Ledger</a><nav><ul>{menu(c)}</ul></nav></header>'
        f'<main id="main"><header class="page-header"><h1 class="page-title">{escape(heading)}</h1></header>{posts}'
        f'<nav class="navigation pagination"><div class="nav-links">{_pages(pages)}</div></nav></main>'
        f'<aside id="secondary" class="widget-area"><section class="widget"><h2>Recent Posts</h2><ul>{recent}</ul></section></aside>'
        f'<footer id="colophon"><a href="/kontakt/">Kontakt</a> <a href="/impressum/">Impressum</a> © 2024</footer>',
    )


def date_first(c: Chrome, heading: str, entries: Entries, pages: Pages) -> str:
    """A magazine list: in each entry's box the week comes first, as the permalink's text,
    then the title link and an excerpt; a shop link and a dated sidebar in plain <div>s."""
    items = "".join(
        f'<div class="post-item"><div class="post-date"><a href="{escape(h)}">{escape(w)}</a></div>'
        f'<h3 class="post-title"><a href="{escape(h)}">{escape(t)}</a></h3><p class="excerpt">{TEASER}</p></div>'
        for t, h, w in entries
    )
    return _doc(
        f"{heading} | The Vilnius Review",
        c.lang,
        f'<div class="topbar"><a href="/t-shirt/">Our T-shirt</a> <span>Monday, March 18, 2024</span></div>'
        f'<div class="menu"><ul>{menu(c)}</ul></div><div class="content"><h1>{escape(heading)}</h1>'
        f'<div class="posts">{items}</div><div class="pager">{_pages(pages)}</div></div>'
        f'<div class="sidebar"><h4>Events</h4><p>March 18 – March 24: conference on Poland</p><p>12.04.2024 Book launch in Riga</p></div>'
        f'<div class="bottom"><a href="/kontakt/">Kontakt</a></div>',
    )


def flat(c: Chrome, heading: str, entries: Entries, pages: Pages) -> str:
    """A flat view: date line, title heading, teaser, again and again under one parent,
    with no element per entry (the date stands before its title)."""
    rows = "".join(
        f'<p class="date">{escape(w)}</p><h2><a href="{escape(h)}">{escape(t)}</a></h2><p>{TEASER}</p>'
        for t, h, w in entries
    )
    return _doc(
        f"{heading} | Minsk Monitor",
        c.lang,
        f'<div id="header"><a href="/">Minsk Monitor</a><ul class="menu">{menu(c)}</ul></div>'
        f'<div id="content"><h1 class="title">{escape(heading)}</h1><div class="view-content">{rows}</div>'
        f'<div class="item-list"><ul class="pager"><li>{_pages(pages)}</li></ul></div></div>'
        f'<div id="footer"><a href="/impressum/">Impressum</a> · Updated March 18, 2024</div>',
    )


LISTING_CHROMES: dict[str, Callable[[Chrome, str, Entries, Pages], str]] = {
    "wp-archive": wp_archive,
    "date-first": date_first,
    "flat": flat,
}
# The listing style each article chrome's site uses, for a whole sample site in one chrome.
PAIRED = {
    "wp-default": "wp-archive",
    "news": "date-first",
    "drupal7": "flat",
    "ghost": "date-first",
    "static": "flat",
    "institutional": "flat",
    "comment-thread": "wp-archive",
    "amp": "wp-archive",
}


def listing(name: str, c: Chrome, heading: str, entries: Entries, pages: Pages) -> str:
    return LISTING_CHROMES[name](c, heading, entries, pages)
