"""Delivery statistics over the last hour or day: attempts per minute by outcome, the
success rate, the worst endpoints, the backlog and the scheduler lag (the console's
overview, ``GET /v1/stats/deliveries``).

An attempt's outcome is ``delivered`` (it succeeded), ``failed`` (it failed and the delivery
will be retried) or ``dead`` (it failed and the delivery is dead letters). The figures come
from the per-minute counters the worker keeps (``attempt_minutes``, :mod:`.minutes`), read
by minute through ``ix_attempt_minutes_minute`` (or by application, or by subscription,
through theirs): a day costs its minutes times the subscriptions that had attempts in them,
never its attempts. Reading the attempts themselves, joined to their deliveries, took
1.4-2.3 s for a day at 300 k attempts a day (docs/performance.md).

The last error of a listed endpoint is its newest failed delivery among its newest
:data:`LAST_ERROR_SCAN` deliveries of the period (``ix_deliveries_subscription``): the
status code and the reason the service recorded, never a response body or header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from asyncevents_svc.applications import scope
from asyncevents_svc.db.counting import Tally, tally
from asyncevents_svc.db.models import AttemptMinute, Delivery, Event, due_for_sending, waiting_for_fan_out
from asyncevents_svc.deliveries.minutes import minute_of
from asyncevents_svc.deliveries.status import OPEN, DeliveryStatus

WORST = 5  # endpoints listed
LAST_ERROR_SCAN = 1000  # newest deliveries of an endpoint searched for its last error
BUCKET = timedelta(minutes=1)


class Period(StrEnum):
    HOUR = "hour"
    DAY = "day"

    @property
    def span(self) -> timedelta:
        return timedelta(hours=1) if self is Period.HOUR else timedelta(days=1)


@dataclass(frozen=True)
class Counts:
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    duration_ms: float = 0.0  # all attempts' durations together
    expired: int = 0  # deliveries that expired (not attempts: not in ``attempts``)

    @property
    def attempts(self) -> int:
        return self.delivered + self.failed + self.dead

    @property
    def success_rate(self) -> float | None:
        """Succeeded attempts over all of them; None when there were none."""
        return round(self.delivered / self.attempts, 4) if self.attempts else None

    @property
    def mean_ms(self) -> float | None:
        return round(self.duration_ms / self.attempts, 1) if self.attempts else None

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.delivered + other.delivered,
            self.failed + other.failed,
            self.dead + other.dead,
            self.duration_ms + other.duration_ms,
            self.expired + other.expired,
        )


@dataclass(frozen=True)
class Bucket:
    at: datetime  # the minute's start
    counts: Counts


@dataclass(frozen=True)
class LastError:
    at: datetime | None
    status_code: int | None
    reason: str | None


@dataclass(frozen=True)
class Endpoint:
    subscription_id: int
    counts: Counts
    last_error: LastError | None = None


@dataclass(frozen=True)
class Backlog:
    pending: Tally
    retrying: Tally
    scheduler_lag_seconds: float


@dataclass(frozen=True)
class DeliveryStats:
    period: Period
    since: datetime
    until: datetime
    totals: Counts
    series: list[Bucket]
    worst: list[Endpoint] = field(default_factory=list)


def _sums() -> list[Any]:
    m = AttemptMinute
    return [
        func.sum(m.delivered),
        func.sum(m.failed),
        func.sum(m.dead),
        func.sum(m.duration_ms),
        func.sum(m.expired),
    ]


def _where(since: datetime, application_id: int | None, subscription_id: int | None) -> list[Any]:
    where: list[Any] = [
        AttemptMinute.minute >= since,
        *scope.within(AttemptMinute.application_id, application_id),
    ]
    if subscription_id is not None:
        where.append(AttemptMinute.subscription_id == subscription_id)
    return where


def series_statement(
    since: datetime, application_id: int | None, subscription_id: int | None = None
) -> Select[Any]:
    """Attempts per minute by outcome since ``since`` (minutes without attempts are absent)."""
    return (
        select(AttemptMinute.minute, *_sums())
        .where(*_where(since, application_id, subscription_id))
        .group_by(AttemptMinute.minute)
    )


def worst_statement(
    since: datetime, application_id: int | None, limit: int = WORST, subscription_id: int | None = None
) -> Select[Any]:
    """The endpoints with the most failed attempts since ``since``, most first."""
    failures = func.sum(AttemptMinute.failed + AttemptMinute.dead + AttemptMinute.expired)
    return (
        select(AttemptMinute.subscription_id, *_sums(), AttemptMinute.application_id)
        .where(*_where(since, application_id, subscription_id))
        .group_by(AttemptMinute.subscription_id, AttemptMinute.application_id)
        .having(failures > 0)
        .order_by(failures.desc(), AttemptMinute.subscription_id)
        .limit(limit)
    )


def last_error_statement(since: datetime, subscription_id: int, application_id: int) -> Select[Any]:
    """The newest failed (retrying or dead) delivery among the subscription's newest
    :data:`LAST_ERROR_SCAN` of the period."""
    newest = (
        select(Delivery.status, Delivery.last_attempt_at, Delivery.last_status_code, Delivery.status_reason)
        .where(
            Delivery.subscription_id == subscription_id,
            Delivery.application_id == application_id,
            Delivery.created_at >= since - timedelta(days=1),  # a retry may follow a day later
        )
        .order_by(Delivery.created_at.desc())
        .limit(LAST_ERROR_SCAN)
        .subquery()
    )
    return (
        select(newest.c.last_attempt_at, newest.c.last_status_code, newest.c.status_reason)
        .where(newest.c.status.in_([DeliveryStatus.RETRYING, DeliveryStatus.DEAD, DeliveryStatus.EXPIRED]))
        .order_by(newest.c.last_attempt_at.desc())
        .limit(1)
    )


def _counts(row: Any) -> Counts:
    return Counts(
        int(row[1] or 0), int(row[2] or 0), int(row[3] or 0), float(row[4] or 0.0), int(row[5] or 0)
    )


def period_start(period: Period, now: datetime) -> datetime:
    """The first whole minute of the period that ends with the current minute."""
    return minute_of(now - period.span) + BUCKET


async def delivery_stats(
    session: AsyncSession,
    period: Period,
    now: datetime,
    *,
    application_id: int | None,
    subscription_id: int | None = None,
) -> DeliveryStats:
    """The period's attempts per minute (every minute, zeros included), their totals and the
    :data:`WORST` endpoints with their last error (with ``subscription_id``: that one, if it
    failed) — of one application's deliveries, or of all (``application_id`` None)."""
    start = period_start(period, now)
    found = await session.execute(series_statement(start, application_id, subscription_id))
    by_minute = {minute_of(row[0]): _counts(row) for row in found.all()}
    series = [
        Bucket(at, by_minute.get(at, Counts()))
        for at in (start + n * BUCKET for n in range(int(period.span / BUCKET)))
    ]
    totals = sum((bucket.counts for bucket in series), Counts())
    worst = []
    failing = await session.execute(worst_statement(start, application_id, WORST, subscription_id))
    for row in failing.all():
        error = (await session.execute(last_error_statement(start, int(row[0]), int(row[6])))).first()
        last = None if error is None else LastError(error[0], error[1], error[2])
        worst.append(Endpoint(int(row[0]), _counts(row), last))
    return DeliveryStats(period, start, now, totals, series, worst)


async def oldest_waiting(connection: AsyncConnection | AsyncSession, now: datetime) -> datetime | None:
    """When the oldest due-but-untaken delivery or not-yet-dispatched event became due."""
    due = await connection.scalar(select(func.min(Delivery.next_attempt_at)).where(due_for_sending(now)))
    waiting = await connection.scalar(select(func.min(Event.received_at)).where(waiting_for_fan_out(now)))
    found = [t for t in (due, waiting) if t is not None]
    return min(found) if found else None


async def backlog(session: AsyncSession, now: datetime, *, application_id: int | None) -> Backlog:
    """Deliveries not finished (capped counts, as the metrics take them) and how long the
    oldest due work has waited (the readiness check's lag: the service's, whoever asks)."""
    counts = {
        status: await tally(
            session,
            select(Delivery.id).where(
                Delivery.status == status, *scope.within(Delivery.application_id, application_id)
            ),
        )
        for status in OPEN
    }
    oldest = await oldest_waiting(session, now)
    lag = max(0.0, (now - oldest) / timedelta(seconds=1)) if oldest else 0.0
    return Backlog(counts[DeliveryStatus.PENDING], counts[DeliveryStatus.RETRYING], round(lag, 3))
