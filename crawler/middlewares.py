"""Retries that wait: exponential backoff, and a server's Retry-After honoured (within a cap)."""

from __future__ import annotations

import asyncio
import email.utils
import time
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.response import response_status_message


def retry_after_seconds(value: str | bytes | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = max(0.05, settings.getfloat("SITREP_BACKOFF_BASE", 0.5))
        self.cap = settings.getfloat("SITREP_MAX_RETRY_AFTER", 120.0)

    async def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        tries = request.meta.get("retry_times", 0)
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        wait = min(self.cap, wait if wait is not None else self.base * (2**tries))
        if tries < self.max_retry_times and wait > 0:
            await asyncio.sleep(wait)
        return self._retry(request, response_status_message(response.status)) or response


class OriginMiddleware:
    """Requests only to the profile's origins: its hosts, on the scheme and port of its start URLs.

    Checked for every request (links, feeds, robots.txt) and for every redirect before it is
    followed, so a page that points at another port, host or scheme gets nothing fetched there
    (the sample's port on 127.0.0.1, 443 for the live site). A refused redirect is a named drop
    of the URL that redirected, not a silently lost request. Sits closer to the downloader than
    Scrapy's RedirectMiddleware, so it sees the 3xx first.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self._origins: set[tuple[str, str, int | None]] | None = None  # known once the spider is

    @classmethod
    def from_crawler(cls, crawler: Any) -> OriginMiddleware:
        return cls(crawler)

    def _allowed(self, url: str) -> bool:
        if self._origins is None:
            site = self.crawler.spider.state.settings.site
            self._origins = {(s, h, p) for s, _, p in map(origin, site.start_urls) for h in site.hosts}
        return origin(url) in self._origins

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not self._allowed(request.url):
            raise IgnoreRequest(f"offsite: {request.url} is not on the profile's hosts, scheme and port")

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            target = urljoin(request.url, location.decode("latin-1"))
            if not self._allowed(target):
                raise IgnoreRequest(f"offsite redirect to {target}")
        return response


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in."""
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:  # a port that is not a number: no origin of ours
        port = None
    return parts.scheme, (parts.hostname or "").lower(), port
