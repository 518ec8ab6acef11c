"""``sitrep serve``: the archive in a browser and over HTTP (read-only).

The application layer beside the CLI: it reads the archive only through the Python API
(``sitrep.search``) and the kernel, never the crawler. ``create_app`` builds the ASGI app.
"""

from __future__ import annotations

from sitrep.web.app import create_app

__all__ = ["create_app"]
