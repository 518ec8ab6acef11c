"""Newest (and oldest) first: the page a date sort returns is the archive's week order, whether
the hits are few (sorted by their place) or many (the saved order walked). The order here is
written from README's rule, not taken from the index code."""

from __future__ import annotations

import array
import dataclasses
import random
from pathlib import Path

import pytest

from sitrep.config import load
from sitrep.index.docvalues import DocValues, bits_of
from sitrep.index.writing import rebuild_index
from sitrep.record import finish
from sitrep.search.api import Archive
from sitrep.search.facets import by_week
from tests.test_ranking import make_records, store_records


def archive(size: int, seed: int) -> tuple[DocValues, list[int], list[int]]:
    rng = random.Random(seed)
    ids = [f"{rng.getrandbits(64):016x}" for _ in range(size)]
    weeks = array.array("l", (0 if rng.random() < 0.1 else 735000 + 7 * rng.randrange(500) for _ in range(size)))
    # README: newest week first, equal weeks by id; undated records last, by id
    dated = sorted((d for d in range(size) if weeks[d]), key=lambda d: (-weeks[d], ids[d]))
    undated = sorted((d for d in range(size) if not weeks[d]), key=lambda d: ids[d])
    order = array.array("l", dated + undated)
    live = (1 << size) - 1
    lengths = array.array("f", [1.0]) * size
    return DocValues(1, ids, weeks, live, {}, order, lengths, {}), dated, undated


@pytest.mark.parametrize("density", [0.0005, 0.003, 0.02, 0.2, 0.9])
@pytest.mark.parametrize("needed", [1, 20, 60])
def test_a_date_sorted_page_is_the_archive_order_of_the_hits(density: float, needed: int) -> None:
    dv, dated, undated = archive(20_000, seed=int(density * 1e4) + needed)
    rng = random.Random(needed)
    hits = {d for d in range(20_000) if rng.random() < density}
    mask = bits_of(hits, 20_000)
    newest = [d for d in dated + undated if d in hits][:needed]
    oldest = [d for d in dated[::-1] + undated if d in hits][:needed]
    assert by_week(dv, mask, True, needed) == newest
    assert by_week(dv, mask, False, needed) == oldest


def test_undated_hits_follow_when_the_walk_runs_out_of_dated_ones() -> None:
    dv, dated, undated = archive(2000, seed=3)
    hits = set(dated[:5]) | set(undated)
    needed = 20
    # enough hits that the saved order is walked (not the few hits sorted): the walk must go on
    # from the dated part of the order into the undated part
    assert len(hits) ** 2 >= needed * 2000 and len(undated) > needed
    mask = bits_of(hits, 2000)
    assert by_week(dv, mask, True, needed) == dated[:5] + undated[:15]
    assert by_week(dv, mask, False, needed) == dated[:5][::-1] + undated[:15]


def test_an_index_orders_records_of_one_week_by_id_whatever_order_they_were_stored_in(tmp_path: Path) -> None:
    """README: equal weeks by id. Thirty records of three weeks, stored highest id first, and
    five undated: the saved order of a real index, with a word and without; oldest first is
    the dated part reversed."""
    base = make_records(35, 4)
    weeks = ["2016-11-28", "2016-12-05", "2016-12-12"]
    dated = [dataclasses.replace(r, week_start=weeks[i % 3], week_end=weeks[i % 3]) for i, r in enumerate(base[:30])]
    undated = [dataclasses.replace(r, week_start=None, week_end=None, date_source="none") for r in base[30:]]
    records = sorted(dated + undated, key=lambda r: r.id, reverse=True)
    store_records(tmp_path, [finish(r) for r in records])
    settings = load(path=None, environ={}, overrides={"storage.data_dir": str(tmp_path)})
    rebuild_index(settings)
    by_id = sorted(dated, key=lambda r: r.id)
    newest = [r.id for w in reversed(weeks) for r in by_id if r.week_start == w] + sorted(r.id for r in undated)
    oldest = newest[:30][::-1] + newest[30:]  # the dated ones reversed (as the test above), undated last
    with Archive(settings) as opened:
        assert opened.ids() == newest
        assert [h.record.id for h in opened.search("", sort="oldest", per_page=100).hits] == oldest
        with_oil = [i for i in newest if "oil" in opened.get(i).text.lower()]
        assert 0 < len(with_oil) < len(newest)
        assert [h.record.id for h in opened.search("oil", sort="newest", per_page=100).hits] == with_oil
