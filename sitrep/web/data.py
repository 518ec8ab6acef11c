"""What each page shows, fetched once for both its HTML and its ``/api/…`` JSON.

Every function here asks the archive through ``Backend.call`` (one thread, a time limit) and
returns the API's own objects; the page templates and the JSON envelopes only format them.
"""

from __future__ import annotations

import difflib
from typing import Any

from starlette.requests import Request

from sitrep.errors import QueryError
from sitrep.record import Record
from sitrep.search import cite
from sitrep.search.api import Archive, Capture
from sitrep.search.facets import FACET_FIELD
from sitrep.search.results import Hit, Results, Stats, Timeline
from sitrep.search.trends import BY
from sitrep.web import archived
from sitrep.web.backend import Backend
from sitrep.web.params import FACETS, Search
from sitrep.web.trends import trend_counts


def backend(request: Request) -> Backend:
    return request.app.state.backend  # type: ignore[no-any-return]


async def search(request: Request, all_facets: bool = False) -> tuple[Search, Results]:
    state = Search.from_query(request.query_params)
    facets = tuple(FACET_FIELD) if all_facets else FACETS
    results = await backend(request).call(
        lambda a: a.search(state.q, **state.search_kwargs(facets)), ("search", state, facets)
    )
    return state, results


async def record(request: Request) -> dict[str, Any]:
    """A record with its versions (each with the diff from the one before) and similar texts."""
    record_id = request.path_params["record_id"]

    def fetch(a: Archive) -> dict[str, Any]:
        found = a.get(record_id)
        history = a.history(record_id)
        captures = a.record_captures(record_id)
        texts = {h["version"]: a.version(record_id, h["version"]) for h in history}
        return {
            "record": found,
            "history": [
                {**h, "diff": diff(texts.get(h["version"] - 1), texts[h["version"]])} if h["version"] > 1 else h
                for h in history
            ],
            "similar": a.similar(record_id, 5),
            "captures": {url: a.captures(url) for url in found.urls},
            "citation": cite.text(found, captures[0] if captures else None, a.settings.site.name),
        }

    return await backend(request).call(fetch, ("record", record_id))


def diff(before: Record | None, after: Record) -> list[str]:
    """A unified diff of two versions' text and verdict, line by line (empty if unchanged)."""
    if before is None:
        return []

    def lines(r: Record) -> list[str]:
        return [f"title: {r.title}", f"topic: {r.topic}", f"trend: {r.trend}", r.lead, *r.body]

    return list(difflib.unified_diff(lines(before), lines(after), "before", "after", lineterm="", n=1))[2:]


async def similar(request: Request) -> tuple[Hit, ...]:
    record_id = request.path_params["record_id"]
    return await backend(request).call(lambda a: a.similar(record_id, 10), ("similar", record_id))


async def timeline(request: Request) -> Timeline:
    state = Search.from_query(request.query_params)
    by, split = request.query_params.get("by", "month"), request.query_params.get("split") or None
    return await backend(request).call(
        lambda a: a.timeline(state.q, by=by, split=split, **state.filters()), ("timeline", state, by, split)
    )


async def trends(request: Request) -> tuple[Search, dict[str, Any]]:
    state = Search.from_query(request.query_params)
    by = request.query_params.get("by", "quarter")
    if by not in BY:
        raise QueryError(by, f"by must be {', '.join(BY)}")
    return state, await backend(request).call(
        lambda a: trend_counts(a, state.q, by, state.filters()), ("trends", state, by)
    )


async def stats(request: Request) -> Stats:
    return await backend(request).call(lambda a: a.stats(), "stats")


async def runs(request: Request) -> list[dict[str, Any]]:
    return await backend(request).call(lambda a: a.runs(), "runs")


async def archived_copy(request: Request) -> tuple[Capture, set[str]]:
    """The capture of ``?url=`` (``&at=`` a capture date) and which of the page's links have
    archived copies of their own."""
    url = request.query_params.get("url", "")
    at = request.query_params.get("at") or None
    if not url:
        raise QueryError("", "url is missing: /archived?url=<a URL the record page lists>")

    def fetch(a: Archive) -> tuple[Capture, set[str]]:
        capture = a.capture(url, at)
        kept = {link for link in archived.links_of(capture) if a.captures(link)} if archived.is_html(capture) else set()
        return capture, kept

    return await backend(request).call(fetch)
