"""The one record type: what the parser produces, the store keeps, the index maps and search returns.

Everything downstream reads these fields; ``tests/test_schema_drift.py`` fails when the Whoosh
schema and this class drift apart.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

LANGS = ("en", "ru", "be")
TRENDS = ("improved", "worsened", "unchanged")
DATE_SOURCES = ("week", "listing", "stamp", "none")
# Richest layout first: when one text is seen in several layouts, each field is taken from the
# richest page that has it.
LAYOUTS = ("current", "transitional", "old", "headerless")
SAMPLE_NOTE = "generated sample (sitrep demo), not a real analysis"  # how every output marks a sample record


@dataclasses.dataclass(frozen=True)
class Record:
    """One analytical text of one week, however many URLs it was seen at."""

    id: str
    site: str
    url: str
    urls: tuple[str, ...]
    lang: str
    layout: str
    title: str
    title_source: str = ""  # h1 | og:title | title | heading: which rule found the title
    lead: str = ""
    body: tuple[str, ...] = ()
    week_start: str | None = None
    week_end: str | None = None
    date_source: str = "none"
    week_label: str = ""  # the week as the page printed it ("December 28 – January 3, 2020"), spaces normalised
    stamp: str | None = None
    topic: str | None = None
    topic_label: str | None = None
    trend: str | None = None
    trend_label: str | None = None
    author: str | None = None
    captions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    country_counts: tuple[tuple[str, int], ...] = ()
    orgs: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # a field found twice with different values: kept once, noted here
    fetched_at: str | None = None
    content_hash: str = ""
    # from the generated sample archive of `sitrep demo`, not the real site: set by the store
    # that holds it (its mark), so every output built on a record can say so (SAMPLE_NOTE)
    sample: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``Record.from_dict`` gives back an equal record."""
        out = {name: getattr(self, name) for name in _FIELDS}  # asdict() deep-copies: needless here
        for name in _TUPLES:
            out[name] = list(out[name])
        out["country_counts"] = dict(self.country_counts)
        return out

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        values = dict(data)
        for name in _TUPLES:  # JSON's lists, back to the record's tuples
            if isinstance(values.get(name), list):
                values[name] = tuple(values[name])
        counts = values.get("country_counts") or {}
        values["country_counts"] = tuple(
            (code, int(n)) for code, n in (counts.items() if isinstance(counts, dict) else counts)
        )
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> Record:
        return cls.from_dict(json.loads(text))

    @property
    def text(self) -> str:
        """Title, lead and body as one string: what full-text search and tagging read."""
        return "\n".join([self.title, self.lead, *self.body])

    @property
    def year(self) -> int | None:
        return int(self.week_start[:4]) if self.week_start else None


def field_names() -> tuple[str, ...]:
    return _FIELDS


_FIELDS = tuple(f.name for f in dataclasses.fields(Record))
_TUPLES = ("urls", "body", "captions", "countries", "orgs", "warnings")


def normalise_text(text: str) -> str:
    """NFC, one space for any run of white space (non-breaking included), trimmed.

    ``str.split()`` splits where ``\\s+`` matches (every character ``isspace()`` calls white
    space, U+00A0 among them) and drops the ends: 4 µs a paragraph against 16 for ``re.sub``
    and ``strip``, for the ~70 blocks of a page.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def make_id(lang: str, title: str, lead: str, body: Iterable[str]) -> str:
    """A stable id from the normalised text, so one text seen at several URLs is one record.

    Case and white space do not count; the store keeps the first id it assigned when a known
    URL later shows an edited text (that is a new version, not a new record).
    """
    text = " ".join(normalise_text(p).casefold() for p in (title, lead, *body))
    return _digest(lang, text)[:16]


def content_hash(record: Record) -> str:
    """A hash of everything the parser read from the page(s), to detect changed texts."""
    data = record.to_dict()
    for volatile in ("id", "fetched_at", "content_hash", "urls", "url", "sample"):
        data.pop(volatile)
    return _digest(json.dumps(data, sort_keys=True, ensure_ascii=False))[:16]


def finish(record: Record) -> Record:
    """Fill ``content_hash`` after every other field is set."""
    return dataclasses.replace(record, content_hash=content_hash(record))


def merge(records: Iterable[Record], canonical_url: Callable[[list[str]], str]) -> Record:
    """One record from pages that carry the same text, whatever order they were seen in.

    The richest layout (``LAYOUTS`` order) wins field by field; a field it lacks comes from the
    next; dates prefer a printed week over a listing over a stamp. URLs are pooled and
    ``canonical_url`` (the site profile's rule) picks the record's URL among them.
    """
    pages = sorted(records, key=lambda r: (LAYOUTS.index(r.layout), r.url))
    if not pages:
        raise ValueError("merge() needs at least one record")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Record):
        if f.name in ("urls", "url", "fetched_at", "content_hash", "id", "sample"):
            continue
        for page in pages:
            value = getattr(page, f.name)
            if value not in (None, "", ()):
                values[f.name] = value
                break
    dated = min(pages, key=lambda r: DATE_SOURCES.index(r.date_source))
    for name in ("week_start", "week_end", "date_source", "week_label"):
        values[name] = getattr(dated, name)
    urls = sorted({u for page in pages for u in page.urls})
    fetched = [p.fetched_at for p in pages if p.fetched_at]
    merged = dataclasses.replace(
        pages[0],
        **values,
        urls=tuple(urls),
        url=canonical_url(urls),
        fetched_at=max(fetched) if fetched else None,
    )
    return finish(merged)
