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

The claims themselves are the domains' (:func:`asyncevents_svc.deliveries.repository.claim_due`,
:func:`asyncevents_svc.events.repository.claim`); this module only decides when.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import structlog

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.lease import Lease
from asyncevents_svc.deliveries import repository as deliveries
from asyncevents_svc.deliveries.jobs import SendJob
from asyncevents_svc.events import repository as events
from asyncevents_svc.settings import WorkerSettings
from asyncevents_svc.subscriptions.fanout import FanOut
from asyncevents_svc.worker.dispatcher import Dispatcher
from asyncevents_svc.worker.periodic import every

log = structlog.get_logger(__name__)


class Scheduler:
    def __init__(
        self, sessions: SessionFactory, settings: WorkerSettings, dispatcher: Dispatcher, fan_out: FanOut
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.lease = Lease(settings.lease_seconds)
        self.dispatcher = dispatcher
        self.fan_out = fan_out
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(
            every(self.settings.poll_interval, self.tick, self._stop, "scheduler_tick_failed"),
            name="scheduler",
        )

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def tick(self) -> None:
        """One scan: due deliveries first, then stale events."""
        free = self.dispatcher.room
        if free > 0:
            limit = min(free, self.settings.scheduler_batch)
            self.dispatcher.submit(await self.claim_due(limit, skip=self.dispatcher.backed_up()))
        stale = await self.stale_events()
        if stale and not self._stop.is_set():
            self.dispatcher.submit(await self.fan_out.fan_out(stale))

    async def claim_due(self, limit: int, skip: list[int] | None = None) -> list[SendJob]:
        """Lease up to ``limit`` due deliveries, none of the subscriptions in ``skip`` (whose
        jobs already wait in this worker's dispatcher)."""
        return await deliveries.claim_due(self.sessions, self.lease, limit, skip)

    async def stale_events(self) -> list[uuid.UUID]:
        """Events still ``accepted`` after ``sweep_after`` seconds (a lost hint), leased to us."""
        return await events.claim(
            self.sessions,
            self.lease,
            older_than=self.settings.sweep_after,
            limit=self.settings.scheduler_batch,
        )
