"""Phrase matching from the saved word sets and the words' positions, against two oracles:
Whoosh's own phrase matcher over the same index, and adjacency counted in the test from each
record's words as the index's analyzer gives them.
"""

from __future__ import annotations

import dataclasses
import itertools
import random

import pytest
from whoosh import query as wq

from sitrep.config import load
from sitrep.errors import IndexDamaged
from sitrep.index.docvalues import bits_of, positions_of
from sitrep.index.schema import TITLE_WEIGHT, schema
from sitrep.index.store import RecordStore
from sitrep.index.writing import rebuild_index, update_index
from sitrep.record import finish
from sitrep.search.api import Archive
from sitrep.search.generation import Generation
from tests.test_ranking import FILLER, WORDS, make_records, store_records

COMMON = WORDS[:6] + FILLER[:3]  # in well over TermSets.MIN_DF of the 700 records


def _analysed(text: str) -> list[str]:
    return [t.text for t in schema()["text_en"].analyzer(text)]


@pytest.fixture(
    scope="module", params=[(1, False), (2, False), (1, True)], ids=["one segment", "two segments", "deletions"]
)
def data(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """700 records indexed by one or two writer processes; or indexed, then 40 of them changed
    and the index updated, the old versions left in the segment as deleted documents (which no
    phrase may match, and whose postings Whoosh reads through a filter rather than by block)."""
    processes, changes = request.param
    data = tmp_path_factory.mktemp("phrases")
    records = make_records(700, 11)
    store_records(data, records)
    settings = load(path=None, environ={}, overrides={"storage.data_dir": str(data), "index.processes": processes})
    rebuild_index(settings)
    if not changes:
        assert len(_reader_facts(settings)[0]) == processes
        yield settings, records
        return
    rng = random.Random(5)
    changed = {
        r.id: finish(dataclasses.replace(r, body=(" ".join(rng.sample(COMMON, 5)) + ".",))) for r in records[:40]
    }
    with RecordStore(data) as store, store.transaction():
        for seq, record in enumerate(changed.values(), start=1000):
            store.db.execute(
                "UPDATE records SET json = ?, content_hash = ?, version = 2, seq = ? WHERE id = ?",
                (record.to_json(), record.content_hash, seq, record.id),
            )
    assert update_index(settings) == 40
    assert _reader_facts(settings)[1]
    yield settings, [changed.get(r.id, r) for r in records]


def _reader_facts(settings):  # type: ignore[no-untyped-def]
    """The index's segments and whether it has deleted documents."""
    generation = Generation.open(settings.data_dir)
    try:
        reader = generation.searcher.reader()
        return reader.leaf_readers(), reader.has_deletions()
    finally:
        generation.close()


def _phrases() -> list[list[str]]:
    rng = random.Random(3)
    words = [_analysed(w)[0] for w in COMMON]
    pairs = [list(p) for p in itertools.product(words, repeat=2)]
    triples = [rng.sample(words, 3) for _ in range(30)]
    return pairs + triples


def test_phrases_match_what_whooshs_own_matcher_finds(data) -> None:  # type: ignore[no-untyped-def]
    settings, _ = data
    generation = Generation.open(settings.data_dir)
    try:
        size = len(generation.docvalues.ids)
        matched = 0
        for words in _phrases():
            for word in words:  # the saved sets lead, not Whoosh's matcher (which would agree trivially)
                assert generation.termsets.get("text_en", word, size) is not None
            phrase = wq.Phrase("text_en", list(words))
            whooshs = bits_of(generation.searcher.docs_for_query(phrase), size) & generation.docvalues.live
            assert generation.docs(phrase) == whooshs, words
            matched += bool(whooshs)
        assert matched > 60  # most phrases have answers: the comparison is not of empty sets
    finally:
        generation.close()


def test_phrase_search_counts_the_records_whose_words_stand_side_by_side(data) -> None:  # type: ignore[no-untyped-def]
    """The indexed text is the title three times, the lead and the body (README "Search")."""
    settings, records = data
    texts = [_analysed("\n".join([*[r.title] * TITLE_WEIGHT, r.lead, *r.body])) for r in records]
    with Archive(settings) as archive:
        three = " ".join(records[100].body[0].rstrip(".").split()[:3])  # three words some record has in a row
        for typed in ["oil supply", "minsk minsk", "analysts weekly", "refinery potash", three]:
            words = _analysed(typed)
            expected = sum(any(t[i : i + len(words)] == words for i in range(len(t))) for t in texts)
            assert expected > 0, typed
            assert archive.search(f'"{typed}"').total == expected, typed


def test_saved_sets_that_disagree_with_the_postings_are_damage(data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings, _ = data
    generation = Generation.open(settings.data_dir)
    try:
        size = len(generation.docvalues.ids)
        sets = generation.termsets
        oil, supply = sets.get("text_en", "oil", size), sets.get("text_en", "suppli", size)
        without_oil = generation.docvalues.live & supply & ~oil
        extra = without_oil & -without_oil  # a live document with "supply" but no "oil": now a candidate
        real = sets.get
        monkeypatch.setattr(sets, "get", lambda f, t, n: real(f, t, n) | extra if t == "oil" else real(f, t, n))
        with pytest.raises(IndexDamaged, match="saved word sets list document"):
            generation.docs(wq.Phrase("text_en", ["oil", "suppli"]))
    finally:
        generation.close()


def test_positions_are_what_whooshs_matcher_reads_for_any_documents_asked(data) -> None:  # type: ignore[no-untyped-def]
    """Each document alone (the first asked in a block may be its last), and random sets."""
    settings, _ = data
    generation = Generation.open(settings.data_dir)
    try:
        reader = generation.searcher.reader()
        size = reader.doc_count_all()
        rng = random.Random(8)
        for word in ["oil", "minsk", "analyst"]:
            whooshs = dict(reader.postings("text_en", word).items_as("positions"))
            assert len(whooshs) > 64
            for doc in range(size):
                assert positions_of(reader, "text_en", word, [doc]) == ({doc: whooshs[doc]} if doc in whooshs else {})
            for _ in range(50):
                docs = sorted(rng.sample(range(size), rng.randint(1, size)))
                assert positions_of(reader, "text_en", word, docs) == {d: whooshs[d] for d in docs if d in whooshs}
    finally:
        generation.close()


def test_every_kind_of_query_finds_what_the_records_hold(data) -> None:  # type: ignore[no-untyped-def]
    """Words, AND, OR, NOT of words and of fields, a hyphenated word (both its parts) and a phrase
    with a stop word, against the records' words as the index's analyzer gives them. On the
    index with deletions, the old versions of the 40 changed records hold words their records
    no longer have: none may answer for them."""
    settings, records = data
    held = {r.id: set(_analysed("\n".join([*[r.title] * TITLE_WEIGHT, r.lead, *r.body]))) for r in records}

    def has(*words: str):  # type: ignore[no-untyped-def]
        stems = [_analysed(w)[0] for w in words]
        return lambda r: all(s in held[r.id] for s in stems)

    cases = {
        "oil": has("oil"),
        "oil army": has("oil", "army"),
        "oil OR treaty": lambda r: has("oil")(r) or has("treaty")(r),
        "NOT oil": lambda r: not has("oil")(r),
        "pipeline NOT oil": lambda r: has("pipeline")(r) and not has("oil")(r),
        "NOT country:AZ": lambda r: "AZ" not in r.countries,
        "country:AZ NOT (supply OR minsk)": lambda r: "AZ" in r.countries and not (has("supply")(r) or has("minsk")(r)),
        "oil-supply": has("oil", "supply"),
    }
    with Archive(settings) as archive:
        for query, holds in cases.items():
            expected = sorted(r.id for r in records if holds(r))
            assert 0 < len(expected) < len(records), query
            assert sorted(archive.ids(query)) == expected, query
            assert archive.search(query, per_page=1).total == len(expected), query
        texts = [_analysed("\n".join([*[r.title] * TITLE_WEIGHT, r.lead, *r.body])) for r in records]
        adjacent = sum(any(t[i : i + 2] == ["oil", "suppli"] for i in range(len(t))) for t in texts)
        assert adjacent and archive.search('"oil of supply"').total == adjacent  # "of" is not indexed
