"""The crawl's memory limit (``crawl.memory_limit_mb``), counted on the memory the crawl holds.

Scrapy's MemoryUsage reads ``ru_maxrss``: the process's peak, which Linux also carries across
exec. A crawl started from a process that once held more than the limit (a notebook that loaded
a big frame, a test run, a parent that spawned ``sitrep crawl``) stopped at the first check
without having used anything. This one reads the resident size now (``/proc/self/statm``) and
counts from what the process held when the crawl began, so the limit is the crawl's own growth.
"""

from __future__ import annotations

import os

from scrapy.extensions.memusage import MemoryUsage

STATM = "/proc/self/statm"


def resident_bytes() -> int | None:
    """The process's resident memory now, or None where there is no /proc (not Linux)."""
    try:
        with open(STATM, "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except FileNotFoundError:
        return None


class CrawlMemoryUsage(MemoryUsage):
    """MemoryUsage whose size is the growth since the engine started, on resident memory where
    the system tells it (the peak's growth elsewhere: no false stop, if a late one)."""

    baseline = 0

    def _size(self) -> int:
        now = resident_bytes()
        return super().get_virtual_size() if now is None else now

    def engine_started(self) -> None:
        self.baseline = self._size()
        super().engine_started()

    def get_virtual_size(self) -> int:
        return max(0, self._size() - self.baseline)
