"""The per-minute attempt counters (``attempt_minutes``) the delivery statistics read.

The worker adds each batch of recorded attempts in the transaction that records them: one
primary-key read of the batch's deliveries (their subscription and application) and one
``INSERT … ON CONFLICT DO UPDATE`` adding to each (subscription, minute) row. The rows go
in key order, so two workers adding to the same rows lock them in the same order and never
deadlock; a row is locked only until that short transaction commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.db.models import AttemptMinute, Delivery
from asyncevents_svc.deliveries.status import DeliveryStatus


@dataclass(frozen=True)
class Counted:
    """One finished attempt as the counters see it."""

    delivery_id: uuid.UUID
    started_at: datetime
    outcome: str  # the delivery's status after it: delivered | retrying | dead | expired
    duration_ms: float


#: Where an outcome is counted (anything else, ``retrying`` or ``expired``, is a failed
#: attempt: 1; an ``expired`` one also counts its delivery in ``expired``, column 4).
_COLUMN: dict[str, int] = {DeliveryStatus.DELIVERED: 0, DeliveryStatus.DEAD: 2}


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


async def add_attempts(session: AsyncSession, attempts: Sequence[Counted]) -> None:
    """Add ``attempts`` to their subscription's minute rows."""
    if not attempts:
        return
    owners = {
        row.id: (row.subscription_id, row.application_id)
        for row in await session.execute(
            select(Delivery.id, Delivery.subscription_id, Delivery.application_id).where(
                Delivery.id.in_({a.delivery_id for a in attempts})
            )
        )
    }
    # (subscription, minute) -> application, [delivered, failed, dead, duration_ms, expired]
    rows: dict[tuple[int, datetime], tuple[int, list[float]]] = {}
    for attempt in attempts:
        owner = owners.get(attempt.delivery_id)
        if owner is None:  # deleted meanwhile (its subscription went): nobody to count it for
            continue
        key = (owner[0], minute_of(attempt.started_at))
        sums = rows.setdefault(key, (owner[1], [0, 0, 0, 0.0, 0]))[1]
        sums[_COLUMN.get(attempt.outcome, 1)] += 1
        sums[3] += attempt.duration_ms
        if attempt.outcome == DeliveryStatus.EXPIRED:
            sums[4] += 1
    await _add(session, rows)


async def add_expired(session: AsyncSession, owners: Sequence[tuple[int, int]], at: datetime) -> None:
    """Count deliveries that expired without an attempt (at claim time) at minute ``at``:
    ``owners`` are each one's (subscription, application)."""
    rows: dict[tuple[int, datetime], tuple[int, list[float]]] = {}
    for subscription_id, application_id in owners:
        rows.setdefault((subscription_id, minute_of(at)), (application_id, [0, 0, 0, 0.0, 0]))[1][4] += 1
    await _add(session, rows)


async def _add(session: AsyncSession, rows: dict[tuple[int, datetime], tuple[int, list[float]]]) -> None:
    if not rows:
        return
    values = [
        {
            "subscription_id": subscription_id,
            "minute": minute,
            "application_id": application_id,
            "delivered": int(sums[0]),
            "failed": int(sums[1]),
            "dead": int(sums[2]),
            "duration_ms": round(sums[3], 3),
            "expired": int(sums[4]),
        }
        for (subscription_id, minute), (application_id, sums) in sorted(rows.items())
    ]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(AttemptMinute).values(values)
    table = AttemptMinute.__table__.c
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.subscription_id, table.minute],
            set_={
                name: table[name] + statement.excluded[name]
                for name in ("delivered", "failed", "dead", "duration_ms", "expired")
            },
        )
    )
