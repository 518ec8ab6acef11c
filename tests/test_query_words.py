"""A query word of letters alone is built without Whoosh's parser (``search.api.plain_word``);
Whoosh's parser, given the same schema, is the oracle for what it must build."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import qparser
from whoosh import query as wq
from whoosh.lang import stopwords_for_language

from sitrep.index.schema import TEXT_FIELDS, schema
from sitrep.search.api import PLAIN_WORD, plain_word

SCHEMA = schema()
PARSER = qparser.MultifieldParser(list(TEXT_FIELDS), SCHEMA)
ANALYZERS = {field: SCHEMA[field].analyzer for field in TEXT_FIELDS}


def whoosh_parsed(word: str) -> wq.Query | None:
    q = PARSER.parse(word)
    return None if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)) else q


def check(word: str) -> None:
    assert PLAIN_WORD.fullmatch(word), word  # the words the search takes this way
    assert plain_word(word, ANALYZERS) == whoosh_parsed(word), word


def test_stop_words_of_either_language_and_words_that_look_like_operators() -> None:
    words = sorted(stopwords_for_language("en") | stopwords_for_language("ru"))
    words += ["TO", "To", "AND", "Or", "not", "a", "I", "я", "ё", "Ёлка", "і", "ў", "Беларусь", "Lukashenka"]
    words += [w.upper() for w in words] + [w.title() for w in words]
    for word in words:
        check(word)


LATIN = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1, max_size=14)
CYRILLIC = st.text(st.sampled_from("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіўАБВГДЕЁЖЗІЎЯ"), min_size=1, max_size=14)
# what the fast path takes: re's [^\W\d_], letters and the numbers that are not decimal digits
ANY_LETTERS = st.text(st.characters(categories=["Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "No"]), min_size=1, max_size=10)


@settings(max_examples=400, deadline=None)
@given(st.one_of(LATIN, CYRILLIC, ANY_LETTERS))
def test_any_word_of_letters_is_built_as_the_parser_builds_it(word: str) -> None:
    check(word)
