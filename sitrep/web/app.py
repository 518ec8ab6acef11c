"""The ASGI application: routes, error answers, ETags, security headers and CORS.

Starlette because it is small (routing, streaming responses, static files, CORS, no ORM or
settings system to fight), async so a slow export does not hold a worker per client, and plain
ASGI so uvicorn serves it. HTML is Jinja2 with autoescape on everywhere.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sitrep import __version__
from sitrep.config import Settings
from sitrep.errors import ExitStatus, RecordNotFound, SitrepError
from sitrep.search.results import error_dict
from sitrep.web import api, pages
from sitrep.web.backend import Backend, TooSlow
from sitrep.web.render import STATIC, render

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# by the CLI's exit status, so a new kind of error gets the status its family has
HTTP_STATUS = {
    ExitStatus.USAGE: 400,  # a bad argument
    ExitStatus.QUERY: 400,
    ExitStatus.NOT_FOUND: 404,
    ExitStatus.INDEX: 503,  # index or store missing or damaged: the command to run is in the message
    ExitStatus.LOCKED: 503,
}


def http_status(exc: SitrepError) -> int:
    return 504 if isinstance(exc, TooSlow) else HTTP_STATUS.get(exc.status, 500)


async def on_sitrep_error(request: Request, exc: Exception) -> Response:
    """sitrep's own errors: the CLI's one line, as the JSON error envelope or an HTML page."""
    assert isinstance(exc, SitrepError)
    status = http_status(exc)
    if request.url.path.startswith("/api"):
        return JSONResponse(error_dict(exc.one_line(), int(exc.status)), status_code=status)
    return render(request, "error.html", {"message": exc.one_line(), "status": status, "title": "Error"}, status=status)


async def on_not_found(request: Request, exc: Exception) -> Response:
    return await on_sitrep_error(
        request, RecordNotFound(f"no page at {request.url.path}", "start from the search page")
    )


class Headers:
    """ETag from the index generation (304 when it still matches) and the pages' safety headers.

    The tag is taken before the request runs: if the index changes during it, the answer carries
    the older tag and the next request sees a mismatch, never a stale 304.
    """

    def __init__(self, app: ASGIApp, backend: Backend) -> None:
        self.app, self.backend = app, backend

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        etag = f'W/"{__version__}-{self.backend.generation}"'.encode()
        cached = scope["method"] in ("GET", "HEAD") and not scope["path"].startswith("/static")
        if cached and etag in dict(scope["headers"]).get(b"if-none-match", b"").split(b", "):
            await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", etag)]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if cached and message["status"] == 200:
                    headers += [(b"etag", etag), (b"cache-control", b"no-cache")]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PAGE_CSP.encode()))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, stamped)


def _closing(backend: Backend) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        backend.close()

    return lifespan


def create_app(settings: Settings, *, cors: bool = False, timeout: float = 10.0) -> Starlette:
    """The application over the archive in ``settings``' data directory (opened now, once)."""
    backend = Backend(settings, timeout)
    middleware = [Middleware(Headers, backend=backend)]
    if cors:
        middleware.insert(
            0, Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"], expose_headers=["ETag"])
        )
    routes: list[Any] = [*pages.routes(), *api.routes(), Mount("/static", StaticFiles(directory=STATIC), name="static")]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={SitrepError: on_sitrep_error, 404: on_not_found},
        lifespan=_closing(backend),
    )
    app.state.backend = backend
    return app
