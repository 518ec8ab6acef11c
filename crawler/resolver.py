"""A DNS resolver that answers configured hosts itself (``crawl.resolve``), like curl --resolve.

It lets the real spider, with the real host names, crawl the sample archive on 127.0.0.1;
every other name goes to the normal caching resolver. The map travels as the Scrapy setting
``SITREP_RESOLVE`` (not the process environment), so a crawl started from Python leaves
nothing behind in ``os.environ``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer

SETTING = "SITREP_RESOLVE"  # host -> IP address, filled by crawler.run from crawl.resolve


class MappedResolver(CachingThreadedResolver):
    mapping: Mapping[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> MappedResolver:
        resolver = super().from_crawler(crawler, reactor)
        mapping = crawler.settings.getdict(SETTING)
        if not crawler.settings.getbool("SITREP_CONFIGURED"):
            # `scrapy crawl`: the resolver is built from the project's settings, before the
            # spider brings settings.toml's [crawl] in, so it reads crawl.resolve itself
            from sitrep.config import load
            from sitrep.crawler.run import settings_file

            mapping = load(settings_file(crawler.settings)).crawl.resolve
        resolver.mapping = {k.lower(): v for k, v in mapping.items()}
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        if name.lower() in self.mapping:
            return defer.succeed(self.mapping[name.lower()])
        return super().getHostByName(name, timeout)
