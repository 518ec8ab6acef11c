"""Jinja2 templates with autoescape on for every template, and the few helpers they call.

Autoescape is the whole of the HTML safety: templates never mark a field safe; the only
``Markup`` comes from ``charts`` (numbers and escaped labels) and ``marked`` below (escaped text
around ``<mark>``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pycountry
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from sitrep import __version__
from sitrep.dates import week_label
from sitrep.record import SAMPLE_NOTE, Record
from sitrep.search.highlight import Snippet

STATIC = Path(__file__).parent / "static"
VERDICT = {"improved": "▲ improved", "worsened": "▼ worsened", "unchanged": "■ unchanged"}


def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code.upper())
    return found.name if found else code


def marked(snippet: Snippet) -> Markup:
    """A snippet with its highlighted spans in ``<mark>``, every piece of text escaped."""
    out, at = [], 0
    for start, end in snippet.highlights:
        out += [escape(snippet.text[at:start]), Markup("<mark>"), escape(snippet.text[start:end]), Markup("</mark>")]
        at = end
    out.append(escape(snippet.text[at:]))
    return Markup("").join(out)


def verdict(record: Record) -> str:
    if record.trend:
        return VERDICT[record.trend]
    return f"? {record.trend_label}" if record.trend_label else "no verdict"


def week(record: Record) -> str:
    return week_label(record.week_start, record.week_end)


ENV = Environment(loader=PackageLoader("sitrep.web", "templates"), autoescape=select_autoescape(default=True))
ENV.globals.update(
    country_name=country_name, marked=marked, verdict=verdict, week=week, version=__version__, sample_note=SAMPLE_NOTE
)


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    html = ENV.get_template(template).render(request=request, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)
