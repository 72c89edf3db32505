"""A test send: one event with the catalogue's example payload, delivered to one
subscription only, so a consumer can check its endpoint (and its signature verification)
without waiting for a real event.

The event is stored already ``dispatched`` — its payload is the example, no service
resolves it — with ``source = "test"``, which its trace (``GET /v1/events/{id}``) shows, and
one ``pending`` delivery due now, for that subscription and its application alone. No
fan-out runs, so no other subscription of the event gets it; the worker's scheduler claims
the delivery like any due one and sends it the usual way (signature, headers, retries).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.db.models import Delivery, Event, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.status import DeliveryStatus
from asyncevents_svc.errors import Conflict
from asyncevents_svc.events.status import EventStatus
from asyncevents_svc.subscriptions.status import SubscriptionStatus

SOURCE = "test"  # the event's source: what marks a test send in its trace


@dataclass(frozen=True)
class TestSent:
    event_id: uuid.UUID
    delivery_id: uuid.UUID
    event_name: str
    payload: Any


def event_for(catalogue: Catalogue, sub: Subscription) -> str:
    """The event a test send to ``sub`` uses: its own, or the first its pattern matches (in
    name order, so the same every time)."""
    if sub.event_name in catalogue:
        return sub.event_name
    matching = [event for event in catalogue.matching(sub.event_name) if not event.internal]
    if not matching:
        raise Conflict(f"the pattern {sub.event_name!r} matches no event of the catalogue now")
    return matching[0].name


async def send_test(session: AsyncSession, catalogue: Catalogue, sub: Subscription) -> TestSent:
    """Store the test event and its one delivery (the caller commits)."""
    if sub.status != SubscriptionStatus.ACTIVE:
        raise Conflict(f"subscription {sub.id} is {sub.status}: enable it to send a test event")
    name = event_for(catalogue, sub)
    payload = catalogue.get(name).example_payload()
    now = utcnow()
    event_id, delivery_id = uuid.uuid4(), uuid.uuid4()
    await session.execute(
        insert(Event).values(
            id=event_id,
            name=name,
            arguments={},
            store_id=sub.store_id,
            application_id=sub.application_id,
            source=SOURCE,
            status=EventStatus.DISPATCHED,
            payload=payload,
            received_at=now,
            dispatched_at=now,
        )
    )
    await session.execute(
        insert(Delivery).values(
            id=delivery_id,
            event_id=event_id,
            subscription_id=sub.id,
            application_id=sub.application_id,
            notifier=sub.notifier,
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )
    )
    return TestSent(event_id, delivery_id, name, payload)
