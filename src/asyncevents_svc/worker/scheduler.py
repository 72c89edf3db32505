"""The scheduler: re-sends due deliveries and sweeps up events nobody dispatched.

Every ``worker.poll_interval`` seconds it

* claims deliveries that are due (``pending``/``retrying`` with ``next_attempt_at`` past and
  no live lease) with ``FOR UPDATE SKIP LOCKED`` and a fresh lease, batch after batch while
  the batches come back full and the dispatcher has room (a backlog — a receiver back after
  a day down — drains at the dispatcher's sending rate, not one batch a scan), so several
  workers share the work and a dead worker's deliveries come back when its lease runs out — except
  those of subscriptions already backed up in this worker's dispatcher;
* re-checks each one's subscription: disabled or deleted ends the delivery ``cancelled``
  with the reason, never silently; and its deadline: one past it ends ``expired``
  (counted in ``asyncevents_deliveries{outcome="expired"}``) — a scheduled send is claimed
  this way too, once its ``deliver_at`` has come;
* paces its claims by how late the worker's event loop runs (:mod:`.looplag`): while it is
  later than ``worker.backlog_loop_lag``, a claim waits (at most half a scan), so a backlog
  drains with what the loop can spare and fresh events keep their latency;
* dispatches events still ``accepted`` after ``worker.sweep_after`` seconds (their broker
  hint was lost, or the broker was down).

The claims themselves are the domains' (:func:`asyncevents_svc.deliveries.repository.claim_due`,
:func:`asyncevents_svc.events.repository.claim`); this module only decides when.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid

import structlog

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.lease import Lease
from asyncevents_svc.deliveries import repository as deliveries
from asyncevents_svc.deliveries.status import DeliveryStatus
from asyncevents_svc.events import repository as events
from asyncevents_svc.settings import WorkerSettings
from asyncevents_svc.subscriptions.fanout import FanOut
from asyncevents_svc.worker.dispatcher import Dispatcher
from asyncevents_svc.worker.looplag import INTERVAL, LoopLag
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
        self.loop_lag = LoopLag()

    def start(self) -> None:
        self.loop_lag.start()
        self._task = asyncio.create_task(
            every(self.settings.poll_interval, self.tick, self._stop, "scheduler_tick_failed"),
            name="scheduler",
        )

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.loop_lag.stop()

    async def tick(self) -> bool:
        """One scan: due deliveries first, then stale events. True when due work was left
        (the scan took its interval's time): the next scan starts at once."""
        more = await self.send_due()
        stale = await self.stale_events()
        if stale and not self._stop.is_set():
            self.dispatcher.submit(await self.fan_out.fan_out(stale))
        return more

    async def send_due(self) -> bool:
        """Claim due deliveries as the dispatcher makes room, for at most one poll interval;
        True if the scan ended in a backlog (a full batch seen: more is probably due).

        In a backlog, a claim that skipped backed-up subscriptions and came back short is
        tried again as soon as one of their lines here empties: what is left due may be
        theirs (a one-endpoint backlog is the common case). Not sooner: until then another
        claim could only find what the last one did not."""
        deadline = time.monotonic() + self.settings.poll_interval
        backlog = False
        while not self._stop.is_set():
            if self.dispatcher.room <= 0:
                try:
                    async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                        await self.dispatcher.wait_for_capacity()
                except TimeoutError:
                    return True  # still full: what is due waits for the next scan
                continue
            await self.paced(deadline)
            limit = min(self.dispatcher.room, self.settings.scheduler_batch)
            skip = self.dispatcher.backed_up()
            claim = await self.claim_due(limit, skip=skip)
            for notifier in claim.expired:  # ended at claim time: past their deadline
                self.fan_out.metrics.deliveries.labels(notifier, DeliveryStatus.EXPIRED).inc()
            self.dispatcher.submit(claim.jobs)
            if claim.claimed == limit:
                backlog = True
            elif not (backlog and skip):
                return False
            else:
                try:
                    async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                        await self.dispatcher.wait_for_a_line_to_clear()
                except TimeoutError:
                    return backlog
            if time.monotonic() >= deadline:
                return backlog
        return False

    async def paced(self, deadline: float) -> None:
        """Before a claim, wait while this worker's event loop runs later than
        ``worker.backlog_loop_lag`` — a backlog draining at full speed, whose sends would
        make every fresh event wait its turn behind them — but never more than half the
        time left in the scan: due work slows down, it never stops."""
        limit = self.settings.backlog_loop_lag
        if limit <= 0:
            return
        until = time.monotonic() + max(0.0, deadline - time.monotonic()) / 2
        while self.loop_lag.seconds > limit and time.monotonic() < until and not self._stop.is_set():
            await asyncio.sleep(INTERVAL)

    async def claim_due(self, limit: int, skip: list[int] | None = None) -> deliveries.DueClaim:
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
