"""The record kernel: the id rule, the JSON round trip, and merge, against values written here."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep.record import Record, content_hash, field_names, finish, make_id, merge, normalise_text


def sha16(*parts: str) -> str:
    """The id rule as documented: sha256 of lang and the case-folded text, joined by U+001F."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def test_id_rule_by_hand() -> None:
    assert make_id("en", "A Title", "The lead.", ["One.", "Two."]) == sha16("en", "a title the lead. one. two.")
    assert make_id("ru", "Заголовок", "Лид", []) == sha16("ru", "заголовок лид")
    # case, runs of white space and non-breaking spaces do not count; the language does
    assert make_id("en", "A  Title", "The\xa0lead.", ["One.\n", " Two."]) == make_id(
        "en", "a title", "the lead.", ["one.", "two."]
    )
    assert make_id("en", "A", "B", []) != make_id("be", "A", "B", [])
    assert len(make_id("en", "x", "", [])) == 16


def test_normalise_text() -> None:
    assert normalise_text("  a\xa0\xa0b \n\t c ") == "a b c"
    assert normalise_text("e\u0301") == "é"  # NFC
    assert normalise_text("") == ""


WHITE = "".join(chr(c) for c in range(0x3000 + 1) if chr(c).isspace())  # every space up to U+3000


@given(st.text(alphabet=st.sampled_from(f"ab\u0301Жё-{WHITE}"), max_size=40) | st.text(max_size=40))
def test_normalise_text_folds_white_space_as_the_pattern_does(text: str) -> None:
    """Against the rule it was written from: NFC, then every run of ``\\s`` one space, trimmed."""
    oracle = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    assert normalise_text(text) == oracle


def rec(layout: str, url: str, **fields: object) -> Record:
    return Record(id="x", site="s", url=url, urls=(url,), lang="en", layout=layout, title="T", **fields)  # type: ignore[arg-type]


def shortest(urls: list[str]) -> str:
    return min(urls, key=len)


def test_merge_takes_each_field_from_the_richest_page_that_has_it() -> None:
    old = rec("old", "https://i/o/", stamp="2016-04-22T10:34", trend_label="Old verdict", captions=("Image: x",))
    current = rec("current", "https://p/c/", topic="economy", trend_label="The situation got worse", trend="worsened")
    last = lambda urls: urls[-1]  # noqa: E731 - the pooled URLs arrive sorted
    merged = merge([old, current], last)
    assert merged.layout == "current"
    assert merged.trend_label == "The situation got worse" and merged.trend == "worsened"
    assert merged.stamp == "2016-04-22T10:34"  # only the old page has it
    assert merged.captions == ("Image: x",)
    assert merged.topic == "economy"
    assert merged.urls == ("https://i/o/", "https://p/c/")
    assert merged.url == "https://p/c/"
    assert merged == merge([current, old], last)  # order does not matter
    assert merged.content_hash == content_hash(merged) != ""


def test_merge_prefers_a_printed_week_over_a_listing_over_a_stamp() -> None:
    stamp = rec("old", "https://i/a/", week_start="2016-01-04", week_end="2016-01-10", date_source="stamp")
    listing = rec("headerless", "https://p/b/", week_start="2016-01-11", week_end="2016-01-17", date_source="listing")
    printed = "January 18 – January 24, 2016"
    week = rec("headerless", "https://p/c/", week_start="2016-01-18", week_end="2016-01-24", date_source="week")
    week = dataclasses.replace(week, week_label=printed)
    assert merge([stamp, listing], shortest).date_source == "listing"
    assert merge([stamp, listing], shortest).week_label == ""
    merged = merge([stamp, listing, week], shortest)
    assert (merged.week_start, merged.week_end, merged.date_source) == ("2016-01-18", "2016-01-24", "week")
    assert merged.week_label == printed  # the label goes with the week it names
    none = rec("current", "https://p/d/")
    assert merge([none, stamp], shortest).week_start == "2016-01-04"


def test_merge_keeps_the_newest_fetch_and_needs_a_page() -> None:
    a = dataclasses.replace(rec("current", "https://p/a/"), fetched_at="2024-01-01T00:00:00Z")
    b = dataclasses.replace(rec("old", "https://i/b/"), fetched_at="2024-02-01T00:00:00Z")
    assert merge([a, b], shortest).fetched_at == "2024-02-01T00:00:00Z"
    assert merge([rec("old", "https://i/c/")], shortest).fetched_at is None
    with pytest.raises(ValueError, match="at least one"):
        merge([], shortest)


def test_json_round_trip_and_text() -> None:
    r = finish(
        Record(
            id="i",
            site="s",
            url="u",
            urls=("u", "v"),
            lang="ru",
            layout="current",
            title="T",
            lead="L",
            body=("B1", "B2"),
            week_start="2023-05-15",
            countries=("BY", "RU"),
            country_counts=(("BY", 2), ("RU", 1)),
        )
    )
    data = r.to_dict()
    assert data["country_counts"] == {"BY": 2, "RU": 1} and data["urls"] == ["u", "v"]
    assert Record.from_json(r.to_json()) == r
    assert r.text == "T\nL\nB1\nB2"
    assert r.year == 2023 and rec("old", "u").year is None
    assert field_names()[0] == "id" and "content_hash" in field_names()


def test_content_hash_ignores_where_and_when_but_not_what() -> None:
    base = rec("current", "https://p/a/", lead="L")
    moved = dataclasses.replace(base, url="https://p/b/", urls=("https://p/b/",), id="y", fetched_at="2024-01-01")
    assert content_hash(base) == content_hash(moved)
    assert content_hash(base) == content_hash(dataclasses.replace(base, sample=True)), "the store's mark, not the text"
    assert content_hash(base) != content_hash(dataclasses.replace(base, lead="L2"))


def test_vocabularies_and_defaults_as_documented() -> None:
    from sitrep import record

    assert record.LANGS == ("en", "ru", "be")
    assert record.TRENDS == ("improved", "worsened", "unchanged")
    assert record.DATE_SOURCES == ("week", "listing", "stamp", "none")
    assert record.LAYOUTS == ("current", "transitional", "old", "headerless")
    minimal = Record(id="i", site="s", url="u", urls=("u",), lang="en", layout="old", title="T")
    assert minimal.to_dict() == {
        "id": "i", "site": "s", "url": "u", "urls": ["u"], "lang": "en", "layout": "old", "title": "T",
        "lead": "", "body": [], "week_start": None, "week_end": None, "date_source": "none", "week_label": "",
        "stamp": None, "topic": None, "topic_label": None, "trend": None, "trend_label": None, "author": None, "captions": [],
        "countries": [], "country_counts": {}, "orgs": [], "fetched_at": None, "content_hash": "",
        "title_source": "", "warnings": [], "sample": False,
    }  # fmt: skip
    with pytest.raises(dataclasses.FrozenInstanceError):
        minimal.title = "X"  # type: ignore[misc]


def test_json_keeps_cyrillic_readable() -> None:
    r = rec("current", "u", lead="Минск")
    assert '"lead": "Минск"' in r.to_json()


def test_content_hash_by_its_rule() -> None:
    r = rec("current", "https://p/a/", lead="Минск", countries=("BY",), country_counts=(("BY", 1),))
    data = r.to_dict()
    # "sample" is the store's mark, added later: hashes stored before it must stay the same
    for volatile in ("id", "fetched_at", "content_hash", "urls", "url", "sample"):
        del data[volatile]
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    assert content_hash(r) == sha16(text)


def test_merge_with_a_transitional_page_and_empty_values() -> None:
    current = rec("current", "https://p/c/", lead="", topic="economy")
    trans = rec("transitional", "https://i/t/", lead="The lead.", author="A. B.")
    old = rec("old", "https://i/o/", lead="Old lead.", author="C. D.")
    merged = merge([old, trans, current], lambda urls: urls[0])
    assert merged.lead == "The lead."  # an empty value is no value: the next richest page gives it
    assert merged.author == "A. B." and merged.topic == "economy" and merged.layout == "current"
    assert merged.id == current.id and merged.content_hash == content_hash(merged)
    with pytest.raises(ValueError, match=r"^merge\(\) needs at least one record$"):
        merge([], lambda urls: urls[0])


def test_the_sample_note_reads_as_written() -> None:
    from sitrep.record import SAMPLE_NOTE

    assert SAMPLE_NOTE == "generated sample (sitrep demo), not a real analysis"
