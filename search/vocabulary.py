"""How typed values map to indexed ones: country names to codes, topic words to slugs, trend
synonyms to verdicts, and ``none`` / ``unknown`` to the records that lack a value.

The query parser and the API's keyword arguments both go through here, so ``country:azerbaijan``
and ``countries=["azerbaijan"]`` are checked and normalised alike.
"""

from __future__ import annotations

import functools
import re

from sitrep.config import Site
from sitrep.errors import QueryError

NONE = "none"  # the value of a record that has none: `topic:none`, `trend:none`, `country:none`
UNKNOWN = "unknown"  # a verdict the page printed that is not in the site's trends table
TRENDS = {
    "improved": "improved",
    "better": "improved",
    "gotten-better": "improved",
    "up": "improved",
    "positive": "improved",
    "worsened": "worsened",
    "worse": "worsened",
    "got-worse": "worsened",
    "down": "worsened",
    "negative": "worsened",
    "unchanged": "unchanged",
    "same": "unchanged",
    "not-changed": "unchanged",
    "stable": "unchanged",
    UNKNOWN: UNKNOWN,
    NONE: NONE,
}
LANGS = ("en", "ru", "be")


def _is_none(value: str) -> bool:
    return value.strip().casefold() == NONE


class Vocabulary:
    """The values one site's archive knows, and the error that names the fix for any other."""

    def __init__(self, site: Site) -> None:
        self.site = site

    @functools.cached_property
    def _country_names(self) -> dict[str, str]:
        from sitrep.countries import default_tagger

        names: dict[str, str] = {}
        tagger = default_tagger()
        for table in (tagger.latin, tagger.cyrillic):
            for words, alias in table.items():
                if alias.kind == "country":
                    names.setdefault(" ".join(words).casefold(), alias.code)
        return names

    def country(self, value: str, raw: str) -> str:
        from sitrep.countries import iso_codes

        text = value.strip()
        if _is_none(text):
            return NONE
        if re.fullmatch(r"[A-Za-z]{2}", text) and text.upper() in iso_codes():
            return text.upper()
        key = text.casefold()
        bare = key.removeprefix("the ")  # "the Netherlands" and "Netherlands", "Gambia" and "the Gambia"
        code = self._country_names.get(key) or self._country_names.get(bare) or self._country_names.get("the " + bare)
        if code:
            return code
        raise QueryError(raw, f"unknown country {value!r}: use an ISO code (AZ) or a name (Azerbaijan)")

    @functools.cached_property
    def _orgs(self) -> dict[str, str]:
        from sitrep.countries import default_tagger

        tagger = default_tagger()
        names: dict[str, str] = {}
        for table in (tagger.latin, tagger.cyrillic):
            for words, alias in table.items():
                if alias.kind == "org":
                    names.setdefault(" ".join(words).casefold(), alias.code)
                    names.setdefault(alias.code.casefold(), alias.code)
                    names.setdefault(alias.code.casefold().replace("_", "-"), alias.code)
        return names

    def org(self, value: str, raw: str) -> str:
        if _is_none(value):
            return NONE
        code = self._orgs.get(value.strip().casefold())
        if code:
            return code
        raise QueryError(raw, f"unknown organisation {value!r} (known: {', '.join(sorted(set(self._orgs.values())))})")

    def topic(self, value: str, raw: str) -> str:
        text = value.strip().casefold().replace(" ", "-")
        if text in self.site.topics or text == NONE:
            return text
        labels = {
            label.casefold().replace(" ", "-"): slug
            for t in self.site.labels.values()
            for label, slug in t.topics.items()
        }
        if text in labels:
            return labels[text]
        found = sorted(
            {s for s in self.site.topics if text in s} | {slug for label, slug in labels.items() if text in label}
        )
        if len(found) == 1:
            return found[0]
        if found:
            raise QueryError(raw, f"topic {value!r} is ambiguous: {', '.join(found)}")
        raise QueryError(raw, f"unknown topic {value!r} (topics: {', '.join(self.site.topics)}, or none)")

    def trend(self, value: str, raw: str) -> str:
        found = TRENDS.get(value.strip().casefold().replace(" ", "-"))
        if found:
            return found
        raise QueryError(
            raw,
            f"unknown trend {value!r}: use improved/better, worsened/worse, unchanged/same, "
            "unknown (a verdict not in the trends table) or none",
        )

    def lang(self, value: str, raw: str) -> str:
        text = value.strip().casefold()
        if text in LANGS:
            return text
        raise QueryError(raw, f"unknown language {value!r}: use en, ru or be")

    def author(self, value: str, raw: str) -> str:
        text = value.strip().casefold()
        if not text:
            raise QueryError(raw, "an author needs a name")
        return text
