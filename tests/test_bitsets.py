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
