"""Foreign chromes: the sample's article pages dressed as other kinds of site.

Each chrome takes what the generator decided a page prints (``render.Printed``) and wraps it
in a theme of its own kind (a WordPress default theme, a news theme, Drupal 7, Ghost, a static
site, an institutional CMS, a blog with a long comment thread, an AMP page), each full of other
dates, headings and country names in menus, sidebars, comments and footers, and each placing
the week, topic, verdict, author, stamp and status in its own order and places. The parser
knows none of them: what it reads from them must still be what the generator placed.
Listing chromes live in ``listing_chromes``.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from sitrep.crawler.sample.render import Chrome, Printed

# Page furniture: the words a chrome adds. Countries here must never reach a record.
COMMENTS = (
    (
        "Pierre Lavigne",
        "March 5, 2024 at 10:12 am",
        "This reminds me of the French Revolution: France changed in a year.",
    ),
    ("Klaus Berger", "March 5, 2024 at 11:40 am", "German Reunification took longer than anyone in Germany expected."),
    ("Jim O'Neill", "March 6, 2024 at 8:03 am", "Seen from the United States and Canada, none of this is news."),
    ("Marta K.", "March 7, 2024 at 6:55 pm", "Spain and Italy went through similar debates in the seventies."),
)
RELATED = (
    ("Germany and France argue over gas storage", "/germany-france-gas/", "March 4, 2024"),
    ("Canada sends observers to the Baltic", "/canada-baltic-observers/", "March 1, 2024"),
    ("Japan revises its export rules", "/japan-export-rules/", "February 26, 2024"),
    ("Hungary delays the vote again", "/hungary-vote-delay/", "February 19, 2024"),
)
TEASER = "Our editors follow Hungary, Georgia and Moldova closely; a weekly digest lands every Monday."
FOOTER = "Offices in Warsaw (Poland), Vilnius (Lithuania) and Washington. © 2011–2024. Follow us on Facebook, X and Telegram."


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _paras(p: Printed, bullets: bool = True) -> str:
    out = []
    for text in p.paragraphs:
        if bullets and text.startswith("- "):
            out.append(f"<ul><li>{escape(text[2:])}</li></ul>")
        else:
            out.append(_p(text))
    return "".join(out)


def _topic_link(p: Printed) -> str:
    return f'<a href="{escape(p.topic[1])}" rel="category tag">{escape(p.topic[0])}</a>' if p.topic else ""


def menu(c: Chrome) -> str:
    """The menu every chrome carries: "All trends" and each topic, linked to their listings."""
    items = [(c.labels.listing_heads[0], c.listing_root), *c.topics]
    return "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for t, h in items)


def _week_or_stamp(p: Printed) -> str:
    return p.week or p.stamp or ""


def _head(title: str, og: str | None = None, site_name: str | None = None, lang: str = "en") -> str:
    meta = f'<meta property="og:title" content="{escape(og)}">' if og else ""
    meta += f'<meta property="og:site_name" content="{escape(site_name)}">' if site_name else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>{meta}</head>'
    )


def _comments(count: int, li: bool = False) -> str:
    items = []
    for k in range(count):
        name, when, text = COMMENTS[k % len(COMMENTS)]
        body = f'<div class="comment-meta"><span class="fn">{escape(name)}</span> <a href="#c{k}"><time>{when}</time></a></div><div class="comment-content"><p>{escape(text)}</p></div>'
        items.append(f'<li class="comment">{body}</li>' if li else f'<div class="comment">{body}</div>')
    return f'<ol class="comment-list">{"".join(items)}</ol>' if li else "".join(items)


def _caption(p: Printed, tag: str = "figcaption") -> str:
    if not p.caption:
        return ""
    return f'<figure class="wp-caption"><img src="/img/photo.jpg" alt=""><{tag} class="wp-caption-text">{escape(p.caption)}</{tag}></figure>'


def wp_default(p: Printed, c: Chrome) -> str:
    """A WordPress default theme: category above the title, "By … · week" meta list under it,
    the verdict as a bold first line of the content, comments and footer widgets after."""
    title = escape(p.title)
    meta = ""
    if p.author:
        meta += f'<li class="post-author">By <a href="/author/x/">{escape(p.author)}</a></li>'
    if _week_or_stamp(p):
        meta += f'<li class="post-date"><a href="#"><time>{escape(_week_or_stamp(p))}</time></a></li>'
    cats = f'<div class="entry-categories">{_topic_link(p)}</div>' if p.topic else ""
    verdict = f"<p><strong>{escape(p.verdict)}</strong></p>" if p.verdict and not p.status else ""
    status = f'<p class="status">{escape(p.status)}</p>' if p.status else ""
    comments = (
        f'<div class="comments-wrapper"><h2 class="comment-reply-title">4 replies on “{title}”</h2>{_comments(4)}'
        f"<form><textarea></textarea></form></div>"
    )
    recent = "".join(
        f'<li><a href="{h}">{escape(t)}</a> <span class="post-date">{d}</span></li>' for t, h, d in RELATED
    )
    return (
        _head(f"{p.title} – Eastern Ledger", og=p.title, site_name="Eastern Ledger", lang=p.lang)
        + f'<body class="single"><header id="site-header"><div class="site-title"><a href="/">Eastern Ledger</a></div>'
        f'<nav class="primary-menu-wrapper"><ul>{menu(c)}<li><a href="/about/">About</a></li></ul></nav></header>'
        f'<main id="site-content"><article class="post"><header class="entry-header">{cats}<h1 class="entry-title">{title}</h1>'
        f'<div class="post-meta-wrapper"><ul class="post-meta">{meta}</ul></div></header>'
        f'<div class="post-inner"><div class="entry-content">{verdict}{_caption(p)}{_paras(p)}{status}</div></div></article>'
        f'<nav class="pagination-single"><a href="/prev/">Previous: Poland and Lithuania sign a rail deal</a>'
        f'<a href="/next/">Next: Ukraine counts the harvest</a></nav>{comments}</main>'
        f'<footer id="site-footer"><div class="widget"><h2>Recent Posts</h2><ul>{recent}</ul></div>'
        f'<div class="widget"><h2>Archives</h2><ul><li><a href="/2024/03/">March 2024</a></li><li><a href="/2024/02/">February 2024</a></li></ul></div>'
        f"<p>© 2024 Eastern Ledger · Powered by WordPress</p></footer></body></html>\n"
    )


def news(p: Printed, c: Chrome) -> str:
    """A news theme: date and trending bar on top, a breadcrumb, "by Author | week" under the
    title, share bars above and below the text, a "Read also" box and a newsletter box inside
    the text, tags, related posts and "More stories" after it, a FOLLOW US footer."""
    title = escape(p.title)
    crumbs = f'<a href="/">Home</a> › <a href="/analysis/">Analysis</a> › {_topic_link(p)}' if p.topic else ""
    author = f'by <a href="/author/x/">{escape(p.author)}</a> | ' if p.author else ""
    byline = f'<div class="byline">{author}<span class="date">{escape(_week_or_stamp(p))}</span></div>'
    share = '<div class="share">Share: <a href="#fb">Facebook</a> <a href="#tw">Twitter</a> <a href="#tg">Telegram</a> <a href="#em">Email</a></div>'
    badge = (
        f'<div class="badges"><span class="badge">{escape(p.verdict)}</span></div>'
        if p.verdict and not p.status
        else ""
    )
    status = f'<div class="status-line">{escape(p.status)}</div>' if p.status else ""
    paras = list(p.paragraphs)
    cut = min(2, len(paras))
    first = Printed(p.kind, p.lang, p.title, tuple(paras[:cut]))
    rest = Printed(p.kind, p.lang, p.title, tuple(paras[cut:]))
    read_also = '<div class="read-also">Read also: <a href="/poland-lithuania-rail/">Poland and Lithuania sign a rail deal</a></div>'
    box = f'<div class="newsletter-box"><h3>Subscribe to our newsletter</h3><p>{TEASER}</p></div>'
    cards = "".join(
        f'<article class="card"><span class="kicker">World</span><h4><a href="{h}">{escape(t)}</a></h4><time>{d}</time></article>'
        for t, h, d in RELATED
    )
    more = "".join(f'<li><a href="{h}">{escape(t)}</a><p>{TEASER}</p></li>' for t, h, _ in RELATED[:2])
    return (
        _head(f"Eastern Ledger | {p.title}", og=p.title, site_name="Eastern Ledger", lang=p.lang)
        + f'<body><div class="topbar"><span>Monday, March 18, 2024</span> <span>Minsk 3°C</span>'
        f'<span>Trending: <a href="/t/ukraine/">Ukraine</a> <a href="/t/poland/">Poland</a> <a href="/t/canada/">Canada</a></span></div>'
        f'<div class="masthead"><a href="/">Eastern Ledger</a><ul class="menu">{menu(c)}</ul></div>'
        f'<div class="single-post"><div class="breadcrumbs">{crumbs}</div><h1 class="post-title">{title}</h1>{status}{byline}{share}{badge}'
        f'{_caption(p)}<div class="article-body">{_paras(first)}{read_also}{_paras(rest)}{box}</div>{share}'
        f'<div class="tags">Tags: <a href="/t/belarus/">Belarus</a> <a href="/t/politics/">Politics</a></div>'
        f'<section class="related"><h3>Related posts</h3><div class="grid">{cards}</div></section>'
        f'<section class="more"><h3>More stories</h3><ul>{more}</ul></section></div>'
        f'<footer><h4>FOLLOW US</h4><p><a href="#">Facebook</a> <a href="#">X</a> <a href="#">YouTube</a></p><p>{FOOTER}</p></footer></body></html>\n'
    )


def drupal7(p: Printed, c: Chrome) -> str:
    """Drupal 7 node/field markup: breadcrumb and title outside the node, "Submitted by … on
    week" inside it, the verdict and the status as labelled fields (the status after the body),
    tags, a comment thread and a sidebar archive."""
    title = escape(p.title)
    crumbs = f'<div class="breadcrumb"><a href="/">Home</a> » {_topic_link(p)}</div>' if p.topic else ""
    by = f'by <span class="username">{escape(p.author)}</span> ' if p.author else ""
    submitted = (
        f'<div class="submitted">Submitted {by}on {escape(_week_or_stamp(p))}</div>' if _week_or_stamp(p) else ""
    )

    def field(name: str, label: str, value: str) -> str:
        return (
            f'<div class="field field-name-field-{name}"><div class="field-label">{label}:&nbsp;</div>'
            f'<div class="field-items"><div class="field-item even">{value}</div></div></div>'
        )

    trend = field("trend", "Trend", escape(p.verdict)) if p.verdict and not p.status else ""
    status = ""
    if p.status:
        marker, _, rest = p.status.partition(":")
        status = field("status", marker, escape(rest.strip()))
    tags = field("tags", "Tags", '<a href="/taxonomy/term/5">Belarus</a>')
    comments = "".join(
        f'<div class="comment"><div class="attribution"><span class="username">{escape(n)}</span>'
        f'<div class="comment-time">{when}</div></div><div class="comment-text"><h3><a href="#c{k}">Re: {title}</a></h3>'
        f'<div class="content"><p>{escape(text)}</p></div></div></div>'
        for k, (n, when, text) in enumerate(COMMENTS)
    )
    return (
        _head(f"{p.title} | Minsk Monitor", lang=p.lang)
        + f'<body class="html not-front node-type-article"><div id="page"><div id="header"><div id="logo"><a href="/">Minsk Monitor</a></div>'
        f'<div id="navigation"><ul class="menu">{menu(c)}</ul></div></div><div id="main"><div id="content" class="column">'
        f'{crumbs}<h1 class="title" id="page-title">{title}</h1><div class="region region-content"><div id="block-system-main" class="block">'
        f'<div class="content"><div id="node-1" class="node node-article">{submitted}<div class="content">{trend}'
        f'<div class="field field-name-field-image">{_caption(p)}</div>'
        f'<div class="field field-name-body"><div class="field-items"><div class="field-item even">{_paras(p)}</div></div></div>{status}'
        f"{tags}</div>"
        f'<ul class="links inline"><li class="comment-add"><a href="/comment/reply/1">Add new comment</a></li></ul>'
        f'<div id="comments"><h2 class="title">Comments</h2>{comments}</div></div></div></div></div></div>'
        f'<div id="sidebar-second" class="column sidebar"><div class="block"><h2>Archive</h2><ul><li>November 2016 (12)</li>'
        f'<li>October 2016 (9)</li></ul></div><div class="block"><h2>Partners</h2><p>Institutes in Poland, Lithuania and Sweden.</p></div></div></div>'
        f'<div id="footer"><p>{FOOTER}</p></div></div></body></html>\n'
    )


def ghost(p: Printed, c: Chrome) -> str:
    """Ghost (Casper-like): primary tag above the title, "by Author" and "week • 4 min read"
    under it, the verdict as a callout card opening the content, read-next cards and a
    subscription call after it."""
    title = escape(p.title)
    tag = f'<section class="article-tag post-card-primary-tag">{_topic_link(p)}</section>' if p.topic else ""
    author = f'<h4 class="author-name">by <a href="/author/x/">{escape(p.author)}</a></h4>' if p.author else ""
    when = _week_or_stamp(p)
    meta = (
        f'<div class="byline-meta-content"><time class="byline-meta-date">{escape(when)}</time><span class="byline-reading-time"> • 4 min read</span></div>'
        if when
        else ""
    )
    callout_text = p.status or (p.verdict or "")
    callout = (
        f'<div class="kg-card kg-callout-card"><div class="kg-callout-emoji">📈</div><div class="kg-callout-text">{escape(callout_text)}</div></div>'
        if callout_text
        else ""
    )
    cards = "".join(
        f'<article class="post-card"><a class="post-card-content-link" href="{h}"><header><div class="post-card-primary-tag">World</div>'
        f'<h2 class="post-card-title">{escape(t)}</h2></header><div class="post-card-excerpt">{TEASER}</div></a>'
        f'<footer class="post-card-meta"><time>{d}</time></footer></article>'
        for t, h, d in RELATED[:3]
    )
    return (
        _head(p.title, og=p.title, site_name="The Vilnius Review", lang=p.lang)
        + f'<body class="post-template"><header id="gh-head"><a class="gh-head-logo" href="/">The Vilnius Review</a>'
        f'<nav class="gh-head-menu"><ul class="nav">{menu(c)}</ul></nav></header><main id="site-main" class="site-main">'
        f'<article class="article post"><header class="article-header gh-canvas">{tag}<h1 class="article-title">{title}</h1>'
        f'<div class="article-byline"><div class="article-byline-meta">{author}{meta}</div></div>'
        f'{_caption(p)}</header><section class="gh-content gh-canvas">{callout}{_paras(p)}</section></article>'
        f'<section class="footer-cta"><h2 class="footer-cta-title">Sign up for The Vilnius Review</h2><a href="#/portal/">Subscribe</a></section>'
        f'<aside class="read-more-wrap"><div class="read-more inner"><h3>You might also like</h3>{cards}</div></aside></main>'
        f'<footer class="site-footer"><p>The Vilnius Review © 2024 — Published with Ghost</p><p>{FOOTER}</p></footer></body></html>\n'
    )


def static(p: Printed, c: Chrome) -> str:
    """A static-site theme (Hugo-like): flat paragraphs straight under <main>, the verdict as a
    labelled line before the text, "Posted on week in Topic by Author" after it, "See also"."""
    title = escape(p.title)
    verdict = f"<p><strong>Trend:</strong> {escape(p.verdict)}</p>" if p.verdict and not p.status else ""
    posted = ""
    if _week_or_stamp(p):
        posted = f"Posted on {escape(_week_or_stamp(p))}"
        posted += f" in {_topic_link(p)}" if p.topic else ""
        posted += f" by {escape(p.author)}" if p.author else ""
        posted = f"<p><em>{posted}</em></p>"
    status = f"<p>{escape(p.status)}</p>" if p.status else ""
    see = "".join(f'<li><a href="{h}">{escape(t)}</a> — 2024-03-0{k + 1}</li>' for k, (t, h, _) in enumerate(RELATED))
    topics = " · ".join(f'<a href="{escape(h)}">{escape(t)}</a>' for t, h in c.topics)
    return (
        _head(f"Baltic Notes — {p.title}", lang=p.lang)
        + f'<body><header><a class="logo" href="/">Baltic Notes</a><nav><a href="/posts/">Posts</a> <a href="/tags/">Tags</a> <a href="/about/">About</a></nav></header>'
        f"<main><h1>{title}</h1>{verdict}{_caption(p)}{_paras(p, bullets=False)}{posted}{status}<hr><h2>See also</h2><ul>{see}</ul>"
        f'<nav class="pagination"><a href="/prev/">« Poland votes on the budget</a> <a href="/next/">Ukraine and Moldova talk trade »</a></nav></main>'
        f"<footer><p>Topics: {topics}</p>"
        f"<p>© 2024 Baltic Notes · Built with Hugo · Last build: 2024-03-18</p></footer></body></html>\n"
    )


def institutional(p: Printed, c: Chrome) -> str:
    """An institutional CMS page (TYPO3-like): no <h1>, the title as a bold line, "<site> | title"
    in <title>; every content element in its own frame, the text split in two around the image;
    the author and the covered week in
    labelled lines after the text; events and contacts in side columns."""
    frames = [f'<div id="c100" class="frame"><p><b>{escape(p.title)}</b></p></div>']
    if p.status:
        frames.append(f'<div class="frame"><p>{escape(p.status)}</p></div>')
    elif p.verdict:
        frames.append(f'<div class="frame"><p>Assessment: {escape(p.verdict)}</p></div>')
    # the text in two content elements with the image between them, as editors place it
    cut = min(2, len(p.paragraphs))
    first = Printed(p.kind, p.lang, p.title, p.paragraphs[:cut])
    rest = Printed(p.kind, p.lang, p.title, p.paragraphs[cut:])
    frames.append(f'<div class="frame"><div class="ce-bodytext">{_paras(first)}</div></div>')
    frames.append(f'<div class="frame frame-image">{_caption(p)}</div>')
    frames.append(f'<div class="frame"><div class="ce-bodytext">{_paras(rest)}</div></div>')
    after = ""
    if p.author:
        after += f"<p>Author: {escape(p.author)}</p>"
    if p.week:
        after += f"<p>Period covered: {escape(p.week)}</p>"
    if p.stamp:
        after += f"<p>Published: {escape(p.stamp)}</p>"
    if after:
        frames.append(f'<div class="frame frame-meta">{after}</div>')
    crumbs = (
        f'You are here: <a href="/">Home</a> &gt; <a href="/publications/">Publications</a> &gt; {_topic_link(p)}'
        if p.topic
        else ""
    )
    return (
        _head(f"Belarus in Focus | {p.title}", lang=p.lang)
        + f'<body><div id="top"><a href="/">Institute for Eastern Studies</a></div><div id="wrap">'
        f'<div id="subnav"><h3>Publications</h3><ul><li><a href="/annual-report/">Annual report 2023</a></li><li><a href="/papers/">Policy papers</a></li></ul>'
        f"<h3>Events</h3><ul><li>12.03.2024 – Round table on Poland and Lithuania</li><li>19.03.2024 – Conference in Berlin</li></ul></div>"
        f'<div id="content"><div id="breadcrumb">{crumbs}</div>{"".join(frames)}</div>'
        f'<div id="right"><div class="box"><h3>Contact</h3><p>Press office, Vilnius, Lithuania. Tel. +370 5 000 0000</p></div>'
        f'<div class="box"><h3>Latest news</h3><p>15.03.2024 New partnership with Ukraine and Georgia</p></div></div></div>'
        f'<div id="footer"><a href="/imprint/">Imprint</a> | <a href="/privacy/">Privacy</a> | © 2024 Institute for Eastern Studies, Warsaw</div></body></html>\n'
    )


def comment_thread(p: Printed, c: Chrome) -> str:
    """An old blog with a long comment thread: the site's name in the <h1>, the post title in an
    <h2>; the verdict above the title, "Topic · week" under it, "Written by" after the text,
    then dozens of dated comments that name other countries."""
    title = escape(p.title)
    kicker = f'<div class="post-kicker">{escape(p.verdict)}</div>' if p.verdict and not p.status else ""
    status = f'<div class="post-status">{escape(p.status)}</div>' if p.status else ""
    dateline = " · ".join(x for x in (_topic_link(p), escape(_week_or_stamp(p))) if x)
    written = f'<p class="author">Written by {escape(p.author)}</p>' if p.author else ""
    thread = "".join(
        f'<li class="comment"><div class="comment-author vcard"><cite class="fn">{escape(n)}</cite> <span class="says">says:</span></div>'
        f'<div class="comment-meta"><a href="#c{k}">{when}</a></div><p>{escape(text)}</p>'
        f'<ul class="children"><li class="comment"><div class="comment-author"><cite class="fn">Admin</cite> says:</div>'
        f'<div class="comment-meta"><a href="#r{k}">March 8, 2024 at 9:00 am</a></div><p>Thanks, noted for the next issue on Canada.</p></li></ul></li>'
        for k, (n, when, text) in enumerate(COMMENTS * 8)
    )
    return (
        _head(f"{p.title} - Minsk Diary", lang=p.lang)
        + f'<body><div id="wrapper"><div id="header"><h1 class="site-title"><a href="/">Minsk Diary</a></h1>'
        f'<p class="tagline">Notes on Belarus, Poland and Ukraine since 2009</p><ul class="nav">{menu(c)}</ul></div>'
        f'<div id="content"><div class="post">{kicker}<h2 class="post-title">{title}</h2>{status}'
        f'<p class="dateline">{dateline}</p><div class="entry">{_caption(p)}{_paras(p)}</div>{written}</div>'
        f'<div id="comments"><h3>32 Responses to “{title}”</h3><ol class="commentlist">{thread}</ol></div></div>'
        f'<div id="sidebar"><h2>Archives</h2><ul><li><a href="/2024/03/">March 2024</a></li><li><a href="/2024/02/">February 2024</a></li></ul>'
        f'<h2>Blogroll</h2><ul><li><a href="https://example.org/">A blog from France</a></li></ul></div>'
        f'<div id="footer"><p>{FOOTER}</p></div></div></body></html>\n'
    )


def amp(p: Printed, c: Chrome) -> str:
    """An AMP page (the WordPress AMP plugin's shape): custom amp-* elements, the title first,
    "By Author" and the week under it, the topic and the verdict in the article's footer after
    the text, then tags and a "Leave a Comment" link."""
    title = escape(p.title)
    byline = (
        f'<div class="amp-wp-meta amp-wp-byline"><amp-img src="/a.png" width="24" height="24"></amp-img><span class="amp-wp-author">By {escape(p.author)}</span></div>'
        if p.author
        else ""
    )
    posted = (
        f'<div class="amp-wp-meta amp-wp-posted-on"><time>{escape(_week_or_stamp(p))}</time></div>'
        if _week_or_stamp(p)
        else ""
    )
    foot = f'<div class="amp-wp-meta amp-wp-tax-category">Categories: {_topic_link(p)}</div>' if p.topic else ""
    if p.status:
        foot += f'<div class="amp-wp-meta">{escape(p.status)}</div>'
    elif p.verdict:
        foot += f'<div class="amp-wp-meta">Trend: {escape(p.verdict)}</div>'
    caption = ""
    if p.caption:
        caption = f'<figure class="amp-wp-article-featured-image wp-caption"><amp-img src="/p.jpg" width="600" height="400"></amp-img><p class="wp-caption-text">{escape(p.caption)}</p></figure>'
    return (
        f'<!doctype html>\n<html amp lang="{p.lang}"><head><meta charset="utf-8"><title>{title} – Eastern Ledger</title>'
        f'<style amp-boilerplate>body{{visibility:hidden}}</style><script async src="https://cdn.ampproject.org/v0.js"></script></head>'
        f'<body><header id="top" class="amp-wp-header"><div><a href="/">Eastern Ledger</a></div></header>'
        f'<amp-sidebar id="menu" layout="nodisplay"><nav><ul>{menu(c)}</ul></nav></amp-sidebar>'
        f'<article class="amp-wp-article"><header class="amp-wp-article-header"><h1 class="amp-wp-title">{title}</h1>{byline}{posted}</header>'
        f'{caption}<div class="amp-wp-article-content">{_paras(p)}</div>'
        f'<footer class="amp-wp-article-footer">{foot}<div class="amp-wp-meta amp-wp-tax-tag">Tags: <a href="/tag/belarus/">Belarus</a>, <a href="/tag/russia/">Russia</a></div>'
        f'<div class="amp-wp-meta amp-wp-comments-link"><a href="/comments/">Leave a Comment</a></div></footer></article>'
        f'<footer class="amp-wp-footer"><div><h2>Eastern Ledger</h2><p>{FOOTER}</p><a href="#top" class="back-to-top">Back to top</a></div></footer></body></html>\n'
    )


ARTICLE_CHROMES: dict[str, Callable[[Printed, Chrome], str]] = {
    "wp-default": wp_default,
    "news": news,
    "drupal7": drupal7,
    "ghost": ghost,
    "static": static,
    "institutional": institutional,
    "comment-thread": comment_thread,
    "amp": amp,
}


def article(name: str, p: Printed, c: Chrome) -> str:
    """One article page in chrome ``name``."""
    return ARTICLE_CHROMES[name](p, c)
