"""The tagger's rules one by one, on small alias tables written here (the dev sets in
test_countries.py measure the built-in table; these pin the code that reads any table).

Every expected tag below is written by hand from the rule the module docstring states.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from sitrep.countries import (
    AMBIGUOUS_NAMES,
    Alias,
    Tagger,
    Tags,
    _expand,
    builtin_table,
    default_tagger,
    merged_table,
    tagger_for,
)

ENDINGS = {"f": "а,ы,е", "m": ",а,ом"}

# pycountry names that are ordinary words too, with their ISO codes, as a person lists them
AMBIGUOUS = {
    "Georgia": "GE",
    "Jordan": "JO",
    "Chad": "TD",
    "Niger": "NE",
    "Mali": "ML",
    "Guinea": "GN",
    "Jersey": "JE",
    "Dominica": "DM",
}  # "Turkey" is in the code's list too, but pycountry (>= 23.12) calls TR "Türkiye": see equivalent.toml


def counts(tagger: Tagger, text: str) -> dict[str, int]:
    return dict(tagger.tag(text).country_counts)


def test_expand_by_hand() -> None:
    assert _expand("Minsk", ENDINGS) == ["Minsk"]
    assert _expand("Росси|я,и", ENDINGS) == ["Россия", "России"]
    assert _expand("Москв|@f", ENDINGS) == ["Москва", "Москвы", "Москве"]
    assert _expand("Минск|@m", ENDINGS) == ["Минск", "Минска", "Минском"]
    assert _expand("Бел|ая,ой Рус|ь,и", ENDINGS) == ["Белая Русь", "Белая Руси", "Белой Русь", "Белой Руси"]
    assert _expand("a|b|c", ENDINGS) == ["ab|c"]  # only the first bar splits


@pytest.mark.parametrize(("name", "code"), sorted(AMBIGUOUS.items()))
def test_an_ambiguous_name_counts_only_beside_a_clear_one(name: str, code: str) -> None:
    assert name in AMBIGUOUS_NAMES
    tagger = Tagger({code: {"en": ["Zedland"]}})
    assert counts(tagger, f"{name} was mentioned twice: {name}.") == {}
    assert counts(tagger, f"Zedland and {name}.") == {code: 2}
    assert counts(tagger, "Zedland alone.") == {code: 1}


def test_a_name_listed_as_weak_is_not_taken_from_pycountry() -> None:
    tagger = Tagger({"GE": {"weak": ["Georgia"]}, "XX": {"en": ["Tbilisi"]}})
    # weak, and never strong: the hand-written weak entry replaces pycountry's name
    assert counts(tagger, "Georgia and Georgia") == {}
    assert tagger.latin[("Georgia",)] == Alias("country", "GE", weak=True)


def test_pycountry_names_and_common_names() -> None:
    tagger = Tagger({})
    assert counts(tagger, "Azerbaijan and Bolivia") == {"AZ": 1, "BO": 1}
    # common name and official short name both count
    assert counts(tagger, "Vietnam, or Viet Nam") == {"VN": 2}
    assert counts(tagger, "Taiwan") == {"TW": 1}
    # names with a comma or a bracket are never aliases (as words: the tokens hold no punctuation)
    assert ("Bolivia", "Plurinational", "State", "of") not in tagger.latin
    assert ("Bolivia",) in tagger.latin
    assert ("Bonaire", "Sint", "Eustatius", "and", "Saba") not in tagger.latin
    assert ("Cocos", "Keeling", "Islands") not in tagger.latin
    assert ("Falkland", "Islands", "Malvinas") not in tagger.latin
    # nor weak ones: a longer weak phrase would swallow the name it starts with
    assert counts(tagger, "Bolivia Plurinational State of") == {"BO": 1}


def test_hand_written_aliases_win_over_pycountry() -> None:
    tagger = Tagger({"XK": {"en": ["Armenia"]}})
    assert counts(tagger, "Armenia") == {"XK": 1}


def test_latin_is_case_sensitive_cyrillic_is_not() -> None:
    tagger = Tagger({"endings": ENDINGS, "RU": {"en": ["Moscow"], "ru": ["Москв|@f"]}})
    assert counts(tagger, "moscow MOSCOW") == {}
    assert counts(tagger, "Moscow") == {"RU": 1}
    assert counts(tagger, "МОСКВА, москве и Москвы") == {"RU": 3}
    assert counts(tagger, "Москвой") == {}  # not a listed form


def test_possessives_and_a_final_dot() -> None:
    tagger = Tagger({"RU": {"en": ["Moscow", "Russian Federation"]}, "US": {"en": ["U.S."]}})
    assert counts(tagger, "Moscow's plans and Moscow’s answer") == {"RU": 2}
    assert counts(tagger, "the Russian Federation's plans") == {"RU": 1}
    assert counts(tagger, "Moscows") == {}
    assert counts(tagger, "the U.S. said") == {"US": 1}
    assert counts(tagger, "Moscow. Then") == {"RU": 1}
    tagger = Tagger({"US": {"en": ["U.S"]}})
    assert counts(tagger, "left the U.S.") == {"US": 1}  # the sentence's dot is not part of the name


def test_domains_and_mail_never_tag() -> None:
    tagger = Tagger({"BY": {"en": ["Minsk", "TUT"]}})
    assert counts(tagger, "minsk.by TUT.BY info@minsk.by") == {}
    assert counts(tagger, "Minsk TUT") == {"BY": 2}


def test_phrases_longest_first_and_never_across_punctuation() -> None:
    table = {
        "mask": {"en": ["Belaya Rus"]},
        "RU": {"en": ["Rus", "Russian", "Russian Federation"]},
        "FR": {"en": ["Federation"]},
    }
    tagger = Tagger(table)
    assert counts(tagger, "Belaya Rus met") == {}
    assert counts(tagger, "Belaya, Rus met") == {"RU": 1}
    assert counts(tagger, "the Russian Federation") == {"RU": 1}
    assert counts(tagger, "a Russian. Federation") == {"RU": 1, "FR": 1}
    assert counts(tagger, "Russian Federation Federation") == {"RU": 1, "FR": 1}
    assert counts(tagger, "at the end Russian") == {"RU": 1}
    assert counts(tagger, "Belaya") == {}


def test_a_long_phrase_at_the_end_of_the_text_falls_back_to_a_short_one() -> None:
    tagger = Tagger({"US": {"en": ["New York", "New York City"]}, "NZ": {"en": ["New"]}})
    assert counts(tagger, "in New York") == {"US": 1}
    assert counts(tagger, "New York City") == {"US": 1}
    assert counts(tagger, "New") == {"NZ": 1}


def test_cyrillic_start_words_are_found_in_any_case() -> None:
    tagger = Tagger({"BY": {"ru": ["Беларусь"], "be": ["Мінск"]}, "PL": {"ru": ["Польша"]}})
    assert counts(tagger, "БЕЛАРУСЬ МІНСК Польша польша") == {"BY": 2, "PL": 2}


def test_ranking_most_first_then_by_code_and_orgs() -> None:
    table = {
        "BY": {"en": ["Minsk"]},
        "AZ": {"en": ["Baku"]},
        "UA": {"en": ["Kyiv"]},
        "orgs": {"EU": {"en": ["Brussels"]}, "NATO": {"en": ["Alliance"]}, "CIS": {"en": ["Commonwealth"]}},
    }
    tagger = Tagger(table)
    tags = tagger.tag("Kyiv Minsk Baku Minsk Kyiv Minsk Alliance Brussels Commonwealth Brussels")
    assert tags.country_counts == (("BY", 3), ("UA", 2), ("AZ", 1))
    assert tags.countries == ("BY", "UA", "AZ")
    assert tags.orgs == ("EU", "CIS", "NATO")
    tags = tagger.tag("Kyiv Baku")
    assert tags.countries == ("AZ", "UA")
    assert tagger.tag("nothing here").countries == ()


def test_weak_adds_to_a_strong_count() -> None:
    tagger = Tagger({"GE": {"en": ["Tbilisi"], "weak": ["Georgia"]}, "AZ": {"en": ["Baku"]}})
    tags = tagger.tag("Georgia Georgia Tbilisi Baku Baku")
    assert tags.country_counts == (("GE", 3), ("AZ", 2))
    assert tagger.tag("Georgia Baku").country_counts == (("AZ", 1),)


def test_mask_entries_in_every_language_are_read() -> None:
    tagger = Tagger({"mask": {"en": ["Radio Minsk"], "ru": ["Радио Минск"]}, "BY": {"en": ["Minsk"], "ru": ["Минск"]}})
    assert counts(tagger, "Radio Minsk and Радио Минск") == {}
    assert counts(tagger, "Minsk and Минск") == {"BY": 2}


def test_merged_table_adds_a_users_aliases() -> None:
    table = merged_table({"by": {"en": ["Sluck"]}, "orgs.ZZ": {"en": ["Zorg"]}, "QQ": {"en": ["Qland"]}})
    builtin = builtin_table()
    assert table["BY"]["en"] == [*builtin["BY"]["en"], "Sluck"]  # type: ignore[index]
    assert table["BY"]["ru"] == builtin["BY"]["ru"]  # type: ignore[index]
    assert table["orgs"]["ZZ"] == {"en": ["Zorg"]}  # type: ignore[index]
    assert table["QQ"] == {"en": ["Qland"]}
    assert "by" not in table
    tagger = tagger_for({"by": {"en": ["Sluck"]}, "orgs.ZZ": {"en": ["Zorg"]}})
    tags = tagger.tag("Sluck and Minsk met Zorg")
    assert tags.country_counts == (("BY", 2),)
    assert tags.orgs == ("ZZ",)


def test_the_default_tagger_is_built_once_and_used_without_extras() -> None:
    assert tagger_for({}) is default_tagger()
    assert default_tagger() is default_tagger()
    assert tagger_for({"BY": {"en": ["Sluck"]}}) is not default_tagger()
    assert default_tagger().tag("Sluck").countries == ()
    assert default_tagger().tag("Lukashenka in Minsk").country_counts == (("BY", 2),)


def test_a_hand_written_mask_wins_over_pycountry() -> None:
    tagger = Tagger({"mask": {"en": ["Panama", "Chad"]}, "TD": {"en": ["Ndjamena"]}})
    assert counts(tagger, "Panama") == {}
    assert counts(tagger, "Ndjamena and Chad") == {"TD": 1}


def test_an_alias_form_without_words_is_skipped_and_the_rest_count() -> None:
    tagger = Tagger({"BY": {"en": ["-|,Minsk"]}})  # forms "-" (no word) and "-Minsk"
    assert counts(tagger, "Minsk") == {"BY": 1}


def test_an_alias_that_ends_in_a_possessive_is_found_as_written() -> None:
    tagger = Tagger({"GB": {"en": ["Lord's"]}})
    assert counts(tagger, "Lord's") == {"GB": 1}


def test_a_phrase_ending_in_a_dotted_word_at_a_full_stop() -> None:
    tagger = Tagger({"US": {"en": ["Washington D.C"]}})
    assert counts(tagger, "He flew to Washington D.C.") == {"US": 1}


def test_the_whole_cyrillic_block_is_case_insensitive() -> None:
    # U+0400 and U+04FF are the block's first and last letters
    tagger = Tagger({"MK": {"ru": ["ѐлка"]}, "XK": {"ru": ["ӿабв"]}})
    assert counts(tagger, "Ѐлка ӿАБВ") == {"MK": 1, "XK": 1}


def test_tags_and_aliases_are_values() -> None:
    assert Alias("country", "BY") == Alias("country", "BY", weak=False)
    assert hash(Alias("org", "EU")) == hash(Alias("org", "EU"))
    tags = default_tagger().tag("Minsk and Moscow, and Minsk")
    assert tags == Tags(countries=("BY", "RU"), country_counts=(("BY", 2), ("RU", 1)), orgs=())
    assert hash(tags) == hash(default_tagger().tag("Minsk and Moscow, and Minsk"))
    for value in (tags, Alias("country", "BY")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.countries = ()  # type: ignore[misc,union-attr]


def test_iso_codes_are_read_without_importing_pycountry() -> None:
    """country:XX is checked at every search's start: the codes come from pycountry's data file,
    not its (slow) import. A fresh process shows which happened."""
    import pycountry

    probe = "import sys; from sitrep.countries import iso_codes; print(len(iso_codes()), 'pycountry' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(len(list(pycountry.countries))), "False"]


def test_iso_codes_are_read_once_per_process() -> None:
    """Every country filter and field checks its code against this set: the file is read the
    first time, and every later call gets the same set back."""
    from sitrep.countries import iso_codes

    assert iso_codes() is iso_codes()
