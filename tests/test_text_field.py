"""``OnePassText`` indexes a text in one loop; Whoosh's own TEXT field, given Whoosh's own
analyzers (its default word pattern, capturing group and all), is the oracle for what it must
yield, and an index written through Whoosh's chain is the oracle for the index it writes."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StandardAnalyzer, StemFilter, StemmingAnalyzer, StopFilter
from whoosh.fields import TEXT

from sitrep.index import text_field
from sitrep.index.schema import cyrillic_stem, schema
from sitrep.index.text_field import OnePassText
from tests.test_pool_runs import everything
from tests.test_ranking import make_records

SCHEMA = schema()
OURS = {name: SCHEMA[name] for name in ("text_en", "text_ru")}
# Whoosh's chains as Whoosh builds them by default; the Russian one takes the schema's stop list
ORACLE = {
    "text_en": TEXT(analyzer=StemmingAnalyzer()),
    "text_ru": TEXT(
        analyzer=RegexTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=SCHEMA["text_ru"].analyzer.items[2].stops)
        | StemFilter(stemfn=cyrillic_stem)
    ),
}

TEXTS = [
    "",
    "the",  # a stop word alone
    "The war and the army: the situation has not changed.",  # stop words first, then kept words
    "a I x the oil",  # one-letter words are dropped like stop words
    "U.S. e.g. 3.5 per cent, Lukashenka's 2016-2017 term; snake_case words__",
    "Ситуация не изменилась: в Минске и Баку обсуждали нефть, Беларусь и Азербайджан.",
    "Ґрунт і ўзровень — Belarusian letters і ў; NATO и ЕС; Лукашенко Lukashenka",
    "İstanbul ß STRASSE Ǆemal ﬁnance ²³ x² Ⅻ",  # lower-casing that changes length, numerals
    "oil " * 50 + "gas " * 3 + "and oil",  # one word at many places
    " ".join(f"w{i}" for i in range(5000)),  # positions past what the loop remembers encoded
]

_pieces = st.sampled_from(
    ["the", "and", "oil", "Oil", "OIL", "a", "I", "и", "не", "нефть", "Беларусь", "Minsk's", "U.S.",
     "3.5", "2016", "_", "..", ".", "—", "е.г.", "İ", "ß", "x²", "ў", "\n", "  ", "a.b.c", "Lukashenka"]
)  # fmt: skip
_text = st.lists(_pieces | st.text(max_size=6), max_size=60).map(" ".join)


def same(field: str, text: str) -> None:
    assert list(OURS[field].index(text)) == list(ORACLE[field].index(text)), text


@pytest.mark.parametrize("field", ["text_en", "text_ru"])
def test_one_pass_yields_what_whooshs_chain_yields(field: str) -> None:
    for text in TEXTS:
        same(field, text)
    records = make_records(300, 11)
    for record in records:
        same(field, record.text)


@settings(max_examples=300, deadline=None)
@given(text=_text)
def test_one_pass_equals_whoosh_on_generated_text(text: str) -> None:
    same("text_en", text)
    same("text_ru", text)


def test_the_remembered_words_are_bounded_and_forgetting_changes_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(text_field, "REMEMBERED", 20)
    field = OnePassText(analyzer=StemmingAnalyzer(text_field.WORDS))
    for n in range(50):  # 30 words never seen before in each text: 1,500 in all
        text = " ".join(f"word{n}x{i} the oil" for i in range(30))
        assert list(field.index(text)) == list(ORACLE["text_en"].index(text))
        assert len(field.__dict__["_forms"]) <= 20 + 32  # past the bound it starts again


def test_the_schema_pickles_without_this_process_memory_and_still_indexes_the_same() -> None:
    field = schema()["text_en"]
    list(field.index("oil and gas"))
    assert "_forms" in field.__dict__
    again = pickle.loads(pickle.dumps(field))
    assert "_forms" not in again.__dict__
    assert list(again.index(TEXTS[2])) == list(ORACLE["text_en"].index(TEXTS[2]))


def test_other_chains_and_calls_go_through_whoosh() -> None:
    three_steps = OnePassText(analyzer=StandardAnalyzer())  # no stemming step: not the one shape
    assert three_steps._form() is None
    assert list(three_steps.index(TEXTS[2])) == list(TEXT(analyzer=StandardAnalyzer()).index(TEXTS[2]))
    grouped = OnePassText(analyzer=StemmingAnalyzer())  # Whoosh's capturing pattern: findall would differ
    assert grouped._form() is None
    assert list(grouped.index(TEXTS[4])) == list(ORACLE["text_en"].index(TEXTS[4]))
    # a call with options (Whoosh's own keyword arguments) takes Whoosh's path too
    assert list(OURS["text_en"].index(TEXTS[2], mode="index")) == list(ORACLE["text_en"].index(TEXTS[2]))


def test_an_index_written_in_one_pass_is_the_index_whooshs_chain_writes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.test_pool_runs import build

    records = make_records(5000, 7)
    ours = everything(build(tmp_path / "one-pass", records, True, monkeypatch))
    with monkeypatch.context() as patch:
        patch.setattr(OnePassText, "index", TEXT.index)  # the oracle: Whoosh's chain for every text
        theirs = everything(build(tmp_path / "whoosh", records, True, monkeypatch))
    assert len(ours[0]) > 30_000
    assert ours == theirs
