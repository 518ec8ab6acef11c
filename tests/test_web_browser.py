"""`sitrep serve` in a real browser: Debian's Chromium driven by Playwright.

Without Chromium (or the playwright package) these tests are skipped with one line naming what
to install; under CI (``CI=true``) a missing browser is a failure instead. Set
``WEB_SCREENSHOT=docs/sitrep-serve.png`` to write the README's screenshot from this run.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitrep.config import Settings
from sitrep.record import Record
from tests.webserver import Served, hostile_archive

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MISSING = (
    "install Debian's chromium package (apt-get install chromium) to run the browser tests"
    if not Path(CHROMIUM).exists()
    else None
)
try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # the test extra installs it; `make test` always has it
    MISSING = "install the playwright package (pip install -e '.[test]') to run the browser tests"
if MISSING:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI needs the browser tests: {MISSING}", pytrace=False)
    pytest.skip(MISSING, allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def web(crawled: Settings) -> Iterator[Served]:
    served = Served(crawled)
    yield served
    served.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    opened = context.new_page()
    yield opened
    context.close()


def total(page: Page) -> int:
    return int(page.locator("#total").inner_text())


def facet_counts(page: Page, name: str) -> dict[str, int]:
    out = {}
    for link in page.locator(f'[data-facet="{name}"] a').all():
        value = link.locator(".value").inner_text().split(" ")[0]
        out[value] = int(link.locator(".count").inner_text())
    return out


def words(record: Record) -> set[str]:
    return set(re.findall(r"\w+", record.text.lower()))


def test_type_a_query_then_click_a_country_facet(page: Page, web: Served, truth: dict[str, Record]) -> None:
    page.goto(web.url + "/")
    page.locator("#q").press_sequentially("oil")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=oil"))
    oil = [r for r in truth.values() if r.lang == "en" and "oil" in words(r)]
    assert total(page) == len(oil)
    before = facet_counts(page, "countries")
    position, (code, count) = next((i, kv) for i, kv in enumerate(before.items()) if kv[1] < len(oil))
    assert count == sum(1 for r in oil if code in r.countries)
    page.locator('[data-facet="countries"] a').nth(position).click()
    page.wait_for_url(re.compile(rf"country={code}"))
    assert total(page) == count
    after = facet_counts(page, "countries")
    assert after[code] == count and after != before
    assert all(after[c] <= before[c] for c in after if c in before)
    page.go_back()  # every state is a URL: back is the search before the click
    assert total(page) == len(oil)


def test_record_country_link_and_archived_copy(page: Page, web: Served, truth: dict[str, Record]) -> None:
    page.goto(web.url + "/?q=army&sort=newest")
    first = page.locator(".hit h3 a").first
    title = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == title
    record = next(r for r in truth.values() if r.title == title)
    country = page.locator("a.country").first
    name = country.inner_text()
    country.click()
    code = re.search(r"country=(\w\w)", page.url).group(1)  # type: ignore[union-attr]
    assert code in record.countries and name
    assert total(page) == sum(1 for r in truth.values() if code in r.countries)
    page.go_back()
    link = page.locator("a.archived").first
    captured = link.inner_text().split(", ")[-1]  # "archived copy, <capture date>"
    with page.expect_response(re.compile(r"/archived\?")) as answer:
        link.click()
    assert "script-src" not in answer.value.headers["content-security-policy"]
    banner = page.get_by_role("note", name="Archived copy")
    assert f"captured {captured}" in banner.inner_text() and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:]+Z", captured)
    assert page.locator("h1").first.inner_text() == title  # the page as fetched
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(("/archived?", "/leave?", "/record/", "/", "#")) for h in hrefs)
    assert not any(h.startswith(("http:", "https:", "//")) for h in hrefs)


def test_hostile_text_runs_nothing(browser: Browser, tmp_path: Path) -> None:
    served = Served(hostile_archive(tmp_path / "data"))
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    outside: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    blocked: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if "127.0.0.1" not in r.url else None)
    page.on("requestfailed", lambda r: blocked.append(f"{r.url} {r.failure}"))
    try:
        for path in ("/?q=oil", f"/record/{1:016x}", "/?q=army"):
            page.goto(served.url + path)
            assert page.locator("main img").count() == 0
            assert "<script>" in page.locator("main").inner_text()  # shown as text
        page.goto(served.url + f"/record/{1:016x}")
        page.locator("a.archived").first.click()
        page.wait_for_load_state()
        assert page.locator("#headline").inner_text() == "Archived headline"
        assert page.title() == "archived" and page.evaluate("window.pwned") is None
        page.locator("#out").click()
        assert "/leave?" in page.url and "Leaving the archive" in page.locator("h1").inner_text()
        assert dialogs == []
        assert outside == ["https://evil.example/pixel.png"]  # the archived page's image: asked for …
        assert blocked == ["https://evil.example/pixel.png csp"]  # … and stopped by the CSP, never sent
    finally:
        context.close()
        served.close()


def png_pixels(data: bytes) -> list[tuple[int, int, int]]:
    """The RGB pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks, header = 8, b"", b""
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        header = body if kind == b"IHDR" else header
        chunks += body if kind == b"IDAT" else b""
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    size = 4 if colour == 6 else 3
    raw, stride, rows, prev = zlib.decompress(chunks), width * size, [], bytearray(width * size)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a, b = line[i - size] if i >= size else 0, prev[i]
            c = prev[i - size] if i >= size else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            predictor = [0, a, b, (a + b) // 2, a if pa <= pb and pa <= pc else (b if pb <= pc else c)][kind]
            line[i] = (line[i] + predictor) & 0xFF
        rows.append(line)
        prev = line
    return [tuple(row[x * size : x * size + 3]) for row in rows for x in range(width)]  # type: ignore[misc]


def test_trends_chart_is_drawn(page: Page, web: Served) -> None:
    page.goto(web.url + "/trends?by=year")
    chart = page.locator("figure.trend-chart svg.chart")
    assert chart.is_visible() and chart.locator("rect.bar").count() > 0
    assert chart.locator("polyline.balance").get_attribute("points")
    pixels = png_pixels(chart.screenshot())
    assert sum(1 for p in pixels if p == (0x1A, 0x7F, 0x37)) > 100  # improved bars, green
    assert sum(1 for p in pixels if p == (0xCF, 0x22, 0x2E)) > 100  # worsened bars, red
    assert page.locator(".small-multiples svg.chart").count() >= 3  # one per topic


def focus_until(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_main_path_by_keyboard_alone(page: Page, web: Served, truth: dict[str, Record]) -> None:
    page.goto(web.url + "/")
    focus_until(page, "a.skip", 1)  # the first Tab lands on the skip link
    page.keyboard.press("Enter")
    focus_until(page, "#q")
    page.keyboard.type("oil")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=oil"))
    focus_until(page, '[data-facet="countries"] a')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"country="))
    focus_until(page, ".hit h3 a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/record/"))
    focus_until(page, "a.country")
    code = page.evaluate("document.activeElement.getAttribute('href')").split("=")[1]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/\?country={code}$"))
    assert total(page) == sum(1 for r in truth.values() if code in r.countries)


PAGES = ("/", "/?q=oil&country=BY", "/trends", "/stats", "/runs", "/api", "/?q=%22oil")


def test_landmarks_and_labels(page: Page, web: Served, truth: dict[str, Record]) -> None:
    for path in (*PAGES, f"/record/{next(iter(truth))}"):
        page.goto(web.url + path)
        assert page.evaluate("document.documentElement.lang") == "en"
        for role in ("banner", "main", "contentinfo"):
            assert page.get_by_role(role).count() == 1, (path, role)
        assert page.get_by_role("navigation", name="Main").count() == 1
        assert page.locator("h1").count() == 1, path
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                               && !el.getAttribute('aria-labelledby')).map(el => el.outerHTML)"""
        )
        assert unlabelled == [], path
        for svg in page.locator("svg[role=img]").all():
            ids = (svg.get_attribute("aria-labelledby") or "").split()
            assert ids and all(page.locator(f"#{i}").count() == 1 for i in ids)
    page.goto(web.url + "/")
    assert page.get_by_role("search").count() == 1 and page.get_by_role("complementary", name="Facets").count() == 1


CONTRAST = """() => {
  const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bg = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
    const a = c.match(/[\\d.]+/g); if (a && (a.length < 4 || Number(a[3]) > 0.5)) return c; } return 'rgb(255, 255, 255)'; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const text = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).length;
    const s = getComputedStyle(el);
    if (!text || s.visibility === 'hidden' || el.closest('svg') || !el.getClientRects().length) continue;
    if (el.matches('.skip, .visually-hidden') ) continue;
    const [l1, l2] = [lum(s.color), lum(bg(el))];
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const large = parseFloat(s.fontSize) >= 24 || (parseFloat(s.fontSize) >= 18.66 && Number(s.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) out.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
  }
  return out; }"""


def test_colour_contrast(page: Page, web: Served, truth: dict[str, Record]) -> None:
    checked = 0
    for path in (*PAGES, f"/record/{next(iter(truth))}"):
        page.goto(web.url + path)
        assert page.evaluate(CONTRAST) == [], path
        checked += 1
    page.goto(web.url + "/?q=oil")
    verdicts = page.evaluate("[...document.querySelectorAll('.verdict')].map(e => getComputedStyle(e).color)")
    assert {"rgb(26, 127, 55)", "rgb(207, 34, 46)"} <= set(verdicts)  # the site's green and red
    assert checked == len(PAGES) + 1


def test_search_page_weight_and_screenshot(page: Page, web: Served, record_property: Any) -> None:
    """The search page is its HTML and one stylesheet, no script; the README's screenshot."""
    answers: list[Any] = []
    page.on("response", lambda a: answers.append(a))
    page.goto(web.url + "/?q=oil&country=BY")
    page.wait_for_load_state("networkidle")
    weight = sum(len(a.body()) for a in answers)
    kinds = sorted(a.request.resource_type for a in answers)
    assert kinds == ["document", "stylesheet"], kinds
    record_property("search_page", f"{len(answers)} requests, {weight} bytes")
    print(f"\nsearch page: {len(answers)} requests, {weight} bytes")
    shot = page.screenshot()
    assert len(set(png_pixels(shot)[::97])) > 20  # a page with text and colour, not a blank
    target = os.environ.get("WEB_SCREENSHOT")
    if target:
        Path(target).write_bytes(shot)
