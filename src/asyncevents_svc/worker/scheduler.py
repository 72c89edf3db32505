"""The scheduler: re-sends due deliveries and sweeps up events nobody dispatched.

Every ``worker.poll_interval`` seconds it

* claims deliveries that are due (``pending``/``retrying`` with ``next_attempt_at`` past and
  no live lease) with ``FOR UPDATE SKIP LOCKED`` and a fresh lease, so several workers
  share the work and a dead worker's deliveries come back when its lease runs out — except
  those of subscriptions already backed up in this worker's dispatcher;
* re-checks each one's subscription: disabled or deleted ends the delivery ``cancelled``
  with the reason, never silently;
* dispatches events still ``accepted`` after ``worker.sweep_after`` seconds (their broker
  hint was lost, or the broker was down).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import structlog
from sqlalchemy import select, update

from asyncevents_svc.catalogue.services import ResolveContext
from asyncevents_svc.db.models import Delivery, Event, Subscription, due_for_sending
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.messaging.dbqueue import claim_events
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.dispatcher import Dispatcher
from asyncevents_svc.worker.fanout import dispatch_events
from asyncevents_svc.worker.jobs import SendJob
from asyncevents_svc.worker.recorder import lease_until

log = structlog.get_logger(__name__)


class Scheduler:
    def __init__(self, runtime: Runtime, dispatcher: Dispatcher, ctx: ResolveContext) -> None:
        self.runtime = runtime
        self.dispatcher = dispatcher
        self.ctx = ctx
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="scheduler")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        settings = self.runtime.settings.worker
        while not self._stop.is_set():
            try:
                await self.tick()
            except Exception as exc:
                log.warning("scheduler_tick_failed", error=f"{type(exc).__name__}: {exc}")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(settings.poll_interval):
                    await self._stop.wait()

    async def tick(self) -> None:
        """One scan: due deliveries first, then stale events."""
        free = self.dispatcher.room
        if free > 0:
            limit = min(free, self.runtime.settings.worker.scheduler_batch)
            self.dispatcher.submit(await self.claim_due(limit, skip=self.dispatcher.backed_up()))
        stale = await self.stale_events()
        if stale and not self._stop.is_set():
            self.dispatcher.submit(await dispatch_events(self.runtime, stale, self.ctx))

    async def claim_due(self, limit: int, skip: list[int] | None = None) -> list[SendJob]:
        """Lease up to ``limit`` due deliveries, none of the subscriptions in ``skip`` (whose
        jobs already wait in this worker's dispatcher)."""
        now = utcnow()
        due = select(Delivery.id).where(due_for_sending(now))
        if skip:
            due = due.where(Delivery.subscription_id.not_in(skip))
        due = due.order_by(Delivery.next_attempt_at).limit(limit).with_for_update(skip_locked=True)
        jobs: list[SendJob] = []
        cancelled: list[tuple[uuid.UUID, str]] = []
        async with self.runtime.sessions() as session, session.begin():
            claimed = (
                await session.scalars(
                    update(Delivery)
                    .where(Delivery.id.in_(due.scalar_subquery()))
                    .values(locked_until=lease_until(self.runtime))
                    .returning(Delivery.id)
                    .execution_options(synchronize_session=False)
                )
            ).all()
            if not claimed:
                return []
            rows = await session.execute(
                select(Delivery, Event.name, Event.store_id, Event.payload, Event.trace_context, Subscription)
                .join(Event, Event.id == Delivery.event_id)
                .outerjoin(Subscription, Subscription.id == Delivery.subscription_id)
                .where(Delivery.id.in_(claimed))
            )
            for delivery, name, store_id, payload, trace_context, sub in rows:
                if sub is None:
                    cancelled.append((delivery.id, "subscription was deleted"))
                elif sub.status != "active":
                    cancelled.append((delivery.id, f"subscription {sub.id} is {sub.status}"))
                else:
                    jobs.append(
                        SendJob.to(
                            sub,
                            delivery_id=delivery.id,
                            event_id=delivery.event_id,
                            event_name=name,
                            store_id=store_id,
                            payload=payload,
                            attempt=delivery.attempts + 1,
                            chain_offset=delivery.chain_offset,
                            trace_context=trace_context,
                        )
                    )
            for delivery_id, reason in cancelled:
                await session.execute(
                    update(Delivery)
                    .where(Delivery.id == delivery_id)
                    .values(
                        status="cancelled",
                        status_reason=reason,
                        locked_until=None,
                        next_attempt_at=None,
                    )
                    .execution_options(synchronize_session=False)
                )
        for delivery_id, reason in cancelled:
            log.info("delivery_cancelled", delivery_id=str(delivery_id), reason=reason)
        return jobs

    async def stale_events(self) -> list[uuid.UUID]:
        """Events still ``accepted`` after ``sweep_after`` seconds (a lost hint), leased to us."""
        return await claim_events(
            self.runtime,
            older_than=self.runtime.settings.worker.sweep_after,
            limit=self.runtime.settings.worker.scheduler_batch,
        )
