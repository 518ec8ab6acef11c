"""The bundled sample archive: a seeded, structurally faithful copy of the site, with its truth.

``generate(out, count, seed)`` writes ``<out>/site/<host>/<path>/index.html`` pages (every
layout generation, paginated listings in both styles, feeds, robots.txt, the same text under
two hosts and a numeric slug, Russian and Belarusian pages) and ``<out>/truth.jsonl``: the
records a correct crawl must end with. Same seed, same bytes.

The truth is independent of the code it checks: the generator decides from its own plain
tables (topic labels, verdict phrases, URL rules, country forms in ``prose``) and records what
it placed. It never calls the parser, the URL rules of ``crawler/urls.py``, the date parser or
the country tagger, so a bug in any of them (or in the site profile's label tables) shows up as
a difference between a crawl and this truth. Only the id and content hash come from
``sitrep.record``, whose rule ``tests/test_record.py`` pins with hand-written values.

Weeks that only a listing or a stamp can date are chosen so the Monday rule alone pins their
year within ``FIRST_YEAR..LAST_YEAR`` (the sample's settings set ``last_year`` to it), so the
truth does not depend on any inference cleverer than that rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sitrep.crawler.sample import chromes, listing_chromes, prose, render
from sitrep.record import Record, finish, make_id

FIRST_YEAR, LAST_YEAR = 2014, 2025
FIRST_WEEK = dt.date(2014, 1, 6)
MIGRATION = dt.date(2016, 4, 18)  # weeks before this were written on the old site
MIGRATION_STAMP = dt.datetime(2016, 4, 22, 10, 34)  # the stamp migrated pages carry: not their date
TRANSITION = dt.date(2017, 1, 2)
NEW_SITE = dt.date(2018, 1, 1)
CURRENT_TOPICS = (
    "the-ruling-elite",
    "society-and-political-parties",
    "security-issues",
    "belarus-west-relations",
    "belarus-russia-relations",
)
OLD_TOPICS = (*CURRENT_TOPICS, "economy", "international-relations")
OLD_SECTION = {"society-and-political-parties": "society-and-politics"}  # an old section's other name
PRO, INFO = "belarusinfocus.pro", "belarusinfocus.info"
LANG_PREFIX = {"en": "/", "ru": "/ru/", "be": "/be/"}
PER_PAGE = 20
PRIVATE_PATH = "/private/draft-of-the-week/"
NUMERIC_PATH = re.compile(r"/\d+(?:-\d+)?/")

# The site's words, the generator's own copy (the parser reads the site profile's).
TOPIC_LABELS = {
    "en": {
        "the-ruling-elite": "The ruling elite",
        "society-and-political-parties": "Society and political parties",
        "security-issues": "Security issues",
        "belarus-west-relations": "Belarus-West relations",
        "belarus-russia-relations": "Belarus-Russia relations",
        "economy": "Economy",
        "international-relations": "International relations",
    },
    "ru": {
        "the-ruling-elite": "Правящая элита",
        "society-and-political-parties": "Общество и политические партии",
        "security-issues": "Вопросы безопасности",
        "belarus-west-relations": "Отношения Беларуси и Запада",
        "belarus-russia-relations": "Отношения Беларуси и России",
    },
    "be": {
        "the-ruling-elite": "Кіруючая эліта",
        "society-and-political-parties": "Грамадства і палітычныя партыі",
        "security-issues": "Пытанні бяспекі",
        "belarus-west-relations": "Адносіны Беларусі і Захаду",
        "belarus-russia-relations": "Адносіны Беларусі і Расіі",
    },
}
VERDICTS = {  # trend: phrases, the usual one first
    "en": {
        "unchanged": ("The situation has not changed", "The situation has not been changed"),
        "worsened": ("The situation got worse", "The situation has worsened", "The situation has deteriorated"),
        "improved": ("The situation has gotten better", "The situation got better", "The situation has improved"),
    },
    "ru": {
        "unchanged": ("Ситуация не изменилась",),
        "worsened": ("Ситуация ухудшилась",),
        "improved": ("Ситуация улучшилась",),
    },
    "be": {
        "unchanged": ("Сітуацыя не змянілася",),
        "worsened": ("Сітуацыя пагоршылася",),
        "improved": ("Сітуацыя палепшылася",),
    },
}
UNKNOWN_VERDICT = "The situation is hard to judge"  # a phrase no table knows: kept, trend unknown


@dataclasses.dataclass
class Page:
    """One page the generator writes, with what it placed there (the tests' truth)."""

    host: str
    path: str
    kind: str  # current | transitional | old | headerless
    markup: str
    spec: dict[str, Any]
    listed: bool = True  # linked from a listing (else only from a feed)
    query: str = ""  # how listings link it (``?page=1`` on some old pages)

    @property
    def url(self) -> str:
        return f"https://{self.host}{self.path}"


@dataclasses.dataclass
class Article:
    """One made-up article, before it is rendered into the pages that show it."""

    n: int
    lang: str
    week: dt.date
    topic: str
    title: str
    paragraphs: list[str]  # lead first
    author: str | None
    by_line: bool  # author printed as a first "By <Author>" line instead of in the header
    trend: str
    verdict: str
    caption: str | None
    stamp: dt.datetime | None
    mentions: prose.Text
    pages: list[Page] = dataclasses.field(default_factory=list)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def monday_unique(week: dt.date, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> bool:
    """Is ``week``'s year the only one in ``first_year..last_year`` where its day and month fall on a Monday?"""
    mondays = 0
    for year in range(first_year, last_year + 1):
        try:
            mondays += dt.date(year, week.month, week.day).weekday() == 0
        except ValueError:  # February 29 outside a leap year
            continue
    return mondays == 1


def _verdict(rng: random.Random, lang: str, trend: str) -> str:
    if lang == "en" and rng.random() < 0.02:
        return UNKNOWN_VERDICT
    phrases = VERDICTS[lang][trend]
    return phrases[0] if rng.random() < 0.8 else rng.choice(phrases)


def trend_of(lang: str, verdict: str) -> str | None:
    """The trend the generator meant by ``verdict`` (None for the unknown phrase)."""
    return next((trend for trend, phrases in VERDICTS[lang].items() if verdict in phrases), None)


def plan(count: int, seed: int) -> list[Article]:
    """Decide every article and the pages it appears on."""
    rng = random.Random(seed)
    weeks = (NEW_SITE.replace(year=LAST_YEAR + 1) - FIRST_WEEK).days // 7
    articles: list[Article] = []
    seen_ids: set[str] = set()
    slugs: set[tuple[str, str]] = set()
    for n in range(count):
        week = FIRST_WEEK + dt.timedelta(weeks=rng.randrange(weeks))
        lang = "en"
        if week >= NEW_SITE and rng.random() < 0.12:
            lang = rng.choice(["ru", "be"])
        topic = rng.choice(OLD_TOPICS if week < NEW_SITE else CURRENT_TOPICS)
        while True:
            mentions = prose.Text()
            title, paragraphs = prose.text(rng, prose.plan_text(rng, lang), mentions)
            rid = make_id(lang, title, paragraphs[0], paragraphs[1:])
            if rid not in seen_ids:
                seen_ids.add(rid)
                break
        trend = rng.choice(["unchanged", "unchanged", "unchanged", "unchanged", "worsened", "worsened", "improved"])
        author = rng.choice(prose.AUTHORS) if rng.random() < 0.35 else None
        caption = None
        if rng.random() < 0.3:
            caption = rng.choice(["Фота: TUT.BY", "Фото: Reuters", "Фота: БелТА", "Photo: president.gov.by"])
        article = Article(
            n=1000 + n,
            lang=lang,
            week=week,
            topic=topic,
            title=title,
            paragraphs=paragraphs,
            author=author,
            by_line=bool(author) and lang == "en" and rng.random() < 0.4,
            trend=trend,
            verdict=_verdict(rng, lang, trend),
            caption=caption,
            stamp=None,
            mentions=mentions,
        )
        _place(rng, article, slugs)
        articles.append(article)
    articles.sort(key=lambda a: (a.week, a.n))
    return articles


def _unique_slug(slugs: set[tuple[str, str]], host: str, base: str) -> str:
    slug, i = base, 2
    while (host, slug) in slugs:
        slug, i = f"{base}-{i}", i + 1
    slugs.add((host, slug))
    return slug


def _old_section(rng: random.Random, topic: str) -> str:
    if topic in OLD_SECTION and rng.random() < 0.5:
        return OLD_SECTION[topic]
    return topic


def _place(rng: random.Random, a: Article, slugs: set[tuple[str, str]]) -> None:
    """Put an article on its pages, by era: old .info site, transitional .info, current .pro."""
    markup = lambda: rng.choice(render.MARKUPS)  # noqa: E731 - one markup per page, seeded
    slug = _unique_slug(slugs, "any", _slug(a.title))
    if a.lang != "en":
        a.pages.append(Page(PRO, f"{LANG_PREFIX[a.lang]}{a.topic}/{a.topic}-{a.n}/", "current", markup(), {}))
        return
    unique = monday_unique(a.week)
    if a.week < TRANSITION:
        section = _old_section(rng, a.topic)
        migrated = a.week < MIGRATION and rng.random() < 0.5
        a.stamp = (
            MIGRATION_STAMP
            if migrated
            else dt.datetime.combine(a.week + dt.timedelta(days=rng.randrange(7)), dt.time(10, rng.randrange(60)))
        )
        listed = rng.random() > 0.06
        old = Page(
            INFO,
            f"/{section}/{slug}/",
            "old",
            markup(),
            {},
            listed=listed,
            query="?page=1" if rng.random() < 0.2 else "",
        )
        a.pages.append(old)
        copy = rng.random() < 0.4 or (listed and not unique)
        if copy and a.topic in CURRENT_TOPICS:
            a.pages.append(Page(PRO, f"/{a.topic}/{slug}/", "current", markup(), {}))
        elif listed and not unique:  # no page prints its week and the listing cannot date it
            old.listed = False
    elif a.week < NEW_SITE:
        section = _old_section(rng, a.topic)
        a.pages.append(Page(INFO, f"/{section}/{slug}/", "transitional", markup(), {}))
        if rng.random() < 0.5 and a.topic in CURRENT_TOPICS:
            a.pages.append(Page(PRO, f"/{a.topic}/{slug}/", "current", markup(), {}))
    elif rng.random() < 0.05:
        a.pages.append(Page(PRO, f"/{slug}/", "headerless", markup(), {}, listed=unique))
    else:
        a.pages.append(Page(PRO, f"/{a.topic}/{slug}/", "current", markup(), {}))
    if a.week >= NEW_SITE and rng.random() < 0.08:
        numeric = f"/{a.n}/" if rng.random() < 0.5 else f"/{a.n}-2/"
        a.pages.append(Page(PRO, numeric, "current", markup(), {}, listed=False))


# --- rendering ---------------------------------------------------------------------------


def listing_root(lang: str) -> str:
    return f"https://{PRO}{LANG_PREFIX[lang]}analytics/"


def chrome(lang: str, pad_kb: int = 0) -> render.Chrome:
    root = listing_root(lang)
    topics = [(TOPIC_LABELS[lang][t], f"{root}{t}/" if lang == "en" else root) for t in CURRENT_TOPICS]
    return render.Chrome(lang=lang, labels=render.WORDS[lang], topics=topics, listing_root=root, pad_kb=pad_kb)


def _image(caption: str) -> str:
    """Old pages print a caption's source after "Image:" whatever word the photo credit used."""
    return re.sub(r"^(Фота|Фото|Photo):", "Image:", caption)


def printed(a: Article, page: Page, similar: list[tuple[str, str, str]] | None = None) -> render.Printed:
    """What ``page`` of ``a`` prints: the one decision every markup and chrome renders."""
    paragraphs = tuple(([f"By {a.author}"] if a.by_line else []) + a.paragraphs)
    base = render.Printed(kind=page.kind, lang=a.lang, title=a.title, paragraphs=paragraphs)
    if page.kind == "old":
        verdict = a.verdict if _old_prints_verdict(a) else None
        status = render.WORDS[a.lang].category_status + (f" - ({verdict})" if verdict else "")
        assert a.stamp is not None  # every old page carries one (``_place``)
        return dataclasses.replace(
            base,
            verdict=verdict,
            caption=_image(a.caption) if a.caption else None,
            status=status,
            stamp=render.stamp_text(a.stamp),
            similar=tuple(similar or ()),
        )
    if page.kind == "headerless":
        return base
    dash = [" – ", " – ", " — ", " - ", "  –  ", "\xa0– "][a.n % 6]
    topic = None
    if page.kind == "current":
        href = f"{listing_root(a.lang)}{a.topic}/" if a.lang == "en" else listing_root(a.lang)
        topic = (TOPIC_LABELS[a.lang][a.topic], href if a.topic in CURRENT_TOPICS else "/")
    return dataclasses.replace(
        base,
        author="" if a.by_line else (a.author or ""),
        week=render.week_text(a.lang, a.week, dash=dash),
        topic=topic,
        verdict=a.verdict,
        caption=a.caption,
        repeat_title=a.n % 3 != 0,
    )


def page_html(
    a: Article,
    page: Page,
    markup: str | None = None,
    similar: list[tuple[str, str, str]] | None = None,
    pad_kb: int = 0,
) -> str:
    """One page of an article in its markup (or the one asked for)."""
    markup = markup or page.markup
    c = chrome(a.lang, pad_kb)
    p = printed(a, page, similar)
    paragraphs = list(p.paragraphs)
    if p.kind == "old":
        assert p.status is not None and p.stamp is not None
        return render.old_article(
            c,
            markup,
            title=p.title,
            verdict=p.verdict,
            stamp=p.stamp,
            caption=p.caption,
            paragraphs=paragraphs,
            similar=list(p.similar),
        )
    if p.kind == "headerless":
        return render.headerless(c, markup, title=p.title, paragraphs=paragraphs)
    return render.article(
        c,
        markup,
        title=p.title,
        author=p.author,
        week=p.week,
        topic=p.topic,
        verdict=p.verdict,
        caption=p.caption,
        paragraphs=paragraphs,
        repeat_title=p.repeat_title,
    )


def _old_prints_verdict(a: Article) -> bool:
    """Some old pages print "Category status: - (The situation has not changed)"; only that phrase."""
    return a.trend == "unchanged" and a.n % 5 < 2


# --- ground truth --------------------------------------------------------------------------


def canonical_url(urls: list[str]) -> str:
    """The record's URL, by the site rule as the generator knows it: the current host first,
    a named slug before a numeric one, then the shortest, then alphabetical; on the current host."""

    def rank(url: str) -> tuple[bool, bool, int, str]:
        host, path = url.split("/", 3)[2], "/" + url.split("/", 3)[3]
        return (host != PRO, bool(NUMERIC_PATH.fullmatch(path)), len(url), url)

    best = min(urls, key=rank)
    return f"https://{PRO}/" + best.split("/", 3)[3]


def _url_topic(a: Article, page: Page) -> str | None:
    """The topic a page's URL names: its first section when the path has two (after the language)."""
    return a.topic if page.path.strip("/").count("/") == 1 + (a.lang != "en") else None


def page_truth(a: Article, page: Page) -> dict[str, Any]:
    """What one page of ``a`` must parse to on its own, from what the generator printed on it."""
    p = printed(a, page)
    return {
        "title": a.title,
        "lead": a.paragraphs[0],
        "body": list(a.paragraphs[1:]),
        "week_start": a.week.isoformat() if p.week else None,
        "week_label": " ".join(p.week.split()) if p.week else "",
        "trend_label": p.verdict,
        "topic": a.topic if p.topic else _url_topic(a, page),
        "author": p.author or (a.author if a.by_line else None),
        "stamp": a.stamp.isoformat(timespec="minutes") if p.stamp and a.stamp else None,
        "captions": [p.caption] if p.caption else [],
        "countries": sorted(a.mentions.countries),
    }


def truth(a: Article) -> Record:
    """The record a correct crawl ends with for ``a``, from what the generator itself decided."""
    urls = sorted({p.url for p in a.pages})  # pages are placed at their normal form
    kinds = {p.kind for p in a.pages}
    layout = next(k for k in ("current", "transitional", "old", "headerless") if k in kinds)
    week_printed = kinds & {"current", "transitional"}
    week_start, source = None, "none"
    if week_printed:
        week_start, source = a.week, "week"
    elif any(p.listed for p in a.pages):
        week_start, source = a.week, "listing"
    elif a.stamp and a.stamp != MIGRATION_STAMP:
        week_start, source = a.stamp.date() - dt.timedelta(days=a.stamp.weekday()), "stamp"
    # a topic is printed on current pages, and named by the first section of a two-section path
    sectioned = any(p.path.strip("/").count("/") == 1 + (a.lang != "en") for p in a.pages)
    topic = a.topic if "current" in kinds or sectioned else None
    trend_label = a.verdict if week_printed or ("old" in kinds and _old_prints_verdict(a)) else None
    caption = None
    if a.caption and kinds != {"headerless"}:
        caption = a.caption if kinds - {"old", "headerless"} else _image(a.caption)
    countries = sorted(a.mentions.countries.items(), key=lambda kv: (-kv[1], kv[0]))
    orgs = sorted(a.mentions.orgs.items(), key=lambda kv: (-kv[1], kv[0]))
    record = Record(
        id=make_id(a.lang, a.title, a.paragraphs[0], a.paragraphs[1:]),
        site="belarusinfocus",
        url=canonical_url(urls),
        urls=tuple(urls),
        lang=a.lang,
        layout=layout,
        title=a.title,
        title_source="h1",  # every sample page prints the title in an <h1> its metadata confirms
        lead=a.paragraphs[0],
        body=tuple(a.paragraphs[1:]),
        week_start=week_start.isoformat() if week_start else None,
        week_end=(week_start + dt.timedelta(days=6)).isoformat() if week_start else None,
        date_source=source,
        week_label=_printed_week(a) if source == "week" else "",
        stamp=a.stamp.isoformat(timespec="minutes") if a.stamp and "old" in kinds else None,
        topic=topic,
        topic_label=TOPIC_LABELS[a.lang][topic] if topic else None,
        trend=trend_of(a.lang, trend_label) if trend_label else None,
        trend_label=trend_label,
        author=a.author if a.by_line or week_printed else None,
        captions=(caption,) if caption else (),
        countries=tuple(c for c, _ in countries),
        country_counts=tuple(countries),
        orgs=tuple(o for o, _ in orgs),
    )
    return finish(record)


def _printed_week(a: Article) -> str:
    """The week as ``a``'s dated pages print it, white space collapsed as a reader sees it
    (every such page prints it with the article's one dash)."""
    labels = {" ".join(p.week.split()) for page in a.pages if (p := printed(a, page)).week}
    assert len(labels) == 1, labels
    return labels.pop()


# --- the site ------------------------------------------------------------------------------


def _write(root: Path, host: str, path: str, text: str, name: str = "index.html") -> None:
    target = root / host / path.strip("/") / name if path.strip("/") else root / host / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _listing_pages(
    root: Path,
    host: str,
    base: str,
    heading: str,
    lang: str,
    entries: list[tuple[str, str, str]],
    styles: str,
    extra_first: list[tuple[str, str, str]] | None = None,
    chrome_name: str | None = None,
) -> int:
    c = chrome(lang)
    chunks = [entries[i : i + PER_PAGE] for i in range(0, len(entries), PER_PAGE)] or [[]]
    for i, chunk in enumerate(chunks, start=1):
        links = []
        for j in range(1, len(chunks) + 1):
            if j != i:
                links.append(
                    (str(j), base if j == 1 else (f"{base}page/{j}/" if styles == "path" else f"{base}?paged={j}"))
                )
        if i < len(chunks):
            links.append(("Next »", f"{base}?paged={i + 1}"))  # "Next" links the query style on every host
        items = chunk + (extra_first or []) if i == 1 else chunk
        markup = render.MARKUPS[(len(base) + i) % 2]
        html = (
            listing_chromes.listing(listing_chromes.PAIRED[chrome_name], c, heading, items, links)
            if chrome_name
            else render.listing(c, markup, heading=heading, entries=items, pages=links)
        )
        _write(root, host, base if i == 1 else f"{base}page/{i}/", html)
    return len(chunks)


def generate(
    out: str | Path, count: int = 500, seed: int = 20161128, page_kb: int = 0, chrome_name: str | None = None
) -> dict[str, Any]:
    """Write the sample archive to ``out`` and return its manifest.

    ``page_kb`` adds that much theme weight (styles, scripts, icons) to every page, as the real
    site's ~30 KB pages carry; the benchmarks use it, the default sample stays small.
    ``chrome_name`` dresses every page in one foreign chrome (``chromes.ARTICLE_CHROMES``) and
    every listing in its paired listing chrome: the same site and truth, another theme.
    """
    out = Path(out)
    root = out / "site"
    articles = plan(count, seed)
    listings: dict[tuple[str, str, str], list[tuple[Article, Page]]] = defaultdict(list)
    feeds: dict[str, list[tuple[Article, Page]]] = defaultdict(list)
    for a in articles:
        for p in a.pages:
            if a.lang != "en":
                listings[(PRO, f"{LANG_PREFIX[a.lang]}analytics/", a.lang)].append((a, p))
            elif not p.listed:
                feeds[p.host].append((a, p))
            elif p.host == PRO:
                listings[(PRO, f"/analytics/{a.topic}/", "en")].append((a, p))
            else:
                listings[(INFO, "/" + p.path.strip("/").split("/")[0] + "/", "en")].append((a, p))
    for topic in CURRENT_TOPICS:  # every listing the site profile starts from exists, even when empty
        listings[(PRO, f"/analytics/{topic}/", "en")]
    for lang in ("ru", "be"):
        listings[(PRO, f"{LANG_PREFIX[lang]}analytics/", lang)]
    for section in (*OLD_TOPICS, *OLD_SECTION.values()):
        listings[(INFO, f"/{section}/", "en")]
    by_section: dict[str, list[tuple[Article, Page]]] = defaultdict(list)
    for a in articles:
        for p in a.pages:
            if p.kind == "old":
                by_section[p.path.split("/")[1]].append((a, p))
    pages_written = 0
    for a in articles:
        for p in a.pages:
            similar = []
            if p.kind == "old":
                others = [x for x in by_section[p.path.split("/")[1]] if x[0] is not a][:3]
                similar = [(o.title, op.path, render.stamp_text(o.stamp)) for o, op in others]
            html = (
                chromes.article(chrome_name, printed(a, p, similar), chrome(a.lang))
                if chrome_name
                else page_html(a, p, similar=similar, pad_kb=page_kb)
            )
            _write(root, p.host, p.path, html)
            pages_written += 1
    for a in articles:  # the "All trends" listing of the current site
        for p in a.pages:
            if a.lang == "en" and p.host == PRO and p.listed:
                listings[(PRO, "/analytics/", "en")].append((a, p))
    listing_count = 0
    for (host, base, lang), items in sorted(listings.items()):
        items.sort(key=lambda ap: (ap[0].week, ap[0].n), reverse=True)
        entries = [(a.title, p.path + p.query, render.week_text(lang, a.week, with_year=False)) for a, p in items]
        topic = base.strip("/").split("/")[-1]
        old_name = {section: topic for topic, section in OLD_SECTION.items()}
        heading = (
            render.WORDS[lang].listing_heads[0]
            if lang != "en" or topic == "analytics"
            else TOPIC_LABELS["en"][old_name.get(topic, topic)]
        )
        extra = (
            [("Draft of the week", PRIVATE_PATH, "March 18 – March 24")]
            if base == "/analytics/the-ruling-elite/"
            else None
        )
        listing_count += _listing_pages(
            root, host, base, heading, lang, entries, "path" if host == PRO else "query", extra, chrome_name
        )
    for host in (PRO, INFO):
        items = sorted(feeds.get(host, []), key=lambda ap: ap[0].n)
        newest = sorted(
            (ap for ap in ((a, p) for a in articles for p in a.pages) if ap[1].host == host and ap[1].listed),
            key=lambda ap: (ap[0].week, ap[0].n),
        )[-10:]
        feed_items = [
            (a.title, p.url, dt.datetime.combine(a.week + dt.timedelta(days=7), dt.time(9))) for a, p in items + newest
        ]
        _write(root, host, "/feed/", render.feed(f"https://{host}/", feed_items), name="index.xml")
        _write(root, host, "/", "User-agent: *\nDisallow: /private/\nDisallow: /wp-admin/\n", name="robots.txt")
    _write(root, PRO, PRIVATE_PATH, "<html><body><h1>Not for crawlers</h1></body></html>\n")
    records = sorted((truth(a) for a in articles), key=lambda r: r.id)
    with (out / "truth.jsonl").open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(record.to_json() + "\n")
    manifest = {
        "seed": seed,
        "count": count,
        "records": len(records),
        "article_pages": pages_written,
        "listing_pages": listing_count,
        "hosts": [PRO, INFO],
        "last_year": LAST_YEAR,
        "disallowed": [f"https://{PRO}{PRIVATE_PATH}"],
        "layouts": dict(sorted(Counter(r.layout for r in records).items())),
        "langs": dict(sorted(Counter(r.lang for r in records).items())),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def read_truth(out: str | Path) -> list[Record]:
    with (Path(out) / "truth.jsonl").open(encoding="utf-8") as fh:
        return [Record.from_json(line) for line in fh if line.strip()]
