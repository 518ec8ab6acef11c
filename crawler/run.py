"""``sitrep crawl``: one crawl per process, with a lock, a report, a verdict, and the index updated.

Scrapy runs in-process (``CrawlerProcess``; its reactor cannot restart, so one crawl per
process). The record store is written page by page as the crawl goes, so a killed crawl loses
at most the page in flight; the next run fetches what is missing (nothing is "known" until
stored) and walks listings again until one run finishes them.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sitrep import __version__
from sitrep.config import Settings
from sitrep.crawler.resolver import ENV as RESOLVE_ENV
from sitrep.errors import CrawlFailed, CrawlLocked, ExitStatus


@contextmanager
def crawl_lock(data_dir: Path) -> Iterator[None]:
    """An advisory lock on the data directory, released by the kernel even if we are killed."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fh = (data_dir / "crawl.lock").open("a")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise CrawlLocked(f"a crawl is already running on {data_dir}") from None
    try:
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    """Scrapy's settings from sitrep's: the polite defaults of ``sitrep.crawler.settings``, as configured."""
    from sitrep.crawler import settings as defaults

    c = settings.crawl
    out = {k: getattr(defaults, k) for k in dir(defaults) if k.isupper() and k != "JITTER"}
    out.update(
        USER_AGENT=c.user_agent.format(version=__version__, contact_url=c.contact_url),
        ROBOTSTXT_OBEY=c.obey_robots,
        DOWNLOAD_DELAY=c.download_delay,
        **{defaults.JITTER: (0.5 if defaults.JITTER == "DOWNLOAD_DELAY_JITTER" else True) if c.download_delay else 0},
        CONCURRENT_REQUESTS_PER_DOMAIN=c.concurrent_per_domain,
        CONCURRENT_REQUESTS=max(8, c.concurrent_per_domain * 2),
        AUTOTHROTTLE_ENABLED=c.autothrottle,
        DOWNLOAD_TIMEOUT=c.timeout,
        DOWNLOAD_MAXSIZE=int(c.max_size_mb * 1024 * 1024),
        DOWNLOAD_WARNSIZE=int(min(c.max_size_mb, 2) * 1024 * 1024),
        RETRY_TIMES=c.retries,
        SITREP_MAX_RETRY_AFTER=c.max_retry_after,
        SITREP_BACKOFF_BASE=max(0.05, min(c.download_delay, 1.0)) if c.download_delay else 0.1,
        MEMUSAGE_LIMIT_MB=c.memory_limit_mb,
        MEMUSAGE_CHECK_INTERVAL_SECONDS=c.memory_check_seconds,
        CLOSESPIDER_TIMEOUT=c.time_limit,
        LOG_LEVEL=c.log_level,
    )
    return out


@dataclasses.dataclass
class CrawlReport:
    run_id: int
    status: str
    exit_code: int
    counts: dict[str, int]
    failures: list[tuple[str, str]]
    parse_errors: list[tuple[str, str]]
    indexed: int
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def summary(self) -> str:
        c = self.counts
        return (
            f"crawl {self.status}: {c.get('fetched', 0)} pages fetched, {c.get('new', 0)} new, {c.get('changed', 0)} changed, "
            f"{c.get('unchanged', 0)} unchanged, {c.get('duplicate', 0)} duplicate records, {c.get('parse_errors', 0)} parse errors, "
            f"{c.get('failed', 0)} failed, {c.get('dropped', 0)} dropped; {self.indexed} indexed (run {self.run_id})"
            + (f"; {c['unknown_verdicts']} verdicts not in the trends table" if c.get("unknown_verdicts") else "")
            + f"; of {c.get('parsed', 0)} article pages parsed, {c.get('undated', 0)} undated, "
            f"{c.get('no_verdict', 0)} without a verdict"
            + (f"; {c['internal_errors']} internal errors" if c.get("internal_errors") else "")
        )


def verdict(counts: dict[str, int], settings: Settings) -> str:
    """Why a crawl must exit non-zero, or "" when it did its job."""
    if counts.get("internal_errors", 0):  # first: a bug is named as a bug, not as failed requests
        return f"{counts['internal_errors']} internal errors (a bug in sitrep, not the site): see the log"
    requests = counts.get("fetched", 0) + counts.get("failed", 0)
    if requests and counts.get("failed", 0) / requests > settings.crawl.max_failed_ratio:
        return f"{counts['failed']} of {requests} requests failed (more than {settings.crawl.max_failed_ratio:.0%})"
    articles = counts.get("article_pages", 0)
    if articles and counts.get("parse_errors", 0) / articles > settings.crawl.max_parse_failed_ratio:
        return (
            f"{counts['parse_errors']} of {articles} article pages did not parse (more than "
            f"{settings.crawl.max_parse_failed_ratio:.0%}): the site may have changed its layout"
        )
    parsed = counts.get("parsed", 0)
    if parsed and counts.get("headerless", 0) / parsed > settings.crawl.max_headerless_ratio:
        return (
            f"{counts['headerless']} of {parsed} parsed article pages show neither week, verdict nor status line "
            f"(more than {settings.crawl.max_headerless_ratio:.0%}): the site may have changed its layout"
        )
    if counts.get("listings_read", 0) == 0:
        return "no listing page could be read: check the start URLs and the site"
    return ""


def crawl(
    settings: Settings, full: bool = False, refresh: bool = False, update_index: bool = True, progress: bool = False
) -> CrawlReport:
    """Run one crawl to its end and return its report; raises CrawlFailed when the verdict says so."""
    with crawl_lock(settings.data_dir):
        from scrapy.crawler import CrawlerProcess

        from sitrep.crawler.spiders.situation import SituationSpider
        from sitrep.crawler.state import CrawlState

        os.environ[RESOLVE_ENV] = json.dumps({k.lower(): v for k, v in settings.crawl.resolve.items()})
        state = CrawlState.open(settings, full=full, refresh=refresh)
        extra: dict[str, Any] = {}
        if progress:
            extra["EXTENSIONS"] = {
                **scrapy_settings(settings)["EXTENSIONS"],
                "sitrep.crawler.extensions.ProgressExtension": 200,
            }
        process = CrawlerProcess({**scrapy_settings(settings), **extra})
        crawler = process.create_crawler(SituationSpider)
        process.crawl(crawler, state=state)
        with state.store.grouped(seconds=0.5):  # one fsync per half second, not three per page
            process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        reason = str(stats.get("finish_reason", "unknown"))
        counts = {k: int(v) for k, v in state.counts.items()}
        counts["dupe_filtered"] = int(stats.get("dupefilter/filtered", 0))
        why = verdict(counts, settings)
        interrupted = reason == "shutdown"  # Ctrl-C or SIGTERM: Scrapy closed the spider gracefully
        if interrupted:
            why = "interrupted; run the crawl again to fetch the rest (nothing stored is lost)"
        elif reason != "finished" and not why:
            why = f"the crawl stopped early ({reason})"
        if not why:
            state.store.mark_walked({_first(u) for u in state.listings_seen}, state.run_id)
        indexed = 0
        if update_index and not os.environ.get("SITREP_NO_INDEX"):
            from sitrep.index.writing import update_index as run_update

            indexed = run_update(settings)
        code = ExitStatus.INTERRUPTED if interrupted else CrawlFailed.status if why else ExitStatus.OK
        report = CrawlReport(
            state.run_id,
            "interrupted" if interrupted else "failed" if why else "ok",
            int(code),
            counts,
            state.failures[:200],
            state.parse_errors[:200],
            indexed,
            why,
        )
        state.store.finish_run(state.run_id, report.status, report.exit_code, counts, report.to_dict())
        state.store.close()
        return report


def _first(url: str) -> str:
    return url.split("page/")[0] if "/page/" in url else url
