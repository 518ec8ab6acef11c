"""The query parser alone: the trees it builds and the errors it names, written out by hand.

``parse`` takes a ``words`` callable (Whoosh's parser in the product); here it is a stand-in
that tags each word, and drops the common words a real index never holds, so each expected
tree below is plain data a person can read and check. No index is opened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sitrep.config import load
from sitrep.errors import QueryError
from sitrep.search.filters import Filters
from sitrep.search.query import (
    And,
    Field,
    Not,
    Or,
    Words,
    check_balance,
    field_filters,
    operators_meant,
    parse,
    walk,
)
from sitrep.search.vocabulary import Vocabulary

STOP = {"the", "of"}


@pytest.fixture(scope="module")
def vocab(tmp_path_factory: pytest.TempPathFactory) -> Vocabulary:
    empty = tmp_path_factory.mktemp("settings") / "settings.toml"
    empty.write_text("", encoding="utf-8")
    return Vocabulary(load(empty, environ={}).site)


def words(text: str) -> object:
    return None if text.lower() in STOP else ("q", text)


def w(text: str) -> Words:
    return Words(text, ("q", text))


def run(text: str, vocab: Vocabulary) -> object:
    return parse(text, vocab, words)


def reason(text: str, vocab: Vocabulary) -> str:
    with pytest.raises(QueryError) as err:
        run(text, vocab)
    assert err.value.text == text
    return err.value.reason


D = dt.date


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("oil", w("oil")),
        ("  oil  ", w("oil")),
        ("oil gas", And((w("oil"), w("gas")))),
        ("oil AND gas", And((w("oil"), w("gas")))),
        ("oil OR gas", Or((w("oil"), w("gas")))),
        ("oil OR gas OR coal", Or((w("oil"), w("gas"), w("coal")))),
        ("oil gas OR coal", Or((And((w("oil"), w("gas"))), w("coal")))),
        ("oil OR gas coal", Or((w("oil"), And((w("gas"), w("coal")))))),
        ("oil AND gas OR coal AND wood", Or((And((w("oil"), w("gas"))), And((w("coal"), w("wood")))))),
        ("oil (gas OR coal)", And((w("oil"), Or((w("gas"), w("coal")))))),
        ("(oil)", w("oil")),
        ("((oil OR gas))", Or((w("oil"), w("gas")))),
        ("NOT oil", Not(w("oil"))),
        ("NOT NOT oil", Not(Not(w("oil")))),
        ("gas NOT oil", And((w("gas"), Not(w("oil"))))),
        ("NOT oil OR gas", Or((Not(w("oil")), w("gas")))),
        ("NOT (oil OR gas)", Not(Or((w("oil"), w("gas"))))),
        ('"oil prices" gas', And((w('"oil prices"'), w("gas")))),
        ('"oil prices"~2', w('"oil prices"~2')),
        ("oil*", w("oil*")),
        ("the oil", w("oil")),
        ("the OR oil", w("oil")),
        ("NOT the oil", w("oil")),
        ("oil and gas", And((w("oil"), w("and"), w("gas")))),  # only upper case is an operator
        ("country:AZ", Field("country:AZ", Filters(countries=("AZ",)))),
        ("Country:az", Field("Country:az", Filters(countries=("AZ",)))),
        ("country:azerbaijan", Field("country:azerbaijan", Filters(countries=("AZ",)))),
        ('country:"Czech Republic"', Field('country:"Czech Republic"', Filters(countries=("CZ",)))),
        ("country:none", Field("country:none", Filters(countries=("none",)))),
        ("org:eu", Field("org:eu", Filters(orgs=("EU",)))),
        ("topic:economy", Field("topic:economy", Filters(topics=("economy",)))),
        ("trend:better", Field("trend:better", Filters(trends=("improved",)))),
        ("trend:worse", Field("trend:worse", Filters(trends=("worsened",)))),
        ("lang:RU", Field("lang:RU", Filters(langs=("ru",)))),
        ('author:"Anna Maroz"', Field('author:"Anna Maroz"', Filters(authors=("anna maroz",)))),
        ('author:" Anna "', Field('author:" Anna "', Filters(authors=("anna",)))),
        # only the first colon splits
        ('author:"Re: Anna"', Field('author:"Re: Anna"', Filters(authors=("re: anna",)))),
        ("author:a:b", Field("author:a:b", Filters(authors=("a:b",)))),
        ("date:2016", Field("date:2016", Filters(since=D(2016, 1, 1), until=D(2016, 12, 31)))),
        ("date:2016-02", Field("date:2016-02", Filters(since=D(2016, 2, 1), until=D(2016, 2, 29)))),
        ("date:[2016 to]", Field("date:[2016 to]", Filters(since=D(2016, 1, 1)))),
        ("date:[to 2016-03]", Field("date:[to 2016-03]", Filters(until=D(2016, 3, 31)))),
        ("date:none", Field("date:none", Filters(undated=True))),
        ("week:NONE", Field("week:NONE", Filters(undated=True))),
        ("week:2016-04-20", Field("week:2016-04-20", Filters(since=D(2016, 4, 18), until=D(2016, 4, 24)))),
        (
            "oil NOT country:RU OR (topic:economy trend:same)",
            Or(
                (
                    And((w("oil"), Not(Field("country:RU", Filters(countries=("RU",)))))),
                    And(
                        (
                            Field("topic:economy", Filters(topics=("economy",))),
                            Field("trend:same", Filters(trends=("unchanged",))),
                        )
                    ),
                )
            ),
        ),
        ("https://example.org/x", w("https://example.org/x")),  # a URL is no field
        ("1x:y", w("1x:y")),  # a field name is letters only
    ],
)
def test_trees_by_hand(text: str, tree: object, vocab: Vocabulary) -> None:
    assert run(text, vocab) == tree


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_query_is_every_record(text: str, vocab: Vocabulary) -> None:
    assert run(text, vocab) is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('"oil', 'unbalanced quotes: close the phrase with a second "'),
        ('"oil" "gas', 'unbalanced quotes: close the phrase with a second "'),
        ("(oil", "unbalanced parentheses: a ( is never closed"),
        ("((oil)", "unbalanced parentheses: a ( is never closed"),
        ("oil)", "a ) without its ("),
        (")oil(", "a ) without its ("),
        ("()", "empty parentheses: put a term inside"),
        ("oil OR", "OR needs a term on each side"),
        ("oil OR OR gas", "OR needs a term on each side"),
        ("oil OR AND gas", "OR needs a term on each side"),
        ("(oil OR) gas", "OR needs a term on each side"),
        ("oil AND", "AND needs a term on each side"),
        ("oil AND AND gas", "AND needs a term on each side"),
        ("oil AND OR gas", "AND needs a term on each side"),
        ("(oil AND) gas", "AND needs a term on each side"),
        ("OR oil", "OR where a term was expected: AND/OR need a term on each side"),
        ("AND oil", "AND where a term was expected: AND/OR need a term on each side"),
        ("(OR oil)", "OR where a term was expected: AND/OR need a term on each side"),
        ("NOT", "NOT needs a term after it"),
        ("oil NOT", "NOT needs a term after it"),
        ("NOT AND oil", "NOT needs a term after it"),
        ("NOT OR oil", "NOT needs a term after it"),
        ("(NOT) oil", "NOT needs a term after it"),
        ("the", "no searchable words (only common words such as 'the'?)"),
        ("the of", "no searchable words (only common words such as 'the'?)"),
        ("NOT the", "no searchable words (only common words such as 'the'?)"),
        ("colour:red", "unknown field 'colour' (fields: country, org, topic, trend, lang, author, date, week)"),
        ("country:", "country: needs a value"),
        ('country:""', "country: needs a value"),
        ('author:"  "', "author: needs a value"),
        ("week:2016", "week: takes a day (YYYY-MM-DD), the week that holds it; for all of 2016 use date:2016"),
        ("week:2016-05", "week: takes a day (YYYY-MM-DD), the week that holds it; for all of 2016-05 use date:2016-05"),
    ],
)
def test_errors_name_the_problem(text: str, why: str, vocab: Vocabulary) -> None:
    assert reason(text, vocab) == why


def test_field_values_are_checked_by_the_vocabulary(vocab: Vocabulary) -> None:
    assert reason("lang:de", vocab) == "unknown language 'de': use en, ru or be"
    assert reason("date:2016-13", vocab) == "there is no month 2016-13: months run from 01 to 12"
    assert reason("country:atlantis", vocab).startswith("unknown country 'atlantis'")


def test_only_field_terms_still_make_a_tree(vocab: Vocabulary) -> None:
    # a query of field terms alone has no words; it is never "only common words"
    assert run("NOT lang:en", vocab) == Not(Field("lang:en", Filters(langs=("en",))))


def test_check_balance_ignores_brackets_inside_quotes_and_ranges() -> None:
    check_balance('"(oil" gas')
    check_balance("date:[2016 to 2017] (oil)")
    with pytest.raises(QueryError, match="never closed"):
        check_balance("(oil")


def test_field_filters_directly(vocab: Vocabulary) -> None:
    assert field_filters("TOPIC", "economy", "t", vocab) == Filters(topics=("economy",))
    assert field_filters("date", '"2016"', "t", vocab) == Filters(since=D(2016, 1, 1), until=D(2016, 12, 31))
    assert field_filters("author", "Olga", "t", vocab) == Filters(authors=("olga",))
    with pytest.raises(QueryError, match="needs a value"):
        field_filters("topic", None, "t", vocab)


def test_walk_marks_what_counts_for_a_match(vocab: Vocabulary) -> None:
    tree = run("oil NOT (gas OR NOT coal)", vocab)
    got = [(n.text, positive) for n, positive in walk(tree) if isinstance(n, Words)]  # type: ignore[arg-type]
    assert got == [("oil", True), ("gas", False), ("coal", True)]
    kinds = [type(n).__name__ for n, _ in walk(tree)]  # type: ignore[arg-type]
    assert kinds == ["And", "Words", "Not", "Or", "Words", "Not", "Words"]


def test_trees_are_values(vocab: Vocabulary) -> None:
    """Equal queries give equal, hashable trees that nobody can change in place."""
    text = "oil (gas OR NOT country:RU)"
    tree, again = run(text, vocab), run(text, vocab)
    assert tree == again and hash(tree) == hash(again)
    nodes = [n for n, _ in walk(tree)]  # type: ignore[arg-type]
    assert {type(n).__name__ for n in nodes} == {"And", "Words", "Or", "Not", "Field"}
    assert len({*nodes}) == len(nodes)
    for node in nodes:
        name = dataclasses.fields(node)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(node, name, None)


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("oil or army", "oil OR army"),
        ("oil Or army", "oil OR army"),
        ("oil not army", "oil NOT army"),
        ("not army", "NOT army"),
        ("topic:security or oil", "topic:security OR oil"),
        ("(oil or army) and gas", "(oil OR army) and gas"),  # a lowercase and means AND anyway
        ("oil or army or gas", "oil OR army OR gas"),
        ("oil OR army", None),
        ('"black or white"', None),  # a phrase: the words as written
        ('author:"a or b" x', None),  # a field value
        ("or oil", None),  # nothing before: no OR meant
        ("oil or", None),
        ("oil not", None),
        ("oil or OR army", None),
        ("oilor army", None),
        ("(or army)", None),  # nothing before it inside the brackets
        ("(oil or)", None),
        ("(oil not)", None),
    ],
)
def test_a_lowercase_or_or_not_between_terms_is_offered_in_capitals(text: str, meant: str | None) -> None:
    assert operators_meant(text) == meant


def test_filter_keywords_as_a_python_caller_passes_them(vocab: Vocabulary) -> None:
    """A date or datetime is its Monday-to-Sunday week, as the same day written out is; an empty
    string is no bound; a year 0 is a bad query, not a crash; a value given twice counts once."""
    thursday = dt.date(2016, 12, 1)  # the week of Monday 28 November to Sunday 4 December 2016
    for since, until in [(thursday, thursday), (dt.datetime(2016, 12, 1, 23, 59), dt.datetime(2016, 12, 1, 0, 1))]:
        got = Filters.of(vocab, since=since, until=until)
        assert (got.since, got.until) == (dt.date(2016, 11, 28), dt.date(2016, 12, 4))
        assert got == Filters.of(vocab, since="2016-12-01", until="2016-12-01")
    assert Filters.of(vocab, since="", until="  ") == Filters.of(vocab)
    for zero in ("0000", "0000-05", 0):
        with pytest.raises(QueryError, match="there is no"):
            Filters.of(vocab, since=zero)
    with pytest.raises(QueryError, match="there is no year"):
        parse("oil date:0000", vocab, lambda w: w)
    assert Filters.of(vocab, countries=["AZ", "azerbaijan", "az"]).countries == ("AZ",)


@pytest.mark.parametrize(
    ("value", "code"),
    [("netherlands", "NL"), ("The Netherlands", "NL"), ("Gambia", "GM"), ("the Gambia", "GM"), ("az", "AZ")],
)
def test_countries_by_name_with_or_without_the(value: str, code: str, vocab: Vocabulary) -> None:
    assert vocab.country(value, value) == code


@pytest.mark.parametrize(
    ("value", "slug"),
    [("ruling elite", "the-ruling-elite"), ("elite", "the-ruling-elite"), ("Security issues", "security-issues")],
)
def test_topics_by_slug_label_or_a_part_of_either(value: str, slug: str, vocab: Vocabulary) -> None:
    assert vocab.topic(value, value) == slug


def test_a_part_that_fits_several_topics_names_them(vocab: Vocabulary) -> None:
    with pytest.raises(QueryError, match="ambiguous: belarus-russia-relations, belarus-west-relations"):
        vocab.topic("belarus", "belarus")


@pytest.mark.parametrize(
    ("words", "verdict"),
    [
        (["improved", "better", "gotten better", "up", "positive"], "improved"),
        (["worsened", "worse", "got worse", "down", "negative"], "worsened"),
        (["unchanged", "same", "not changed", "stable"], "unchanged"),
    ],
)
def test_every_verdict_synonym(words: list[str], verdict: str, vocab: Vocabulary) -> None:
    assert [vocab.trend(w, w) for w in words] == [verdict] * len(words)
