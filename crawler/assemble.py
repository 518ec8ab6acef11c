"""One record from everything known about a text: its pages, listing weeks, its old stamp.

Dates, best first: a week printed on any of the text's pages; the week a listing gives for any
of its URLs; the week of its old stamp, unless the stamp is on a migration date; else none.
Pure and order-independent, so a crawl, a re-crawl and ``sitrep reparse`` agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from functools import partial

from sitrep import dates
from sitrep.config import Site
from sitrep.crawler import urls as urlrules
from sitrep.index.store import Assembler
from sitrep.record import Record, finish, merge


def assemble(pages: Iterable[Record], listing_weeks: Mapping[str, tuple[str, str]], site: Site) -> Record:
    record = merge(pages, lambda urls: urlrules.canonical(urls, site))
    if record.date_source == "week":
        return record
    for url in record.urls:
        if url in listing_weeks:
            start, end = listing_weeks[url]
            return finish(dataclasses.replace(record, week_start=start, week_end=end, date_source="listing"))
    if record.stamp and record.stamp[:10] not in site.migration_dates:
        start, end = dates.week_of(dt.date.fromisoformat(record.stamp[:10]))
        return finish(
            dataclasses.replace(record, week_start=start.isoformat(), week_end=end.isoformat(), date_source="stamp")
        )
    return record


def assembler(site: Site) -> Assembler:
    """``assemble`` for one site profile, in the form the record store calls while it writes."""
    return partial(assemble, site=site)
