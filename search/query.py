"""The query language: words in Whoosh's syntax, sitrep's fields, and AND / OR / NOT /
parentheses combining both in any mix.

``country:AZ`` / ``country:azerbaijan``, ``org:eu``, ``topic:security``, ``trend:worse``,
``lang:ru``, ``author:"Anna Maroz"``, ``date:2016``, ``date:2016-11``, ``date:[2016-01 to 2016-06]``,
``date:[2016 to]``, ``week:2016-11-28``, and ``none`` for a missing value. The boolean structure is
read here, so ``NOT country:AZ`` or ``oil OR topic:security`` mean exactly that; each word (or
phrase, wildcard…) goes to Whoosh's parser alone. Whoosh forgives too much (a mistyped field
silently finds nothing), so everything is checked first and a problem is a ``QueryError`` that
names it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import Any, cast

from sitrep.errors import QueryError
from sitrep.search.filters import FilterKeywords, Filters, date_range
from sitrep.search.vocabulary import NONE, Vocabulary

FIELDS = ("country", "org", "topic", "trend", "lang", "author", "date", "week")
OPERATORS = ("AND", "OR", "NOT")
_KEYWORD = {"country": "countries", "org": "orgs", "topic": "topics", "trend": "trends", "lang": "langs"}
# field:value, field:"quoted value" or field:[a to b]; a field name is letters only
FIELD = r'(?<![\w:])([A-Za-z_]+):(?!//)("(?:[^"]*)"|\[[^\]]*\]|[^\s()"]+)?'
_TOKEN = re.compile(rf'\s+|(?P<open>\()|(?P<close>\))|(?P<field>{FIELD})|(?P<phrase>"[^"]*"\S*)|(?P<word>[^\s()"]+)')


@dataclasses.dataclass(frozen=True)
class Words:
    """A word, phrase or wildcard, parsed by Whoosh (``query`` is a ``whoosh.query.Query``)."""

    text: str
    query: Any


@dataclasses.dataclass(frozen=True)
class Field:
    """A field term: the records its ``Filters`` allow."""

    text: str
    filters: Filters


@dataclasses.dataclass(frozen=True)
class And:
    """Every part matches."""

    parts: tuple[Node, ...]


@dataclasses.dataclass(frozen=True)
class Or:
    """Any part matches."""

    parts: tuple[Node, ...]


@dataclasses.dataclass(frozen=True)
class Not:
    """The part does not match."""

    part: Node


Node = Words | Field | And | Or | Not


def check_balance(text: str) -> None:
    if text.count('"') % 2:
        raise QueryError(text, 'unbalanced quotes: close the phrase with a second "')
    depth = 0
    for ch in re.sub(r'"[^"]*"|\[[^\]]*\]', "", text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise QueryError(text, "a ) without its (")
    if depth:
        raise QueryError(text, "unbalanced parentheses: a ( is never closed")


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def field_filters(name: str, value: str | None, text: str, vocab: Vocabulary) -> Filters:
    """The ``Filters`` of one field term, checked by the same code as the API's keywords."""
    name = name.lower()
    if name not in FIELDS:
        raise QueryError(text, f"unknown field {name!r} (fields: {', '.join(FIELDS)})")
    value = _unquote(value or "").strip()
    if not value:
        raise QueryError(text, f"{name}: needs a value")
    if name in ("date", "week") and value.casefold() == NONE:
        return Filters(undated=True)
    if name == "week" and re.fullmatch(r"\d{4}(-\d{1,2})?", value):
        raise QueryError(
            text, f"week: takes a day (YYYY-MM-DD), the week that holds it; for all of {value} use date:{value}"
        )
    if name in ("date", "week"):  # a day is the week that holds it either way
        since, until = date_range(value, text)
        return Filters(since=since, until=until)
    if name == "author":
        return Filters.of(vocab, authors=[value], raw=text)
    return Filters.of(vocab, raw=text, **cast(FilterKeywords, {_KEYWORD[name]: [value]}))  # a list-valued keyword


def _tokens(text: str) -> Iterator[tuple[str, str, re.Match[str]]]:
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind is None:
            continue
        if kind == "word" and m.group(0) in OPERATORS:
            kind = m.group(0)
        yield kind, m.group(0), m


def operators_meant(text: str) -> str | None:
    """The query with a lowercase ``or`` between two terms, or ``not`` before one, in capitals;
    None when there is none. Lowercase they are words, too common to index, so ``oil or army``
    finds oil AND army and ``oil not army`` the same: the did-you-mean offers what was meant.
    Phrases and field values are left alone."""
    tokens = list(_tokens(text))
    edits = []
    for i, (kind, raw, m) in enumerate(tokens):
        meant = raw.upper()
        if kind != "word" or meant not in ("OR", "NOT") or raw == meant:
            continue
        after = tokens[i + 1][0] if i + 1 < len(tokens) else None
        before = tokens[i - 1][0] if i else None
        if after in (None, "close", *OPERATORS) or (meant == "OR" and before in (None, "open", *OPERATORS)):
            continue
        edits.append((m.start(), m.end(), meant))
    for start, end, meant in reversed(edits):
        text = text[:start] + meant + text[end:]
    return text if edits else None


def parse(text: str, vocab: Vocabulary, words: Callable[[str], Any]) -> Node | None:
    """The query as a tree, or None for an empty query (every record).

    ``words`` parses one word or phrase into a Whoosh query, or None for a word the index never
    holds (a common word such as "the"); such words drop out, as in Whoosh. Precedence: NOT, then
    AND (also implied between neighbours), then OR.
    """
    check_balance(text)
    tokens = list(_tokens(text))
    if not tokens:
        return None
    pos = 0
    saw_words = False

    def peek() -> str | None:
        return tokens[pos][0] if pos < len(tokens) else None

    def fail(reason: str) -> QueryError:
        return QueryError(text, reason)

    def either() -> Node | None:
        nonlocal pos
        parts = [both()]
        while peek() == "OR":
            pos += 1
            if peek() in (None, "close", "OR", "AND"):
                raise fail("OR needs a term on each side")
            parts.append(both())
        return _join(Or, parts)

    def both() -> Node | None:
        nonlocal pos
        parts = [unary()]
        while peek() not in (None, "close", "OR"):
            if peek() == "AND":
                pos += 1
                if peek() in (None, "close", "OR", "AND"):
                    raise fail("AND needs a term on each side")
            parts.append(unary())
        return _join(And, parts)

    def unary() -> Node | None:
        nonlocal pos, saw_words
        kind = peek()
        if kind is None or kind in ("close", "AND", "OR"):
            raise fail(
                f"{kind or 'the end'} where a term was expected: {'AND/OR need' if kind in ('AND', 'OR') else 'NOT needs'} a term on each side"
            )
        raw, m = tokens[pos][1], tokens[pos][2]
        pos += 1
        if kind == "NOT":
            if peek() in (None, "close", "AND", "OR"):
                raise fail("NOT needs a term after it")
            inner = unary()
            return Not(inner) if inner is not None else None
        if kind == "open":
            if peek() == "close":
                raise fail("empty parentheses: put a term inside")
            inner = either()
            if peek() != "close":
                raise fail("unbalanced parentheses: a ( is never closed")
            pos += 1
            return inner
        if kind == "field":
            return Field(raw, field_filters(m.group("field").split(":", 1)[0], raw.split(":", 1)[1], text, vocab))
        saw_words = True
        parsed = words(raw)
        return Words(raw, parsed) if parsed is not None else None

    tree = either()
    if pos != len(tokens):  # only a ")" stops the loops early
        raise fail("a ) without its (")
    if tree is None and saw_words:
        raise fail("no searchable words (only common words such as 'the'?)")
    return tree


def _join(kind: type[And] | type[Or], parts: list[Node | None]) -> Node | None:
    kept = tuple(p for p in parts if p is not None)
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else kind(kept)


def walk(node: Node, positive: bool = True) -> Iterator[tuple[Node, bool]]:
    """Every node with whether it counts for a match (False under an odd number of NOTs)."""
    yield node, positive
    if isinstance(node, (And, Or)):
        for part in node.parts:
            yield from walk(part, positive)
    elif isinstance(node, Not):
        yield from walk(node.part, not positive)
