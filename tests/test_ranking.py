"""Relevance order against an oracle written here: BM25 computed naively from the records'
text, and the snippet shortcut against stemming every word.

The oracle tokenises with the index's own analyzer (the issue allows it: words must be stemmed
alike) and computes BM25 from its definition with exact lengths; nothing else of sitrep's
ranking code is used. Whoosh stores document lengths in one byte (lossy above a few dozen
words), so scores are compared within a tolerance and orders only where the oracle's scores
differ by more than that.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.config import load
from sitrep.index.schema import TITLE_WEIGHT, schema
from sitrep.index.store import RecordStore, now
from sitrep.index.writing import rebuild_index, update_index
from sitrep.record import Record, finish
from sitrep.search.api import Archive
from sitrep.search.highlight import _WORD, snippet, stemmer_of

K1, B = 1.2, 0.75  # the documented parameters (README "Search")
WORDS = [
    "oil",
    "supply",
    "army",
    "border",
    "trade",
    "sanctions",
    "minsk",
    "refinery",
    "potash",
    "election",
    "union",
    "treaty",
    "pipeline",
]
FILLER = ["analysts", "weekly", "note", "regime", "market", "policy", "talks", "visit", "agenda"]


def make_records(n: int, seed: int) -> list[Record]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        title = " ".join(rng.choice(WORDS + FILLER) for _ in range(rng.randint(2, 6)))
        body = tuple(
            " ".join(rng.choice(WORDS + FILLER * 3) for _ in range(rng.randint(5, 60))) + "."
            for _ in range(rng.randint(1, 4))
        )
        lead = " ".join(rng.choice(FILLER) for _ in range(rng.randint(3, 12))) + "."
        start = f"{2015 + i % 10}-01-{5 + (i % 3) * 7:02d}"
        out.append(
            finish(
                Record(
                    id=f"{i:016x}",
                    site="belarusinfocus",
                    url=f"https://belarusinfocus.pro/x/{i}/",
                    urls=(f"https://belarusinfocus.pro/x/{i}/",),
                    lang="en",
                    layout="current",
                    title=title,
                    lead=lead,
                    body=body,
                    week_start=start,
                    week_end=start,
                    date_source="week",
                    countries=("BY",) if i % 2 else ("AZ",),
                    country_counts=(("BY", 1),) if i % 2 else (("AZ", 1),),
                )
            )
        )
    return out


def store_records(data: Path, records: Sequence[Record]) -> None:
    """Write records straight into a new store at ``data``, in the order given (their seq)."""
    with RecordStore(data) as store, store.transaction():
        stamp = now()
        store.db.executemany(
            "INSERT INTO records VALUES (?, ?, ?, 1, ?, ?)",
            [(r.id, r.to_json(), r.content_hash, stamp, i) for i, r in enumerate(records, start=1)],
        )


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("ranking")
    records = make_records(300, 7)
    store_records(data, records)
    settings_ = load(path=None, environ={}, overrides={"storage.data_dir": str(data)})
    rebuild_index(settings_)
    with Archive(settings_) as opened:
        yield opened, records


def oracle(records: list[Record], words: list[str], any_word: bool) -> dict[str, float]:
    """BM25 of every record matching the words (all of them, or any), from the definition."""
    analyzer = schema()["text_en"].analyzer
    tokens = {
        r.id: [t.text for t in analyzer("\n".join([*[r.title] * TITLE_WEIGHT, r.lead, *r.body]))] for r in records
    }
    stems = [next(iter(analyzer(w))).text for w in words]
    average = sum(len(v) for v in tokens.values()) / len(tokens)
    df = {s: sum(1 for v in tokens.values() if s in v) for s in stems}
    out = {}
    for rid, toks in tokens.items():
        present = [s for s in stems if s in toks]
        if not present or (not any_word and len(present) < len(stems)):
            continue
        score = 0.0
        for s in set(present):
            tf = toks.count(s)
            idf = math.log(1 + (len(tokens) - df[s] + 0.5) / (df[s] + 0.5))
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(toks) / average))
        out[rid] = score
    return out


def check_order(hits: list[tuple[str, float]], expected: dict[str, float]) -> None:
    """Scores within 6 % of the oracle's (lengths are stored in one byte); and no hit ranked
    above another whose oracle score is clearly (over 6 %) higher."""
    for rid, score in hits:
        assert score == pytest.approx(expected[rid], rel=0.06), rid
    ranked = [expected[rid] for rid, _ in hits]
    for i, higher in enumerate(ranked):
        for lower in ranked[i + 1 :]:
            assert lower <= higher * 1.06


@pytest.mark.parametrize(
    ("query", "words", "any_word"),
    [
        ("oil", ["oil"], False),
        ("sanctions", ["sanctions"], False),
        ("oil supply", ["oil", "supply"], False),
        ("army OR potash", ["army", "potash"], True),
        ("refinery OR treaty OR pipeline", ["refinery", "treaty", "pipeline"], True),
        ("border trade minsk", ["border", "trade", "minsk"], False),
    ],
)
def test_relevance_order_and_scores_follow_bm25(archive, query: str, words: list[str], any_word: bool) -> None:  # type: ignore[no-untyped-def]
    opened, records = archive
    expected = oracle(records, words, any_word)
    results = opened.search(query, per_page=1000, facets=())
    assert results.total == len(expected)
    assert {h.record.id for h in results.hits} == set(expected)
    check_order([(h.record.id, h.score) for h in results.hits], expected)


def test_a_filter_ranks_like_the_unfiltered_list_restricted_to_it(archive) -> None:  # type: ignore[no-untyped-def]
    opened, _ = archive
    everything = [h.record.id for h in opened.search("oil OR army", per_page=1000, facets=()).hits]
    filtered = [h.record.id for h in opened.search("oil OR army", countries=["AZ"], per_page=1000, facets=()).hits]
    allowed = {r.id for r in archive[1] if "AZ" in r.countries}
    assert filtered == [rid for rid in everything if rid in allowed]


@pytest.mark.parametrize(
    ("since", "until", "first", "last"),  # the weeks whose Monday falls in the range (README "Dates")
    [
        ("2016", "2016", "2016-01-01", "2016-12-31"),
        ("2016-01-05", "2016-01-05", "2016-01-04", "2016-01-10"),
        ("2019-01", "2019-01", "2019-01-01", "2019-01-31"),
        ("2024-01-19", "2024-01-19", "2024-01-15", "2024-01-21"),  # holds the last document indexed
    ],
)
@pytest.mark.parametrize(
    ("query", "words", "any_word"), [("oil", ["oil"], False), ("oil OR army", ["oil", "army"], True)]
)
def test_a_narrow_filter_on_a_common_word_keeps_the_scores_and_order(  # type: ignore[no-untyped-def]
    archive, since: str, until: str, first: str, last: str, query: str, words: list[str], any_word: bool
) -> None:
    """Few matches against a long posting list are looked up one by one (search/ranking.py);
    they must score and order exactly as the whole list restricted to them, the last posting
    of a list and a match holding only one of two words included."""
    opened, records = archive
    everything = [(h.record.id, h.score) for h in opened.search(query, per_page=1000, facets=()).hits]
    hits = opened.search(query, since=since, until=until, per_page=1000, facets=()).hits
    filtered = [(h.record.id, h.score) for h in hits]
    allowed = {r.id for r in records if first <= r.week_start <= last}
    assert 0 < len(filtered) < len(everything) / 8, "a narrow filter of a common word"
    assert filtered == [(rid, score) for rid, score in everything if rid in allowed]
    expected = oracle(records, words, any_word)
    check_order(filtered, {rid: expected[rid] for rid, _ in filtered})
    if first.startswith("2024"):
        assert records[-1].id in {rid for rid, _ in filtered}, "the last document indexed is among them"


def test_the_same_records_indexed_in_another_order_rank_alike(archive, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Ties go by record id, not by the order the crawl stored the records in (README "Search")."""
    opened, records = archive
    data = tmp_path / "reversed"
    store_records(data, records[::-1])
    settings_ = load(path=None, environ={}, overrides={"storage.data_dir": str(data)})
    rebuild_index(settings_)
    with Archive(settings_) as other:
        for query in ("oil", "army OR potash", "treaty"):
            ours = [(h.record.id, h.score) for h in opened.search(query, per_page=1000, facets=()).hits]
            theirs = [(h.record.id, h.score) for h in other.search(query, per_page=1000, facets=()).hits]
            scores = [score for _, score in ours]
            assert len(set(scores)) < len(scores), f"{query}: no tie to break, the test would prove nothing"
            assert theirs == ours, query


def test_similar_records_tied_at_the_cut_go_by_record_id(tmp_path: Path) -> None:
    """Eight copies of one text score alike as like it; whatever order the index holds them in
    (here highest id first), similar() shows the lowest ids, in id order, like search()."""
    background = make_records(40, 11)
    asked = dataclasses.replace(
        background[0],
        id="a" * 16,
        url="https://belarusinfocus.pro/asked/",
        urls=(),
        title="Zebrafish quokka narwhal",
        lead="Axolotl pangolin.",
        body=("Zebrafish and quokka met a narwhal; the axolotl and the pangolin did not.",),
    )
    copies = [
        dataclasses.replace(asked, id=f"c{n:015x}", url=f"https://belarusinfocus.pro/c/{n}/", urls=()) for n in range(8)
    ]
    store_records(tmp_path, [finish(r) for r in [*background, asked, *copies[::-1]]])
    settings_ = load(path=None, environ={}, overrides={"storage.data_dir": str(tmp_path)})
    rebuild_index(settings_)
    expected = sorted(c.id for c in copies)
    with Archive(settings_) as opened:
        for limit in (1, 3, 7, 8, 20):
            alike = opened.similar(asked.id, limit=limit)
            assert [h.record.id for h in alike] == expected[:limit], limit
            assert len({h.score for h in alike}) == 1, "copies of one text score alike"


def test_similar_leaves_out_the_record_itself_once_it_has_been_updated(tmp_path: Path) -> None:
    """An updated record's old version stays in the index as a deleted document; similar() must
    exclude the live one, which is the record itself, not the deleted one."""
    records = make_records(60, 3)
    store_records(tmp_path, records)
    settings_ = load(path=None, environ={}, overrides={"storage.data_dir": str(tmp_path)})
    rebuild_index(settings_)
    asked = records[10]
    edited = finish(dataclasses.replace(asked, body=(*asked.body, "One more sentence about the oil treaty.")))
    with RecordStore(tmp_path) as store, store.transaction():
        store.db.execute(
            "UPDATE records SET json = ?, content_hash = ?, version = 2, seq = 100 WHERE id = ?",
            (edited.to_json(), edited.content_hash, asked.id),
        )
    assert update_index(settings_) == 1
    with Archive(settings_) as opened:
        alike = [h.record.id for h in opened.similar(asked.id, limit=59)]
        assert alike and asked.id not in alike
        assert len(alike) == len(set(alike))


def test_pages_continue_each_other(archive) -> None:  # type: ignore[no-untyped-def]
    opened, _ = archive
    whole = [h.record.id for h in opened.search("sanctions", per_page=60, facets=()).hits]
    pages = [h.record.id for p in (1, 2, 3) for h in opened.search("sanctions", page=p, per_page=20, facets=()).hits]
    assert pages == whole


def test_title_words_outrank_the_same_words_in_the_body(tmp_path: Path) -> None:
    base = make_records(2, 1)
    in_title = dataclasses.replace(base[0], id="a" * 16, title="Potash exports", body=("Talks went on about trade.",))
    in_body = dataclasses.replace(base[1], id="b" * 16, title="Trade talks", body=("Talks went on about potash.",))
    data = tmp_path / "data"
    with RecordStore(data) as store, store.transaction():
        for seq, r in enumerate([finish(in_title), finish(in_body)], start=1):
            store.db.execute(
                "INSERT INTO records VALUES (?, ?, ?, 1, ?, ?)", (r.id, r.to_json(), r.content_hash, now(), seq)
            )
    settings_ = load(path=None, environ={}, overrides={"storage.data_dir": str(data)})
    rebuild_index(settings_)
    with Archive(settings_) as opened:
        assert [h.record.id for h in opened.search("potash", facets=()).hits] == ["a" * 16, "b" * 16]


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(WORDS + FILLER + ["Says", "sky", "ties", "x.oil", "U.S.", "oil-supply"]), max_size=80
    ),
    terms=st.lists(st.sampled_from([*WORDS, "say", "ti", "sky"]), min_size=1, max_size=3),
)
def test_snippet_marks_exactly_the_words_that_stem_to_a_query_term(words: list[str], terms: list[str]) -> None:
    stem = stemmer_of(schema()["text_en"].analyzer)
    text = " ".join(words)
    stems = {stem(t) for t in terms}
    found = snippet(text, stems, stem, width=10_000)
    expected = [m.span() for m in _WORD.finditer(text) if stem(m.group(0).lower()) in stems]
    assert (found.highlights if found else ()) == tuple(expected)


def test_scores_are_bm25_exactly_when_every_text_has_the_same_length(tmp_path: Path) -> None:
    """Every text 30 words long: BM25's length factor is 1 whatever Whoosh's one-byte lengths
    round to, so each score must be the definition's to the 4 decimals shown, for words in 2, 15
    and 60 of the 120 texts, 1 to 3 times each; and OR adds the words' scores."""
    rng = random.Random(12)
    targets = {"potash": 2, "treaty": 15, "pipeline": 60}  # word: in how many texts
    holders = {w: set(rng.sample(range(120), df)) for w, df in targets.items()}
    tfs: dict[tuple[str, int], int] = {}
    records = []
    for i in range(120):
        body = []
        for word in targets:
            if i in holders[word]:
                tfs[word, i] = rng.randint(1, 3)
                body += [word] * tfs[word, i]
        body += rng.choices(FILLER, k=20 - len(body))
        rng.shuffle(body)
        title, lead = rng.choices(FILLER, k=2), rng.choices(FILLER, k=4)
        records.append(
            dataclasses.replace(
                make_records(1, i)[0],
                id=f"{i:016x}",
                title=" ".join(title),
                lead=" ".join(lead) + ".",
                body=(" ".join(body) + ".",),
            )
        )
    assert {len(_WORD.findall("\n".join([*[r.title] * TITLE_WEIGHT, r.lead, *r.body]))) for r in records} == {30}
    store_records(tmp_path, [finish(r) for r in records])
    settings_ = load(path=None, environ={}, overrides={"storage.data_dir": str(tmp_path)})
    rebuild_index(settings_)

    def bm25(word: str, i: int) -> float:
        if (word, i) not in tfs:
            return 0.0
        df, tf = targets[word], tfs[word, i]
        return math.log(1 + (120 - df + 0.5) / (df + 0.5)) * tf * (K1 + 1) / (tf + K1)

    with Archive(settings_) as opened:
        for query, words in [(w, [w]) for w in targets] + [("potash OR treaty OR pipeline", list(targets))]:
            hits = opened.search(query, per_page=200, facets=()).hits
            assert len(hits) == len({i for w in words for i in holders[w]}), query
            for hit in hits:
                i = int(hit.record.id, 16)
                assert hit.score == pytest.approx(sum(bm25(w, i) for w in words), abs=1e-4), (query, i)


def test_a_narrow_filter_over_neighbouring_documents_scores_each_of_them(tmp_path: Path) -> None:
    """Stored in date order, one week's records are neighbours in the index: looked up one by one
    (the narrow-filter path), a match holding only one of the words must not make the lookup
    pass over the next one's posting."""
    records = sorted(make_records(300, 21), key=lambda r: (r.week_start, r.id))
    store_records(tmp_path, records)
    settings_ = load(path=None, environ={}, overrides={"storage.data_dir": str(tmp_path)})
    rebuild_index(settings_)
    with Archive(settings_) as opened:
        for query in ("oil OR army", "potash OR treaty OR minsk"):
            everything = [(h.record.id, h.score) for h in opened.search(query, per_page=1000, facets=()).hits]
            week = [r.id for r in records if r.week_start == "2018-01-12"]
            hits = opened.search(query, since="2018-01-12", until="2018-01-12", per_page=1000, facets=()).hits
            assert 5 < len(hits) < len(everything) / 8, query
            assert [(h.record.id, h.score) for h in hits] == [(i, s) for i, s in everything if i in week], query
