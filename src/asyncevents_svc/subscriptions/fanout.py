"""Fan-out: from accepted events to one delivery per matching subscription.

Events are fanned out in batches (whatever arrived together), so a burst costs a few
transactions rather than several round trips per event:

1. read the events still ``accepted`` (another worker or an earlier try may already have
   dispatched some);
2. resolve each payload through the catalogue's service binding, concurrently — a failure
   marks that event ``failed`` with the error, visible in ``GET /v1/events/{id}``; so does
   a payload that does not match its event's ``<schema>`` (checked in a worker thread, one
   call for the batch, so a large payload does not hold the event loop);
3. in one transaction, with the event rows locked: choose the subscriptions (active, of the
   event's name or a matching pattern, of its store or all stores, of the application it
   was published to or of any for an event published to all, and whose payload filter, if
   any, the payload passes, and whose endpoint is not waiting for its verification),
   insert their deliveries (each of its subscription's
   application) — leased to this worker for the
   immediate send (:mod:`asyncevents_svc.deliveries.repository`), but an ordered
   subscription's only when it heads its line (:mod:`asyncevents_svc.deliveries.ordering`),
   and not a scheduled event's (``deliver_at``: due at that time, left to the scheduler's
   claim) nor one past its deadline already (left to the claim to expire) — and mark the
   events ``dispatched``, keeping on each which subscriptions its filter (or an endpoint not
   yet verified) skipped and why
   (:mod:`asyncevents_svc.events.repository`). Only after that commit are broker messages
   acknowledged.

Choosing the subscriptions is this domain's rule, which is why fan-out lives here and not
in the worker, which only calls it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.catalogue.patterns import matches
from asyncevents_svc.catalogue.services import ResolutionError, ResolveContext
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.lease import Lease
from asyncevents_svc.db.models import Event, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import ordering
from asyncevents_svc.deliveries import repository as deliveries
from asyncevents_svc.deliveries.jobs import SendJob
from asyncevents_svc.errors import AppError
from asyncevents_svc.events import repository as events
from asyncevents_svc.observability.metrics import Metrics
from asyncevents_svc.observability.tracing import Tracing, failed
from asyncevents_svc.subscriptions.filters import explain_miss, stored
from asyncevents_svc.subscriptions.status import SubscriptionStatus
from asyncevents_svc.subscriptions.verification import SKIP_REASON

log = structlog.get_logger(__name__)
MAX_SKIPS_KEPT = 100


async def candidates(
    session: AsyncSession, names: set[str], applications: set[int | None] | None = None
) -> list[Subscription]:
    """The active (and unverified, whose skips are recorded) subscriptions that may want
    events of these names, published to these applications (``None`` among them, or no
    set: to every application); patterns and the application are matched per event by
    :func:`receives`."""
    query = select(Subscription).where(
        Subscription.status.in_((SubscriptionStatus.ACTIVE, SubscriptionStatus.UNVERIFIED)),
        or_(Subscription.event_name.in_(names), Subscription.event_name.contains("*")),
    )
    if applications is not None and None not in applications:
        query = query.where(Subscription.application_id.in_(applications))
    return list(await session.scalars(query))


def receives(sub: Subscription, event: Event) -> bool:
    """Whether ``sub`` is for this event at all: its name or pattern, its store or every
    store, and the application the event was published to, or any (``None``)."""
    return (
        sub.store_id in (0, event.store_id)
        and event.application_id in (None, sub.application_id)
        and matches(sub.event_name, event.name)
    )


class FanOut:
    """Fans events out for one worker; returns the first-attempt jobs it now owns."""

    def __init__(
        self,
        sessions: SessionFactory,
        catalogue: Catalogue,
        lease: Lease,
        ctx: ResolveContext,
        *,
        tracing: Tracing,
        metrics: Metrics,
    ) -> None:
        self.sessions = sessions
        self.catalogue = catalogue
        self.lease = lease
        self.ctx = ctx
        self.tracing = tracing
        self.metrics = metrics

    async def _resolve(self, event: Event) -> tuple[Any, str | None]:
        """The payload, or the reason it could not be resolved (a ``resolve`` span in the event's trace)."""
        attributes = {"event.id": str(event.id), "event.name": event.name}
        with self.tracing.span("resolve", parent=event.trace_context, attributes=attributes) as span:
            if event.name not in self.catalogue:
                error = f"event {event.name!r} is no longer in the catalogue"
                failed(span, error)
                return None, error
            try:
                return await self.catalogue.get(event.name).binding.resolve(event.arguments, self.ctx), None
            except (ResolutionError, AppError) as exc:
                failed(span, str(exc))
                return None, str(exc)

    async def _validated(
        self, found: Sequence[Event], outcomes: Sequence[tuple[Any, str | None]]
    ) -> list[tuple[Any, str | None]]:
        """The outcomes with each resolved payload checked against its event's ``<schema>``."""
        types = [self.catalogue.find(event.name) for event in found]
        checked = [
            (n, event_type, payload)
            for n, (event_type, (payload, error)) in enumerate(zip(types, outcomes, strict=True))
            if error is None and event_type is not None and event_type.schema
        ]
        result = list(outcomes)
        if not checked:
            return result
        problems = await asyncio.to_thread(
            lambda: [event_type.payload_problems(payload) for _, event_type, payload in checked]
        )
        for (n, _, _), problem in zip(checked, problems, strict=True):
            if problem is not None:
                result[n] = (None, problem)
        return result

    async def _mark_failed(self, failures: list[tuple[Event, str]]) -> None:
        async with self.sessions() as session, session.begin():
            await events.mark_failed(session, [(event.id, error) for event, error in failures], utcnow())
        for event, error in failures:
            self.metrics.events_failed.labels(event.name).inc()
            log.warning("event_failed", event_id=str(event.id), error=error)

    async def _place(
        self,
        session: AsyncSession,
        new: list[deliveries.NewDelivery],
        fanning: list[uuid.UUID],
        now: datetime,
    ) -> list[deliveries.NewDelivery]:
        """Ordered deliveries take their place in their lines (:func:`ordering.place`): only
        a line's head is released, and sent at once only before the horizon (the oldest
        event not yet fanned out, but those of ``fanning``)."""
        newcomers = [
            ordering.Newcomer(d.id, d.subscription_id, d.ordering_key, d.ordered_at)
            for d in new
            if d.ordering_key is not None and d.ordered_at is not None
        ]
        if not newcomers:
            return new
        limit = await ordering.horizon(session, fanning)
        placed = await ordering.place(session, newcomers, now=now, limit=limit)
        return [
            replace(d, released=placed[d.id].released, send=placed[d.id].send) if d.id in placed else d
            for d in new
        ]

    async def fan_out(self, event_ids: Sequence[uuid.UUID]) -> list[SendJob]:
        """Fan the events out; returns the first-attempt jobs this worker now owns."""
        if not event_ids:
            return []
        async with self.sessions() as session:
            found = await events.accepted(session, event_ids)
        if not found:
            return []
        outcomes = await asyncio.gather(*(self._resolve(event) for event in found))
        outcomes = await self._validated(found, outcomes)
        failures = [(e, error) for e, (_, error) in zip(found, outcomes, strict=True) if error is not None]
        if failures:
            await self._mark_failed(failures)
        resolved = {
            e.id: (e, payload) for e, (payload, error) in zip(found, outcomes, strict=True) if error is None
        }
        if not resolved:
            return []
        now = utcnow()
        async with self.sessions() as session, session.begin():
            locked = await events.lock_accepted(session, list(resolved))
            if not locked:
                return []
            subscriptions = await candidates(
                session,
                {resolved[event_id][0].name for event_id in locked},
                {resolved[event_id][0].application_id for event_id in locked},
            )
            new: list[deliveries.NewDelivery] = []
            offered: dict[uuid.UUID, SendJob] = {}
            dispatched: list[events.Dispatched] = []
            for event_id in locked:
                event, payload = resolved[event_id]
                skipped: list[dict[str, Any]] = []
                # A scheduled event's deliveries wait for their time (the scheduler claims
                # them then); one past its deadline already is left for the claim to expire.
                due_at = event.deliver_at if event.deliver_at is not None and event.deliver_at > now else None
                late = event.expires_at is not None and event.expires_at <= now
                send_now = due_at is None and not late
                for sub in subscriptions:
                    if not receives(sub, event):
                        continue
                    if sub.status == SubscriptionStatus.UNVERIFIED:
                        if len(skipped) < MAX_SKIPS_KEPT:
                            skipped.append({"subscription_id": sub.id, "reason": SKIP_REASON})
                        continue
                    miss = None if sub.filter is None else explain_miss(stored(sub.filter), payload)
                    if miss is not None:
                        if len(skipped) < MAX_SKIPS_KEPT:
                            skipped.append({"subscription_id": sub.id, "reason": f"filter: {miss}"})
                        continue
                    delivery = deliveries.NewDelivery(
                        uuid.uuid4(),
                        event_id,
                        sub.id,
                        sub.notifier,
                        sub.application_id,
                        ordering_key=ordering.key_of(sub, payload),
                        ordered_at=event.received_at,
                        due_at=due_at,
                        expires_at=event.expires_at,
                        leased=send_now,
                    )
                    new.append(delivery)
                    offered[delivery.id] = SendJob.to(
                        sub,
                        delivery_id=delivery.id,
                        event_id=event_id,
                        event_name=event.name,
                        store_id=event.store_id,
                        payload=payload,
                        attempt=1,
                        trace_context=event.trace_context,
                        ordering_key=delivery.ordering_key,
                        expires_at=event.expires_at,
                    )
                dispatched.append(events.Dispatched(event_id, payload, skipped or None))
            new = await self._place(session, new, locked, now)
            jobs = [offered[d.id] for d in new if d.released and d.send and d.leased]
            await deliveries.insert_leased(session, new, now=now, locked_until=self.lease.until(now))
            await events.mark_dispatched(session, dispatched, now)
        log.debug("events_dispatched", events=len(locked), deliveries=len(jobs))
        return jobs
