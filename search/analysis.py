"""What analysts do after a search, as methods of ``Archive``: stream a whole result set, see
which way the verdicts went, find a record by id prefix or URL, read its archived copy and
earlier versions, and look at the crawl runs.

A mixin so ``search/api.py`` (searching) stays one job; every method takes the archive's lock
through ``_reading`` as searching does, and the arithmetic lives in pure modules
(``trends``, ``records``, ``runs``), imported by the methods that use them: ``sitrep search``
loads none of them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Unpack

from sitrep.errors import ArgumentError, RecordNotFound
from sitrep.index.docvalues import docnums_of
from sitrep.record import Record
from sitrep.search.filters import FilterKeywords, Filters
from sitrep.search.vocabulary import UNKNOWN

if TYPE_CHECKING:
    from sitrep.config import Settings
    from sitrep.index.store import RecordStore
    from sitrep.search.generation import Generation, Matched
    from sitrep.search.records import CaptureRef
    from sitrep.search.runs import Problem, Run, UnknownVerdict
    from sitrep.search.trends import Trends
    from sitrep.search.vocabulary import Vocabulary

SORTS = ("relevance", "newest", "oldest")


class AnalysisMethods:
    """Mixed into ``Archive``; uses its settings, store, vocabulary, lock and matching."""

    settings: Settings
    store: RecordStore
    vocab: Vocabulary

    if TYPE_CHECKING:

        def _reading(self) -> contextlib.AbstractContextManager[Generation]: ...
        def _match(self, generation: Generation, text: object, filters: Filters) -> Matched: ...
        def _rank(
            self, generation: Generation, matched: Matched, sort: str, needed: int
        ) -> list[tuple[int, float | None]]: ...
        def get(self, record_id: str) -> Record: ...
        def matching(
            self, text: str = "", filters: Filters | None = None, **keywords: Unpack[FilterKeywords]
        ) -> Matched: ...

    # --- whole result sets, trends -----------------------------------------------------------

    def ids(self, text: str = "", **filters: Unpack[FilterKeywords]) -> list[str]:
        """The ids of every record matching ``text`` and ``filters``, newest week first (ties by
        id), undated last: a whole result set to compare or store without reading a record."""
        return self.matching(text, **filters).ids()

    def iter_records(
        self, text: str = "", *, sort: str = "newest", chunk: int = 500, **filters: Unpack[FilterKeywords]
    ) -> Iterator[Record]:
        """Every record matching ``text`` and ``filters`` (``search``'s keywords), newest or
        oldest week first or by relevance, read from the store ``chunk`` at a time: the whole
        result set for exports, never all in memory. The order is fixed when this is called."""
        if sort not in SORTS:
            raise ArgumentError("sort", f"unknown sort {sort!r} (sorts: {', '.join(SORTS)})")
        if not isinstance(chunk, int) or isinstance(chunk, bool) or chunk < 1:
            raise ArgumentError("chunk", f"must be a whole number from 1, not {chunk!r}")
        wanted = Filters.of(self.vocab, **filters)
        with self._reading() as generation:
            matched = self._match(generation, text, wanted)
            order = [generation.docvalues.ids[d] for d, _ in self._rank(generation, matched, sort, matched.total)]
        return self._records_of(order, chunk)

    def _records_of(self, ids: list[str], chunk: int) -> Iterator[Record]:
        for i in range(0, len(ids), chunk):
            part = ids[i : i + chunk]
            with self._reading():
                found = self.store.get_many(part)
            yield from (found[rid] for rid in part if rid in found)

    def trends(
        self, text: str = "", *, by: str = "month", split: str | None = None, **filters: Unpack[FilterKeywords]
    ) -> Trends:
        """Improved/unchanged/worsened per month, quarter or year, with shares, balance and
        streaks (``sitrep.search.trends``), for the records matching ``text`` and ``filters``."""
        from sitrep.search import trends as trend_math

        if by not in trend_math.BY:
            raise ArgumentError("by", f"must be one of {', '.join(trend_math.BY)}, not {by!r}")
        if split not in (None, "topic"):
            raise ArgumentError("split", f"must be topic or None, not {split!r}")
        wanted = Filters.of(self.vocab, **filters)
        with self._reading() as generation:
            hits = self._match(generation, text, wanted).mask
            dv = generation.docvalues
        verdict = {d: v for v, m in dv.facets["trend"].items() for d in docnums_of(m & hits)}
        topic = {d: t for t, m in dv.facets["topic"].items() for d in docnums_of(m & hits)}
        docs = docnums_of(hits)
        points = [(dt.date.fromordinal(dv.weeks[d]), verdict.get(d), topic.get(d)) for d in docs if dv.weeks[d]]
        result = trend_math.summarise(points, by, split, {"text": text, "filters": wanted.to_dict()})
        return dataclasses.replace(result, undated=len(docs) - len(points))

    # --- one record: by prefix or URL, its versions and archived copies ------------------------

    def resolve(self, ref: str) -> str:
        """The id of the record ``ref`` names: an id, a unique id prefix (6+ characters) or a URL."""
        if not isinstance(ref, str):
            raise ArgumentError("ref", f"takes a string, not {ref!r}")
        from sitrep.search import records as record_refs

        with self._reading() as generation:
            dv = generation.docvalues
            live = [dv.ids[d] for d in docnums_of(dv.live)]
            return record_refs.resolve(ref, live, self.store, self.settings.site)

    def record_captures(self, record_id: str) -> list[CaptureRef]:
        """Where the record's pages sit in the WARC archive, newest fetch first."""
        from sitrep.search import records as record_refs

        record = self.get(record_id)
        with self._reading():
            return record_refs.captures(record, self.store)

    def archived(self, record_id: str, url: str | None = None) -> tuple[CaptureRef, bytes]:
        """The newest capture of the record (of ``url``, one of its URLs, if given) and its body
        exactly as fetched."""
        from sitrep.search import records as record_refs

        found = [c for c in self.record_captures(record_id) if url is None or c.url == url]
        if not found:
            urls = ", ".join(self.get(record_id).urls)
            raise RecordNotFound(
                f"no archived copy of {url or record_id}", f"the record's URLs: {urls}" if url else "crawl it again"
            )
        return found[0], record_refs.read(found[0], self.settings.data_dir)

    # --- crawl runs ------------------------------------------------------------------------------

    def crawl_runs(self) -> list[Run]:
        """Every crawl run with its outcome and counts, oldest first."""
        from sitrep.search import runs as run_views

        with self._reading():
            return run_views.runs(self.store)

    def runs(self) -> list[dict[str, Any]]:
        """Every crawl run, newest first, each as ``Run.to_dict`` with ``problems``: its failed
        and dropped URLs and why (the web's runs page and ``/api/runs``)."""
        from sitrep.search import runs as run_views

        with self._reading():
            return [
                {**run.to_dict(), "problems": [p.to_dict() for p in run_views.problems(self.store, run.id)]}
                for run in reversed(run_views.runs(self.store))
            ]

    def run_problems(self, run_id: int) -> list[Problem]:
        """One run's failed and dropped URLs with their reasons."""
        from sitrep.search import runs as run_views

        if run_id not in {r.id for r in self.crawl_runs()}:
            raise RecordNotFound(f"no crawl run {run_id}", "`sitrep runs` lists them")
        with self._reading():
            return run_views.problems(self.store, run_id)

    def unknown_verdicts(self) -> list[UnknownVerdict]:
        """Verdict phrases the trends table lacks (``trend:unknown``), most records first, with
        those records."""
        from sitrep.search.runs import UnknownVerdict

        with self._reading() as generation:
            dv = generation.docvalues
            records = self.store.get_many(dv.ids[d] for d in docnums_of(dv.facets["trend"].get(UNKNOWN, 0)))
        phrases: dict[str, list[tuple[str, str]]] = {}
        for r in sorted(records.values(), key=lambda r: r.id):
            phrases.setdefault(r.trend_label or "", []).append((r.id, r.title))
        ordered = sorted(phrases.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return [UnknownVerdict(p, tuple(found)) for p, found in ordered]
