"""The HTTP JSON API: each page's data at ``/api/…`` in the envelope ``sitrep … --json`` prints,
whole result sets as CSV or NDJSON (streamed page by page), and an OpenAPI description."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from sitrep.errors import RecordNotFound
from sitrep.record import Record
from sitrep.search.export import COLUMNS, csv_cells
from sitrep.search.results import envelope
from sitrep.web import data
from sitrep.web.openapi import describe
from sitrep.web.params import Search

EXPORT_PAGE = 1000  # records per Archive.search call while streaming an export


class JSON(JSONResponse):
    """UTF-8 JSON as the CLI writes it (Cyrillic stays readable)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False).encode("utf-8")


async def search(request: Request) -> Response:
    _, results = await data.search(request)
    return JSON(results.to_dict())


async def facets(request: Request) -> Response:
    """Every facet's counts for the query (``sitrep facets --json``: the search envelope, no hits)."""
    _, results = await data.search(request, all_facets=True)
    body = results.to_dict()
    body.pop("hits")
    return JSON(body)


async def record(request: Request) -> Response:
    found = await data.record(request)
    return JSON(
        envelope(
            record=found["record"].to_dict(),
            history=found["history"],
            similar=[h.to_dict() for h in found["similar"]],
            captures=found["captures"],
        )
    )


async def similar(request: Request) -> Response:
    return JSON(envelope(similar=[h.to_dict() for h in await data.similar(request)]))


async def timeline(request: Request) -> Response:
    return JSON((await data.timeline(request)).to_dict())


async def trends(request: Request) -> Response:
    _, counts = await data.trends(request)
    return JSON(envelope(**counts))


async def stats(request: Request) -> Response:
    return JSON((await data.stats(request)).to_dict())


async def runs(request: Request) -> Response:
    return JSON(envelope(runs=await data.runs(request)))


async def openapi(request: Request) -> Response:
    return JSON(describe())


def _csv_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_rows(records: Iterable[Record], header: bool) -> str:
    """``sitrep export``'s columns and values (``search.export``), each cell kept from starting a
    formula: a download from a browser opens in a spreadsheet more often than in pandas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(COLUMNS)
    for r in records:
        writer.writerow([_csv_cell(cell) for cell in csv_cells(r)])
    return buffer.getvalue()


async def _records(request: Request) -> AsyncIterator[list[Record]]:
    """The whole result set, a page of ``EXPORT_PAGE`` at a time (each call within the time limit)."""
    state = Search.from_query(request.query_params)
    backend = data.backend(request)
    page = 1
    while True:
        kwargs = {**state.search_kwargs(()), "page": page, "per_page": EXPORT_PAGE}
        results = await backend.call(lambda a, kw=kwargs: a.search(state.q, **kw))
        yield [h.record for h in results.hits]
        if results.next_page is None:
            return
        page += 1


async def export(request: Request) -> Response:
    kind = request.path_params["kind"]
    if kind not in ("csv", "ndjson"):
        raise RecordNotFound(f"no export format {kind!r}", "use /api/export.csv or /api/export.ndjson")
    pages = _records(request)
    first = await anext(pages)  # a bad query fails here, as a 400, before the stream starts

    async def body() -> AsyncIterator[str]:
        records, header = first, True
        while True:
            yield csv_rows(records, header) if kind == "csv" else "".join(r.to_json() + "\n" for r in records)
            header = False
            try:
                records = await anext(pages)
            except StopAsyncIteration:
                return

    media = "text/csv; charset=utf-8" if kind == "csv" else "application/x-ndjson; charset=utf-8"
    disposition = f'attachment; filename="sitrep-export.{kind}"'
    return StreamingResponse(body(), media_type=media, headers={"content-disposition": disposition})


def routes() -> list[Route]:
    return [
        Route("/api/search", search),
        Route("/api/facets", facets),
        Route("/api/record/{record_id}", record),
        Route("/api/record/{record_id}/similar", similar),
        Route("/api/timeline", timeline),
        Route("/api/trends", trends),
        Route("/api/stats", stats),
        Route("/api/runs", runs),
        Route("/api/export.{kind:str}", export),
        Route("/api/openapi.json", openapi),
    ]
