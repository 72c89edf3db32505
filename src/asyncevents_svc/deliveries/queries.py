"""Reading deliveries and their attempts for the trace routes."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.db.models import Attempt, Delivery
from asyncevents_svc.deliveries.schemas import AttemptOut, DeliveryOut


def to_out(delivery: Delivery, attempts: list[Attempt]) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.id,
        event_id=delivery.event_id,
        subscription_id=delivery.subscription_id,
        notifier=delivery.notifier,
        status=delivery.status,
        status_reason=delivery.status_reason,
        attempt_count=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
        first_attempt_at=delivery.first_attempt_at,
        last_attempt_at=delivery.last_attempt_at,
        last_status_code=delivery.last_status_code,
        created_at=delivery.created_at,
        attempts=[
            AttemptOut(
                number=a.number,
                started_at=a.started_at,
                duration_ms=a.duration_ms,
                success=a.success,
                retryable=a.retryable,
                status_code=a.status_code,
                response=a.response,
            )
            for a in attempts
        ],
    )


async def _with_attempts(session: AsyncSession, deliveries: list[Delivery]) -> list[DeliveryOut]:
    by_delivery: dict[uuid.UUID, list[Attempt]] = defaultdict(list)
    if deliveries:
        attempts = await session.scalars(
            select(Attempt)
            .where(Attempt.delivery_id.in_([d.id for d in deliveries]))
            .order_by(Attempt.delivery_id, Attempt.number, Attempt.id)
        )
        for attempt in attempts:
            by_delivery[attempt.delivery_id].append(attempt)
    return [to_out(d, by_delivery[d.id]) for d in deliveries]


async def deliveries_of_event(session: AsyncSession, event_id: uuid.UUID) -> list[DeliveryOut]:
    deliveries = await session.scalars(
        select(Delivery).where(Delivery.event_id == event_id).order_by(Delivery.subscription_id)
    )
    return await _with_attempts(session, list(deliveries))


async def delivery(session: AsyncSession, delivery_id: uuid.UUID) -> DeliveryOut | None:
    found = await session.get(Delivery, delivery_id)
    if found is None:
        return None
    [out] = await _with_attempts(session, [found])
    return out
