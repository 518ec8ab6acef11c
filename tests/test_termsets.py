"""The word sets saved beside the index (``TermSets``) hold exactly Whoosh's postings, whether one
process or two read them. The oracle walks Whoosh's postings one at a time, its plain interface,
not the block reader the saved sets are built with."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.config import load
from sitrep.index.docvalues import TermSets
from sitrep.index.schema import TEXT_FIELDS
from sitrep.index.writing import live_folder, open_folder, rebuild_index
from tests.test_ranking import make_records, store_records


def whoosh_postings(reader, field: str, term: bytes) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    out = []
    for leaf, offset in reader.leaf_readers():
        if (field, term) in leaf:
            matcher = leaf.postings(field, term)
            while matcher.is_active():
                out.append((matcher.id() + offset, int(matcher.weight())))
                matcher.next()
    return sorted(out)


@pytest.fixture(scope="module")
def index_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("termsets")
    records = make_records(400, 11)
    store_records(data, records)
    # two writer processes: two segments, so the sets must join their postings with offsets
    rebuild_index(load(path=None, environ={}, overrides={"storage.data_dir": str(data), "index.processes": 2}))
    return live_folder(data)


@pytest.mark.parametrize("processes", [1, 2])
def test_saved_sets_are_whooshs_postings(index_folder: Path, processes: int) -> None:
    ix = open_folder(index_folder)
    try:
        with ix.reader() as reader:
            assert len(list(reader.leaf_readers())) >= 2
            generation = ix.latest_generation()
            TermSets.build(reader, generation, index_folder, TEXT_FIELDS, processes)
            sets = TermSets(index_folder, generation)
            size = reader.doc_count_all()
            saved = 0
            for field, term in reader.all_terms():
                if field not in TEXT_FIELDS:
                    continue
                expected = whoosh_postings(reader, field, term)
                word = term.decode("utf-8")
                found = sets.postings(field, word)
                if len(expected) < TermSets.MIN_DF:
                    assert found is None, word
                    continue
                saved += 1
                assert found is not None, word
                pairs = list(zip(found[0].cast("I"), found[1].cast("H")))
                del found  # views of the mapped file: closing it needs them gone
                assert pairs == expected, word
                assert sets.get(field, word, size) == sum(1 << d for d, _ in expected), word
            assert saved >= 10  # the records' common words, dense (bitsets) and not
            sets.close()
    finally:
        ix.close()
    assert sorted(p.name for p in index_folder.glob("termsets-*")) == [f"termsets-{generation}.bin"]


def test_a_table_saved_as_a_dict_still_reads(index_folder: Path) -> None:
    """Files saved before the packed table end in a pickled dict of the same places; such a file
    still gives each saved word Whoosh's own documents."""
    import pickle

    ix = open_folder(index_folder)
    try:
        with ix.reader() as reader:
            generation = ix.latest_generation()
            TermSets.build(reader, generation, index_folder, TEXT_FIELDS)
            size = reader.doc_count_all()
            path = index_folder / f"termsets-{generation}.bin"
            raw = path.read_bytes()
            length = int.from_bytes(raw[-8:], "little")
            packed = pickle.loads(raw[-8 - length : -8])
            keys = [
                (field, term.decode("utf-8"))
                for field, term in reader.all_terms()
                if field in TEXT_FIELDS and packed.get((field, term.decode("utf-8"))) is not None
            ]
            as_dict = {key: packed.get(key) for key in keys}
            old = pickle.dumps(as_dict, protocol=pickle.HIGHEST_PROTOCOL)
            path.write_bytes(raw[: -8 - length] + old + len(old).to_bytes(8, "little"))
            sets = TermSets(index_folder, generation)
            for field, word in keys:
                expected = sum(1 << d for d, _ in whoosh_postings(reader, field, word.encode("utf-8")))
                assert sets.get(field, word, size) == expected, word
            assert len(keys) >= 10
            sets.close()
    finally:
        ix.close()


def test_words_holding_a_separator_are_left_to_whoosh() -> None:
    """The packed table joins names with newlines and NULs: a word holding one is not saved
    (it is read from Whoosh's postings, as a rare word is); the others keep their places."""
    import pickle

    from sitrep.index.docvalues import _PackedTable

    table = {("text_en", "oil"): (0, 70, 0), ("text_en", "a\nb"): (280, 64, 0), ("text_ru", "c\x00d"): (9, 9, 9)}
    packed = pickle.loads(pickle.dumps(_PackedTable.of(table)))
    assert packed.get(("text_en", "oil")) == (0, 70, 0)
    assert packed.get(("text_en", "a\nb")) is None and packed.get(("text_ru", "c\x00d")) is None
    assert packed.get(("text_en", "gas")) is None
