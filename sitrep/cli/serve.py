"""``sitrep serve``: the web pages and the HTTP JSON API over the archive (``sitrep.web``).

Kept out of ``main.py`` so the other commands never import Starlette or uvicorn.
"""

from __future__ import annotations

import socket
from typing import Any

import click

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (others: a warning).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="0 picks a free port.")
@click.option(
    "--cors", is_flag=True, help="Allow pages on other origins to call the API (Access-Control-Allow-Origin: *)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds a query may take before the answer is 504.",
)
@click.pass_obj
def serve(state: Any, host: str, port: int, cors: bool, timeout: float) -> None:
    """Serve the archive in a browser and as a JSON API (read-only; Ctrl-C stops it)."""
    import uvicorn

    from sitrep.web import create_app

    app = create_app(state.settings, cors=cors, timeout=timeout)  # a missing index fails here (exit 4)
    if host not in LOOPBACK:
        click.echo(
            f"Warning: listening on {host}, not only this machine: anyone who can reach it can read the archive",
            err=True,
        )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise click.UsageError(f"cannot listen on {host}:{port} ({exc.strerror})") from None
    sock.listen(2048)  # connections wait in the backlog until uvicorn accepts them
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    click.echo(f"Serving the archive in {state.settings.data_dir} at http://{shown}:{bound}/ (Ctrl-C stops)", err=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
