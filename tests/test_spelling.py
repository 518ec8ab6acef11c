""" "Did you mean": edit distances a person counted, and the choice among candidates."""

from __future__ import annotations

import collections

import pytest

from sitrep.index.words import WordCounts
from sitrep.search.spelling import Speller, distance


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [
        ("sanctions", "sanctions", 0),
        ("sanctons", "sanctions", 1),  # one letter left out
        ("sanctiions", "sanctions", 1),  # one letter too many
        ("sanctiobs", "sanctions", 1),  # one letter wrong
        ("snactions", "sanctions", 1),  # two neighbours swapped
        ("lukashneka", "lukashenka", 1),
        ("azerbajan", "azerbaijan", 1),
        ("azerbajn", "azerbaijan", 2),
        ("oil", "army", 3),  # past the limit of 2: reported as 3
        ("беларусь", "беларуси", 1),
        ("mixsk", "minks", 2),  # not a swap: x and k are not each other's neighbours
        ("ax", "xb", 2),
    ],
)
def test_distance_counts_edits_as_a_person_would(a: str, b: str, edits: int) -> None:
    assert distance(a, b, 2) == min(edits, 3)


def test_suggests_the_nearest_word_then_the_most_used() -> None:
    words = WordCounts(collections.Counter({"sanctions": 40, "sections": 90, "actions": 70, "oil": 9}))
    speller = Speller(words)
    assert speller.suggest("sanctons") == "sanctions"  # one edit beats the more used two-edit word
    assert speller.suggest("sectons") == "sections"
    assert speller.suggest("oill") == "oil"
    assert speller.suggest("sanctions") is None  # a known word needs nothing
    assert speller.suggest("xylophone") is None  # nothing within two edits
    ties = Speller(WordCounts(collections.Counter({"cast": 5, "cost": 50})))
    assert ties.suggest("cist") == "cost"  # equally near: the word more texts use


def test_words_are_counted_once_per_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.test_ranking import make_records

    records = make_records(5, 3)
    words = WordCounts()
    words.add(records)
    expected = collections.Counter()
    for r in records:
        expected.update({w for w in r.text.lower().replace(".", " ").split() if len(w) >= 3 and w.isalpha()})
    assert words.counts == expected
    words.save(tmp_path, 7)
    assert WordCounts.load(tmp_path, 7).counts == expected
    assert WordCounts.latest(tmp_path).counts == expected
    assert WordCounts.load(tmp_path, 8).counts == collections.Counter()


def test_suggestions_two_letters_longer_or_two_letters_different() -> None:
    speller = Speller(WordCounts(collections.Counter({"azerbaijan": 30, "minsk": 50, "mozyr": 4})))
    assert speller.suggest("azerbajn") == "azerbaijan"  # two letters left out
    assert speller.suggest("mansq") == "minsk"  # two letters wrong, both new to the word
