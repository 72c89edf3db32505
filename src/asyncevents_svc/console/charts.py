"""Charts as inline SVG, drawn here from the figures of ``GET /v1/stats/deliveries``.

No JavaScript and no library: the console's CSP allows its own script and style sheet only,
and an SVG made on the server needs neither (a bar's tooltip is its ``<title>``). Colours
are SVG presentation attributes, which the CSP's ``style-src`` does not govern. Every text
is escaped; the result is :class:`markupsafe.Markup` for the templates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT = 960, 180
LEFT, BOTTOM, TOP = 44, 22, 8  # room for the axis labels
OUTCOMES = (("delivered", "#2f9e5b"), ("failed", "#d99a00"), ("dead", "#c4321f"))


@dataclass(frozen=True)
class Bar:
    """The attempts of one bar (one or more minutes), starting at ``at``."""

    at: datetime
    delivered: int
    failed: int
    dead: int

    @property
    def attempts(self) -> int:
        return self.delivered + self.failed + self.dead


def bars(minutes: Sequence[dict[str, object]], per_bar: int) -> list[Bar]:
    """The API's minutes, ``per_bar`` minutes to a bar (1 for an hour, 10 for a day)."""
    out = []
    for start in range(0, len(minutes), per_bar):
        group = minutes[start : start + per_bar]
        out.append(
            Bar(
                at=datetime.fromisoformat(str(group[0]["at"])),
                delivered=sum(int(str(m["delivered"])) for m in group),
                failed=sum(int(str(m["failed"])) for m in group),
                dead=sum(int(str(m["dead"])) for m in group),
            )
        )
    return out


def _label(at: datetime) -> str:
    return at.strftime("%H:%M")


def _frame(label: str, top_value: str, body: list[str], first: datetime, last: datetime) -> Markup:
    plot_bottom = HEIGHT - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{LEFT}" y1="{plot_bottom}" x2="{WIDTH}" y2="{plot_bottom}" stroke="#c9ced8"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{WIDTH}" y2="{TOP}" stroke="#eef1f5"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end" font-size="11" fill="#5b6474">'
        f"{escape(top_value)}</text>",
        f'<text x="{LEFT - 6}" y="{plot_bottom}" text-anchor="end" font-size="11" fill="#5b6474">0</text>',
        f'<text x="{LEFT}" y="{HEIGHT - 6}" font-size="11" fill="#5b6474">{_label(first)} UTC</text>',
        f'<text x="{WIDTH}" y="{HEIGHT - 6}" text-anchor="end" font-size="11" fill="#5b6474">'
        f"{_label(last)} UTC</text>",
        *body,
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - every value above is escaped or a number


def outcome_bars(series: Sequence[Bar], *, minutes_per_bar: int) -> Markup:
    """Stacked bars of attempts by outcome, one per ``minutes_per_bar`` minutes."""
    plot_height = HEIGHT - BOTTOM - TOP
    highest = max((b.attempts for b in series), default=0) or 1
    step = (WIDTH - LEFT) / max(len(series), 1)
    body = []
    for n, bar in enumerate(series):
        x = LEFT + n * step
        y = float(HEIGHT - BOTTOM)
        tip = f"{_label(bar.at)} UTC: {bar.delivered} delivered, {bar.failed} failed, {bar.dead} dead"
        body.append(f'<g class="bar"><title>{escape(tip)}</title>')
        for name, colour in OUTCOMES:
            count = int(getattr(bar, name))
            if not count:
                continue
            height = count / highest * plot_height
            y -= height
            body.append(
                f'<rect class="{name}" x="{x + 0.5:.1f}" y="{y:.1f}" width="{max(step - 1, 0.6):.1f}"'
                f' height="{height:.1f}" fill="{colour}"/>'
            )
        body.append("</g>")
    per = "minute" if minutes_per_bar == 1 else f"{minutes_per_bar} minutes"
    label = f"Attempts per {per} by outcome (highest {highest})"
    first, last = (series[0].at, series[-1].at) if series else (datetime.now(), datetime.now())
    return _frame(label, str(highest), body, first, last)


def success_rate_line(series: Sequence[Bar]) -> Markup:
    """The success rate of each bar's attempts, 0-100 %; no point where there were none."""
    plot_height = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT) / max(len(series), 1)
    runs: list[list[str]] = [[]]
    dots = []
    for n, bar in enumerate(series):
        if not bar.attempts:
            if runs[-1]:
                runs.append([])
            continue
        rate = bar.delivered / bar.attempts
        x, y = LEFT + (n + 0.5) * step, TOP + (1 - rate) * plot_height
        runs[-1].append(f"{x:.1f},{y:.1f}")
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#2457c5">'
            f"<title>{escape(f'{_label(bar.at)} UTC: {rate:.1%} of {bar.attempts}')}</title></circle>"
        )
    body = [
        f'<polyline points="{" ".join(run)}" fill="none" stroke="#2457c5" stroke-width="1.5"/>'
        for run in runs
        if len(run) > 1
    ]
    first, last = (series[0].at, series[-1].at) if series else (datetime.now(), datetime.now())
    return _frame("Success rate of the attempts", "100 %", body + dots, first, last)
