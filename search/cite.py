"""Citations of one record: plain text, BibTeX or CSL-JSON (what Zotero and pandoc read).

Each names the title, the site, the week, the URL, the date the page was fetched and where the
archived copy is, so a reader can find the very text that was cited after the site changes.
Pure functions of a record, its newest capture and the site's name.
"""

from __future__ import annotations

import json
import re

from sitrep.dates import week_label
from sitrep.record import SAMPLE_NOTE, Record
from sitrep.search.records import CaptureRef as Capture

STYLES = ("text", "bibtex", "csl-json")


def sample_note(record: Record) -> str:
    """First in every style's text: a record of the generated sample must never pass for a source."""
    return f"NOT A SOURCE: a {SAMPLE_NOTE}. " if record.sample else ""


def archived_at(record: Record, capture: Capture | None) -> str:
    """Where the archived copy is, as a clause for the middle of a sentence (``note`` fields,
    which start one, take it through ``_sentence``)."""
    if capture is None:
        return f"no archived copy, sitrep id {record.id}"
    return f"archived copy: warc/{capture.warc} at offset {capture.offset}, sitrep id {record.id}"


def _sentence(clause: str) -> str:
    return clause[:1].upper() + clause[1:]


def cited_url(record: Record, capture: Capture | None) -> str:
    """The URL the archived copy was fetched from, which "fetched <date>" speaks of; without a
    copy, the record's URL. They differ for a page fetched on the site's old domain (.info): the
    record's URL is on the current one, where nothing was fetched."""
    return capture.url if capture else record.url


def fetched_on(record: Record, capture: Capture | None) -> str | None:
    stamp = capture.fetched_at if capture else record.fetched_at
    return stamp[:10] if stamp else None


def text(record: Record, capture: Capture | None, site: str) -> str:
    week = f"week of {week_label(record.week_start, record.week_end)}" if record.week_start else "undated"
    author = f"{record.author}. " if record.author else ""
    fetched = fetched_on(record, capture)
    return f'{sample_note(record)}{author}"{record.title}." {site}, {week}. {cited_url(record, capture)}' + (
        f" (fetched {fetched}; {archived_at(record, capture)})." if fetched else f" ({archived_at(record, capture)})."
    )


# LaTeX's special characters, each replaced in one pass (the braces a replacement brings are
# not escaped again, as they were when the backslash was replaced first)
_BIB_ESCAPES = {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    **{c: "\\" + c for c in "&%$#_{}"},
}
_BIB_SPECIAL = re.compile("|".join(re.escape(c) for c in _BIB_ESCAPES))


def _bib(value: str) -> str:
    return _BIB_SPECIAL.sub(lambda m: _BIB_ESCAPES[m[0]], value)


def bibtex(record: Record, capture: Capture | None, site: str) -> str:
    fields = [("title", "{" + _bib(record.title) + "}")]
    if record.author:
        fields.append(("author", "{" + _bib(record.author) + "}"))
    fields.append(("howpublished", _bib(site)))
    if record.week_start:
        fields += [("year", record.week_start[:4]), ("month", str(int(record.week_start[5:7])))]
    fields.append(("url", cited_url(record, capture)))
    fetched = fetched_on(record, capture)
    if fetched:
        fields.append(("urldate", fetched))
    week = f"Week {record.week_start} to {record.week_end}. " if record.week_start else ""
    fields += [
        ("language", record.lang),
        ("note", _bib(sample_note(record) + week + _sentence(archived_at(record, capture)))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{sitrep-{record.id},\n{body}\n}}"


def _parts(day: str) -> list[list[int]]:
    return [[int(day[:4]), int(day[5:7]), int(day[8:10])]]


def csl(record: Record, capture: Capture | None, site: str) -> dict[str, object]:
    item: dict[str, object] = {
        "id": f"sitrep-{record.id}",
        "type": "webpage",
        "title": record.title,
        "container-title": site,
        "URL": cited_url(record, capture),
        "language": record.lang,
        "note": sample_note(record) + _sentence(archived_at(record, capture)),
    }
    if record.author:
        item["author"] = [{"literal": record.author}]
    if record.week_start:
        item["issued"] = {"date-parts": _parts(record.week_start)}
    fetched = fetched_on(record, capture)
    if fetched:
        item["accessed"] = {"date-parts": _parts(fetched)}
    return item


def cite(record: Record, capture: Capture | None, site: str, style: str = "text") -> str:
    """The citation in ``style`` (one of ``STYLES``)."""
    if style == "bibtex":
        return bibtex(record, capture, site)
    if style == "csl-json":
        return json.dumps([csl(record, capture, site)], ensure_ascii=False, indent=2)
    if style == "text":
        return text(record, capture, site)
    raise ValueError(f"style must be one of {', '.join(STYLES)}")
