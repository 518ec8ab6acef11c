"""Bitsets of document numbers (``index.docvalues``): every filter, facet and ranking step goes
through them, so each conversion is checked against plain Python sets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.index.docvalues import bits_of, docnums_of


def oracle_mask(docnums: set[int]) -> int:
    return sum(1 << d for d in docnums)


@settings(max_examples=300, deadline=None)
@given(size=st.integers(1, 5000), data=st.data())
def test_docnums_of_gives_back_every_set_bit_ascending(size: int, data: st.DataObject) -> None:
    # from empty through sparse (the regular-expression path) to full (the byte walk)
    share = data.draw(st.sampled_from([0.0, 0.001, 0.01, 0.1, 0.5, 1.0]))
    docnums = data.draw(st.sets(st.integers(0, size - 1), max_size=max(1, int(size * share))))
    if share == 1.0:
        docnums = set(range(size))
    mask = oracle_mask(docnums)
    assert docnums_of(mask) == sorted(docnums)
    assert bits_of(sorted(docnums), size) == mask


def test_bytes_with_any_bit_pattern() -> None:
    for value in range(256):
        for offset in (0, 8, 8 * 1000):
            mask = value << offset
            assert docnums_of(mask) == [offset + b for b in range(8) if value >> b & 1]
    assert docnums_of(0) == []


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(st.text(max_size=20), max_size=60), data=st.data())
def test_packed_ids_read_as_the_list_they_were_made_from(ids: list[str], data: st.DataObject) -> None:
    """Record ids by document number (saved with each generation): any text, empty ones too."""
    import pickle

    from sitrep.index.docvalues import PackedIds

    packed = pickle.loads(pickle.dumps(PackedIds.of(ids), protocol=pickle.HIGHEST_PROTOCOL))
    assert len(packed) == len(ids) and list(packed) == ids
    if ids:
        d = data.draw(st.integers(-len(ids), len(ids) - 1))
        assert packed[d] == ids[d]
    start, stop = data.draw(st.integers(-70, 70)), data.draw(st.integers(-70, 70))
    assert packed[start:stop] == ids[start:stop]
    for outside in (len(ids), -len(ids) - 1):
        try:
            packed[outside]
        except IndexError:
            continue
        raise AssertionError(f"document {outside} of {len(ids)} should not exist")


def test_doc_values_saved_with_a_list_of_ids_still_load(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An index generation saved before PackedIds keeps answering (no rebuild needed)."""
    import array

    from sitrep.index.docvalues import DocValues

    old = DocValues(
        1, ["b2", "a1"], array.array("l", [0, 0]), 3, {}, array.array("l", [1, 0]), array.array("f", [1, 1]), {}
    )
    old.save(tmp_path)
    loaded = DocValues.load(tmp_path, 1)
    assert loaded is not None and list(loaded.ids) == ["b2", "a1"] and loaded.ids[1] == "a1"
