"""Draws the load curve as a standalone SVG, written by hand.

Written here rather than with matplotlib: a line chart of a few points is ~100 lines of
SVG text, and matplotlib (with numpy, pillow and fonttools) would add tens of MB to the
development environment for one picture. SVG is text, so a new run's picture diffs as text
and GitHub shows it inline in docs/performance.md.

Both axes are logarithmic: the rates span 50 to a few thousand events/s, and latency goes
from tens of milliseconds to seconds past the knee. Per transport one colour; p50 dotted,
p95 solid, p99 dashed; a vertical line at the highest rate sustained.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

WIDTH, HEIGHT = 760, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 190, 40, 60
COLOURS = {"rabbitmq": "#d62728", "dbqueue": "#1f77b4"}
DASHES = {"p50_ms": "2,3", "p95_ms": "", "p99_ms": "8,4"}


def _ticks(low: float, high: float) -> list[float]:
    """1-2-5 ticks between ``low`` and ``high``."""
    ticks = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in (1, 2, 5):
            value = mantissa * 10.0**exponent
            if low <= value <= high:
                ticks.append(value)
    return ticks


def _label(value: float) -> str:
    return f"{value / 1000:g} s" if value >= 1000 else f"{value:g}"


def render(curves: dict[str, dict[str, Any]], title: str) -> str:
    """``curves``: per transport, ``{"steps": [Step.as_dict(), ...], "sustained": rate}``."""
    steps = [s for c in curves.values() for s in c["steps"]]
    rates = [s["rate"] for s in steps]
    latencies = [max(s[k], 1.0) for s in steps for k in DASHES]
    x_low, x_high = min(rates) / 1.3, max(rates) * 1.3
    y_low, y_high = min(latencies) / 1.5, max(latencies) * 1.5
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(rate: float) -> float:
        return LEFT + plot_w * math.log(rate / x_low) / math.log(x_high / x_low)

    def y(ms: float) -> float:
        return TOP + plot_h * (1 - math.log(max(ms, 1.0) / y_low) / math.log(y_high / y_low))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>',
    ]
    for tick in _ticks(x_low, x_high):
        at = f"{x(tick):.1f}"
        out.append(f'<line x1="{at}" y1="{TOP}" x2="{at}" y2="{TOP + plot_h}" stroke="#eee"/>')
        out.append(f'<text x="{x(tick):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{tick:g}</text>')
    for tick in _ticks(y_low, y_high):
        at = f"{y(tick):.1f}"
        out.append(f'<line x1="{LEFT}" y1="{at}" x2="{LEFT + plot_w}" y2="{at}" stroke="#eee"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{_label(tick)}</text>')
    out.append(
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 20}" text-anchor="middle">'
        "events/s asked (single POST /v1/events, log scale)</text>"
    )
    out.append(
        f'<text x="18" y="{TOP + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 18 {TOP + plot_h / 2})">ingest → receipt, ms (log scale)</text>'
    )
    legend_y = TOP + 10
    for transport, curve in curves.items():
        colour = COLOURS.get(transport, "#555")
        ordered = sorted(curve["steps"], key=lambda s: s["rate"])
        for key, dash in DASHES.items():
            points = " ".join(f"{x(s['rate']):.1f},{y(s[key]):.1f}" for s in ordered)
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
                f'stroke-dasharray="{dash}"/>'
            )
        for s in ordered:
            fill = colour if s["sustained"] else "white"
            out.append(
                f'<circle cx="{x(s["rate"]):.1f}" cy="{y(s["p95_ms"]):.1f}" r="3.5" '
                f'fill="{fill}" stroke="{colour}"/>'
            )
        held = curve["sustained"]
        if held:
            out.append(
                f'<line x1="{x(held):.1f}" y1="{TOP}" x2="{x(held):.1f}" y2="{TOP + plot_h}" '
                f'stroke="{colour}" stroke-width="1" stroke-dasharray="1,4"/>'
            )
        lx = LEFT + plot_w + 12
        name = escape(transport)
        out.append(f'<text x="{lx}" y="{legend_y}" fill="{colour}" font-weight="bold">{name}</text>')
        for key, dash in DASHES.items():
            legend_y += 16
            out.append(
                f'<line x1="{lx}" y1="{legend_y - 4}" x2="{lx + 28}" y2="{legend_y - 4}" stroke="{colour}" '
                f'stroke-width="2" stroke-dasharray="{dash}"/>'
            )
            out.append(f'<text x="{lx + 34}" y="{legend_y}">{key.removesuffix("_ms")}</text>')
        legend_y += 16
        bound = "sustained" if curve["bounded"] else "sustained ≥"
        out.append(f'<text x="{lx}" y="{legend_y}">{bound} {held:,.0f}/s</text>')
        legend_y += 26
    out.append(
        f'<text x="{LEFT + plot_w + 12}" y="{legend_y}" fill="#555">● sustained step</text>'
        f'<text x="{LEFT + plot_w + 12}" y="{legend_y + 16}" fill="#555">○ backlog grew</text>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
