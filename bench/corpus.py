"""A benchmark corpus shaped like the archive, and the queries asked of it.

The sample generator (``sitrep.crawler.sample``) writes pages for crawl tests; the bench needs
something else: posting lists as long as the real archive's. Measured on real texts
(shared/site/README.md): 1–3 countries per text (median 1; Belarus in about two thirds,
Russia a third, Ukraine a quarter), "Lukashenka" in about 41 % of texts, "sanctions" 21 %,
"oil" 9 %, "election" under 10 %; several hundred words; verdicts 40 % unchanged, 20 % worse,
10 % better, 30 % none. Other words follow a Zipf law over a vocabulary of made-up but
pronounceable words, with English function words at their usual share of running text.

Everything is seeded: the same arguments give the same records and queries, so two runs and
two engines see the same work. Nothing here imports sitrep's parser, tagger or generator.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import itertools
import random
from collections.abc import Iterator

from sitrep.record import Record, make_id

# English function words: about 40 % of running text, dropped by Whoosh's stop list, indexed by
# FTS5 and tantivy (as in real prose).
FUNCTION_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "as",
    "with",
    "by",
    "be",
    "are",
    "was",
    "it",
    "this",
    "from",
    "at",
    "an",
    "which",
    "not",
    "have",
    "has",
    "its",
    "but",
    "or",
    "their",
    "will",
    "been",
    "more",
    "also",
    "than",
    "can",
    "may",
    "would",
    "they",
    "these",
    "other",
    "into",
    "only",
]

# Content words whose document frequency is pinned to the real archive's (share of texts).
PINNED = {
    "lukashenka": 0.41,
    "sanctions": 0.21,
    "minsk": 0.35,
    "authorities": 0.30,
    "government": 0.25,
    "opposition": 0.15,
    "economy": 0.14,
    "security": 0.12,
    "army": 0.06,
    "oil": 0.09,
    "election": 0.08,
    "potash": 0.03,
    "refinery": 0.02,
    "polonaise": 0.004,
}
# Phrases placed as they stand, so phrase queries have real answers of known rarity.
PHRASES = {
    "oil supply": 0.03,
    "air defence": 0.02,
    "border trade": 0.015,
    "political prisoners": 0.05,
    "state media": 0.03,
    "union state": 0.04,
    "foreign ministry": 0.04,
    "nuclear power plant": 0.01,
}
COUNTRIES = (  # code, share of texts naming it (the rest of a text's 1-3 come from RARE)
    ("BY", 0.66),
    ("RU", 0.33),
    ("UA", 0.25),
    ("PL", 0.06),
    ("US", 0.05),
    ("LT", 0.05),
)
RARE = ("DE", "CN", "LV", "AZ", "GE", "KZ", "AM", "TR", "FR", "GB", "MD", "EE", "IR", "VE", "SE")
TOPICS = (  # slug, share
    ("the-ruling-elite", 0.22),
    ("society-and-political-parties", 0.20),
    ("security-issues", 0.16),
    ("belarus-west-relations", 0.16),
    ("belarus-russia-relations", 0.16),
    ("economy", 0.06),
    ("international-relations", 0.04),
)
TRENDS = (("unchanged", 0.40), ("worsened", 0.20), ("improved", 0.10), (None, 0.30))
FIRST_YEAR, LAST_YEAR = 2014, 2025
VOCABULARY = 30_000
ZIPF_S = 1.07

_ONSETS = [
    "b",
    "br",
    "c",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "k",
    "kl",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "r",
    "s",
    "st",
    "t",
    "tr",
    "v",
    "z",
    "sh",
    "ch",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou"]
_CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "rk"]


def _pseudo_words(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct pronounceable words of two or three syllables (none of them English)."""
    taken = set(FUNCTION_WORDS) | set(PINNED) | {w for p in PHRASES for w in p.split()}
    words: list[str] = []
    while len(words) < n:
        syllables = rng.choice((2, 2, 3))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)) + rng.choice(_CODAS)
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


@dataclasses.dataclass(frozen=True)
class Corpus:
    """The vocabulary by frequency rank and the seed: records and queries derive from both."""

    seed: int
    words: tuple[str, ...]  # rank 1 first
    cumulative: tuple[float, ...]  # Zipf weights, cumulated, for bisect sampling

    @classmethod
    def make(cls, seed: int = 20161128) -> Corpus:
        rng = random.Random(seed)
        words = tuple(_pseudo_words(rng, VOCABULARY))
        weights = [1 / (rank**ZIPF_S) for rank in range(1, len(words) + 1)]
        return cls(seed, words, tuple(itertools.accumulate(weights)))

    def word(self, rng: random.Random) -> str:
        return self.words[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]

    def sentence(self, rng: random.Random, length: int) -> str:
        out = []
        for _ in range(length):
            out.append(rng.choice(FUNCTION_WORDS) if rng.random() < 0.4 else self.word(rng))
        return " ".join(out).capitalize() + "."

    def records(self, n: int) -> Iterator[Record]:
        """``n`` records, streamed (the bench never holds them all)."""
        for i in range(n):
            yield self.record(i)

    def record(self, i: int) -> Record:
        rng = random.Random(self.seed * 1_000_003 + i)
        paragraphs = [
            " ".join(self.sentence(rng, rng.randint(8, 24)) for _ in range(rng.randint(2, 5)))
            for _ in range(rng.randint(3, 6))
        ]
        placed = [w for w, share in PINNED.items() if rng.random() < share]
        placed += [p for p, share in PHRASES.items() if rng.random() < share]
        for term in placed:
            k = rng.randrange(len(paragraphs))
            paragraphs[k] = f"{paragraphs[k]} The {term} {self.word(rng)} {self.word(rng)}."
        countries = [c for c, share in COUNTRIES if rng.random() < share]
        while not countries or (len(countries) < 3 and rng.random() < 0.15):
            pick = rng.choice(RARE)
            if pick not in countries:
                countries.append(pick)
        countries = countries[:3]
        title = self.sentence(rng, rng.randint(4, 9)).rstrip(".")
        lead, body = paragraphs[0], tuple(paragraphs[1:])
        start = _monday(rng)
        topic = _choose(rng, TOPICS)
        trend = _choose(rng, TRENDS)
        lang = "en"
        return Record(
            id=make_id(lang, title, lead, body),
            site="belarusinfocus",
            url=f"https://belarusinfocus.pro/bench/{i}/",
            urls=(f"https://belarusinfocus.pro/bench/{i}/",),
            lang=lang,
            layout="current",
            title=title,
            lead=lead,
            body=body,
            week_start=start.isoformat(),
            week_end=(start + dt.timedelta(days=6)).isoformat(),
            date_source="week",
            topic=topic,
            topic_label=topic,
            trend=trend,
            trend_label=trend,
            countries=tuple(sorted(countries)),
            country_counts=tuple((c, 1) for c in sorted(countries)),
            fetched_at="2026-11-28T00:00:00Z",
            content_hash=f"{i:016x}",
        )


def _choose(rng: random.Random, table: tuple[tuple[str | None, float], ...]) -> str | None:
    x = rng.random() * sum(share for _, share in table)
    for value, share in table:
        x -= share
        if x <= 0:
            return value
    return table[-1][0]


def _monday(rng: random.Random) -> dt.date:
    first = dt.date(FIRST_YEAR, 1, 6)  # a Monday
    weeks = (dt.date(LAST_YEAR, 12, 29) - first).days // 7
    return first + dt.timedelta(weeks=rng.randrange(weeks + 1))


@dataclasses.dataclass(frozen=True)
class Query:
    """One benchmark query: its kind, its text, and the filters both engines apply."""

    kind: str
    text: str = ""
    country: str | None = None
    since: str | None = None
    until: str | None = None
    topic: str | None = None
    trend: str | None = None
    sort: str = "relevance"
    facets: bool = False


KINDS = ("single", "and2", "and3", "or", "phrase", "filtered", "faceted", "newest", "filters-only")


def queries(corpus: Corpus, per_kind: int = 50) -> list[Query]:
    """``per_kind`` queries of every kind; single words spread over the frequency ranks, from
    the very common (rank 1) to the rare, log-uniformly, plus the pinned archive words."""
    rng = random.Random(corpus.seed + 7)
    ranks = sorted({max(1, round(10 ** (4.3 * k / (per_kind - 1)))) for k in range(per_kind)})
    singles = [corpus.words[r - 1] for r in ranks] + list(PINNED)
    while len(singles) < per_kind:
        singles.append(corpus.words[rng.randrange(1, 3000)])
    singles = singles[:per_kind]
    mid = [corpus.words[r] for r in range(20, 2000)] + list(PINNED)
    out = [Query("single", w) for w in singles]
    out += [Query("and2", " ".join(rng.sample(mid, 2))) for _ in range(per_kind)]
    out += [Query("and3", " ".join(rng.sample(mid, 3))) for _ in range(per_kind)]
    out += [Query("or", " OR ".join(rng.sample(mid, 2))) for _ in range(per_kind)]
    phrases = list(PHRASES) + [f"{a} {b}" for a, b in zip(PINNED, rng.sample(list(PINNED), len(PINNED)))]
    out += [Query("phrase", f'"{phrases[k % len(phrases)]}"') for k in range(per_kind)]
    codes = [c for c, _ in COUNTRIES] + list(RARE[:4])
    for k in range(per_kind):
        year = rng.randint(FIRST_YEAR, LAST_YEAR - 2)
        out.append(
            Query(
                "filtered", singles[k], country=codes[k % len(codes)], since=f"{year}-01-01", until=f"{year + 2}-12-31"
            )
        )
    out += [Query("faceted", singles[k], facets=True) for k in range(per_kind)]
    out += [Query("newest", singles[k], sort="newest") for k in range(per_kind)]
    topics = [t for t, _ in TOPICS]
    for k in range(per_kind):
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        out.append(
            Query(
                "filters-only",
                country=codes[k % len(codes)],
                topic=topics[k % len(topics)] if k % 2 else None,
                trend=("worsened", "improved", "unchanged")[k % 3] if k % 3 else None,
                since=f"{year}-01-01",
                until=f"{year}-12-31",
                sort="newest",
                facets=True,
            )
        )
    return out
