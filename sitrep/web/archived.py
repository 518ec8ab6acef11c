"""An archived page as it was fetched, made safe to show: no script runs, no link leaves silently.

The body is the capture's bytes from the WARC. Three things change before it is served: links
(``a``/``area``) point to the archived copy when one exists and otherwise to ``/leave``, which
asks before going to the live web; ``<meta http-equiv=refresh>`` and ``<base>`` are dropped (they
would navigate or re-point links silently); a banner names the URL and the capture date. The
response's Content-Security-Policy runs no script and loads nothing from other hosts.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urldefrag, urlencode, urljoin

from bs4 import BeautifulSoup
from markupsafe import escape

from sitrep.search.api import Capture

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "base-uri 'none'; frame-ancestors 'self'; sandbox allow-same-origin allow-top-navigation-by-user-activation"
)


def is_html(capture: Capture) -> bool:
    return "html" in capture.content_type.lower() or capture.body.lstrip()[:15].lower().startswith(b"<!doctype html")


def links_of(capture: Capture) -> set[str]:
    """The absolute URLs the page links to (without fragments), to look up their captures."""
    soup = BeautifulSoup(capture.body, "lxml")
    return {urldefrag(urljoin(capture.url, a["href"]))[0] for a in soup.find_all(["a", "area"], href=True)}


def rewrite(capture: Capture, archived: Callable[[str], bool], record_url: str | None) -> str:
    """The page's HTML with its links kept inside the archive and the banner at the top."""
    soup = BeautifulSoup(capture.body, "lxml")
    for tag in soup.find_all("base") + soup.find_all("meta", attrs={"http-equiv": True}):
        if tag.name != "meta" or tag["http-equiv"].lower() in ("refresh", "set-cookie"):
            tag.decompose()
    for a in soup.find_all(["a", "area"], href=True):
        href = a["href"].strip()
        if href.startswith("#"):
            continue
        target, fragment = urldefrag(urljoin(capture.url, href))
        if archived(target):
            a["href"] = "/archived?" + urlencode({"url": target}) + (f"#{fragment}" if fragment else "")
        else:
            a["href"] = "/leave?" + urlencode({"url": urljoin(capture.url, href)})
        a.attrs.pop("target", None)
    body = soup.body or soup
    banner = BeautifulSoup(_banner(capture, record_url), "lxml").find("div")
    body.insert(0, banner)
    return "<!DOCTYPE html>\n" + str(soup.html or soup)


def _banner(capture: Capture, record_url: str | None) -> str:
    back = f' · <a href="{escape(record_url)}">the record</a>' if record_url else ""
    return (
        '<div role="note" aria-label="Archived copy" style="all:initial;display:block;font:15px/1.4 sans-serif;'
        'background:#fff8c5;color:#1f2328;border-bottom:2px solid #9a6700;padding:8px 12px;margin:0 0 8px 0">'
        f"<strong>Archived copy</strong> of <code>{escape(capture.url)}</code>, captured "
        f'<time datetime="{escape(capture.fetched_at)}">{escape(capture.fetched_at)}</time> '
        f"(HTTP {capture.status}). Scripts are off; links lead to other archived copies or ask before "
        f'leaving the archive.{back} · <a href="/">search</a></div>'
    )
