"""Reading one event for ``GET /v1/events/{id}``, as far as the caller's application reaches.

An event is not owned by one application the way a subscription is: one published without
``application`` goes to every application. So a key bound to an application sees an event
that was published to its application, or that its application has a delivery of -- and
no other, not even one published to all that none of its subscriptions wanted (which of
another tenant's events exist is not its business). Of what it sees, the skipped
subscriptions are its own only.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.db.models import Delivery, Event, Subscription


async def visible(session: AsyncSession, event_id: uuid.UUID, application_id: int | None) -> Event | None:
    """The event if ``application_id`` (``None``: an operator, every event) may see it."""
    query = select(Event).where(Event.id == event_id)
    if application_id is not None:
        has_delivery = select(Delivery.id).where(
            Delivery.event_id == Event.id, Delivery.application_id == application_id
        )
        query = query.where(or_(Event.application_id == application_id, has_delivery.exists()))
    found: Event | None = await session.scalar(query)
    return found


async def skips_of(session: AsyncSession, event: Event, application_id: int | None) -> list[dict[str, Any]]:
    """The subscriptions the event's filter skipped, of ``application_id``'s only (``None``:
    all). A skip whose subscription is gone since is not shown to a bound key: whose it was
    is no longer known."""
    skipped: list[dict[str, Any]] = list(event.skipped or [])
    if application_id is None or not skipped:
        return skipped
    own = set(
        (
            await session.scalars(
                select(Subscription.id).where(
                    Subscription.id.in_({skip["subscription_id"] for skip in skipped}),
                    Subscription.application_id == application_id,
                )
            )
        ).all()
    )
    return [skip for skip in skipped if skip["subscription_id"] in own]
