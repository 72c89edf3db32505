"""The retry policy: what a delivery becomes after an attempt (SPEC §4.3).

By default the waits are ``retry.schedule``, Standard Webhooks' 5 s, 5 min, 30 min, 2 h, 5 h,
10 h, 10 h (its length is the retry budget). With ``schedule=ladder`` (an empty schedule),
retry *n* (the n-th attempt after the first) waits ``min(max_backoff, n²)`` seconds — 1, 4,
9, 16, 25 s with the module's defaults — and at most ``max_deaths`` retries happen. A
``Retry-After`` from the receiver replaces the computed wait, capped at
``max_retry_after``. Optional jitter spreads waits by ±``jitter``. Non-retryable outcomes
end the delivery at once. Retries are counted per chain: a replay starts a new chain.

A delivery with a deadline (``expires_at``) ends ``expired`` instead of retrying when its
next attempt would not start before the deadline: no attempt is made after it. An attempt
that succeeds is ``delivered`` whenever it ends (one started before the deadline and
answered after it: the receiver has the event, and the record says so).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from asyncevents_svc.db.models import Subscription
from asyncevents_svc.deliveries.status import DeliveryStatus
from asyncevents_svc.notifiers.base import NotifierResult
from asyncevents_svc.settings import RetrySettings

_RNG = random.Random()  # noqa: S311 - jitter, not cryptography


#: The policy fields a subscription stores as given (``headers`` and ``payload_format`` have
#: checks of their own): the API's ``DeliveryPolicy`` has these and ``headers``.
PLAIN_POLICY_FIELDS = ("timeout", "retry_schedule", "max_retries", "max_in_flight", "rate_limit")


@dataclass(frozen=True)
class SendPolicy:
    """A subscription's own delivery policy as every send job carries it; ``None`` means the
    service's setting. Defined once: a new policy field is added here (and to the API schema
    and the table), and the fan-out, the scheduler and the dispatcher pass it along unchanged."""

    payload_format: str = "data"  # or "cloudevents"
    signature: str = "v1"  # or "v1a" (Ed25519), "both"
    headers_encrypted: str | None = None
    timeout: float | None = None
    retry_schedule: tuple[float, ...] | None = None
    max_retries: int | None = None
    max_in_flight: int | None = None
    rate_limit: float | None = None

    @classmethod
    def of(cls, sub: Subscription) -> SendPolicy:
        plain = {name: getattr(sub, name) for name in PLAIN_POLICY_FIELDS}
        plain["retry_schedule"] = tuple(sub.retry_schedule) if sub.retry_schedule else None
        return cls(
            payload_format=sub.payload_format,
            signature=sub.signature,
            headers_encrypted=sub.headers_encrypted,
            **plain,
        )


@dataclass(frozen=True)
class Outcome:
    status: str  # a DeliveryStatus: delivered | retrying | dead | expired
    next_attempt_at: datetime | None
    reason: str | None


def max_retries(settings: RetrySettings) -> int:
    """Retries allowed after the first attempt: the schedule's length, else ``max_deaths``."""
    return len(settings.schedule) if settings.schedule else settings.max_deaths


def for_subscription(
    base: RetrySettings, schedule: Sequence[float] | None, retries: int | None
) -> RetrySettings:
    """The service's retry settings with a subscription's own schedule and retry count.

    A schedule shorter than the retry count repeats its last wait; a longer one is cut."""
    if schedule is None and retries is None:
        return base
    waits = list(schedule) if schedule else list(base.schedule)
    if retries is None:
        return base.model_copy(update={"schedule": waits})
    if not waits:
        return base.model_copy(update={"max_deaths": retries})
    if retries == 0:
        return base.model_copy(update={"schedule": [], "max_deaths": 0})
    waits = (waits + [waits[-1]] * retries)[:retries]
    return base.model_copy(update={"schedule": waits})


def backoff_seconds(retry_number: int, settings: RetrySettings, rng: random.Random | None = None) -> float:
    """Wait before retry ``retry_number`` (1-based), with the configured jitter."""
    if settings.schedule:
        wait = settings.schedule[min(retry_number, len(settings.schedule)) - 1]
    else:
        wait = float(min(settings.max_backoff, retry_number**2))
    if settings.jitter:
        wait *= (rng or _RNG).uniform(1 - settings.jitter, 1 + settings.jitter)
    return wait


def after_attempt(
    retries_done: int,
    result: NotifierResult,
    settings: RetrySettings,
    now: datetime,
    expires_at: datetime | None = None,
) -> Outcome:
    """The delivery's state after an attempt that followed ``retries_done`` retries in its
    chain, with its deadline ``expires_at`` (``None``: none)."""
    if result.success:
        return Outcome(DeliveryStatus.DELIVERED, None, None)
    what = f"status {result.status_code}" if result.status_code is not None else (result.detail or "error")
    if not result.retryable:
        return Outcome(DeliveryStatus.DEAD, None, f"not retryable: {what}")
    if retries_done >= max_retries(settings):
        return Outcome(DeliveryStatus.DEAD, None, f"gave up after {retries_done} retries: {what}")
    if result.retry_after is not None:
        wait = min(result.retry_after, settings.max_retry_after)
    else:
        wait = backoff_seconds(retries_done + 1, settings)
    next_at = now + timedelta(seconds=wait)
    if expires_at is not None and next_at >= expires_at:
        deadline = expires_at.isoformat(timespec="seconds")
        return Outcome(DeliveryStatus.EXPIRED, None, f"deadline {deadline} before the next retry: {what}")
    return Outcome(DeliveryStatus.RETRYING, next_at, what)


def summary(status: str, attempts: int, chain_offset: int, reason: str | None) -> str:
    """The module's one-line summary of a delivery ("Delivered with 2 retries")."""
    in_chain = attempts - chain_offset
    retries = max(in_chain - 1, 0)
    plural = "retry" if retries == 1 else "retries"
    if status == DeliveryStatus.DELIVERED:
        return f"Delivered with {retries} {plural}"
    if status == DeliveryStatus.DEAD:
        return f"Dead Lettered with {retries} {plural}" + (f": {reason}" if reason else "")
    if status == DeliveryStatus.RETRYING:
        return f"Retrying after {in_chain} failed attempt{'' if in_chain == 1 else 's'}"
    if status == DeliveryStatus.CANCELLED:
        return "Cancelled" + (f": {reason}" if reason else "")
    if status == DeliveryStatus.EXPIRED:
        return f"Expired with {max(in_chain, 0)} attempt{'' if in_chain == 1 else 's'}" + (
            f": {reason}" if reason else ""
        )
    return "Pending"
