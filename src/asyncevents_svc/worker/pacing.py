"""Adaptive pacing: a subscription's in-flight limit follows what its endpoint can take.

Per subscription and per worker process, an AIMD controller (as TCP's congestion window):

* an overload answer — ``429``, ``503`` or a timeout — halves the limit (never below 1),
  at most once per round: answers to sends that started before the last cut are the same
  overload seen again, not a new one, so a burst of 429s from one round halves it once;
* each success adds ``1 / limit``, so about one more slot per round of successes, up to the
  configured limit (the subscription's ``max_in_flight``, else
  ``worker.max_in_flight_per_subscription``), where the controller forgets the subscription;
* a ``429`` or ``503`` with ``Retry-After`` also pauses the subscription's sends in this
  process until then (capped at ``retry.max_retry_after``, the cap of that delivery's own
  retry): the dispatcher gives back the jobs it holds, due again when the pause ends, and
  the attempt whose answer started the pause says so first in its response text
  (:func:`noted`: "subscription paused 2 s by Retry-After; ..."), so the delivery's trace
  shows why the subscription's next sends waited.

A subscription starts at its configured limit: a healthy endpoint never pays for the
controller. Pure and synchronous (times are passed in), so it is tested without a clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from asyncevents_svc.notifiers.base import NotifierResult

#: Answers that say "too much": they shrink the limit (a timeout does too).
OVERLOAD_STATUSES = frozenset({429, 503})
DECREASE = 0.5  # the factor an overload applies
MAX_TRACKED = 100_000  # subscriptions below their limit kept at once (the rest start afresh)


@dataclass
class _State:
    limit: float  # the current window; the dispatcher uses its floor
    cut_at: float = -math.inf  # when the last cut happened (the caller's clock)
    paused_until: float = -math.inf


@dataclass(frozen=True)
class Seen:
    """What one answer changed: the new limit, and the pause's end if it started one."""

    limit: int
    paused_until: float | None = None
    cut: bool = False


def overloaded(result: NotifierResult) -> bool:
    return result.status_code in OVERLOAD_STATUSES or result.timed_out


def noted(result: NotifierResult, seconds: float) -> NotifierResult:
    """``result`` with the pause it started (``seconds``, as applied: capped) said first in
    its detail, which becomes the attempt's response text. Only the length of the pause is
    written, never a header."""
    note = f"subscription paused {round(seconds, 1):g} s by Retry-After"
    return replace(result, detail=f"{note}; {result.detail}" if result.detail else note)


class Pacing:
    """The AIMD state of every subscription below its configured limit or paused."""

    def __init__(self, *, enabled: bool, max_pause: float) -> None:
        self.enabled = enabled
        self.max_pause = max_pause
        self._states: dict[int, _State] = {}

    def limit(self, sub: int, ceiling: int) -> int:
        """The in-flight limit to apply now: the controller's, within 1 and ``ceiling``."""
        state = self._states.get(sub)
        if state is None:
            return ceiling
        return max(1, min(ceiling, math.floor(state.limit)))

    def paused_until(self, sub: int, now: float) -> float | None:
        """The end of the subscription's pause, if one is running at ``now``."""
        state = self._states.get(sub)
        if state is None or state.paused_until <= now:
            return None
        return state.paused_until

    def paused(self, now: float) -> list[int]:
        """Subscriptions paused at ``now``."""
        return [sub for sub, state in self._states.items() if state.paused_until > now]

    def tracked(self) -> int:
        """Subscriptions below their configured limit or paused (the metric's gauge)."""
        return len(self._states)

    def observe(
        self, sub: int, ceiling: int, result: NotifierResult, started: float, now: float
    ) -> Seen | None:
        """Take one answer (``started``/``now``: when its send began and ended); what changed,
        or ``None`` when nothing did or adaptation is off."""
        if not self.enabled:
            return None
        if overloaded(result):
            return self._overload(sub, ceiling, result, started, now)
        if not result.success:
            return None  # other failures say nothing about the endpoint's load
        state = self._states.get(sub)
        if state is None:
            return None
        state.limit = min(float(ceiling), state.limit + 1.0 / max(1.0, state.limit))
        if state.limit >= ceiling and state.paused_until <= now:
            del self._states[sub]  # back to the configured limit: nothing to remember
            return Seen(ceiling)
        return Seen(self.limit(sub, ceiling))

    def _overload(self, sub: int, ceiling: int, result: NotifierResult, started: float, now: float) -> Seen:
        state = self._states.get(sub)
        if state is None:
            if len(self._states) >= MAX_TRACKED:
                self._states.clear()
            state = self._states[sub] = _State(limit=float(ceiling))
        state.limit = min(state.limit, float(ceiling))
        cut = started >= state.cut_at
        if cut:
            state.limit = max(1.0, state.limit * DECREASE)
            state.cut_at = now
        paused_until = None
        if result.retry_after is not None and result.status_code in OVERLOAD_STATUSES:
            until = now + min(result.retry_after, self.max_pause)
            if until > state.paused_until:
                state.paused_until = paused_until = until
        return Seen(self.limit(sub, ceiling), paused_until, cut)
