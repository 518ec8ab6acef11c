"""Load on `sitrep serve` over loopback: 50 concurrent clients × 200 requests, no errors.

The server is a real `sitrep serve` process, so clients and server do not share a GIL. Latency
percentiles are printed for the record (run with ``-s``), never asserted: this machine is shared.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit

import pytest

from sitrep.config import Settings
from sitrep.record import Record
from tests.webserver import serve_process, stop

CLIENTS = 50
REQUESTS = 200


@pytest.mark.slow
def test_fifty_clients_two_hundred_requests_each(crawled: Settings, truth: dict[str, Record]) -> None:
    ids = list(truth)[:300]
    countries = sorted({c for r in truth.values() for c in r.countries})[:12]
    words = ("oil", "army", "sanctions", "potash", "elections", "nuclear", "%D0%BD%D0%B5%D1%84%D1%82%D1%8C")
    # about 390 different answers (searches by word, country and page, pages and API alike; 300
    # records; stats; the stylesheet a browser fetches with a page): each is computed once, then
    # served from the server's per-generation cache, as popular pages are
    searches = [
        f"{'/' if n % 2 else '/api/search'}?q={w}&country={c}&page={n % 2 + 1}&per_page=10"
        for n, (w, c) in enumerate((w, c) for w in words for c in countries)
    ]
    paths = [*searches, "/api/stats", "/static/style.css", "/?sort=newest"]
    proc, url, _ = serve_process(crawled.source, "--port", "0")
    host = urlsplit(url)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        mine: list[float] = []
        try:
            for i in range(REQUESTS):
                k = n * REQUESTS + i
                path = paths[(k * 7) % len(paths)] if i % 4 else f"/{'api/' if i % 8 else ''}record/{ids[k % len(ids)]}"
                started = time.perf_counter()
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                mine.append(time.perf_counter() - started)
                if response.status != 200 or not body:
                    with lock:
                        errors.append(f"{path}: {response.status}")
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                errors.append(f"client {n}: {type(exc).__name__}: {exc}")
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
    finally:
        stop(proc)
    elapsed = time.perf_counter() - started
    assert errors == []
    assert len(latencies) == CLIENTS * REQUESTS
    q = statistics.quantiles(latencies, n=100)
    print(
        f"\nload: {len(latencies)} requests by {CLIENTS} clients in {elapsed:.1f} s "
        f"({len(latencies) / elapsed:.0f}/s), p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, 0 errors"
    )
