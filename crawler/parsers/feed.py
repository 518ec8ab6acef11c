"""The WordPress RSS feed: item titles, links and dates, to discover pages listings miss."""

from __future__ import annotations

import dataclasses
import email.utils

from lxml import etree

from sitrep.errors import ParseError
from sitrep.record import normalise_text


@dataclasses.dataclass(frozen=True)
class FeedEntry:
    """One item of an RSS or Atom feed."""

    title: str
    url: str
    published: str | None


def parse(url: str, body: bytes | str) -> tuple[FeedEntry, ...]:
    data = body.encode("utf-8") if isinstance(body, str) else body
    if not data.strip():
        raise ParseError(url, "feed", "the feed is empty")
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ParseError(url, "feed", f"not XML ({exc})") from None
    if root is None:
        raise ParseError(url, "feed", "not an RSS or Atom feed")
    entries = []
    for item in root.iter("item", "{http://www.w3.org/2005/Atom}entry"):
        title = normalise_text(item.findtext("title") or item.findtext("{http://www.w3.org/2005/Atom}title") or "")
        link = (item.findtext("link") or "").strip()
        if not link:
            atom = item.find("{http://www.w3.org/2005/Atom}link")
            link = atom.get("href", "") if atom is not None else ""
        published = None
        if date_text := item.findtext("pubDate"):
            try:
                published = email.utils.parsedate_to_datetime(date_text).date().isoformat()
            except (TypeError, ValueError):
                published = None
        if link:
            entries.append(FeedEntry(title, link, published))
    return tuple(entries)
