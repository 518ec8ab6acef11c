"""The Whoosh schema, mapped from the record type, and its version.

Only what search needs is indexed; only the id and the small facet values are stored (the
record store holds the rest). English text is stemmed; Russian and Belarusian text goes to
fields of their own with the Russian Snowball stemmer (there is none for Belarusian), and a
query searches all of them together. ``tests/test_schema_drift.py`` holds this mapping to
``Record``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StemmingAnalyzer, StopFilter
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.lang import stemmer_for_language, stopwords_for_language

from crawler.record import Record

SCHEMA_VERSION = 2
TEXT_FIELDS = ("title_en", "body_en", "title_ru", "body_ru")
FACET_FIELDS = ("countries", "orgs", "topic", "trend", "lang", "author", "year", "month")
# Record fields the schema maps, and to what; fields left out are listed with the reason.
MAPPED = {
    "id": ("id",),
    "title": ("title_en", "title_ru"),
    "lead": ("body_en", "body_ru"),
    "body": ("body_en", "body_ru"),
    "countries": ("countries",),
    "orgs": ("orgs",),
    "topic": ("topic",),
    "trend": ("trend",),
    "lang": ("lang",),
    "author": ("author",),
    "week_start": ("week_start", "year", "month"),
    "week_end": ("week_end",),
}
NOT_INDEXED = {
    "site": "one site per archive so far",
    "url": "shown from the store",
    "urls": "shown from the store",
    "layout": "provenance, not a search need",
    "date_source": "shown from the store",
    "stamp": "weaker than the week; shown from the store",
    "topic_label": "the slug is indexed",
    "trend_label": "the value is indexed",
    "captions": "photo credits name agencies, not subjects",
    "country_counts": "ranking data kept in the store",
    "fetched_at": "crawl metadata",
    "content_hash": "crawl metadata",
}


_CYRILLIC = re.compile(r"[а-яёіў]")
_RUSSIAN_STEM = stemmer_for_language("ru")


def cyrillic_stem(word: str) -> str:
    """Russian Snowball for Cyrillic words; Latin words (names, "NATO") are left as they are.

    A module-level function, not a lambda: Whoosh pickles the schema into the index.
    """
    return _RUSSIAN_STEM(word) if _CYRILLIC.search(word) else word


def russian_analyzer():  # type: ignore[no-untyped-def]
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=stopwords_for_language("ru") | stopwords_for_language("en"))
        | StemFilter(stemfn=cyrillic_stem)
    )


def schema() -> Schema:
    english = StemmingAnalyzer()
    russian = russian_analyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title_en=TEXT(analyzer=english, field_boost=3.0, spelling=True),
        body_en=TEXT(analyzer=english, spelling=True),
        title_ru=TEXT(analyzer=russian, field_boost=3.0),
        body_ru=TEXT(analyzer=russian, spelling=True),
        countries=KEYWORD(commas=True, lowercase=True, scorable=False),
        orgs=KEYWORD(commas=True, lowercase=True, scorable=False),
        topic=ID(),
        trend=ID(),
        lang=ID(),
        author=ID(),
        year=ID(),
        month=ID(),
        week_start=DATETIME(sortable=True),
        week_end=DATETIME(),
        weekday_ord=NUMERIC(sortable=True, stored=False),
    )


def document(record: Record) -> dict[str, Any]:
    """The Whoosh document for a record."""
    text = "\n".join([record.lead, *record.body])
    cyrillic = record.lang in ("ru", "be")
    doc: dict[str, Any] = {
        "id": record.id,
        "title_ru" if cyrillic else "title_en": record.title,
        "body_ru" if cyrillic else "body_en": text,
        "lang": record.lang,
    }
    if record.countries:
        doc["countries"] = ",".join(c.lower() for c in record.countries)
    if record.orgs:
        doc["orgs"] = ",".join(o.lower() for o in record.orgs)
    for name in ("topic", "trend"):
        if getattr(record, name):
            doc[name] = getattr(record, name)
    if record.author:
        doc["author"] = record.author.lower()
    if record.week_start:
        start = dt.date.fromisoformat(record.week_start)
        doc.update(
            week_start=dt.datetime.combine(start, dt.time()),
            year=str(start.year),
            month=record.week_start[:7],
            weekday_ord=start.toordinal(),
        )
    if record.week_end:
        doc["week_end"] = dt.datetime.combine(dt.date.fromisoformat(record.week_end), dt.time())
    return doc
