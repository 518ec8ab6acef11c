"""The Python API: ``Archive.open(data_dir).search(...)``. The CLI and any server only format it.

Whoosh matches and ranks the text; filters, facets, date sorting and timelines are bitset
arithmetic over doc values saved with each index generation (``index.docvalues``); records
come from the record store. Only sitrep's own exceptions (``SitrepError`` and subclasses)
escape.
"""

from __future__ import annotations

import datetime as dt
import functools
import pickle
import re
import struct
import time
import warnings
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from whoosh import qparser, scoring
from whoosh import query as wq
from whoosh.searching import Searcher

from sitrep.config import Settings, load
from sitrep.errors import IndexDamaged, QueryError, RecordNotFound, SitrepError
from sitrep.index.docvalues import DocValues, TermSets, bits_of, docnums_of
from sitrep.index.schema import TEXT_FIELDS, russian_analyzer, schema, text_field
from sitrep.index.store import RecordStore
from sitrep.index.warc import Capture, read_capture
from sitrep.index.writing import generation_of, open_index, quiet_collect
from sitrep.record import Record
from sitrep.search import facets as facet_math
from sitrep.search.highlight import Snippet, snippet, stemmer_of
from sitrep.search.query import Filters, Vocabulary, keyword_filters, split_query
from sitrep.search.results import FacetCount, Hit, Results, Stats, Timeline

P = ParamSpec("P")
R = TypeVar("R")
DEFAULT_FACETS = ("countries", "topic", "trend", "year")
_WORD = re.compile(r"(?<![\w:])[^\W\d_]{3,}(?![\w:*?])")
_CYRILLIC = re.compile(r"[А-Яа-яЁёІіЎў]")
SORTS = ("relevance", "newest", "oldest")


_READ_ERRORS = (
    OSError,
    EOFError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    IndexError,
    KeyError,
    ValueError,
    AssertionError,
)


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Errors from reading a damaged index become IndexDamaged: only sitrep's errors escape."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except SitrepError:
            raise
        except _READ_ERRORS as exc:
            error = f"the index could not be read ({type(exc).__name__}: {exc})"[:300]
            quiet_collect(exc)  # a damaged segment leaves Whoosh's open files to the collector
        raise IndexDamaged(error)

    return wrapper


class Archive:
    """A searchable archive: the index and the record store of one data directory."""

    @_guarded
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ix = open_index(settings.data_dir)
        try:
            self.store = RecordStore(settings.data_dir, create=False)
            with warnings.catch_warnings():  # Whoosh retries a damaged segment and leaks its file
                warnings.simplefilter("ignore", ResourceWarning)
                # TF-IDF: BM25's per-document length lookups double the cost of ranking in Whoosh,
                # and these weekly notes are all of about one length
                self.searcher: Searcher = self.ix.searcher(weighting=scoring.TF_IDF())
                self.docvalues = DocValues.for_index(self.ix, self.searcher.reader())
                self.termsets = TermSets(Path(self.ix.storage.folder), self.ix.latest_generation())
        except BaseException:
            if hasattr(self, "store"):
                self.store.close()
            self.ix.close()
            raise
        self.vocab = Vocabulary(settings.site)
        self._parser = qparser.MultifieldParser(list(TEXT_FIELDS), self.ix.schema)
        self._stems = {"en": stemmer_of(schema()["text_en"].analyzer), "ru": stemmer_of(russian_analyzer())}

    @classmethod
    def open(cls, data_dir: str | Path | None = None, settings: Settings | None = None) -> Archive:
        """Open the archive in ``data_dir`` (default: the settings' data directory)."""
        settings = settings or load(overrides={"storage.data_dir": str(data_dir) if data_dir else None})
        if data_dir is not None and Path(data_dir) != settings.data_dir:
            settings = (
                load(path=None, environ={}, overrides={"storage.data_dir": str(data_dir)})
                if settings.source == "defaults"
                else settings
            )
        return cls(settings)

    def close(self) -> None:
        """Close the index and the store. Whoosh maps segment files into memory and its readers
        keep views of them, so the references are dropped too: that is what frees the files."""
        self.searcher.close()
        self.termsets.close()
        self.store.close()
        self.ix.close()
        del self.searcher, self.ix, self.docvalues, self.termsets

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- searching -----------------------------------------------------------------------

    def _parse(self, text: str) -> tuple[wq.Query | None, Filters, str]:
        free, filters = split_query(text, self.vocab)
        if not free:
            return None, filters, free
        try:
            q = self._parser.parse(free)
        except Exception as exc:  # Whoosh's parser has no error type of its own
            raise QueryError(text, f"cannot be parsed ({exc})") from None
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            raise QueryError(text, "no searchable words (only common words such as 'the'?)")
        return q, filters, free

    def _matching(self, q: wq.Query | None, filters: Filters) -> int:
        mask = facet_math.filter_mask(self.docvalues, filters)
        if q is None or not mask:
            return mask
        return self._docs(q) & mask

    def _docs(self, q: wq.Query) -> int:
        """All documents matching ``q`` as a bitset: saved word sets combined where the query is
        words joined by AND/OR/NOT, Whoosh's own matching for phrases, wildcards and rare words."""
        size = len(self.docvalues.ids)
        if isinstance(q, wq.Term) and q.fieldname in TEXT_FIELDS:
            text = q.text.decode("utf-8") if isinstance(q.text, bytes) else q.text
            found = self.termsets.get(q.fieldname, text, size)
            if found is not None:
                return found & self.docvalues.live
        elif isinstance(q, wq.And):
            mask = self.docvalues.live
            for sub in q.subqueries:
                mask &= self._docs(sub)
            return mask
        elif isinstance(q, wq.Or) and not isinstance(q, wq.DisjunctionMax):
            mask = 0
            for sub in q.subqueries:
                mask |= self._docs(sub)
            return mask
        elif isinstance(q, wq.Not):
            return self.docvalues.live & ~self._docs(q.query)
        elif isinstance(q, wq.AndNot):
            return self._docs(q.a) & ~self._docs(q.b)
        return bits_of(self.searcher.docs_for_query(q), size) & self.docvalues.live

    @_guarded
    def search(
        self,
        text: str = "",
        *,
        countries: Sequence[str] = (),
        countries_mode: str = "any",
        orgs: Sequence[str] = (),
        topics: Sequence[str] = (),
        trends: Sequence[str] = (),
        langs: Sequence[str] = (),
        authors: Sequence[str] = (),
        since: str | dt.date | None = None,
        until: str | dt.date | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int | None = None,
        facets: Sequence[str] = DEFAULT_FACETS,
    ) -> Results:
        """Records matching ``text`` (Whoosh syntax plus sitrep's fields) and the filters, with facets."""
        started = time.perf_counter()
        per_page = self.settings.search.per_page if per_page is None else per_page
        if sort not in SORTS:
            raise QueryError(sort, f"unknown sort (sorts: {', '.join(SORTS)})")
        if not isinstance(page, int) or page < 1:
            raise QueryError(str(page), "page must be 1 or more")
        if not isinstance(per_page, int) or not 1 <= per_page <= 1000:
            raise QueryError(str(per_page), "per_page must be from 1 to 1000")
        for name in facets:
            if name not in facet_math.FACET_FIELD:
                raise QueryError(name, f"unknown facet (facets: {', '.join(facet_math.FACET_FIELD)})")
        q, parsed, free = self._parse(text)
        filters = parsed.merged(
            keyword_filters(
                self.vocab,
                countries=countries,
                countries_mode=countries_mode,
                orgs=orgs,
                topics=topics,
                trends=trends,
                langs=langs,
                authors=authors,
                since=since,
                until=until,
            )
        )
        hits_mask = self._matching(q, filters)
        total = hits_mask.bit_count()
        narrowed = facet_math.filter_mask(self.docvalues, filters) != self.docvalues.live
        ranked = self._rank(q, hits_mask, sort, page * per_page, narrowed)
        chosen = ranked[(page - 1) * per_page : page * per_page]
        records = self.store.get_many(self.docvalues.ids[d] for d, _ in chosen)
        terms = self._terms(q)
        hits = tuple(
            Hit(records[self.docvalues.ids[d]], score, self._snippets(records[self.docvalues.ids[d]], terms))
            for d, score in chosen
            if self.docvalues.ids[d] in records
        )
        counted = facet_math.counts(self.docvalues, hits_mask, facets)
        suggestion = self._suggest(q, free) if q is not None and total < 3 else None
        query = {"text": text, "filters": filters.to_dict(), "sort": sort, "facets": list(facets)}
        return Results(
            query,
            total,
            page,
            per_page,
            hits,
            {k: tuple(FacetCount(v, n) for v, n in vals) for k, vals in counted.items()},
            suggestion,
            (time.perf_counter() - started) * 1000,
        )

    def _rank(
        self, q: wq.Query | None, hits_mask: int, sort: str, needed: int, narrowed: bool
    ) -> list[tuple[int, float | None]]:
        """Document numbers (and scores) of the first ``needed`` hits in the order asked for."""
        if q is None or sort != "relevance":
            order = facet_math.by_week(self.docvalues, hits_mask, newest_first=sort != "oldest", needed=needed)
            return [(d, None) for d in order[:needed]]
        # without filters Whoosh ranks the query alone and can skip what cannot reach the top
        results = self.searcher.search(q, limit=needed, filter=set(docnums_of(hits_mask)) if narrowed else None)
        return [(hit.docnum, round(float(hit.score), 4)) for hit in results]

    def _terms(self, q: wq.Query | None) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {"en": set(), "ru": set()}
        if q is None:
            return out
        for field, text in q.iter_all_terms():
            value = text.decode() if isinstance(text, bytes) else str(text)
            out["ru" if field.endswith("_ru") else "en"].add(value)
        return out

    def _snippets(self, record: Record, terms: dict[str, set[str]]) -> tuple[Snippet, ...]:
        script = "ru" if record.lang in ("ru", "be") else "en"
        width = self.settings.search.snippet_chars
        found = snippet(" ".join([record.lead, *record.body]), terms[script], self._stems[script], width)
        if found:
            return (found,)
        lead = record.lead if len(record.lead) <= width else record.lead[: record.lead.rfind(" ", 0, width)] + "…"
        return (Snippet(lead, ()),)

    def _suggest(self, q: wq.Query, free: str) -> str | None:
        """The query with each word the index does not know replaced by its nearest known word."""
        changed = False

        def fix(m: re.Match[str]) -> str:
            nonlocal changed
            word = m.group(0)
            if word in ("AND", "OR", "NOT", "TO") or any(c.isdigit() for c in word):
                return word
            field = "text_ru" if _CYRILLIC.search(word) else "text_en"
            lower = word.lower()
            if self.searcher.suggest(field, lower, limit=1, maxdist=0) == [lower]:
                return word
            found = self.searcher.suggest(field, lower, limit=1, maxdist=2)
            if found:
                changed = True
                return found[0]
            return word

        suggestion = _WORD.sub(fix, free)
        return suggestion if changed else None

    # --- records, similar, stats, timeline -------------------------------------------------

    @_guarded
    def get(self, record_id: str) -> Record:
        record = self.store.get(record_id)
        if record is None:
            raise RecordNotFound(f"no record with id {record_id!r}")
        return record

    @_guarded
    def history(self, record_id: str) -> list[dict[str, Any]]:
        self.get(record_id)
        return self.store.history(record_id)

    @_guarded
    def version(self, record_id: str, version: int) -> Record:
        """The record as it read at ``version`` (numbers from ``history``), to compare versions."""
        found = self.store.version(record_id, version)
        if found is None:
            raise RecordNotFound(
                f"record {record_id!r} has no version {version}", "versions are listed by `sitrep show`"
            )
        return found

    @_guarded
    def similar(self, record_id: str, limit: int = 10) -> tuple[Hit, ...]:
        """Records whose text is most like this one's (Whoosh's more-like-this on the body)."""
        record = self.get(record_id)
        try:
            docnum = self.docvalues.ids.index(record_id)
        except ValueError:
            raise RecordNotFound(f"record {record_id!r} is not in the index yet", "run `sitrep index`") from None
        field = text_field(record)
        found = self.searcher.more_like(
            docnum, field, text=" ".join([record.title, record.lead, *record.body]), top=limit + 1
        )
        ids = [self.docvalues.ids[h.docnum] for h in found if h.docnum != docnum][:limit]
        records = self.store.get_many(ids)
        scores = {self.docvalues.ids[h.docnum]: round(float(h.score), 4) for h in found}
        return tuple(Hit(records[i], scores[i]) for i in ids if i in records)

    @_guarded
    def stats(self) -> Stats:
        dv = self.docvalues
        counted = facet_math.counts(dv, dv.live, ("year", "topic", "trend", "lang", "countries", "orgs"))
        weeks = [w for d, w in enumerate(dv.weeks) if w and (dv.live >> d) & 1]
        runs = self.store.runs()
        return Stats(
            records=dv.live.bit_count(),
            first_week=dt.date.fromordinal(min(weeks)).isoformat() if weeks else None,
            last_week=dt.date.fromordinal(max(weeks)).isoformat() if weeks else None,
            facets={k: tuple(FacetCount(v, n) for v, n in vals) for k, vals in counted.items()},
            last_crawl=runs[-1] if runs else None,
        )

    @_guarded
    def timeline(self, text: str = "", *, by: str = "month", split: str | None = None, **filters: Any) -> Timeline:
        """Counts per week, month or year (empty periods filled with zeros), optionally split."""
        if by not in ("week", "month", "year"):
            raise QueryError(by, "by must be week, month or year")
        if split not in (None, "trend", "country"):
            raise QueryError(str(split), "split must be trend or country")
        q, parsed, _ = self._parse(text)
        hits = self._matching(q, parsed.merged(keyword_filters(self.vocab, **filters)))
        dv = self.docvalues
        docs = [d for d in docnums_of(hits) if dv.weeks[d]]
        if not docs:
            return Timeline(by, split, (), {}, 0)
        days = [dt.date.fromordinal(dv.weeks[d]) for d in docs]
        periods = _periods(min(days), max(days), by)
        index = {p: i for i, p in enumerate(periods)}
        groups: dict[str, int] = {"all": hits}
        if split == "trend":
            groups = {v: hits & m for v, m in dv.facets["trend"].items()}
            groups["unknown"] = hits & ~_union(dv.facets["trend"].values())
        elif split == "country":
            top = facet_math.counts(dv, hits, ["countries"])["countries"][:5]
            groups = {code: hits & dv.facets["countries"][code.lower()] for code, _ in top}
        series: dict[str, list[int]] = {}
        for name, mask in groups.items():
            row = [0] * len(periods)
            for d in docnums_of(mask):
                if dv.weeks[d]:
                    row[index[_key(dt.date.fromordinal(dv.weeks[d]), by)]] += 1
            if any(row):
                series[name] = row
        return Timeline(by, split, tuple(periods), {k: tuple(v) for k, v in series.items()}, len(docs))

    # --- for long-running readers: which index, crawl runs, archived captures ---------------

    @property
    def generation(self) -> str:
        """The index this archive reads (its folder and Whoosh generation): an ETag for servers."""
        return f"{Path(self.ix.storage.folder).name}.{self.searcher.reader().generation()}"

    def is_current(self) -> bool:
        """False once a crawl, ``sitrep index`` or a rebuild has made a newer index live."""
        return generation_of(self.settings.data_dir) == self.generation

    @_guarded
    def runs(self) -> list[dict[str, Any]]:
        """Every crawl run, newest first, with the URLs it failed or dropped and why."""
        out = []
        for run in reversed(self.store.runs()):
            problems = [
                {"url": url, "outcome": outcome, "reason": reason}
                for url, outcome, reason in self.store.ledger(run["id"])
                if outcome in ("failed", "dropped")
            ]
            out.append({**run, "problems": problems})
        return out

    @_guarded
    def captures(self, url: str) -> list[dict[str, Any]]:
        """When ``url`` was fetched and with what HTTP status, oldest first (the WARC archive)."""
        return [{"fetched_at": f, "status": s} for f, s, *_ in self.store.captures_of(url)]

    @_guarded
    def capture(self, url: str, fetched_at: str | None = None) -> Capture:
        """The response archived for ``url`` (the newest, or the one fetched at ``fetched_at``)."""
        found = [c for c in self.store.captures_of(url) if fetched_at in (None, c[0])]
        if not found:
            raise RecordNotFound(
                f"no archived copy of {url!r}" + (f" fetched at {fetched_at}" if fetched_at else ""),
                "the record page lists the URLs and capture dates there are",
            )
        _, _, warc, offset, _ = found[-1]
        return read_capture(self.settings.data_dir / "warc", warc, offset)


def _union(masks: Any) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def _key(day: dt.date, by: str) -> str:
    if by == "year":
        return str(day.year)
    if by == "month":
        return day.strftime("%Y-%m")
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def _periods(first: dt.date, last: dt.date, by: str) -> list[str]:
    out: list[str] = []
    day = first - dt.timedelta(days=first.weekday()) if by == "week" else first.replace(day=1)
    while day <= last:
        key = _key(day, by)
        if not out or out[-1] != key:
            out.append(key)
        if by == "week":
            day += dt.timedelta(days=7)
        elif by == "month":
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            day = day.replace(year=day.year + 1, month=1, day=1)
    return out


__all__ = ["Archive", "SitrepError"]
