"""The HTML pages: search, record, archived copy, leaving the archive, trends, stats, crawl runs.

Each handler fetches through ``data`` and renders one template; every page links to the same
data at ``/api/…``. No page needs JavaScript: facets, sorting and paging are links and forms
whose state is the URL.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from sitrep.search.trends import BY
from sitrep.web import archived, charts, data
from sitrep.web.params import FACET_PARAM, MAX_QUERY, Search
from sitrep.web.render import country_name, render


async def search_page(request: Request) -> Response:
    state, results = await data.search(request)
    facets = []
    for name, values in results.facets.items():
        param = FACET_PARAM.get(name)
        items = []
        for f in values[:12]:
            if name == "year":
                chosen = state.since == f.value and state.until == f.value
                target = state.year(f.value)
            else:
                chosen = f.value in state.values(param or "")
                target = state.toggled(param or "", f.value)
            label = f"{f.value} ({country_name(f.value)})" if name == "countries" else f.value
            items.append({"label": label, "count": f.count, "url": target.url("/"), "chosen": chosen})
        facets.append({"name": name, "items": items})
    chips = [{"label": f"{p}: {v}", "url": state.toggled(p, v).url("/")} for p, values in state.lists for v in values]
    pages = max(1, -(-results.total // state.per_page))
    return render(
        request,
        "search.html",
        {
            "state": state,
            "results": results,
            "facets": facets,
            "chips": chips,
            "pages": pages,
            "max_query": MAX_QUERY,
            "api_url": state.url("/api/search"),
            "csv_url": state.url("/api/export.csv", page=1),
            "ndjson_url": state.url("/api/export.ndjson", page=1),
            "trends_url": state.url("/trends", page=1),
            "title": f"{state.q} – search" if state.q else "Search",
        },
    )


async def record_page(request: Request) -> Response:
    found = await data.record(request)
    record = found["record"]
    links = {
        "countries": [(c, Search().toggled("country", c).url("/")) for c in record.countries],
        "orgs": [(o, Search().toggled("org", o).url("/")) for o in record.orgs],
        "topic": Search().toggled("topic", record.topic).url("/") if record.topic else None,
        "trend": Search().toggled("trend", record.trend).url("/") if record.trend else None,
        "author": Search().toggled("author", record.author).url("/") if record.author else None,
    }
    archived_urls = {
        url: [
            {**c, "url": "/archived?" + urlencode({"url": url, "at": c["fetched_at"], "record": record.id})}
            for c in caps
        ]
        for url, caps in found["captures"].items()
    }
    return render(
        request,
        "record.html",
        {
            **found,
            "links": links,
            "archived": archived_urls,
            "api_url": f"/api/record/{quote(record.id, safe='')}",
            "title": record.title,
        },
    )


async def archived_page(request: Request) -> Response:
    capture, kept = await data.archived_copy(request)
    record_id = request.query_params.get("record")
    headers = {"content-security-policy": archived.CSP, "x-robots-tag": "noindex"}
    if not archived.is_html(capture):
        return Response(capture.body, media_type="text/plain; charset=utf-8", headers=headers)
    record_url = f"/record/{quote(record_id, safe='')}" if record_id else None
    html = archived.rewrite(capture, kept.__contains__, record_url)
    return HTMLResponse(html, headers=headers)


async def leave_page(request: Request) -> Response:
    url = request.query_params.get("url", "")
    safe = url if url.startswith(("http://", "https://")) else None
    return render(request, "leave.html", {"url": url, "safe": safe, "title": "Leaving the archive"})


async def trends_page(request: Request) -> Response:
    state, counts = await data.trends(request)
    main = charts.trend_svg(counts["periods"], counts["overall"], "Verdicts over time, all topics", "all")
    small = [
        (topic, charts.trend_svg(counts["periods"], block, f"Verdicts over time: {topic}", f"t{i}", charts.SMALL))
        for i, (topic, block) in enumerate(counts["topics"].items())
    ]
    by = counts["by"]
    return render(
        request,
        "trends.html",
        {
            "state": state,
            "counts": counts,
            "chart": main,
            "small": small,
            "legend": charts.legend(),
            "by": by,
            "bys": [(b, state.url("/trends", [("by", b)], page=1)) for b in BY],
            "api_url": state.url("/api/trends", [("by", by)], page=1),
            "search_url": state.url("/"),
            "title": "Trends",
        },
    )


async def stats_page(request: Request) -> Response:
    stats = await data.stats(request)
    unknown = next((f.count for f in stats.facets.get("trend", ()) if f.value == "unknown"), 0)
    return render(
        request,
        "stats.html",
        {
            "stats": stats,
            "undated": stats.missing("year"),
            "no_verdict": stats.missing("trend") + unknown,  # none printed, or one the table lacks
            "title": "Stats",
            "api_url": "/api/stats",
        },
    )


async def runs_page(request: Request) -> Response:
    runs = await data.runs(request)
    return render(request, "runs.html", {"runs": runs, "title": "Crawl runs", "api_url": "/api/runs"})


async def api_page(request: Request) -> Response:
    return render(request, "api.html", {"title": "HTTP API", "api_url": "/api/openapi.json"})


def routes() -> list[Route]:
    return [
        Route("/", search_page),
        Route("/record/{record_id}", record_page),
        Route("/archived", archived_page),
        Route("/leave", leave_page),
        Route("/trends", trends_page),
        Route("/stats", stats_page),
        Route("/runs", runs_page),
        Route("/api", api_page),
    ]
