"""``sitrep reparse``: every record rebuilt from the raw archive with the current parser.

No network: the newest capture of each URL is read back from the WARC files, listings give
their weeks again (in page order, so year inference sees the same context), pages are parsed,
and the store is rewritten in one transaction. The report names what changed, by field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sitrep.config import Settings
from sitrep.countries import tagger_for
from sitrep.crawler import urls as urlrules
from sitrep.crawler.assemble import assembler
from sitrep.crawler.parsers import listing, parse_article
from sitrep.crawler.parsers.common import decode
from sitrep.errors import ParseError
from sitrep.index.store import RecordStore
from sitrep.index.warc import read_capture
from sitrep.record import Record


def reparse(settings: Settings) -> dict[str, Any]:
    site = settings.site
    tagger = tagger_for(settings.countries)
    store = RecordStore(settings.data_dir, create=False, assemble=assembler(site))
    try:
        pages: list[Record] = []
        hints: list[tuple[str, str, str, str]] = []
        errors: list[tuple[str, str]] = []
        limit = int(settings.crawl.max_size_mb * 1024 * 1024)
        for url, fetched_at, status, warc, offset, _length, _ in store.latest_captures():
            kind = urlrules.capture_kind(url, site)  # from the URL: stores from before robots had a kind
            if status != 200 or kind in ("feed", "robots"):
                continue
            body = read_capture(settings.data_dir / "warc", warc, offset, limit=limit).body
            if len(body) > limit:
                errors.append((url, f"body: larger than crawl.max_size_mb ({settings.crawl.max_size_mb} MB)"))
                continue
            try:
                if kind == "listing":
                    page = listing.parse(url, decode(body), site, year=int(fetched_at[:4]))
                    hints += [
                        (e.url, e.week_start, e.week_end, page.url) for e in page.entries if e.week_start and e.week_end
                    ]
                elif urlrules.is_article(url, site):
                    pages.append(parse_article(url, decode(body), site, fetched_at=fetched_at, tagger=tagger))
            except ParseError as exc:
                errors.append((url, f"{exc.field}: {exc.reason}"))
        changes = store.replace_all(pages, hints)
        changes["parse_errors"] = errors
        changes["pages"] = len(pages)
        changes["records"] = store.count()
        changes["at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        return changes
    finally:
        store.close()
