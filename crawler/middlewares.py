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


class OffsiteRedirectMiddleware:
    """A redirect off the allowed domains becomes a named drop, not a silently lost request.

    Sits closer to the downloader than Scrapy's RedirectMiddleware, so it sees the 3xx first.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> OffsiteRedirectMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            target = urljoin(request.url, location.decode("latin-1"))
            host = (urlsplit(target).hostname or "").lower()
            allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
            if allowed and host not in allowed:
                raise IgnoreRequest(f"offsite redirect to {target}")
        return response
