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

import sitrep.index.whoosh_imports  # noqa: F401  (before Whoosh: see its docstring)

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StemmingAnalyzer, StopFilter
from whoosh.fields import ID, KEYWORD, NUMERIC, Schema
from whoosh.lang import stemmer_for_language, stopwords_for_language

from sitrep.index.text_field import WORDS, OnePassText
from sitrep.record import Record

# 4: verdicts not in the trends table indexed as "unknown"; 5: BM25 postings and lengths saved;
# 6: the week is one untiered number (no week_start/week_end date fields: nothing queried them)
SCHEMA_VERSION = 6
TEXT_FIELDS = ("text_en", "text_ru")
# The title counts this many times the body's words. Repeating it in one field (rather than a
# boosted field of its own) keeps every query word one posting list, so Whoosh can skip blocks
# that cannot reach the top hits.
TITLE_WEIGHT = 3
FACET_FIELDS = ("countries", "orgs", "topic", "trend", "lang", "author", "year", "month")
# Record fields the schema maps, and to what; fields left out are listed with the reason.
MAPPED = {
    "id": ("id",),
    "title": ("text_en", "text_ru"),
    "lead": ("text_en", "text_ru"),
    "body": ("text_en", "text_ru"),
    "countries": ("countries",),
    "orgs": ("orgs",),
    "topic": ("topic",),
    "trend": ("trend",),
    "trend_label": ("trend",),  # a label without a known verdict is trend "unknown"
    "lang": ("lang",),
    "author": ("author",),
    "week_start": ("weekday_ord", "year", "month"),
}
NOT_INDEXED = {
    "sample": "a mark of the whole store (sitrep demo), set on the records it returns",
    "site": "one site per archive so far",
    "url": "shown from the store",
    "urls": "shown from the store",
    "layout": "provenance, not a search need",
    "date_source": "shown from the store",
    "week_label": "the site's printed week; shown from the store",
    "stamp": "weaker than the week; shown from the store",
    "topic_label": "the slug is indexed",
    "captions": "photo credits name agencies, not subjects",
    "country_counts": "ranking data kept in the store",
    "fetched_at": "crawl metadata",
    "content_hash": "crawl metadata",
    "title_source": "provenance: which rule found the title",
    "warnings": "parser notes for a person; shown from the store",
    "week_end": "follows from week_start (weeks run Monday to Sunday); shown from the store",
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
        RegexTokenizer(WORDS)
        | LowercaseFilter()
        | StopFilter(stoplist=stopwords_for_language("ru") | stopwords_for_language("en"))
        | StemFilter(stemfn=cyrillic_stem)
    )


def schema() -> Schema:
    english = StemmingAnalyzer(WORDS)
    russian = russian_analyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        text_en=OnePassText(analyzer=english),
        text_ru=OnePassText(analyzer=russian),
        countries=KEYWORD(commas=True, lowercase=True, scorable=False),
        orgs=KEYWORD(commas=True, lowercase=True, scorable=False),
        topic=ID(),
        trend=ID(),
        lang=ID(),
        author=ID(),
        year=ID(),
        month=ID(),
        # The week's Monday as a day number, read as a column (``index.docvalues``: date filters,
        # newest-first order); never range-queried, so one term per document, not a tiered trie
        # (dates are about a sixth of all postings with Whoosh's default eight tiers each).
        weekday_ord=NUMERIC(sortable=True, stored=False, shift_step=0),
    )


def text_field(record: Record) -> str:
    """Russian and Belarusian texts go to the Cyrillic field, whatever script a word is in."""
    return "text_ru" if record.lang in ("ru", "be") else "text_en"


def document(record: Record) -> dict[str, Any]:
    """The Whoosh document for a record."""
    text = "\n".join([*[record.title] * TITLE_WEIGHT, record.lead, *record.body])
    doc: dict[str, Any] = {"id": record.id, text_field(record): text, "lang": record.lang}
    if record.countries:
        doc["countries"] = ",".join(c.lower() for c in record.countries)
    if record.orgs:
        doc["orgs"] = ",".join(o.lower() for o in record.orgs)
    if record.topic:
        doc["topic"] = record.topic
    if record.trend or record.trend_label:
        doc["trend"] = record.trend or "unknown"  # the label is shown from the store
    if record.author:
        doc["author"] = record.author.lower()
    if record.week_start:
        start = dt.date.fromisoformat(record.week_start)
        doc.update(year=str(start.year), month=record.week_start[:7], weekday_ord=start.toordinal())
    return doc
