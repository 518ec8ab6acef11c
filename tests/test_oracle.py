"""Search against a naive oracle: thousands of generated queries, each evaluated here by brute
force over the records read back from the record store (not through the index, the query parser
or the facet code). Totals, id sets, newest-first order, every facet count and the timeline must
be the oracle's.

The oracle knows only what README documents: NOT binds tighter than AND (also implied between
neighbours), AND tighter than OR; a date or range matches records whose week starts inside it, a
single day stands for its Monday-to-Sunday week; ``none`` is a missing value and
``trend:unknown`` a verdict not in the trends table. For words it uses the index's analyzers,
English for English records and Russian for Russian and Belarusian ones.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from sitrep import Archive, QueryError
from sitrep.config import Settings
from sitrep.index.schema import russian_analyzer, schema
from sitrep.index.store import RecordStore
from sitrep.record import Record

QUERIES = 2100
SEED = 20261129
TREND_WORDS = {"improved": "improved", "better": "improved", "worse": "worsened", "worsened": "worsened",
               "same": "unchanged", "unchanged": "unchanged"}  # fmt: skip
ENGLISH = schema()["text_en"].analyzer
RUSSIAN = russian_analyzer()


@dataclasses.dataclass
class Leaf:
    text: str
    words: bool  # a word (may drop out as a common word) rather than a field
    test: object  # Record -> bool, or None for a word that drops out


@dataclasses.dataclass
class Op:
    kind: str  # AND, OR, NOT
    parts: list


def tokens(analyzer, text: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {t.text for t in analyzer(text)}


class Oracle:
    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.cache: dict[str, set[str]] = {}  # a leaf's text -> its ids (a leaf's meaning never changes)
        self.terms = {
            r.id: tokens(RUSSIAN if r.lang in ("ru", "be") else ENGLISH, "\n".join([r.title, r.lead, *r.body]))
            for r in records
        }

    def word(self, word: str) -> object:
        en, ru = tokens(ENGLISH, word), tokens(RUSSIAN, word)
        if not en and not ru:
            return None
        return lambda r: bool((ru if r.lang in ("ru", "be") else en) & self.terms[r.id])

    def evaluate(self, node: Leaf | Op) -> set[str] | None:
        """The matching ids; None where only dropped-out words were given (no constraint)."""
        if isinstance(node, Leaf):
            if node.test is None:
                return None
            if node.text not in self.cache:
                self.cache[node.text] = {r.id for r in self.records if node.test(r)}  # type: ignore[operator]
            return self.cache[node.text]
        found = [self.evaluate(p) for p in node.parts]
        kept = [f for f in found if f is not None]
        if node.kind == "NOT":
            return None if not kept else {r.id for r in self.records} - kept[0]
        if not kept:
            return None
        out = set(kept[0])
        for f in kept[1:]:
            out = out & f if node.kind == "AND" else out | f
        return out


def first_day(value: str) -> str:
    if len(value) == 4:
        return f"{value}-01-01"
    if len(value) == 7:
        return f"{value}-01"
    day = dt.date.fromisoformat(value)
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def last_day(value: str) -> str:
    if len(value) == 4:
        return f"{value}-12-31"
    if len(value) == 7:
        y, m = map(int, value.split("-"))
        return f"{value}-{calendar.monthrange(y, m)[1]:02d}"
    day = dt.date.fromisoformat(value)
    return (day - dt.timedelta(days=day.weekday()) + dt.timedelta(days=6)).isoformat()


class Generator:
    def __init__(self, records: list[Record], oracle: Oracle, rng: random.Random) -> None:
        self.rng, self.oracle = rng, oracle
        self.countries = sorted({c for r in records for c in r.countries})
        self.orgs = sorted({o for r in records for o in r.orgs})
        self.topics = sorted({r.topic for r in records if r.topic})
        self.authors = sorted({r.author for r in records if r.author})
        self.weeks = sorted({r.week_start for r in records if r.week_start})
        self.words = self._words(records)

    def _words(self, records: list[Record]) -> list[str]:
        counts: Counter[str] = Counter()
        for r in records:
            counts.update(set(re.findall(r"[^\W\d_]{3,}", (r.title + " " + r.lead).lower())))
        common = [w for w, _ in counts.most_common(40)]
        rare = [w for w, n in counts.items() if n <= 3]
        return common + self.rng.sample(rare, min(20, len(rare))) + ["the", "zzyzxq"]

    def day(self) -> str:
        week = dt.date.fromisoformat(self.rng.choice(self.weeks))
        return (week + dt.timedelta(days=self.rng.randint(-3, 9))).isoformat()

    def date_value(self) -> str:
        day = self.day()
        return self.rng.choice([day[:4], day[:7], day])

    def field(self) -> Leaf:
        rng = self.rng
        kind = rng.choice(["country", "country", "org", "topic", "trend", "trend", "lang", "author", "date", "date",
                           "range", "week", "missing"])  # fmt: skip
        if kind == "country":
            code = rng.choice([*self.countries, "none"])
            test = (lambda r: not r.countries) if code == "none" else (lambda r: code in r.countries)
            return Leaf(f"country:{code if rng.random() < 0.7 else code.lower()}", False, test)
        if kind == "org":
            org = rng.choice([*self.orgs, "none"])
            return Leaf(f"org:{org}", False, (lambda r: not r.orgs) if org == "none" else (lambda r: org in r.orgs))
        if kind == "topic":
            topic = rng.choice(self.topics)
            return Leaf(f"topic:{topic}", False, lambda r: r.topic == topic)
        if kind == "trend":
            word = rng.choice([*TREND_WORDS, "unknown", "none"])
            if word == "unknown":
                return Leaf("trend:unknown", False, lambda r: r.trend is None and bool(r.trend_label))
            if word == "none":
                return Leaf("trend:none", False, lambda r: r.trend is None and not r.trend_label)
            return Leaf(f"trend:{word}", False, lambda r: r.trend == TREND_WORDS[word])
        if kind == "lang":
            lang = rng.choice(["en", "ru", "be"])
            return Leaf(f"lang:{lang}", False, lambda r: r.lang == lang)
        if kind == "author":
            name = rng.choice(self.authors)
            return Leaf(f'author:"{name}"', False, lambda r: (r.author or "").casefold() == name.casefold())
        if kind == "missing":
            field = rng.choice(["date", "topic"])
            test = (lambda r: r.week_start is None) if field == "date" else (lambda r: r.topic is None)
            return Leaf(f"{field}:none", False, test)
        if kind in ("date", "week"):
            value = self.day() if kind == "week" else self.date_value()
            low, high = first_day(value), last_day(value)
            return Leaf(f"{kind}:{value}", False, lambda r: bool(r.week_start) and low <= r.week_start <= high)
        a, b = sorted([self.date_value(), self.date_value()], key=first_day)
        if first_day(a) > last_day(b):
            a, b = b, a
        shape = rng.choice(["both", "both", "open-end", "open-start"])
        low = first_day(a) if shape != "open-start" else "0000"
        high = last_day(b) if shape != "open-end" else "9999"
        text = {"both": f"[{a} to {b}]", "open-end": f"[{a} to]", "open-start": f"[to {b}]"}[shape]
        return Leaf(f"date:{text}", False, lambda r: bool(r.week_start) and low <= r.week_start <= high)

    def leaf(self) -> Leaf:
        if self.rng.random() < 0.6:
            return self.field()
        word = self.rng.choice(self.words)
        return Leaf(word, True, self.oracle.word(word))

    def tree(self, depth: int) -> Leaf | Op:
        roll = self.rng.random()
        if depth == 0 or roll < 0.3:
            return self.leaf()
        if roll < 0.45:
            return Op("NOT", [self.tree(depth - 1)])
        return Op(self.rng.choice(["AND", "OR"]), [self.tree(depth - 1) for _ in range(self.rng.randint(2, 3))])

    def render(self, node: Leaf | Op, parent: str | None = None) -> str:
        if isinstance(node, Leaf):
            return node.text
        if node.kind == "NOT":
            inner = node.parts[0]
            return "NOT " + (self.render(inner, "NOT") if isinstance(inner, Leaf) else f"({self.render(inner)})")
        joiner = " OR " if node.kind == "OR" else self.rng.choice([" AND ", " "])
        text = joiner.join(self.render(p, node.kind) for p in node.parts)
        # AND binds tighter than OR: an AND inside an OR needs no parentheses (that tests precedence)
        needs = (parent == "AND" and node.kind == "OR") or parent == "NOT" or self.rng.random() < 0.3
        return f"({text})" if parent and needs else text

    def keywords(self) -> tuple[dict[str, object], object]:
        rng, kw, tests = self.rng, {}, []
        if rng.random() < 0.2:
            codes = rng.sample(self.countries, 2)
            kw["countries"] = codes if rng.random() < 0.5 else codes[0]
            wanted = codes if isinstance(kw["countries"], list) else codes[:1]
            tests.append(lambda r: bool(set(wanted) & set(r.countries)))
        if rng.random() < 0.15:
            year = int(self.rng.choice(self.weeks)[:4])
            kw["since"] = year
            tests.append(lambda r: bool(r.week_start) and r.week_start >= f"{year}-01-01")
        if rng.random() < 0.1:
            lang = rng.choice(["en", "ru"])
            kw["langs"] = lang
            tests.append(lambda r: r.lang == lang)
        return kw, lambda r: all(t(r) for t in tests)


def facet_counts(hits: list[Record]) -> dict[str, list[tuple[str, int]]]:
    """Each facet as the documented list: most first (years and months newest first), none last."""
    values = {
        "countries": lambda r: list(r.countries),
        "orgs": lambda r: list(r.orgs),
        "topic": lambda r: [r.topic] if r.topic else [],
        "trend": lambda r: [r.trend or "unknown"] if (r.trend or r.trend_label) else [],
        "lang": lambda r: [r.lang],
        "author": lambda r: [r.author.casefold()] if r.author else [],
        "year": lambda r: [r.week_start[:4]] if r.week_start else [],
        "month": lambda r: [r.week_start[:7]] if r.week_start else [],
    }
    out = {}
    for name, get in values.items():
        counted = Counter(v for r in hits for v in get(r))
        if name in ("year", "month"):
            pairs = sorted(counted.items(), reverse=True)
        else:
            pairs = sorted(counted.items(), key=lambda vn: (-vn[1], vn[0]))
        if name == "author":  # counted and ordered in any case, shown as the pages print the name
            printed = {r.author.casefold(): r.author for r in hits if r.author}
            pairs = [(printed[v], n) for v, n in pairs]
        missing = sum(1 for r in hits if not get(r))
        out[name] = pairs + ([("none", missing)] if missing else [])
    return out


def newest_first(hits: list[Record]) -> list[str]:
    dated = sorted((r for r in hits if r.week_start), key=lambda r: r.id)
    dated.sort(key=lambda r: r.week_start, reverse=True)  # stable: ties stay by id
    return [r.id for r in dated] + sorted(r.id for r in hits if not r.week_start)


@pytest.fixture(scope="module")
def records(crawled: Settings) -> list[Record]:
    with RecordStore(crawled.data_dir, create=False) as store:
        return list(store.records())


@pytest.fixture(scope="module")
def archive(crawled: Settings) -> Iterator[Archive]:
    with Archive(crawled) as opened:
        yield opened


def test_generated_queries_agree_with_the_oracle(archive: Archive, records: list[Record]) -> None:
    rng = random.Random(SEED)
    oracle = Oracle(records)
    gen = Generator(records, oracle, rng)
    by_id = {r.id: r for r in records}
    mismatches: list[str] = []
    asked = 0
    for n in range(QUERIES):
        tree = gen.tree(rng.randint(0, 3))
        text = gen.render(tree)
        kw, keep = gen.keywords() if n % 3 == 0 else ({}, lambda r: True)
        found = oracle.evaluate(tree)
        asked += 1
        if found is None and any(isinstance(x, Leaf) and x.words for x in _leaves(tree)):
            with pytest.raises(QueryError, match="no searchable words"):
                archive.search(text, **kw)  # type: ignore[arg-type]
            continue
        expected = {i for i in (found if found is not None else by_id) if keep(by_id[i])}
        hits = [by_id[i] for i in expected]
        order = newest_first(hits)
        results = archive.search(text, sort="newest", per_page=20, facets=list(facet_counts([])), **kw)  # type: ignore[arg-type]
        problems = []
        if results.total != len(expected):
            problems.append(f"total {results.total} != {len(expected)}")
        if [h.record.id for h in results.hits] != order[:20]:
            problems.append("first page differs")
        if archive.matching(text, **kw).ids() != order:
            problems.append("ids or newest-first order differ")
        facets = {k: [(f.value, f.count) for f in v] for k, v in results.facets.items()}
        if facets != facet_counts(hits):
            problems.append("facet counts differ")
        timeline = archive.timeline(text, by="month", **kw)  # type: ignore[arg-type]
        counted = {p: c for p, c in zip(timeline.periods, timeline.series.get("all", ()), strict=False) if c}
        if counted != Counter(r.week_start[:7] for r in hits if r.week_start):
            problems.append("timeline differs")
        if n % 25 == 0:  # by relevance, every hit once: words ranked first, field-only hits after
            ranked = [h.record.id for h in archive.search(text, per_page=1000, facets=[], **kw).hits]  # type: ignore[arg-type]
            if len(ranked) != len(set(ranked)) or set(ranked) != expected:
                problems.append("relevance hits differ")
        if problems:
            mismatches.append(f"{text!r} {kw}: {'; '.join(problems)}")
    print(f"{asked} generated queries, {len(mismatches)} mismatches")
    assert asked >= 2000
    assert not mismatches, "\n".join(mismatches[:20])


def _leaves(node: Leaf | Op) -> Iterator[Leaf]:
    if isinstance(node, Leaf):
        yield node
    else:
        for p in node.parts:
            yield from _leaves(p)
