"""``bench/SCALE.md``: each figure at each size, the ratio largest/smallest, issue 17's targets."""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field

from bench.scale_calls import BROAD, PAGE, SEARCH, Timing

#: Issue 17's targets, at the largest size: ms by kind, and the growth between the sizes.
LIMIT_MS = {PAGE: 300.0, SEARCH: 500.0}
MAX_RATIO = 1.5


def _check(ok: bool) -> str:
    return "met" if ok else "**missed**"


@dataclass
class SizeResult:
    deliveries: int
    fill_seconds: float | None = None  # the inserts; None: a kept database
    vacuum_seconds: float = 0.0  # VACUUM ANALYZE after them
    rows: dict[str, int] = field(default_factory=dict)
    timings: dict[str, Timing] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # figures that are not one call's time

    @property
    def fill_rate(self) -> float | None:
        if self.fill_seconds is None or not self.rows:
            return None
        return sum(self.rows.values()) / self.fill_seconds


@dataclass
class ScaleReport:
    kinds: dict[str, str] = field(default_factory=dict)  # call name → kind
    sizes: list[SizeResult] = field(default_factory=list)
    quick: bool = False

    def _cell(self, timing: Timing | None) -> str:
        if timing is None:
            return "—"
        if timing.rate:
            return f"{timing.median_ms:,.0f}/s"
        refused = " — **over its budget**" if timing.over_budget else ""
        return f"{timing.median_ms:,.1f} ms (max {timing.max_ms:,.0f}){refused}"

    def _target(self, name: str, small: Timing | None, big: Timing | None) -> str:
        kind = self.kinds.get(name, BROAD)
        verdicts = []
        limit = LIMIT_MS.get(kind)
        if limit is not None and big is not None:
            verdicts.append(f"≤ {limit:.0f} ms: {_check(big.median_ms <= limit and not big.over_budget)}")
        if small is not None and big is not None and len(self.sizes) > 1:
            if big.rate:  # a rate may fall by as much as a time may grow
                verdicts.append(
                    f"≥ ×{1 / MAX_RATIO:.2f}: {_check(big.median_ms * MAX_RATIO >= small.median_ms)}"
                )
            else:
                verdicts.append(f"≤ ×{MAX_RATIO}: {_check(big.median_ms <= small.median_ms * MAX_RATIO)}")
        return "; ".join(verdicts)

    def _timing_rows(self) -> list[str]:
        small, big = self.sizes[0], self.sizes[-1]
        rows = []
        for name in self.kinds:
            a, b = small.timings.get(name), big.timings.get(name)
            ratio = f"×{b.median_ms / a.median_ms:.2f}" if a and b and a.median_ms > 0 else "—"
            cells = [self._cell(s.timings.get(name)) for s in self.sizes]
            rows.append(f"| {name} | {' | '.join(cells)} | {ratio} | {self._target(name, a, b)} |")
        return rows

    def _fill_rows(self) -> list[str]:
        lines = []
        for s in self.sizes:
            rows = ", ".join(f"{n:,} {table}" for table, n in s.rows.items())
            if s.fill_seconds is None:
                lines.append(f"- {s.deliveries:,} deliveries: kept database ({rows})")
            else:
                lines.append(
                    f"- {s.deliveries:,} deliveries: inserted in {s.fill_seconds:,.1f} s ({rows}: "
                    f"{s.fill_rate or 0:,.0f} rows/s), then VACUUM ANALYZE {s.vacuum_seconds:,.1f} s"
                )
            lines += [f"  - {label}: {text}" for label, text in s.notes.items()]
        return lines

    def markdown(self) -> str:
        header = " | ".join(f"{s.deliveries:,} deliveries" for s in self.sizes)
        quick = " (quick sizes: a smoke test, not a measurement)" if self.quick else ""
        lines = [
            "# Scale benchmark",
            "",
            f"`make bench-scale` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"{platform.machine()}, Python {platform.python_version()}{quick}.",
            "Each figure: the median of 5 calls after one warm-up (the maximum in brackets); the ratio is",
            "largest size over smallest; targets (issue 17) are judged at the largest size.",
            "",
            f"| call | {header} | ratio | target |",
            "| --- | " + " | ".join("--:" for _ in self.sizes) + " | --: | --- |",
            *self._timing_rows(),
            "",
            "## Fill and other figures",
            "",
            *self._fill_rows(),
        ]
        return "\n".join(lines) + "\n"
