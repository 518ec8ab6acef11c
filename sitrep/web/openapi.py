"""The OpenAPI 3.1 description of ``/api/…``, written out (the routes are few and stable)."""

from __future__ import annotations

from typing import Any

from sitrep import __version__
from sitrep.web.params import LISTS, MAX_PER_PAGE, MAX_QUERY, SORTS


def _param(name: str, description: str, schema: dict[str, Any], where: str = "query") -> dict[str, Any]:
    return {"name": name, "in": where, "description": description, "schema": schema, "required": where == "path"}


SEARCH_PARAMS = [
    _param(
        "q",
        f"Query: Whoosh syntax plus country:, org:, topic:, trend:, lang:, author:, date:, week: (≤ {MAX_QUERY} characters)",
        {"type": "string", "maxLength": MAX_QUERY},
    ),
    *[
        _param(
            p,
            f"Filter by {kw}; repeat for several (several countries: a text about all of them)",
            {"type": "array", "items": {"type": "string"}},
        )
        for p, kw in LISTS.items()
    ],
    _param("from", "YYYY, YYYY-MM or YYYY-MM-DD (week start)", {"type": "string"}),
    _param("to", "YYYY, YYYY-MM or YYYY-MM-DD, inclusive", {"type": "string"}),
]
PAGING = [
    _param("sort", "Order of hits", {"type": "string", "enum": list(SORTS), "default": "relevance"}),
    _param("page", "Page number", {"type": "integer", "minimum": 1, "default": 1}),
    _param("per_page", "Hits per page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20}),
]
RECORD_ID = _param("record_id", "Record id (16 hex digits)", {"type": "string"}, "path")
ENVELOPE = {
    "type": "object",
    "required": ["ok", "version"],
    "properties": {"ok": {"type": "boolean"}, "version": {"type": "integer"}},
}
ERROR = {
    "description": "The JSON error envelope: the message sitrep's CLI prints and its exit status",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "ok": {"const": False},
                    "version": {"type": "integer"},
                    "error": {"type": "string"},
                    "status": {"type": "integer"},
                },
            }
        }
    },
}


def _get(summary: str, params: list[dict[str, Any]], media: str = "application/json") -> dict[str, Any]:
    ok = {
        "description": "OK",
        "content": {media: {"schema": ENVELOPE if media == "application/json" else {"type": "string"}}},
    }
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": ok,
                "304": {"description": "Not modified (ETag: the index generation)"},
                "400": ERROR,
                "404": ERROR,
                "503": ERROR,
                "504": ERROR,
            },
        }
    }


def describe() -> dict[str, Any]:
    by = _param("by", "Period", {"type": "string", "enum": ["month", "quarter", "year"], "default": "quarter"})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sitrep",
            "version": __version__,
            "description": "The Belarus in Focus archive: search, records, trends. Read-only.",
        },
        "paths": {
            "/api/search": _get(
                "Search: hits, facet counts, total (as `sitrep search --json`)", SEARCH_PARAMS + PAGING
            ),
            "/api/facets": _get("Every facet's counts for a query (as `sitrep facets --json`)", SEARCH_PARAMS),
            "/api/record/{record_id}": _get(
                "One record, its versions with diffs, similar texts, captures", [RECORD_ID]
            ),
            "/api/record/{record_id}/similar": _get("The ten texts most like this one", [RECORD_ID]),
            "/api/timeline": _get(
                "Counts per week, month or year (as `sitrep timeline --json`)",
                [
                    *SEARCH_PARAMS,
                    _param("by", "Period", {"type": "string", "enum": ["week", "month", "year"]}),
                    _param("split", "Split series", {"type": "string", "enum": ["trend", "country"]}),
                ],
            ),
            "/api/trends": _get(
                "Improved, unchanged, worsened and their balance per period, overall and per topic",
                [*SEARCH_PARAMS, by],
            ),
            "/api/stats": _get("Records per year, topic, verdict, language, country (as `sitrep stats --json`)", []),
            "/api/runs": _get("Crawl runs, newest first, with failed and dropped URLs and why", []),
            "/api/export.csv": _get("The whole result set as CSV, streamed", [*SEARCH_PARAMS, PAGING[0]], "text/csv"),
            "/api/export.ndjson": _get(
                "The whole result set, one JSON record a line, streamed",
                [*SEARCH_PARAMS, PAGING[0]],
                "application/x-ndjson",
            ),
        },
    }
