"""The retry policy: what a delivery becomes after an attempt (SPEC §4.3).

Retry *n* (the n-th attempt after the first) waits ``min(max_backoff, n²)`` seconds — 1, 4,
9, 16, 25 s with the module's defaults — and at most ``max_deaths`` retries happen. A
``Retry-After`` from the receiver replaces the computed wait (capped by the notifier).
Non-retryable outcomes end the delivery at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from asyncevents_svc.notifiers.base import NotifierResult
from asyncevents_svc.settings import RetrySettings


@dataclass(frozen=True)
class Outcome:
    status: str  # delivered | retrying | dead
    next_attempt_at: datetime | None
    reason: str | None


def backoff_seconds(retry_number: int, settings: RetrySettings) -> float:
    """Wait before retry ``retry_number`` (1-based)."""
    return float(min(settings.max_backoff, retry_number**2))


def after_attempt(
    attempt_number: int, result: NotifierResult, settings: RetrySettings, now: datetime
) -> Outcome:
    """The delivery's state after attempt ``attempt_number`` (1-based) ended with ``result``."""
    if result.success:
        return Outcome("delivered", None, None)
    what = f"status {result.status_code}" if result.status_code is not None else (result.detail or "error")
    if not result.retryable:
        return Outcome("dead", None, f"not retryable: {what}")
    retries_done = attempt_number - 1
    if retries_done >= settings.max_deaths:
        return Outcome("dead", None, f"gave up after {retries_done} retries: {what}")
    wait = (
        result.retry_after if result.retry_after is not None else backoff_seconds(retries_done + 1, settings)
    )
    return Outcome("retrying", now + timedelta(seconds=wait), what)
