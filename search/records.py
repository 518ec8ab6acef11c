"""Finding one record by what a user has at hand, and the archived copies behind it.

A user pastes an id from ``sitrep search`` (or its first characters) or the URL from the page
they read; ``resolve`` turns either into the record id. ``captures`` lists where the raw pages
sit in the WARC archive, newest first, for ``sitrep archived`` and ``sitrep cite``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sitrep.config import Site
from sitrep.errors import RecordNotFound
from sitrep.index.store import RecordStore
from sitrep.index.warc import read_capture
from sitrep.record import Record

MIN_PREFIX = 6
ID_LENGTH = 16


@dataclasses.dataclass(frozen=True)
class CaptureRef:
    """Where one fetch of one URL is kept: ``<data>/warc/<warc>`` at ``offset``."""

    url: str
    fetched_at: str
    status: int
    warc: str
    offset: int
    length: int

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def resolve(ref: str, ids: Sequence[str], store: RecordStore, site: Site) -> str:
    """The record id ``ref`` names: a whole id, a unique prefix of 6+ characters, or a page URL."""
    ref = ref.strip()
    if "://" in ref:
        found = next(filter(None, map(store.record_of_url, page_urls(ref, site))), None)
        if found is None:
            raise RecordNotFound(f"no record was fetched from {ref}", "check the URL, or search for the title")
        return found
    if len(ref) == ID_LENGTH or store.get(ref) is not None:
        return ref
    if len(ref) < MIN_PREFIX:
        raise RecordNotFound(f"no record with id {ref!r}", f"give the whole id or at least {MIN_PREFIX} characters")
    matches = sorted(i for i in ids if i.startswith(ref.lower()))
    if not matches:
        raise RecordNotFound(f"no record id starts with {ref!r}")
    if len(matches) > 1:
        shown = ", ".join(matches[:5]) + (" …" if len(matches) > 5 else "")
        raise RecordNotFound(f"id prefix {ref!r} matches {len(matches)} records ({shown})", "give more characters")
    return matches[0]


def page_urls(url: str, site: Site) -> list[str]:
    """Where the page ``url`` names may be stored: as given, with a trailing slash, and, on one of
    the site's hosts, on each of them in the site's scheme. A record's URL is on the current
    domain (the site moved from .info to .pro), while the page fetched may have been on the old
    one; and a URL pasted from a browser may say http where the store says https."""
    parts = urlsplit(url)
    paths = dict.fromkeys([parts.path or "/", (parts.path or "/").rstrip("/") + "/"])
    forms = [url, *(urlunsplit((parts.scheme, parts.netloc, p, parts.query, "")) for p in paths)]
    if (parts.hostname or "").lower() in site.hosts:
        forms += [urlunsplit((site.scheme, host, p, parts.query, "")) for host in site.hosts for p in paths]
    return list(dict.fromkeys(forms))


def captures(record: Record, store: RecordStore) -> list[CaptureRef]:
    """Every capture of the record's URLs, newest first (the canonical URL first among equals)."""
    found = [
        CaptureRef(url, fetched_at, status, warc, offset, length)
        for url in record.urls
        for fetched_at, status, warc, offset, length in store.captures_of(url)
    ]
    return sorted(found, key=lambda c: (c.fetched_at, c.url == record.url), reverse=True)


def read(capture: CaptureRef, data_dir: Path) -> bytes:
    """The body of the page exactly as it was received."""
    return read_capture(data_dir / "warc", capture.warc, capture.offset).body
