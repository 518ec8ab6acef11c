"""Fixture pages we wrote, one per generation and trap, each against the expected JSON beside it;
negative pages expecting a named error; and 10,000 mutated pages that may only raise ParseError."""

from __future__ import annotations

import hashlib
import json
import random
import tomllib
from pathlib import Path

import pytest

from sitrep.config import load
from sitrep.crawler.parsers import parse_article
from sitrep.crawler.parsers.common import decode
from sitrep.crawler.sample import chromes
from sitrep.crawler.sample import generate as gen
from sitrep.errors import ParseError
from sitrep.record import Record

PAGES = Path(__file__).parent / "pages"
TABLE = tomllib.loads((PAGES / "urls.toml").read_text(encoding="utf-8"))
ERRORS = TABLE.pop("errors")
REVIEWED = set(TABLE.pop("reviewed")["pages"])  # expected JSON written by a person, never by the parser
SITE = load(path=None, environ={}).sites["belarusinfocus"]


def load_regenerate():  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location("regenerate", PAGES / "regenerate.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_every_fixture_page_has_expected_json_and_a_url() -> None:
    pages = {
        str(p.relative_to(PAGES))
        for p in PAGES.rglob("*")
        if p.suffix in (".html", ".xml") and p.parent.name != "errors"
    }
    assert pages == set(TABLE)
    for name in pages:
        assert (PAGES / name).with_suffix(".json").is_file(), name


@pytest.mark.parametrize("name", sorted(set(TABLE) - REVIEWED))
def test_fixture_page_matches_expected_json(name: str) -> None:
    expected = json.loads((PAGES / name).with_suffix(".json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(load_regenerate().expected(name, TABLE[name]))) == expected


@pytest.mark.parametrize("name", sorted(REVIEWED))
def test_reviewed_page_matches_what_a_person_wrote(name: str) -> None:
    """Every field a person wrote from the page text; the id by its documented rule."""
    expected = json.loads((PAGES / name).with_suffix(".json").read_text(encoding="utf-8"))
    got = parse_article(TABLE[name], (PAGES / name).read_bytes(), SITE).to_dict()
    assert {key: got[key] for key in expected} == expected
    words = " ".join(" ".join(p.split()).casefold() for p in [expected["title"], expected["lead"], *expected["body"]])
    assert got["id"] == hashlib.sha256(f"{expected['lang']}\x1f{words}".encode()).hexdigest()[:16]


def test_reviewed_pages_are_never_rewritten() -> None:
    assert len(REVIEWED) >= 20 and set(TABLE) >= REVIEWED
    table = tomllib.loads((PAGES / "urls.toml").read_text(encoding="utf-8"))
    assert not REVIEWED & set(load_regenerate().targets(table))
    for name in REVIEWED:  # the parser's writer always puts the derived keys in; a person leaves them out
        assert not {"id", "content_hash"} & set(
            json.loads((PAGES / name).with_suffix(".json").read_text(encoding="utf-8"))
        )


@pytest.mark.parametrize(
    "name", sorted(n for n in TABLE if n.split("/")[0] in ("current", "transitional", "old", "headerless"))
)
def test_fixture_records_round_trip_through_json(name: str) -> None:
    record = parse_article(TABLE[name], (PAGES / name).read_bytes(), SITE)
    assert Record.from_json(record.to_json()) == record
    assert record.layout == name.split("/")[0]


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_negative_pages_name_their_error(name: str) -> None:
    url, field = ERRORS[name]
    with pytest.raises(ParseError) as caught:
        parse_article(url, decode((PAGES / name).read_bytes()), SITE)
    assert caught.value.field == field
    assert caught.value.one_line().startswith(f"ParseError: {url}: {field}: ")


def mutate(rng: random.Random, html: str) -> str | bytes:
    kind = rng.randrange(8)
    if kind == 0:
        return html[: rng.randrange(len(html) + 1)]
    if kind == 1:  # drop tags
        return "".join(part for part in html.split("<") if rng.random() > 0.2)
    if kind == 2:  # shuffle lines and blocks
        parts = html.replace(">", ">\n").split("\n")
        rng.shuffle(parts)
        return "".join(parts)
    if kind == 3:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
    if kind == 4:
        return ""
    if kind == 5:  # splice random characters in
        chars = list(html)
        for _ in range(rng.randrange(1, 30)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice("<>&\"'/\x00\ufffd–—-0123456789 \n"))
        return "".join(chars)
    if kind == 6:  # duplicate or cut a slice
        a, b = sorted(rng.randrange(len(html) + 1) for _ in range(2))
        return html[:a] + html[a:b] * rng.randrange(0, 3) + html[b:]
    return html.encode("utf-8")[: rng.randrange(1, len(html))]  # bytes cut mid-character


def chrome_sources() -> list[tuple[str, str]]:
    """A page of each kind in each foreign chrome: the parser's structural reading gets mutated too."""
    articles = gen.plan(12, 11)
    pages = [(a, p) for a in articles for p in a.pages]
    kinds = {p.kind: (a, p) for a, p in pages}
    return [
        (p.url, chromes.article(name, gen.printed(a, p), gen.chrome(a.lang)))
        for name in chromes.ARTICLE_CHROMES
        for a, p in kinds.values()
    ]


# What a bad page may be reported as; anything else escaping parse_article is a bug.
PAGE_FIELDS = {"html", "title", "body", "week", "layout"}


def test_ten_thousand_mutations_raise_nothing_but_parse_error() -> None:
    """No catch-all stands between the parser and this test: any other exception fails it."""
    sources = [
        (TABLE[n], (PAGES / n).read_text(encoding="utf-8")) for n in TABLE if n.endswith(".html") and "listing" not in n
    ] + chrome_sources()
    rng = random.Random(20161128)
    accepted = errors = 0
    for _ in range(10_000):
        url, html = rng.choice(sources)
        try:
            record = parse_article(url, mutate(rng, html), SITE)
        except ParseError as exc:
            # a page the parser recognised as bad; never our own bug dressed up as a bad page
            assert not isinstance(exc.__cause__, (IndexError, KeyError, TypeError, AttributeError, AssertionError)), exc
            assert exc.field in PAGE_FIELDS, exc.one_line()
            errors += 1
            continue
        accepted += 1
        assert 1 <= len(record.title) <= 300 and "\ufffd" not in record.text
        for day in (record.week_start, record.week_end):
            assert day is None or (len(day) == 10 and day[4] == "-")
    assert accepted > 1000 and errors > 1000  # both paths were really exercised


EMPTY_LISTING = """<html><head><title>Society and politics</title></head><body>
<div><a href="/">Minsk Monitor</a></div>
<div><h1>Society and politics</h1><div></div><ul><li></li></ul></div>
<div><a href="/impressum/">Impressum</a> · Updated March 18, 2024</div></body></html>"""
ONE_ENTRY_LISTING = EMPTY_LISTING.replace(
    "<div></div>", '<div><p>May 7 – May 13</p><p><a href="/society-and-politics/a-lone-text/">A lone text</a></p></div>'
)


def test_an_empty_listing_has_no_entries_and_a_lone_dated_entry_is_kept() -> None:
    """An empty listing's only article-shaped link is the footer's: never an entry. A listing of
    one dated text keeps it (hand-written pages; found by a whole foreign-chrome crawl)."""
    from sitrep.crawler.parsers import listing

    site = load(path=None, environ={}).site
    url = "https://belarusinfocus.info/society-and-politics/"
    assert listing.parse(url, EMPTY_LISTING, site, year=2025).entries == ()
    (entry,) = listing.parse(url, ONE_ENTRY_LISTING, site, year=2025).entries
    assert entry.url == "https://belarusinfocus.info/society-and-politics/a-lone-text/"
    assert entry.title == "A lone text"
