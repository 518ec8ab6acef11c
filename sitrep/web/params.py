"""A search as a URL and back: every page state is its query string (shareable, back button).

The same names serve the HTML pages and the JSON API, so ``/?q=oil&country=AZ`` and
``/api/search?q=oil&country=AZ`` are one search. Limits are checked here, before the archive is
asked: a query's length, the page size and how deep paging may go.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from sitrep.errors import ArgumentError, QueryError

MAX_QUERY = 500  # characters of query text
MAX_PER_PAGE = 100  # hits on one page or API call (exports page through everything)
MAX_DEPTH = 10_000  # page * per_page: deeper pages cost ranking everything before them
PER_PAGE = 20
SORTS = ("relevance", "newest", "oldest")

# URL parameter -> Archive.search keyword, for the multi-valued filters (a facet click adds one)
LISTS = {
    "country": "countries",
    "org": "orgs",
    "topic": "topics",
    "trend": "trends",
    "lang": "langs",
    "author": "authors",
}
# facet name (Results.facets) -> the URL parameter its values go in
FACET_PARAM = {
    "countries": "country",
    "orgs": "org",
    "topic": "topic",
    "trend": "trend",
    "lang": "lang",
    "author": "author",
}
FACETS = ("countries", "orgs", "topic", "trend", "year", "lang", "author")


@dataclasses.dataclass(frozen=True)
class Search:
    """One search as the URL states it."""

    q: str = ""
    lists: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (param, values) in LISTS order
    since: str = ""
    until: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_query(cls, params: QueryParams) -> Search:
        q = params.get("q", "").strip()
        if len(q) > MAX_QUERY:
            raise QueryError(q[:40] + "…", f"longer than {MAX_QUERY} characters; shorten it")
        sort = params.get("sort") or "relevance"
        if sort not in SORTS:
            raise ArgumentError("sort", f"unknown sort {sort!r} (sorts: {', '.join(SORTS)})")
        page = _number(params.get("page"), "page", 1)
        per_page = _number(params.get("per_page"), "per_page", PER_PAGE)
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise ArgumentError("per_page", f"must be from 1 to {MAX_PER_PAGE}, not {per_page}")
        if page < 1 or page * per_page > MAX_DEPTH:
            raise ArgumentError("page", f"must be from 1 to {MAX_DEPTH // per_page} at {per_page} per page, not {page}")
        lists = tuple((p, tuple(dict.fromkeys(v for v in params.getlist(p) if v))) for p in LISTS)
        return cls(
            q=q,
            lists=tuple((p, v) for p, v in lists if v),
            since=params.get("from", "").strip(),
            until=params.get("to", "").strip(),
            sort=sort,
            page=page,
            per_page=per_page,
        )

    def values(self, param: str) -> tuple[str, ...]:
        return dict(self.lists).get(param, ())

    def filters(self) -> dict[str, Any]:
        """The keyword filters of ``Archive.search``, ``timeline`` and ``trends``.

        Several countries narrow (a text about all of them), as a facet click should.
        """
        out: dict[str, Any] = {LISTS[p]: list(v) for p, v in self.lists}
        if len(self.values("country")) > 1:
            out["countries_mode"] = "all"
        if self.since:
            out["since"] = self.since
        if self.until:
            out["until"] = self.until
        return out

    def search_kwargs(self, facets: Iterable[str] = FACETS) -> dict[str, Any]:
        return {
            **self.filters(),
            "sort": self.sort,
            "page": self.page,
            "per_page": self.per_page,
            "facets": tuple(facets),
        }

    def pairs(self, **changes: Any) -> list[tuple[str, str]]:
        """The URL parameters of this search with ``changes`` applied; defaults left out."""
        state = dataclasses.replace(self, **changes)
        pairs: list[tuple[str, str]] = [("q", state.q)] if state.q else []
        pairs += [(p, v) for p, values in state.lists for v in values]
        pairs += [(k, v) for k, v in (("from", state.since), ("to", state.until)) if v]
        if state.sort != "relevance":
            pairs.append(("sort", state.sort))
        if state.per_page != PER_PAGE:
            pairs.append(("per_page", str(state.per_page)))
        if state.page != 1:
            pairs.append(("page", str(state.page)))
        return pairs

    def url(self, path: str = "/", extra: Iterable[tuple[str, str]] = (), **changes: Any) -> str:
        """This search's URL at ``path``, with ``changes`` and ``extra`` parameters (``by=year``)."""
        query = urlencode([*self.pairs(**changes), *extra])
        return f"{path}?{query}" if query else path

    def toggled(self, param: str, value: str) -> Search:
        """This search with one filter value added, or removed if it was there; back to page 1."""
        current = self.values(param)
        values = tuple(v for v in current if v != value) if value in current else (*current, value)
        lists = {**dict(self.lists), param: values}
        return dataclasses.replace(self, lists=tuple((p, lists[p]) for p in LISTS if lists.get(p)), page=1)

    def year(self, year: str) -> Search:
        """Only ``year`` (or all years again, if it was the one chosen)."""
        if self.since == year and self.until == year:
            return dataclasses.replace(self, since="", until="", page=1)
        return dataclasses.replace(self, since=year, until=year, page=1)


def _number(raw: str | None, name: str, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ArgumentError(name, f"must be a whole number, not {raw!r}") from None
