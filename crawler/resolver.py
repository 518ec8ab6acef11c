"""A DNS resolver that answers configured hosts itself (``crawl.resolve``), like curl --resolve.

It lets the real spider, with the real host names, crawl the sample archive on 127.0.0.1;
every other name goes to the normal caching resolver.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer

ENV = "SITREP_RESOLVE_MAP"  # set by crawler.run from the settings, read here in the crawl process


class MappedResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        mapping = json.loads(os.environ.get(ENV, "{}"))
        if name.lower() in mapping:
            return defer.succeed(mapping[name.lower()])
        return super().getHostByName(name, timeout)
