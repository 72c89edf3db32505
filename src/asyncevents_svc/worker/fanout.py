"""Fan-out: from one accepted event to one delivery per matching subscription.

1. read the event; skip it unless it is still ``accepted`` (another worker or an earlier
   try already dispatched it);
2. resolve the payload through the catalogue's service binding — a failure marks the
   event ``failed`` with the error, visible in ``GET /v1/events/{id}``;
3. in one transaction, with the event row locked: insert one delivery per active matching
   subscription (leased to this worker for the immediate send) and mark the event
   ``dispatched``. Only after that commit is the broker message acknowledged.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import structlog
from sqlalchemy import insert, or_, select, update

from asyncevents_svc.catalogue.patterns import matches
from asyncevents_svc.catalogue.services import ResolutionError, ResolveContext
from asyncevents_svc.db.models import Delivery, Event, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.errors import AppError
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.jobs import SendJob

log = structlog.get_logger(__name__)


async def _mark_failed(runtime: Runtime, event_id: uuid.UUID, error: str) -> None:
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Event)
            .where(Event.id == event_id, Event.status == "accepted")
            .values(status="failed", error=error[:4000], dispatched_at=utcnow())
        )
    log.warning("event_failed", event_id=str(event_id), error=error)


async def dispatch_event(runtime: Runtime, event_id: uuid.UUID, ctx: ResolveContext) -> list[SendJob]:
    """Fan the event out; returns the first-attempt jobs this worker now owns."""
    async with runtime.sessions() as session:
        event = await session.get(Event, event_id)
    if event is None or event.status != "accepted":
        return []
    if event.name not in runtime.catalogue:
        await _mark_failed(runtime, event_id, f"event {event.name!r} is no longer in the catalogue")
        return []
    binding = runtime.catalogue.get(event.name).binding
    try:
        payload = await binding.resolve(event.arguments, ctx)
    except (ResolutionError, AppError) as exc:
        await _mark_failed(runtime, event_id, str(exc))
        return []
    now = utcnow()
    lease = now + timedelta(seconds=runtime.settings.worker.lease_seconds)
    jobs: list[SendJob] = []
    async with runtime.sessions() as session, session.begin():
        locked = await session.scalar(select(Event).where(Event.id == event_id).with_for_update())
        if locked is None or locked.status != "accepted":
            return []
        subscriptions = await session.scalars(
            select(Subscription).where(
                Subscription.status == "active",
                or_(Subscription.store_id == 0, Subscription.store_id == event.store_id),
                or_(Subscription.event_name == event.name, Subscription.event_name.contains("*")),
            )
        )
        rows = []
        for sub in subscriptions:
            if not matches(sub.event_name, event.name):
                continue
            delivery_id = uuid.uuid4()
            rows.append(
                {
                    "id": delivery_id,
                    "event_id": event_id,
                    "subscription_id": sub.id,
                    "notifier": sub.notifier,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "locked_until": lease,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            jobs.append(
                SendJob.to(
                    sub,
                    delivery_id=delivery_id,
                    event_id=event_id,
                    event_name=event.name,
                    store_id=event.store_id,
                    payload=payload,
                    attempt=1,
                )
            )
        if rows:
            await session.execute(insert(Delivery), rows)
        locked.payload = payload
        locked.status = "dispatched"
        locked.dispatched_at = now
    log.info("event_dispatched", event_id=str(event_id), event_name=event.name, deliveries=len(jobs))
    return jobs
