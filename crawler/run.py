"""``sitrep crawl``: one crawl per process, with a lock, a report, a verdict, and the index updated.

Scrapy runs in-process (``CrawlerProcess``; its reactor cannot restart, so one crawl per
process). The record store is written page by page as the crawl goes, so a killed crawl loses
at most the page in flight; the next run fetches what is missing (nothing is "known" until
stored) and walks listings again until one run finishes them.
"""

from __future__ import annotations

import dataclasses
import fcntl
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitrep import __version__
from sitrep.config import Settings
from sitrep.crawler.state import CrawlState, is_disk_full
from sitrep.errors import ConfigError, CrawlFailed, CrawlLocked, CrawlOffline, DiskFull, ExitStatus
from sitrep.index.store import RecordStore


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


SETTINGS_FILE = "SITREP_SETTINGS"  # the Scrapy setting (`-s`, Scrapyd's `setting=`) naming settings.toml


def settings_file(scrapy: Any) -> str | None:
    """The settings.toml a crawl that Scrapy started (`scrapy crawl`, Scrapyd) reads: the one
    its Scrapy setting SITREP_SETTINGS names, else None (``load`` then looks where ``sitrep``
    does: $SITREP_SETTINGS, ./settings.toml)."""
    return scrapy.get(SETTINGS_FILE) or None


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    """Scrapy's settings from sitrep's: the polite defaults of ``sitrep.crawler.settings``, as configured."""
    from sitrep.crawler import settings as defaults

    c = settings.crawl
    out = {k: getattr(defaults, k) for k in dir(defaults) if k.isupper() and k != "JITTER"}
    out.update(
        USER_AGENT=c.user_agent.format(version=__version__, contact_url=c.contact_url),
        ROBOTSTXT_OBEY=c.obey_robots,
        **polite_delay(c.download_delay, defaults.JITTER),
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
        SITREP_RESOLVE={k.lower(): v for k, v in c.resolve.items()},
        SITREP_MIN_GAP=c.download_delay,
        SITREP_CONFIGURED=True,  # the spider need not read settings.toml again
    )
    return out


UPWARD_JITTER = 0.2  # Scrapy's jitter spreads the delay ±this; centred so its lowest draw is the delay


def polite_delay(delay: float, jitter_name: str) -> dict[str, Any]:
    """Scrapy's delay settings for "at least ``delay`` between requests, a random bit more".

    Scrapy draws each wait from delay × (1 ± jitter) around DOWNLOAD_DELAY, so with the
    configured delay as the centre 0.5–1.5 s came out of "1 s" and a third of the gaps fell
    under it. Centred on delay / (1 - jitter) the draws span delay … 1.5 × delay; AutoThrottle
    never goes below DOWNLOAD_DELAY, so under it too the shortest wait is the configured one.
    """
    if not delay:
        return {"DOWNLOAD_DELAY": 0.0, jitter_name: 0 if jitter_name == "DOWNLOAD_DELAY_JITTER" else False}
    if jitter_name != "DOWNLOAD_DELAY_JITTER":  # an older Scrapy: only ±50 % or none, so none
        return {"DOWNLOAD_DELAY": delay, jitter_name: False}
    return {"DOWNLOAD_DELAY": delay / (1 - UPWARD_JITTER), jitter_name: UPWARD_JITTER}


@dataclasses.dataclass
class CrawlReport:
    """How a crawl run ended and what it counted: the summary the CLI prints and the ledger keeps."""

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
            f"{c.get('unchanged', 0)} unchanged"
            + (f" ({c['not_modified']} answered 304 Not Modified)" if c.get("not_modified") else "")
            + f", {c.get('duplicate', 0)} duplicate records, {c.get('parse_errors', 0)} parse errors, "
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
    if layout_alarm(counts.get("parse_errors", 0), articles, settings.crawl.max_parse_failed_ratio):
        return (
            f"{counts['parse_errors']} of {articles} article pages did not parse (more than "
            f"{settings.crawl.max_parse_failed_ratio:.0%}): the site may have changed its layout"
        )
    parsed = counts.get("parsed", 0)
    if layout_alarm(counts.get("headerless", 0), parsed, settings.crawl.max_headerless_ratio):
        return (
            f"{counts['headerless']} of {parsed} parsed article pages show neither week, verdict nor status line "
            f"(more than {settings.crawl.max_headerless_ratio:.0%}): the site may have changed its layout"
        )
    if counts.get("listings_read", 0) == 0:
        return "no listing page could be read: check the start URLs and the site"
    return ""


LAYOUT_SAMPLE = 10  # article pages from which a share of bad ones is read as a layout change


def layout_alarm(bad: int, total: int, ratio: float) -> bool:
    """Do ``bad`` of ``total`` article pages say the site changed its layout?

    From LAYOUT_SAMPLE pages on, when more than ``ratio`` of them are bad. Below that the share
    is noise (a later crawl fetches the few pages a sitemap dated, and one of two can be an old
    headerless text): only when every one of them, at least three, is bad.
    """
    if total >= LAYOUT_SAMPLE:
        return bad / total > ratio
    return bad == total >= 3


LOGS_KEPT = 20  # Scrapy logs of the newest runs kept in <data>/logs/
RESOLVE_SECONDS = 5.0  # how long the up-front name lookup may take before the network is called down


def check_network(settings: Settings) -> None:
    """Resolve the start URLs' hosts before Scrapy starts: offline is one line in seconds, not
    a minute of retries and a screen of tracebacks per URL."""
    import concurrent.futures
    import socket

    hosts = sorted({urlsplit(u).hostname or "" for u in settings.site.start_urls} - {"", *settings.crawl.resolve})
    pool = concurrent.futures.ThreadPoolExecutor(max(1, len(hosts)))
    try:
        lookups = {host: pool.submit(socket.getaddrinfo, host, None) for host in hosts}
        for host, lookup in lookups.items():
            try:
                lookup.result(timeout=RESOLVE_SECONDS)
            except (socket.gaierror, concurrent.futures.TimeoutError):
                raise CrawlOffline(f"cannot resolve {host}") from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def log_file(data_dir: Path, run_id: int) -> Path:
    """Where this run's Scrapy log goes; logs older than the newest LOGS_KEPT are removed."""
    folder = data_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    for old in sorted(folder.glob("run-*.log"))[:-LOGS_KEPT]:
        old.unlink()
    return folder / f"run-{run_id:05d}.log"


def refuse_sample_store(settings: Settings) -> None:
    """Real pages never go into a store of generated ones, where a made-up text could be quoted."""
    if not (settings.data_dir / RecordStore.FILE).exists():
        return
    with RecordStore(settings.data_dir, create=False) as store:
        if store.is_sample():
            raise ConfigError(
                settings.source_of("storage.data_dir"),
                "storage.data_dir",
                f"{settings.data_dir} holds the generated sample archive of `sitrep demo`; point "
                "storage.data_dir (or --data-dir) at a folder of its own for the real site",
            )


def require_contact(settings: Settings) -> None:
    """A crawl of the live site says who runs it: the site's admins must be able to reach the operator."""
    from sitrep.config import Crawl

    live = {urlsplit(u).hostname for u in settings.site.start_urls} - set(settings.crawl.resolve)
    if live and settings.crawl.contact_url == Crawl.contact_url:
        raise ConfigError(
            settings.source,
            "crawl.contact_url",
            "set it to a page or address where the site's admins can reach you (it goes into the "
            "User-Agent of every request); the default is sitrep's, not yours",
        )


def crawl(
    settings: Settings,
    full: bool = False,
    refresh: bool = False,
    update_index: bool = True,
    progress: bool = False,
    sample: bool = False,
) -> CrawlReport:
    """Run one crawl to its end and return its report; raises CrawlFailed when the verdict says so.

    ``sample`` is for ``sitrep demo``: the store is marked as holding the generated sample, and
    a crawl without it refuses such a store.
    """
    with crawl_lock(settings.data_dir):
        if not sample:
            refuse_sample_store(settings)
        require_contact(settings)
        check_network(settings)
        from scrapy.crawler import CrawlerProcess

        from sitrep.crawler.spiders.situation import SituationSpider

        state = CrawlState.open(settings, full=full, refresh=refresh, sample=sample)
        extra: dict[str, Any] = {"LOG_FILE": str(log_file(settings.data_dir, state.run_id)), "LOG_FILE_APPEND": False}
        if progress:
            extra["EXTENSIONS"] = {
                **scrapy_settings(settings)["EXTENSIONS"],
                "sitrep.crawler.extensions.ProgressExtension": 200,
            }
        process = CrawlerProcess({**scrapy_settings(settings), **extra})
        crawler = process.create_crawler(SituationSpider)
        process.crawl(crawler, state=state)
        raising, logging.raiseExceptions = logging.raiseExceptions, False  # a log file on a full disk stays quiet
        try:
            with state.store.grouped(seconds=0.5):  # one fsync per half second, not three per page
                process.start()
        except (OSError, sqlite3.OperationalError) as exc:  # the last group's commit
            if not is_disk_full(exc):
                raise
            state.disk_full = state.disk_full or str(exc)
        finally:
            logging.raiseExceptions = raising
        if state.disk_full:
            close_after_disk_full(state)
            raise disk_full(state)
        stats = crawler.stats.get_stats() if crawler.stats else {}
        return finish(
            state, str(stats.get("finish_reason", "unknown")), int(stats.get("dupefilter/filtered", 0)), update_index
        )


def finish(state: CrawlState, reason: str, dupes: int = 0, update_index: bool = True) -> CrawlReport:
    """After the spider closed, whoever ran it: the verdict, listings walked, the index, the run's row."""
    settings = state.settings
    counts = {k: int(v) for k, v in state.counts.items()}
    counts["dupe_filtered"] = dupes
    why = verdict(counts, settings)
    interrupted = reason == "shutdown"  # Ctrl-C or SIGTERM: Scrapy closed the spider gracefully
    timed_out = reason == "closespider_timeout"
    if interrupted:
        why = "interrupted; run the crawl again to fetch the rest (nothing stored is lost)"
    elif timed_out:
        why = (
            f"reached crawl.time_limit ({settings.crawl.time_limit:g} s) with {counts.get('pending', 0)} URLs "
            "not yet fetched; run the crawl again to continue (nothing stored is lost)"
        )
    elif reason != "finished" and not why:
        why = f"the crawl stopped early ({reason})"
    if not why:
        state.store.mark_walked({_first(u) for u in state.listings_seen}, state.run_id)
    indexed = 0
    if update_index and not os.environ.get("SITREP_NO_INDEX"):
        from sitrep.index.writing import update_index as run_update

        indexed = run_update(settings)
    if interrupted:
        status, code = "interrupted", ExitStatus.INTERRUPTED
    elif timed_out:
        status, code = "time-limit", ExitStatus.TIME_LIMIT
    else:
        status, code = ("failed", CrawlFailed.status) if why else ("ok", ExitStatus.OK)
    report = CrawlReport(
        state.run_id, status, int(code), counts, state.failures[:200], state.parse_errors[:200], indexed, why
    )
    state.store.finish_run(state.run_id, report.status, report.exit_code, counts, report.to_dict())
    state.store.close()
    return report


def disk_full(state: CrawlState) -> DiskFull:
    return DiskFull(
        f"the disk holding {state.settings.data_dir} is full ({state.disk_full}): the crawl stopped at the "
        "first write that failed; everything stored before it is whole"
    )


def close_after_disk_full(state: CrawlState) -> None:
    """Record the run's end if the disk still takes it, and close the store; nothing else is written."""
    try:
        state.store.finish_run(state.run_id, "disk-full", int(ExitStatus.DISK_FULL), dict(state.counts), {})
        state.store.close()
    except (OSError, sqlite3.OperationalError) as exc:
        if not is_disk_full(exc):
            raise
        state.store.db.close()  # an open transaction is rolled back: the store keeps its last commit


def _first(url: str) -> str:
    return url.split("page/")[0] if "/page/" in url else url
