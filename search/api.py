"""The Python API: ``Archive.open(data_dir).search(...)``. The CLI and any server only format it.

Whoosh matches and ranks the words; fields, AND/OR/NOT, facets, date sorting and timelines are
bitset arithmetic over doc values saved with each index generation (``index.docvalues``); records
come from the record store. One ``Archive`` may be shared by threads: its calls take turns (one
Whoosh searcher, one store connection). Only sitrep's own errors escape; a damaged index is
``IndexDamaged`` only for the read failures ``index.writing.DAMAGE`` lists, anything else is a bug.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Unpack

import sitrep.index.whoosh_imports  # noqa: F401  (before Whoosh: see its docstring)

from whoosh import query as wq

from sitrep.config import Settings, load
from sitrep.errors import ArgumentError, RecordNotFound, SitrepError
from sitrep.index.docvalues import DocValues, bits_of, docnums_of
from sitrep.index.schema import TEXT_FIELDS, russian_analyzer, schema, text_field
from sitrep.index.store import RecordStore
from sitrep.index.warc import Capture, read_capture
from sitrep.index.writing import generation_of
from sitrep.record import Record
from sitrep.search import facets as facet_math
from sitrep.search import ranking
from sitrep.search.analysis import SORTS, AnalysisMethods
from sitrep.search.filters import FilterKeywords, Filters
from sitrep.search.generation import Generation, Matched, damage_is_index_damaged
from sitrep.search.highlight import Snippet, snippet, stemmer_of
from sitrep.search.query import FIELD, And, Node, Or, Words, operators_meant, parse, walk
from sitrep.search.results import FacetCount, Hit, Results, Stats, Timeline
from sitrep.search.vocabulary import NONE, UNKNOWN, Vocabulary

DEFAULT_FACETS = ("countries", "topic", "trend", "year")
_WORD = re.compile(rf"{FIELD}|(?<![\w:])[^\W\d_]{{3,}}(?![\w:*?])")
_CYRILLIC = re.compile(r"[А-Яа-яЁёІіЎў]")
PLAIN_WORD = re.compile(r"[^\W\d_]+")


def _names(name: str, value: object, known: tuple[str, ...] | dict[str, str]) -> tuple[str, ...]:
    """One name or a list of names, each one of ``known``."""
    items = (value,) if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        raise ArgumentError(name, f"takes a name or a list of names from {', '.join(known)}, not {value!r}")
    for item in items:
        if item not in known:
            raise ArgumentError(
                name, f"unknown {name[:-1] if name.endswith('s') else name} {item!r} (known: {', '.join(known)})"
            )
    return tuple(items)


class Archive(AnalysisMethods):
    """A searchable archive: the index and the record store of one data directory (searching
    here; exports, trends, versions, archived copies and runs in ``AnalysisMethods``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._generation: Generation | None = Generation.open(settings.data_dir)
        try:
            self.store = RecordStore(settings.data_dir, create=False, shared=True)
        except BaseException:
            self._generation.close()
            raise
        self.vocab = Vocabulary(settings.site)
        # the searcher's schema, read when the generation was opened: the folder may be gone now
        self._schema = self._generation.searcher.schema
        self._analyzers = {field: self._schema[field].analyzer for field in TEXT_FIELDS}
        self._stems = {"en": stemmer_of(schema()["text_en"].analyzer), "ru": stemmer_of(russian_analyzer())}

    @functools.cached_property
    def _parser(self) -> Any:
        """Whoosh's query parser, for what is not a plain word (phrases, wildcards, ``x:y``); made
        on first use, with its module: a search for plain words never pays the ~4 ms."""
        from whoosh import qparser

        return qparser.MultifieldParser(list(TEXT_FIELDS), self._schema)

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
        """Close the index and the store; a second close does nothing."""
        with self._lock:
            if self._generation is None:
                return
            self._generation.close()
            self._generation = None
            self.store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def docvalues(self) -> DocValues:
        return self._open().docvalues

    def _open(self) -> Generation:
        if self._generation is None:
            raise ArgumentError("archive", "is closed: open it again with Archive.open(...)")
        return self._generation

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Generation]:
        """One call at a time on the shared searcher and connection; read failures the damage
        tests provoke become IndexDamaged."""
        with self._lock:
            generation = self._open()
            with damage_is_index_damaged():
                yield generation

    # --- matching ------------------------------------------------------------------------

    def _words(self, text: str) -> wq.Query | None:
        if PLAIN_WORD.fullmatch(text):
            return plain_word(text, self._analyzers)
        q = self._parser.parse(text)
        return None if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)) else q

    def _match(self, generation: Generation, text: object, filters: Filters) -> Matched:
        if not isinstance(text, str):
            raise ArgumentError("text", f"takes a string, not {text!r}")
        tree = parse(text, self.vocab, self._words)
        mask = generation.evaluate(tree)
        if mask and filters:
            mask &= facet_math.filter_mask(generation.docvalues, filters)
        return Matched(generation.docvalues, mask, tree)

    def matching(self, text: str = "", filters: Filters | None = None, **keywords: Unpack[FilterKeywords]) -> Matched:
        """The documents matching ``text`` and the filters (a ``Filters`` or ``search``'s keywords)."""
        with self._reading() as generation:
            return self._match(generation, text, filters or Filters.of(self.vocab, **keywords))

    # --- searching -----------------------------------------------------------------------

    def search(
        self,
        text: str = "",
        *,
        sort: str = "relevance",
        page: int = 1,
        per_page: int | None = None,
        facets: Any = DEFAULT_FACETS,
        **filters: Unpack[FilterKeywords],
    ) -> Results:
        """Records matching ``text`` (words and fields with AND/OR/NOT) and the filters, with facets.

        The filters (``FilterKeywords``): ``countries``, ``countries_mode`` ("any" or "all"),
        ``orgs``, ``topics``, ``trends``, ``langs``, ``authors`` take one string or a list;
        ``since``/``until`` a year, a "YYYY-MM(-DD)" string, a date or a datetime.
        """
        started = time.perf_counter()
        per_page = self.settings.search.per_page if per_page is None else per_page
        if sort not in SORTS:
            raise ArgumentError("sort", f"unknown sort {sort!r} (sorts: {', '.join(SORTS)})")
        if not isinstance(page, int) or isinstance(page, bool) or page < 1:
            raise ArgumentError("page", f"must be a whole number from 1, not {page!r}")
        if not isinstance(per_page, int) or isinstance(per_page, bool) or not 1 <= per_page <= 1000:
            raise ArgumentError("per_page", f"must be a whole number from 1 to 1000, not {per_page!r}")
        facets = _names("facets", facets, facet_math.FACET_FIELD)
        wanted = Filters.of(self.vocab, **filters)
        with self._reading() as generation:
            matched = self._match(generation, text, wanted)
            ranked = self._rank(generation, matched, sort, page * per_page)
            chosen = ranked[(page - 1) * per_page : page * per_page]
            ids = generation.docvalues.ids
            records = self.store.get_many(ids[d] for d, _ in chosen)
            find_snippets = functools.partial(self._snippets, terms=self._terms(matched.tree))
            hits = tuple(Hit(records[ids[d]], score, find_snippets) for d, score in chosen if ids[d] in records)
            counted = facet_math.counts(generation.docvalues, matched.mask, facets)
            if "author" in counted:
                counted["author"] = self._printed_authors(generation.docvalues, counted["author"])
            has_words = any(isinstance(n, Words) for n, _ in walk(matched.tree)) if matched.tree else False
            suggestion = operators_meant(text) or (
                self._suggest(generation, text) if has_words and matched.total < 3 else None
            )
        query = {"text": text, "filters": wanted.to_dict(), "sort": sort, "facets": list(facets)}
        return Results(
            query,
            matched.total,
            page,
            per_page,
            hits,
            {k: tuple(FacetCount(v, n) for v, n in vals) for k, vals in counted.items()},
            suggestion,
            (time.perf_counter() - started) * 1000,
        )

    def _rank(self, generation: Generation, matched: Matched, sort: str, needed: int) -> list[tuple[int, float | None]]:
        """Document numbers (and scores) of the first ``needed`` hits in the order asked for.

        By relevance, BM25 over the words the query asks for (``sitrep.search.ranking``) orders
        the hits that hold any of them; hits matched by fields alone (``oil OR topic:security``)
        follow, newest first. By week, the saved week order.
        """
        if not matched.mask:
            return []
        ranked: list[tuple[int, float | None]] = []
        tree = matched.tree
        positive = [n.query for n, pos in walk(tree) if isinstance(n, Words) and pos] if tree else []
        if sort == "relevance" and positive:
            reader = generation.searcher.reader()
            terms = set().union(*(ranking.positive_terms(q, reader) for q in positive))
            ranked = list(ranking.top(terms, matched.mask, needed, generation.docvalues, generation.termsets, reader))
        if len(ranked) < min(needed, matched.total):  # hits matched by fields alone, or more wanted
            rest = matched.mask & ~bits_of((d for d, _ in ranked), len(generation.docvalues.ids))
            order = facet_math.by_week(generation.docvalues, rest, sort != "oldest", needed - len(ranked))
            ranked += [(d, None) for d in order]
        return ranked

    def _terms(self, tree: Node | None) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {"en": set(), "ru": set()}
        for node, positive in walk(tree) if tree else ():
            if isinstance(node, Words) and positive:
                for field, text in node.query.iter_all_terms():
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

    def _printed_authors(self, dv: DocValues, pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Author facet values as the pages print the names: the index holds them lower-cased
        (a filter matches any case), so each value is shown as one of its records prints it."""
        first: dict[str, str] = {}  # value -> the id of its first live record
        for value, _ in pairs:
            mask = dv.facets["author"].get(value, 0) & dv.live if value != NONE else 0
            if mask:
                first[value] = dv.ids[(mask & -mask).bit_length() - 1]
        records = self.store.get_many(first.values())
        printed = {v: records[i].author for v, i in first.items() if i in records and records[i].author}
        return [(printed.get(v, v), n) for v, n in pairs]

    def _suggest(self, generation: Generation, text: str) -> str | None:
        """The query with each word the index does not know replaced by its nearest known word
        (field terms are left as they are)."""
        changed = False
        searcher = generation.searcher
        reader = searcher.reader()

        def fix(m: re.Match[str]) -> str:
            nonlocal changed
            word = m.group(0)
            if m.group(1) or word in ("AND", "OR", "NOT", "TO"):
                return word
            field = "text_ru" if _CYRILLIC.search(word) else "text_en"
            lower = word.lower()
            if reader.doc_frequency(field, self._stems[field[-2:]](lower)):
                return word  # the index holds its stem: not a typo (a cheap lookup; suggest() is not)
            found = generation.speller.suggest(lower)
            if found:
                changed = True
                return found
            return word

        suggestion = _WORD.sub(fix, text)
        return suggestion if changed else None

    # --- records, similar, stats, timeline -------------------------------------------------

    def get(self, record_id: str) -> Record:
        if not isinstance(record_id, str):
            raise ArgumentError("record_id", f"takes a string, not {record_id!r}")
        with self._reading():
            record = self.store.get(record_id)
        if record is None:
            raise RecordNotFound(f"no record with id {record_id!r}")
        return record

    def history(self, record_id: str) -> list[dict[str, Any]]:
        self.get(record_id)
        with self._reading():
            return self.store.history(record_id)

    def version(self, record_id: str, version: int) -> Record:
        """The record as it read at ``version`` (numbers from ``history``), to compare versions."""
        with self._reading():
            found = self.store.version(record_id, version)
        if found is None:
            raise RecordNotFound(
                f"record {record_id!r} has no version {version}", "versions are listed by `sitrep show`"
            )
        return found

    def similar(self, record_id: str, limit: int = 10) -> tuple[Hit, ...]:
        """Records whose text is most like this one's (Whoosh's more-like-this on the body)."""
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ArgumentError("limit", f"must be a whole number from 1, not {limit!r}")
        record = self.get(record_id)
        with self._reading() as generation:
            ids, live = generation.docvalues.ids, generation.docvalues.live
            # the live document: an updated record's old versions stay in the index, deleted
            docnum = next((d for d, i in enumerate(ids) if i == record_id and live >> d & 1), None)
            if docnum is None:
                raise RecordNotFound(f"record {record_id!r} is not in the index yet", "run `sitrep index`")
            field, text = text_field(record), " ".join([record.title, record.lead, *record.body])
            # Whoosh breaks ties by document number, which a rebuild or a merge changes: ask until
            # the last one scores below the limit-th, so every record tied at the cut is there,
            # then order ties by record id, as search() does.
            top = limit + 1
            while True:
                found = generation.searcher.more_like(docnum, field, text=text, top=top)  # masks docnum
                if found.scored_length() < top or found[top - 1].score < found[limit - 1].score:
                    break
                top *= 4
            ranked = sorted((-float(h.score), ids[h.docnum]) for h in found)[:limit]
            records = self.store.get_many(i for _, i in ranked)
        return tuple(Hit(records[i], round(-score, 4)) for score, i in ranked if i in records)

    def stats(self) -> Stats:
        """Counts by year, topic, trend, language, country and organisation; each one-value column
        ends with ``none`` so it adds up to the records; the verdicts not in the trends table by label."""
        with self._reading() as generation:
            dv = generation.docvalues
            counted = facet_math.counts(dv, dv.live, ("year", "topic", "trend", "lang", "countries", "orgs"))
            weeks = [w for d, w in enumerate(dv.weeks) if w and (dv.live >> d) & 1]
            unknown = docnums_of(dv.facets["trend"].get(UNKNOWN, 0))
            labels: dict[str, int] = {}
            for record in self.store.get_many(dv.ids[d] for d in unknown).values():
                label = record.trend_label or ""
                labels[label] = labels.get(label, 0) + 1
            runs = self.store.runs()
        return Stats(
            records=dv.live.bit_count(),
            first_week=dt.date.fromordinal(min(weeks)).isoformat() if weeks else None,
            last_week=dt.date.fromordinal(max(weeks)).isoformat() if weeks else None,
            facets={k: tuple(FacetCount(v, n) for v, n in vals) for k, vals in counted.items()},
            last_crawl=runs[-1] if runs else None,
            unknown_verdicts=tuple(FacetCount(v, n) for v, n in sorted(labels.items(), key=lambda vn: (-vn[1], vn[0]))),
        )

    def timeline(
        self, text: str = "", *, by: str = "month", split: str | None = None, **filters: Unpack[FilterKeywords]
    ) -> Timeline:
        """Counts per week, month or year of the dated hits (empty periods filled with zeros),
        optionally split by verdict or by the five commonest countries; ``filters`` are search's.
        ``by="auto"`` picks weeks for up to half a year of hits, months up to four years, years
        beyond, so a bar chart stays about a screen long."""
        if by not in ("auto", "week", "month", "year"):
            raise ArgumentError("by", f"must be auto, week, month or year, not {by!r}")
        if split not in (None, "trend", "country"):
            raise ArgumentError("split", f"must be trend or country, not {split!r}")
        wanted = Filters.of(self.vocab, **filters)
        with self._reading() as generation:
            hits = self._match(generation, text, wanted).mask
            dv = generation.docvalues
        docs = [d for d in docnums_of(hits) if dv.weeks[d]]
        if not docs:
            return Timeline(by, split, (), {}, 0)
        days = [dt.date.fromordinal(dv.weeks[d]) for d in docs]
        if by == "auto":
            span = (max(days) - min(days)).days
            by = "week" if span <= 183 else "month" if span <= 4 * 366 else "year"
        periods = _periods(min(days), max(days), by)
        index = {p: i for i, p in enumerate(periods)}
        groups: dict[str, int] = {"all": hits}
        if split == "trend":
            groups = {v: hits & m for v, m in dv.facets["trend"].items()}
            groups["none"] = hits & facet_math.without(dv, "trend")
        elif split == "country":
            top = [(c, n) for c, n in facet_math.counts(dv, hits, ["countries"])["countries"] if c != "none"][:5]
            groups = {code: hits & dv.facets["countries"][code.lower()] for code, _ in top}
        slot = {w: index[_key(dt.date.fromordinal(w), by)] for w in {dv.weeks[d] for d in docs}}
        series: dict[str, list[int]] = {}
        for name, mask in groups.items():
            row = [0] * len(periods)
            for d in docnums_of(mask):
                if dv.weeks[d]:
                    row[slot[dv.weeks[d]]] += 1
            if any(row):
                series[name] = row
        return Timeline(by, split, tuple(periods), {k: tuple(v) for k, v in series.items()}, len(docs))

    # --- for long-running readers: which index, crawl runs, archived captures ---------------

    @property
    def generation(self) -> str:
        """The index this archive reads (its folder and Whoosh generation): an ETag for servers."""
        with self._reading() as generation:
            return f"{generation.folder.name}.{generation.searcher.reader().generation()}"

    def is_current(self) -> bool:
        """False once a crawl, ``sitrep index`` or a rebuild has made a newer index live."""
        return generation_of(self.settings.data_dir) == self.generation

    def captures(self, url: str) -> list[dict[str, Any]]:
        """When ``url`` was fetched and with what HTTP status, oldest first (the WARC archive)."""
        with self._reading():
            return [{"fetched_at": f, "status": s} for f, s, *_ in self.store.captures_of(url)]

    def capture(self, url: str, fetched_at: str | None = None) -> Capture:
        """The response archived for ``url`` (the newest, or the one fetched at ``fetched_at``)."""
        with self._reading():
            found = [c for c in self.store.captures_of(url) if fetched_at in (None, c[0])]
        if not found:
            raise RecordNotFound(
                f"no archived copy of {url!r}" + (f" fetched at {fetched_at}" if fetched_at else ""),
                "the record page lists the URLs and capture dates there are",
            )
        _, _, warc, offset, _ = found[-1]
        return read_capture(self.settings.data_dir / "warc", warc, offset)


def plain_word(word: str, analyzers: dict[str, Any]) -> wq.Query | None:
    """What Whoosh's parser makes of a word of letters alone, built directly: a term for each
    text field whose analyzer keeps the word (stemmed), None for a stop word. Most query words
    are such words; the parser takes about 0.1 ms a word, this about 0.005
    (``tests/test_query_words.py`` holds the two equal)."""
    terms = [wq.Term(field, token.text) for field, analyze in analyzers.items() for token in analyze(word)]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _whoosh(node: Node) -> wq.Query:
    """A tree of words joined by AND/OR as one Whoosh query (for ranking)."""
    if isinstance(node, Words):
        return node.query
    if isinstance(node, And):
        return wq.And([_whoosh(p) for p in node.parts])
    if isinstance(node, Or):
        return wq.Or([_whoosh(p) for p in node.parts])
    raise TypeError(f"not a words-only query part: {node!r}")


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


__all__ = ["Archive", "Matched", "SitrepError"]
