"""Page parsers: one module per layout generation, chosen by detecting what the page is.

Archived pages keep their old layouts whatever their date, so the generation is detected from
the page (``GENERATIONS`` in order, richest first), never from the URL's era.
"""

from __future__ import annotations

from types import ModuleType

from sitrep.config import Site
from sitrep.countries import Tagger
from sitrep.crawler.parsers import current, headerless, old, transitional
from sitrep.crawler.parsers.common import check_title, decode, find_title, read_page
from sitrep.errors import ParseError
from sitrep.record import Record

GENERATIONS: tuple[ModuleType, ...] = (old, current, transitional, headerless)


def parse_article(
    url: str, html: str | bytes, site: Site, fetched_at: str | None = None, tagger: Tagger | None = None
) -> Record:
    """The record of one article page, or ``ParseError(url, field, reason)``; nothing else escapes.

    ``tagger`` carries the aliases a user added in settings.toml (``countries.tagger_for``).
    """
    try:
        text = decode(html) if isinstance(html, bytes) else html
        tail = text[-4096:].lower()
        if text.strip() and "</html" not in tail and "</body" not in tail:
            raise ParseError(url, "html", "truncated: the page ends before </body> or </html>")
        page = read_page(url, text, site, tagger)
        title, title_at = find_title(page)
        check_title(page, title)
        for generation in GENERATIONS:
            if generation.detect(page, title_at):
                return generation.parse(page, title, title_at, fetched_at)
    except ParseError:
        raise
    except (RecursionError, ValueError, TypeError, IndexError, KeyError, AttributeError, AssertionError) as exc:
        # a page the helpers did not foresee: report it as this page's parse failure, with the cause
        raise ParseError(url, "page", f"unexpected structure ({type(exc).__name__}: {exc})") from exc
    raise ParseError(url, "layout", "no parser generation recognises the page")  # headerless detects everything
