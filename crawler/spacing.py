"""The download handler that keeps requests to one host at least ``crawl.download_delay`` apart.

Scrapy spaces requests when it takes them from a host's queue, but the bytes go out later,
after whatever else the crawl's single thread does first (storing a page, a commit): a request
held up that way and the next one on time reached the server closer together than the delay.
This gate sits where the request is handed to the connection and counts from there, with a
small margin for what still comes between it and the wire, so what the server sees is what
README promises.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

SETTING = "SITREP_MIN_GAP"  # seconds between two requests to one host, at least (crawl.download_delay)


def margin(delay: float) -> float:
    """Added to the delay: what still lies between this gate and the bytes leaving (the crawl's
    thread finishing other work, the OS scheduling it), measured at up to ~35 ms on a loaded machine."""
    return max(0.1 * delay, 0.05) if delay else 0.0


class SpacedDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        delay = crawler.settings.getfloat(SETTING, 0.0)
        self.gap = delay + margin(delay)
        self.free_at: dict[str, float] = {}  # host -> earliest moment its next request may leave

    async def download_request(self, request: Request) -> Response:
        if self.gap:
            host = urlparse_cached(request).hostname or ""
            while (wait := self.free_at.get(host, 0.0) - time.monotonic()) > 0:
                await asyncio.sleep(wait)  # another request may claim the moment first: check again
            self.free_at[host] = time.monotonic() + self.gap
        return await super().download_request(request)
