"""The load curve (issue 17 point 5): ingest → receipt latency at fixed rates, and the
highest rate the service sustains without a growing backlog.

One *step* publishes single events (``POST /v1/events``, one a request, as a producer that
sends each event as it happens) at a fixed rate for a fixed time to one subscription. A
step is **sustained** when

- the API took the rate: the load generator achieved at least 95 % of it, and refused none;
- the deliveries kept up: when the last event was accepted, fewer than half a second of
  events (``rate / 2``, at least 25) had not reached the receiver yet.

A step that misses either leaves work behind that grows with the step's length. After the
fixed rates, :func:`next_rate` bisects between the highest sustained rate and the lowest
missed one (or, if every fixed rate held, goes up by half) to find the highest sustained.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ACHIEVED_SHARE = 0.95
BACKLOG_SECONDS = 0.5
MIN_BACKLOG = 25


@dataclass(frozen=True)
class Step:
    rate: float  # asked, events/s
    achieved: float  # what the load generator sent, events/s
    accepted: int  # 202s
    refused: int  # anything else
    backlog: int  # accepted but not yet received when the last request returned
    p50_ms: float
    p95_ms: float
    p99_ms: float
    drained: bool  # every accepted event arrived within the drain timeout

    @property
    def sustained(self) -> bool:
        allowed = max(MIN_BACKLOG, self.rate * BACKLOG_SECONDS)
        return (
            self.refused == 0
            and self.drained
            and self.achieved >= ACHIEVED_SHARE * self.rate
            and self.backlog <= allowed
        )

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "sustained": self.sustained}


def highest_sustained(steps: list[Step]) -> float:
    """The highest rate sustained below the lowest one missed (0 when the first missed)."""
    missed = [s.rate for s in steps if not s.sustained]
    ceiling = min(missed, default=float("inf"))
    return max((s.rate for s in steps if s.sustained and s.rate < ceiling), default=0.0)


def bounded(steps: list[Step]) -> bool:
    """Whether some step missed: else the highest sustained rate is only a lower bound."""
    return any(not s.sustained for s in steps)


def next_rate(steps: list[Step], resolution: float = 50.0) -> float | None:
    """The next rate of the search, or ``None`` when it cannot narrow down any further."""
    held = highest_sustained(steps)
    missed = [s.rate for s in steps if not s.sustained and s.rate > held]
    if not missed:
        return round(held * 1.5 / resolution) * resolution if held else None
    low, high = held, min(missed)
    if high - low <= resolution:
        return None
    middle = round((low + high) / 2 / resolution) * resolution
    return middle if low < middle < high else None
