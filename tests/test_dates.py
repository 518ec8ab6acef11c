"""Week ranges as printed, yearless listing weeks, stamps, and how a text gets its date."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep import dates
from sitrep.config import load
from sitrep.crawler.assemble import assemble
from sitrep.record import Record

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("November 28 – December 4, 2016", D(2016, 11, 28), D(2016, 12, 4)),
        ("November 28 — December 4, 2016", D(2016, 11, 28), D(2016, 12, 4)),
        ("November 28 - December 4, 2016", D(2016, 11, 28), D(2016, 12, 4)),
        ("November 28–December 4,2016", D(2016, 11, 28), D(2016, 12, 4)),
        ("November\xa028 \xa0–  December 4,\xa02016", D(2016, 11, 28), D(2016, 12, 4)),
        ("May 15 – May 21, 2023", D(2023, 5, 15), D(2023, 5, 21)),
        ("May 15 – 21, 2023", D(2023, 5, 15), D(2023, 5, 21)),
        ("December 26 – January 1, 2022", D(2022, 12, 26), D(2023, 1, 1)),
        ("by Ales Kruk September 5 – September 11, 2022", D(2022, 9, 5), D(2022, 9, 11)),
        ("28 ноября – 4 декабря 2016", D(2016, 11, 28), D(2016, 12, 4)),
        ("28 ноября – 4 декабря 2016 г.", D(2016, 11, 28), D(2016, 12, 4)),
        ("26 декабря – 1 января 2022", D(2022, 12, 26), D(2023, 1, 1)),
        ("28 лістапада — 4 снежня 2016", D(2016, 11, 28), D(2016, 12, 4)),
        ("30 красавіка – 6 траўня 2018", D(2018, 4, 30), D(2018, 5, 6)),
    ],
)
def test_week_ranges_as_printed(text: str, start: dt.date, end: dt.date) -> None:
    found = dates.find_week(text)
    assert found is not None and found[:2] == (start, end)
    assert found[0].weekday() == 0 and (found[1] - found[0]).days == 6


@pytest.mark.parametrize(
    "text",
    [
        "November 29 – December 5, 2016",
        "December 26 – January 1, 2021",
        "February 30 – March 6, 2023",
        "May 15 – May 22, 2023",
    ],
)
def test_impossible_weeks_are_not_weeks(text: str) -> None:
    assert dates.find_week(text) is None
    assert dates.has_week_with_year(text)


def test_sidebar_week_without_year_is_not_a_week() -> None:
    assert dates.find_week("Situation in Belarus March 18 – March 24 View all") is None
    assert dates.find_yearless("March 18 – March 24") == dates.YearlessRange((3, 18), (3, 24))


RUSSIAN = [
    ["январь", "января", "январе", "январём"],
    ["февраль", "февраля", "феврале"],
    ["март", "марта", "марте"],
    ["апрель", "апреля", "апреле"],
    ["май", "мая", "мае"],
    ["июнь", "июня", "июне"],
    ["июль", "июля", "июле"],
    ["август", "августа", "августе"],
    ["сентябрь", "сентября", "сентябре"],
    ["октябрь", "октября", "октябре"],
    ["ноябрь", "ноября", "ноябре"],
    ["декабрь", "декабря", "декабре"],
]
BELARUSIAN = [
    ["студзень", "студзеня", "студзені"],
    ["люты", "лютага", "лютым"],
    ["сакавік", "сакавіка", "сакавіку"],
    ["красавік", "красавіка", "красавіку"],
    ["травень", "траўня", "траўні"],
    ["чэрвень", "чэрвеня", "чэрвені"],
    ["ліпень", "ліпеня", "ліпені"],
    ["жнівень", "жніўня", "жніўні"],
    ["верасень", "верасня", "верасні"],
    ["кастрычнік", "кастрычніка", "кастрычніку"],
    ["лістапад", "лістапада", "лістападзе"],
    ["снежань", "снежня", "снежні"],
]


@pytest.mark.parametrize("month", range(1, 13))
def test_russian_and_belarusian_month_names_in_every_case(month: int) -> None:
    for word in RUSSIAN[month - 1] + BELARUSIAN[month - 1] + [w.capitalize() for w in RUSSIAN[month - 1]]:
        assert dates.month_number(word) == month, word


def test_stamps() -> None:
    assert dates.find_stamp("September 26, 2016 10:34") == dt.datetime(2016, 9, 26, 10, 34)
    assert dates.find_stamp("April 22, 2016") == dt.datetime(2016, 4, 22)
    assert dates.find_stamp("no date here") is None


def yearless(text: str) -> dates.YearlessRange:
    found = dates.find_yearless(text)
    assert found is not None
    return found


def test_listing_years_from_the_monday_rule_and_the_order() -> None:
    ranges = [yearless("January 9 – January 15"), yearless("December 26 – January 1"), yearless("May 7 – May 13")]
    # alone, the first two are ambiguous (2017/2023, 2016/2022); May 7 is a Monday only in 2018
    assert dates.resolve_years(ranges[:1], 2014, 2025) == [None]
    resolved = dates.resolve_years(ranges, 2014, 2025)
    assert resolved == [
        (D(2023, 1, 9), D(2023, 1, 15)),
        (D(2022, 12, 26), D(2023, 1, 1)),
        (D(2018, 5, 7), D(2018, 5, 13)),
    ]


def test_listing_years_stay_unknown_when_ambiguous() -> None:
    ranges = [yearless("January 9 – January 15"), yearless("January 9 – January 15"), None]
    assert dates.resolve_years(ranges, 2014, 2025) == [None, None, None]
    # May 8 is a Monday in 2017 and in 2023: without neighbours nothing decides between them
    assert [y for y in range(2014, 2026) if yearless("May 8 – May 14").in_year(y)] == [2017, 2023]
    assert dates.resolve_years([yearless("May 8 – May 14")], 2014, 2025) == [None]
    assert dates.resolve_years([yearless("February 30 – March 6")], 2014, 2025) == [None]


SITE = load(path=None, environ={}).sites["belarusinfocus"]
OLD = Record(
    id="x",
    site="belarusinfocus",
    url="https://belarusinfocus.info/economy/a/",
    urls=("https://belarusinfocus.info/economy/a/",),
    lang="en",
    layout="old",
    title="T",
    lead="L",
    stamp="2016-09-27T10:34",
)


def test_a_printed_week_beats_a_listing_week_beats_a_stamp() -> None:
    current = dataclasses.replace(
        OLD,
        url="https://belarusinfocus.pro/economy/a/",
        urls=("https://belarusinfocus.pro/economy/a/",),
        layout="current",
        stamp=None,
        week_start="2016-09-19",
        week_end="2016-09-25",
        date_source="week",
    )
    listing = {OLD.urls[0]: ("2016-09-12", "2016-09-18")}
    assert assemble([OLD, current], listing, SITE).week_start == "2016-09-19"
    assert assemble([OLD], listing, SITE).date_source == "listing"
    from_stamp = assemble([OLD], {}, SITE)
    assert (from_stamp.week_start, from_stamp.week_end, from_stamp.date_source) == ("2016-09-26", "2016-10-02", "stamp")


def test_a_migration_stamp_never_becomes_the_week() -> None:
    migrated = assemble([dataclasses.replace(OLD, stamp="2016-04-22T10:34")], {}, SITE)
    assert (migrated.week_start, migrated.date_source, migrated.stamp) == (None, "none", "2016-04-22T10:34")


def test_the_monday_rule_covers_both_ends_of_the_archive() -> None:
    # January 6 is a Monday in 2025 (not 2024) and in 2014 (not 2015): each end year counts
    assert dates.resolve_years([yearless("January 6 – January 12")], 2024, 2025) == [(D(2025, 1, 6), D(2025, 1, 12))]
    assert dates.resolve_years([yearless("January 6 – January 12")], 2014, 2015) == [(D(2014, 1, 6), D(2014, 1, 12))]
    assert dates.resolve_years([yearless("January 6 – January 12")], 2015, 2019) == [None]  # next: 2020
    # a range across New Year takes the start's year: December 29 2025 is a Monday
    assert dates.resolve_years([yearless("December 29 – January 4")], 2020, 2025) == [(D(2025, 12, 29), D(2026, 1, 4))]


@pytest.mark.parametrize("month", range(1, 13))
def test_every_english_month_name_and_abbreviation(month: int) -> None:
    full = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ][month - 1]  # fmt: skip
    assert dates.month_number(full) == month
    assert dates.month_number(full.upper()) == month
    assert dates.month_number(full[:3] + ".") == month
    assert dates.month_number(full[:3].lower()) == month


def test_sept_and_words_that_are_no_month() -> None:
    assert dates.month_number("Sept.") == 9 and dates.month_number("sept") == 9
    for word in ("Foo", "Ju", "Mayday", "Sep t", "Octobers", ""):
        assert dates.month_number(word) is None, word


@pytest.mark.parametrize(
    ("words", "month"),
    [
        ("января январь студзеня студзень", 1),
        ("февраля лютага люты", 2),
        ("марта март сакавіка", 3),
        ("апреля красавіка", 4),
        ("мая май траўня травень", 5),
        ("июня чэрвеня", 6),
        ("июля ліпеня", 7),
        ("августа жніўня", 8),
        ("сентября верасня", 9),
        ("октября кастрычніка", 10),
        ("ноября лістапада", 11),
        ("декабря снежня", 12),
    ],
)
def test_every_russian_and_belarusian_month(words: str, month: int) -> None:
    for word in words.split():
        assert dates.month_number(word) == month, word
        assert dates.month_number(word.capitalize()) == month, word


def test_clean_folds_every_kind_of_space() -> None:
    assert dates.clean("  May\xa015\u202f–\t\nMay 21, 2023  ") == "May 15 – May 21, 2023"
    assert dates.find_week("May\xa015\u202f–\u202fMay\xa021,\xa02023")[:2] == (D(2023, 5, 15), D(2023, 5, 21))


@given(st.lists(st.sampled_from(["May", "15", "–", " ", "\xa0", "\u202f", "\t", "\n", "\u3000", "\x1c"])).map("".join))
def test_clean_folds_white_space_as_the_pattern_does(text: str) -> None:
    assert dates.clean(text) == re.sub(r"\s+", " ", text).strip()  # the rule, spelled as a pattern


def test_russian_stamps_and_impossible_stamps() -> None:
    assert dates.find_stamp("22 апреля 2016 г., 10:34") == dt.datetime(2016, 4, 22, 10, 34)
    assert dates.find_stamp("22 красавіка 2016") == dt.datetime(2016, 4, 22, 0, 0)
    assert dates.find_stamp("April 31, 2016 10:00 then May 2, 2016 09:05") == dt.datetime(2016, 5, 2, 9, 5)
    assert dates.find_stamp("Foo 3, 2016 10:00") is None
    assert dates.find_stamp("no date here") is None


def test_ranges_with_unknown_month_words_are_skipped() -> None:
    assert dates.find_week("May 15 – Foo 21, 2023") is None
    assert dates.find_week("Foo 15 – May 21, 2023") is None
    assert dates.find_week("28 фуу – 4 декабря 2016") is None
    assert dates.find_week("28 – 4 декабря 2016 г.") is None  # not a week: the 28th is after the 4th
    assert dates.find_week("28 ноября – 4 декабря 2016 г.")[:2] == (D(2016, 11, 28), D(2016, 12, 4))
    assert dates.find_week("May 16 – May 22, 2023; May 15 – May 21, 2023")[:2] == (D(2023, 5, 15), D(2023, 5, 21))
    assert dates.find_week("May 15 – 21, 2023")[:2] == (D(2023, 5, 15), D(2023, 5, 21))


def test_has_week_with_year_reports_impossible_weeks_too() -> None:
    assert dates.has_week_with_year("May 15 – May 21, 2023")
    assert dates.has_week_with_year("May 15 – May 22, 2023")  # printed with a year, not a week
    assert not dates.has_week_with_year("May 15 – May 21")
    assert not dates.has_week_with_year("Foo 15 – May 21, 2023")


def test_yearless_ranges_are_values() -> None:
    r = dates.find_yearless("May 7 – May 13")
    assert r == dates.YearlessRange((5, 7), (5, 13)) and hash(r) == hash(dates.YearlessRange((5, 7), (5, 13)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.start = (1, 1)  # type: ignore[misc]
    assert dates.find_yearless("May 15 – May 21, 2023") is None


def test_neighbours_narrow_the_year_both_ways() -> None:
    may8, may7 = yearless("May 8 – May 14"), yearless("May 7 – May 13")  # 2017 or 2023; only 2018
    assert dates.resolve_years([may8, may7], 2014, 2025) == [
        (D(2023, 5, 8), D(2023, 5, 14)),
        (D(2018, 5, 7), D(2018, 5, 13)),
    ]
    assert dates.resolve_years([may7, may8], 2014, 2025) == [
        (D(2018, 5, 7), D(2018, 5, 13)),
        (D(2017, 5, 8), D(2017, 5, 14)),
    ]
    # a chain: the bottom pins the middle, which then pins the top
    jan9 = yearless("January 9 – January 15")  # 2017 or 2023
    assert dates.resolve_years([jan9, may8, may7], 2014, 2025)[0] == (D(2023, 1, 9), D(2023, 1, 15))
    assert dates.resolve_years([may7, may8, jan9], 2014, 2025)[2] == (D(2017, 1, 9), D(2017, 1, 15))


def test_week_label_by_hand() -> None:
    assert dates.week_label("2020-08-10", "2020-08-16") == "August 10 – August 16, 2020"
    assert dates.week_label("2016-02-29", "2016-03-06") == "February 29 – March 6, 2016"
    assert dates.week_label("2020-12-28", "2021-01-03") == "December 28, 2020 – January 3, 2021"
    assert dates.week_label("2018-01-01", "2018-01-07") == "January 1 – January 7, 2018"
    assert dates.week_label(None, None) == "week unknown"
    assert dates.week_label("2020-08-10", None) == "week unknown"
    assert dates.week_label(None, "2020-08-16") == "week unknown"
    assert dates.week_label("", "2020-08-16") == "week unknown"


def test_an_unreadable_range_or_stamp_does_not_hide_a_later_one() -> None:
    assert dates.find_week("Foo 15 – Bar 21, 2023; May 15 – May 21, 2023")[:2] == (D(2023, 5, 15), D(2023, 5, 21))
    assert dates.find_week("28 фуу – 4 бар 2016; 28 ноября – 4 декабря 2016")[:2] == (D(2016, 11, 28), D(2016, 12, 4))
    assert dates.find_week("28 ноября – 4 фуу 2016") is None  # the end's month is no month
    assert dates.find_yearless("28 ноября – 4 фуу") is None
    assert dates.find_stamp("Foo 3, 2016 10:00 then May 2, 2016 09:05") == dt.datetime(2016, 5, 2, 9, 5)
    assert dates.find_stamp("3 фуу 2016, then 2 мая 2016") == dt.datetime(2016, 5, 2, 0, 0)


def test_letters_around_a_month_name_make_it_no_month() -> None:
    for word in ("XMay", "MayX", "Xjan.", "маяX"):
        assert dates.month_number(word) is None, word


def test_the_date_patterns_are_compiled_once_and_shared_unchanged() -> None:
    """Compiled when first used (a search needs none of them), then one set for every caller."""
    patterns = dates.compiled()
    assert dates.compiled() is patterns
    with pytest.raises(dataclasses.FrozenInstanceError):
        patterns.en_range = patterns.stamp  # type: ignore[misc]
