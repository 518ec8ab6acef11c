"""The trends chart as server-rendered SVG: stacked verdict bars and the balance line.

No chart library: a few dozen rectangles and one polyline are drawn here in Python, so the page
needs no JavaScript and the chart is in the HTML the server sends (and in a screenshot of it).
Colours follow the site: improved green, worsened red, unchanged grey. Every value reaches the
template through Jinja's autoescape or is a number formatted here.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from markupsafe import Markup, escape

COLOURS = {"improved": "#1a7f37", "unchanged": "#8c959f", "worsened": "#cf222e", "balance": "#0550ae"}
STACK = ("improved", "unchanged", "worsened")  # bottom to top


@dataclasses.dataclass(frozen=True)
class Size:
    width: int = 760
    bars: int = 220  # height of the stacked bars' panel
    balance: int = 90  # height of the balance panel under it
    left: int = 40  # room for the axis labels
    bottom: int = 22


FULL = Size()
SMALL = Size(width=360, bars=110, balance=50, left=30, bottom=18)


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def trend_svg(periods: list[str], block: dict[str, list[int]], title: str, ident: str, size: Size = FULL) -> Markup:
    """One chart: stacked bars per period and, below, improved minus worsened as a line."""
    n = max(1, len(periods))
    plot_w = size.width - size.left - 8
    step = plot_w / n
    bar_w = max(1.0, step * 0.8)
    totals = [sum(block[v][i] for v in STACK) for i in range(len(periods))]
    peak = max(totals, default=0) or 1
    swing = max((abs(b) for b in block["balance"]), default=0) or 1
    top, mid = 8, 8 + size.bars + size.balance / 2 + 6
    height = int(8 + size.bars + size.balance + 12 + size.bottom)
    out: list[str] = [
        f'<svg class="chart" role="img" aria-labelledby="{ident}-t {ident}-d" width="{size.width}" '
        f'height="{height}" viewBox="0 0 {size.width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">Stacked bars: texts judged improved, unchanged and worsened in each period '
        f"(highest {peak}); the line below is improved minus worsened.</desc>",
        f'<line x1="{size.left}" y1="{top + size.bars}" x2="{size.width - 8}" y2="{top + size.bars}" stroke="#57606a"/>',
        f'<text x="{size.left - 4}" y="{top + 10}" text-anchor="end" class="axis">{peak}</text>',
        f'<text x="{size.left - 4}" y="{top + size.bars}" text-anchor="end" class="axis">0</text>',
        f'<line x1="{size.left}" y1="{_fmt(mid)}" x2="{size.width - 8}" y2="{_fmt(mid)}" stroke="#57606a" '
        'stroke-dasharray="3 3"/>',
        f'<text x="{size.left - 4}" y="{_fmt(mid + 4)}" text-anchor="end" class="axis">±0</text>',
    ]
    points = []
    for i, period in enumerate(periods):
        x = size.left + i * step + (step - bar_w) / 2
        y = top + size.bars
        tip = f"{period}: " + ", ".join(f"{block[v][i]} {v}" for v in STACK) + f"; balance {block['balance'][i]:+d}"
        out.append(f"<g><title>{escape(tip)}</title>")
        for verdict in STACK:
            h = block[verdict][i] / peak * size.bars
            if h:
                y -= h
                out.append(
                    f'<rect class="bar {verdict}" x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(bar_w)}" '
                    f'height="{_fmt(h)}" fill="{COLOURS[verdict]}"/>'
                )
        out.append("</g>")
        points.append(f"{_fmt(x + bar_w / 2)},{_fmt(mid - block['balance'][i] / swing * (size.balance / 2 - 4))}")
    if points:
        out.append(
            f'<polyline class="balance" fill="none" stroke="{COLOURS["balance"]}" stroke-width="2" '
            f'points="{" ".join(points)}"/>'
        )
    for i, period in enumerate(periods):  # label about eight periods, evenly
        if i % max(1, n // 8) == 0:
            x = size.left + i * step + step / 2
            out.append(
                f'<text x="{_fmt(x)}" y="{height - 6}" text-anchor="middle" class="axis">{escape(period)}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out))


def legend() -> list[dict[str, Any]]:
    return [{"name": v, "colour": COLOURS[v]} for v in (*STACK, "balance")]
