"""An endpoint's health over the last day: how many attempts succeeded, and the last error.

Bounded by construction, never a scan of the delivery log: it reads the subscription's
deliveries created in the window through ``ix_deliveries_subscription`` (subscription,
created_at), at most :data:`MAX_DELIVERIES` of the newest, and their attempts in the window
through ``ix_attempts_delivery``. An attempt of an older delivery (a retry of one created
before the window) is not counted; past the cap, ``limited`` says the figures cover the
newest deliveries only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.db.models import Attempt, Delivery

WINDOW = timedelta(hours=24)
MAX_DELIVERIES = 10_000
MAX_ERROR_TEXT = 500  # characters of the last error's response shown


@dataclass(frozen=True)
class LastError:
    at: datetime
    status_code: int | None
    response: str | None


@dataclass(frozen=True)
class EndpointStats:
    since: datetime
    attempts: int
    succeeded: int
    deliveries: int
    limited: bool
    last_error: LastError | None

    @property
    def success_rate(self) -> float | None:
        """Succeeded attempts over all of them; None when there were none."""
        return round(self.succeeded / self.attempts, 4) if self.attempts else None


async def last_day(
    session: AsyncSession, subscription_id: int, now: datetime, *, application_id: int
) -> EndpointStats:
    """The last day of ``subscription_id``'s deliveries — of its application's only: an id
    that once was another application's subscription must not show that one's history."""
    since = now - WINDOW
    newest = (
        select(Delivery.id)
        .where(
            Delivery.subscription_id == subscription_id,
            Delivery.application_id == application_id,
            Delivery.created_at >= since,
        )
        .order_by(Delivery.created_at.desc())
    )
    recent = newest.limit(MAX_DELIVERIES + 1).subquery()
    deliveries = await session.scalar(select(func.count()).select_from(recent)) or 0
    capped = newest.limit(MAX_DELIVERIES).scalar_subquery()
    in_window = (Attempt.delivery_id.in_(capped), Attempt.started_at >= since)
    total, succeeded = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(case((Attempt.success, 1), else_=0)), 0)).where(
                *in_window
            )
        )
    ).one()
    failure = (
        await session.execute(
            select(Attempt.started_at, Attempt.status_code, Attempt.response)
            .where(*in_window, Attempt.success.is_(False))
            .order_by(Attempt.started_at.desc())
            .limit(1)
        )
    ).first()
    last_error = (
        None
        if failure is None
        else LastError(
            failure.started_at, failure.status_code, (failure.response or "")[:MAX_ERROR_TEXT] or None
        )
    )
    return EndpointStats(
        since=since,
        attempts=int(total),
        succeeded=int(succeeded),
        deliveries=min(deliveries, MAX_DELIVERIES),
        limited=deliveries > MAX_DELIVERIES,
        last_error=last_error,
    )
