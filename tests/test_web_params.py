"""The web's query parameters as a browser sends them: their limits exactly at the edge, a facet
click going back to page 1, the year link, and empty values from a form. Expected values from
the limits README states (500 characters, 100 per page, 10,000 results deep)."""

from __future__ import annotations

import pytest
from starlette.datastructures import QueryParams

from sitrep.errors import ArgumentError, QueryError
from sitrep.web.params import Search


def search(query: str) -> Search:
    return Search.from_query(QueryParams(query))


def test_each_limit_holds_at_its_edge_and_not_past_it() -> None:
    assert search("q=" + "a" * 500).q == "a" * 500
    with pytest.raises(QueryError, match="longer than 500"):
        search("q=" + "a" * 501)
    assert search("per_page=100").per_page == 100
    with pytest.raises(ArgumentError, match="per_page: must be from 1 to 100"):
        search("per_page=101")
    assert search("page=500&per_page=20").page == 500  # 10,000 deep
    with pytest.raises(ArgumentError, match="page: must be from 1 to 500 at 20 per page"):
        search("page=501&per_page=20")


def test_a_facet_click_goes_back_to_page_1_and_a_second_click_undoes_it() -> None:
    on_page_5 = search("q=oil&country=BY&page=5")
    added = on_page_5.toggled("country", "AZ")
    assert (added.values("country"), added.page) == (("BY", "AZ"), 1)
    removed = added.toggled("country", "BY")
    assert (removed.values("country"), removed.page) == (("AZ",), 1)


def test_the_year_link_chooses_the_year_or_clears_it_when_it_alone_was_chosen() -> None:
    span = search("from=2016&to=2018&page=3")
    assert (span.year("2016").since, span.year("2016").until, span.year("2016").page) == ("2016", "2016", 1)
    assert (span.year("2016").year("2016").since, span.year("2016").year("2016").until) == ("", "")


def test_empty_values_from_a_form_are_no_filter() -> None:
    empty = search("q=&country=&topic=&from=&to=&sort=&page=&per_page=")
    assert empty == Search() and empty.filters() == {}
