"""Saved queries ("watches"): which records are new or changed since a watch last ran.

The reason people schedule the weekly crawl is to hear what is new for *their* query. A watch
keeps its query, its filters and the store's history position when it last ran, in
``<data>/watches.json``; running it lists the record versions written since then that match
(version 1 is new, a later one changed), and
writes an Atom feed of its latest entries to ``<data>/watches/<name>.atom`` for feed readers.
A new watch starts from the moment it is added: the archive it was added to is not "new".
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitrep.errors import ConfigError, WatchError, WatchNotFound
from sitrep.index.store import now
from sitrep.record import Record

if TYPE_CHECKING:
    from sitrep.search.api import Archive

FILE = "watches.json"
FEEDS = "watches"
FEED_ENTRIES = 50
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
ATOM = "http://www.w3.org/2005/Atom"


@dataclasses.dataclass(frozen=True)
class Watch:
    """A saved search that reports what is new or changed since it last ran."""

    name: str
    query: str
    filters: dict[str, Any]
    created_at: str
    last_run_at: str | None
    position: int  # the store's history position when the watch last ran (or was added)


@dataclasses.dataclass(frozen=True)
class Found:
    """A record that is new (``version`` 1) or changed since the watch last ran."""

    kind: str  # "new" or "changed"
    version: int
    record: Record

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        return {
            "kind": self.kind,
            "version": self.version,
            "id": r.id,
            "week_start": r.week_start,
            "title": r.title,
            "url": r.url,
        }


@dataclasses.dataclass(frozen=True)
class Digest:
    """One run of a watch: what it found and the feed it wrote."""

    watch: Watch
    since: str | None  # when the watch last ran (None: never ran since it was added)
    found: tuple[Found, ...]
    feed: Path

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.watch.name,
            "query": self.watch.query,
            "filters": self.watch.filters,
            "since": self.since or self.watch.created_at,
            "found": [f.to_dict() for f in self.found],
            "feed": str(self.feed),
        }


class Watches:
    """The saved watches of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / FILE

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data: dict[str, dict[str, Any]] = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except json.JSONDecodeError as exc:
            raise ConfigError(str(self.path), "watches", f"not valid JSON ({exc})") from None
        return data

    def _save(self, data: dict[str, dict[str, Any]]) -> None:
        tmp = self.path.with_name(f".{FILE}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)

    def list(self) -> list[Watch]:
        return [_watch(name, w) for name, w in sorted(self._load().items())]

    def get(self, name: str) -> Watch:
        data = self._load()
        if name not in data:
            raise WatchNotFound(f"no watch named {name!r}")
        return _watch(name, data[name])

    def add(self, archive: Archive, name: str, query: str, filters: dict[str, Any]) -> Watch:
        """Save a watch; the query is checked by running it once, so a typo fails now, not at 3 a.m."""
        if not NAME.match(name):
            raise WatchError(
                f"bad watch name {name!r}", "use up to 40 lower-case letters, digits, - and _, starting with a letter"
            )
        data = self._load()
        if name in data:
            raise WatchError(f"a watch named {name!r} exists", f"`sitrep watch rm {name}` first, or pick another name")
        archive.search(query, per_page=1, facets=(), **filters)
        data[name] = {"query": query, "filters": filters, "created_at": now(), "last_run_at": None}
        data[name]["position"] = archive.store.history_position()
        self._save(data)
        return _watch(name, data[name])

    def remove(self, name: str) -> None:
        data = self._load()
        if name not in data:
            raise WatchNotFound(f"no watch named {name!r}")
        del data[name]
        self._save(data)
        (self.data_dir / FEEDS / f"{name}.atom").unlink(missing_ok=True)
        (self.data_dir / FEEDS / f"{name}.entries.json").unlink(missing_ok=True)

    def run(self, archive: Archive, name: str | None = None) -> list[Digest]:
        """Run one watch or all: what is new or changed since each last ran; moves them on and
        writes their feeds."""
        data = self._load()
        names = [name] if name else sorted(data)
        if name and name not in data:
            raise WatchNotFound(f"no watch named {name!r}")
        digests = []
        for n in names:
            watch = _watch(n, data[n])
            matching = set(archive.matching(watch.query, **watch.filters).ids())
            versions, position = archive.store.versions_since(watch.position)
            latest = {rid: v for rid, v in versions if rid in matching}  # the last version of each wins
            records = archive.store.get_many(latest)
            found = [
                Found("new" if v == 1 else "changed", v, records[rid]) for rid, v in latest.items() if rid in records
            ]
            found.sort(key=lambda f: (f.record.week_start or "", f.record.id), reverse=True)
            feed = write_feed(self.data_dir, watch, found)
            digests.append(Digest(watch, watch.last_run_at, tuple(found), feed))
            data[n].update(position=position, last_run_at=now())
        self._save(data)
        return digests


def _watch(name: str, w: dict[str, Any]) -> Watch:
    return Watch(name, w["query"], w["filters"], w["created_at"], w["last_run_at"], int(w["position"]))


def write_feed(data_dir: Path, watch: Watch, found: list[Found]) -> Path:
    """The watch's Atom feed: the newest ``FEED_ENTRIES`` finds over all runs, newest run first."""
    folder = data_dir / FEEDS
    folder.mkdir(parents=True, exist_ok=True)
    kept_path = folder / f"{watch.name}.entries.json"
    stamp = now()
    kept = json.loads(kept_path.read_text(encoding="utf-8")) if kept_path.exists() else []
    fresh = [{**f.to_dict(), "updated": stamp, "summary": f.record.lead} for f in found]
    kept = (fresh + kept)[:FEED_ENTRIES]
    kept_path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:sitrep:watch:{watch.name}"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"sitrep watch {watch.name}: {watch.query or '(all)'}"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = stamp
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "sitrep"
    for e in kept:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:sitrep:{e['id']}:v{e['version']}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{e['kind']}: {e['title']}"
        ET.SubElement(entry, f"{{{ATOM}}}link", href=e["url"])
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = e["updated"]
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = e["summary"]
    path = folder / f"{watch.name}.atom"
    tmp = path.with_name(f".{path.name}.tmp")
    ET.ElementTree(feed).write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)
    return path


def has_watches(data_dir: Path) -> bool:
    return (Path(data_dir) / FILE).exists() and bool(Watches(data_dir).list())


__all__ = ["Digest", "Found", "Watch", "Watches", "has_watches"]
