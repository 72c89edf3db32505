"""Fan-out: from accepted events to one delivery per matching subscription.

Events are fanned out in batches (whatever arrived together), so a burst costs a few
transactions rather than several round trips per event:

1. read the events still ``accepted`` (another worker or an earlier try may already have
   dispatched some);
2. resolve each payload through the catalogue's service binding, concurrently — a failure
   marks that event ``failed`` with the error, visible in ``GET /v1/events/{id}``;
3. in one transaction, with the event rows locked (in id order, so two workers never
   deadlock): read the active subscriptions of those names once, insert one delivery per
   matching subscription whose payload filter (if any) the payload passes — leased to this
   worker for the immediate send — and mark the events ``dispatched``, keeping on each event
   which subscriptions its filter skipped and why. Only after that commit are the broker
   messages acknowledged.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any, cast

import structlog
from sqlalchemy import Table, bindparam, insert, or_, select, update

from asyncevents_svc.catalogue.patterns import matches
from asyncevents_svc.catalogue.services import ResolutionError, ResolveContext
from asyncevents_svc.db.models import Delivery, Event, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.errors import AppError
from asyncevents_svc.observability.tracing import failed
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.subscriptions.filters import explain_miss, stored
from asyncevents_svc.worker.jobs import SendJob

log = structlog.get_logger(__name__)
EVENTS = cast(Table, Event.__table__)
_DISPATCHED = (
    update(EVENTS)
    .where(EVENTS.c.id == bindparam("b_id"))
    .values(
        status="dispatched",
        payload=bindparam("b_payload"),
        skipped=bindparam("b_skipped"),
        dispatched_at=bindparam("b_now"),
    )
)
MAX_SKIPS_KEPT = 100
_FAILED = (
    update(EVENTS)
    .where(EVENTS.c.id == bindparam("b_id"), EVENTS.c.status == "accepted")
    .values(status="failed", error=bindparam("b_error"), dispatched_at=bindparam("b_now"))
)


async def _resolve(runtime: Runtime, event: Event, ctx: ResolveContext) -> tuple[Any, str | None]:
    """The payload, or the reason it could not be resolved (a ``resolve`` span in the event's trace)."""
    attributes = {"event.id": str(event.id), "event.name": event.name}
    with runtime.tracing.span("resolve", parent=event.trace_context, attributes=attributes) as span:
        if event.name not in runtime.catalogue:
            error = f"event {event.name!r} is no longer in the catalogue"
            failed(span, error)
            return None, error
        try:
            return await runtime.catalogue.get(event.name).binding.resolve(event.arguments, ctx), None
        except (ResolutionError, AppError) as exc:
            failed(span, str(exc))
            return None, str(exc)


async def _mark_failed(runtime: Runtime, failures: list[tuple[Event, str]]) -> None:
    now = utcnow()
    async with runtime.sessions() as session, session.begin():
        connection = await session.connection()
        await connection.execute(
            _FAILED,
            [{"b_id": event.id, "b_error": error[:4000], "b_now": now} for event, error in failures],
        )
    for event, error in failures:
        runtime.metrics.events_failed.labels(event.name).inc()
        log.warning("event_failed", event_id=str(event.id), error=error)


async def dispatch_events(runtime: Runtime, event_ids: list[uuid.UUID], ctx: ResolveContext) -> list[SendJob]:
    """Fan the events out; returns the first-attempt jobs this worker now owns."""
    if not event_ids:
        return []
    async with runtime.sessions() as session:
        events = list(
            await session.scalars(select(Event).where(Event.id.in_(event_ids), Event.status == "accepted"))
        )
    if not events:
        return []
    outcomes = await asyncio.gather(*(_resolve(runtime, event, ctx) for event in events))
    failures = [(e, error) for e, (_, error) in zip(events, outcomes, strict=True) if error is not None]
    if failures:
        await _mark_failed(runtime, failures)
    resolved = {
        e.id: (e, payload) for e, (payload, error) in zip(events, outcomes, strict=True) if error is None
    }
    if not resolved:
        return []
    now = utcnow()
    lease = now + timedelta(seconds=runtime.settings.worker.lease_seconds)
    jobs: list[SendJob] = []
    async with runtime.sessions() as session, session.begin():
        locked = (
            await session.scalars(
                select(Event.id)
                .where(Event.id.in_(list(resolved)), Event.status == "accepted")
                .order_by(Event.id)
                .with_for_update()
            )
        ).all()
        if not locked:
            return []
        names = {resolved[event_id][0].name for event_id in locked}
        subscriptions = list(
            await session.scalars(
                select(Subscription).where(
                    Subscription.status == "active",
                    or_(Subscription.event_name.in_(names), Subscription.event_name.contains("*")),
                )
            )
        )
        rows: list[dict[str, Any]] = []
        skipped: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for event_id in locked:
            event, payload = resolved[event_id]
            for sub in subscriptions:
                if sub.store_id not in (0, event.store_id) or not matches(sub.event_name, event.name):
                    continue
                miss = None if sub.filter is None else explain_miss(stored(sub.filter), payload)
                if miss is not None:
                    skips = skipped.setdefault(event_id, [])
                    if len(skips) < MAX_SKIPS_KEPT:
                        skips.append({"subscription_id": sub.id, "reason": f"filter: {miss}"})
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
                        trace_context=event.trace_context,
                    )
                )
        if rows:
            await session.execute(insert(Delivery), rows)
        connection = await session.connection()
        await connection.execute(
            _DISPATCHED,
            [
                {
                    "b_id": event_id,
                    "b_payload": resolved[event_id][1],
                    "b_skipped": skipped.get(event_id),
                    "b_now": now,
                }
                for event_id in locked
            ],
        )
    log.debug("events_dispatched", events=len(locked), deliveries=len(jobs))
    return jobs
