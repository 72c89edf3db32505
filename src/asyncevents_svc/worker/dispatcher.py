"""Sending deliveries concurrently, fairly across subscriptions.

Each send runs as its own task. Two limits hold per worker process: at most
``worker.max_in_flight`` sends at once in all, and at most
``worker.max_in_flight_per_subscription`` to any one subscription. A subscription at its
limit queues further jobs in a line of its own (at most as long as the limit); free slots go
to the subscriptions with waiting jobs in turn, so a slow endpoint holds only its own slots
and a busy one cannot crowd out a quiet one.

Jobs beyond a full line are not kept in memory: their leases are released at once, so the
deliveries stay due in the database, and the scheduler does not claim a subscription's due
deliveries while its line here is not empty (:meth:`Dispatcher.backed_up`). Another worker
with room takes them, or this one when its line has drained. The notifier never raises;
whatever it returns goes to the :class:`AttemptRecorder`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter, deque

import structlog
from sqlalchemy import update

from asyncevents_svc.db.models import Delivery
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.notifiers.base import Notification, NotifierResult
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.jobs import SendJob
from asyncevents_svc.worker.recorder import AttemptRecorder, Finished

log = structlog.get_logger(__name__)


class Dispatcher:
    """Runs send jobs within the global and per-subscription limits; results go to the recorder."""

    def __init__(self, runtime: Runtime, recorder: AttemptRecorder) -> None:
        self.runtime = runtime
        self.recorder = recorder
        settings = runtime.settings.worker
        self.limit = settings.max_in_flight
        self.per_subscription = settings.max_in_flight_per_subscription
        self._running: dict[asyncio.Task[None], SendJob] = {}
        self._busy: Counter[int] = Counter()  # running sends per subscription
        self._lines: dict[int, deque[SendJob]] = {}  # waiting jobs per subscription
        self._waiting = 0
        self._turns: deque[int] = deque()  # subscriptions that may start a job, in order
        self._releases: set[asyncio.Task[None]] = set()
        self._closing = False

    @property
    def backlog(self) -> int:
        """Jobs running or waiting for a slot."""
        return len(self._running) + self._waiting

    def in_flight(self, subscription_id: int) -> int:
        return self._busy[subscription_id]

    def backed_up(self) -> list[int]:
        """Subscriptions with jobs waiting here: the scheduler leaves their due deliveries."""
        return list(self._lines)

    def submit(self, jobs: list[SendJob]) -> None:
        overflow: list[uuid.UUID] = []
        for job in jobs:
            sub = job.subscription_id
            line = self._lines.get(sub)
            if self._closing or (line is not None and len(line) >= self.per_subscription):
                overflow.append(job.delivery_id)
                continue
            if line is None:
                line = self._lines[sub] = deque()
            line.append(job)
            self._waiting += 1
            self._offer_turn(sub)
        if overflow:
            self._release_later(overflow)
        self._start_jobs()

    def _offer_turn(self, sub: int) -> None:
        if sub not in self._turns and self._busy[sub] < self.per_subscription and self._lines.get(sub):
            self._turns.append(sub)

    def _start_jobs(self) -> None:
        while not self._closing and self._turns and len(self._running) < self.limit:
            sub = self._turns.popleft()
            line = self._lines[sub]
            job = line.popleft()
            self._waiting -= 1
            if not line:
                del self._lines[sub]
            self._busy[sub] += 1
            task = asyncio.create_task(self._run(job), name=f"send-{job.delivery_id}")
            self._running[task] = job
            task.add_done_callback(self._finished)
            self._offer_turn(sub)

    def _finished(self, task: asyncio.Task[None]) -> None:
        job = self._running.pop(task)
        sub = job.subscription_id
        self._busy[sub] -= 1
        if self._busy[sub] <= 0:
            del self._busy[sub]
        self._offer_turn(sub)
        self._start_jobs()

    async def _run(self, job: SendJob) -> None:
        started_at = utcnow()
        result = await self._send(job)
        self.recorder.record(Finished(job, result, started_at))

    async def _send(self, job: SendJob) -> NotifierResult:
        started = time.perf_counter()
        notifier = self.runtime.notifiers.get(job.notifier)
        if notifier is None:
            return NotifierResult(
                False,
                False,
                0.0,
                detail=f"notifier {job.notifier!r} is not installed in this worker",
            )
        try:
            token = self.runtime.cipher.decrypt(job.token_encrypted)
            previous = job.previous_token_encrypted
            previous_token = self.runtime.cipher.decrypt(previous) if previous else None
            notification = Notification(
                delivery_id=job.delivery_id,
                event_id=job.event_id,
                event_name=job.event_name,
                store_id=job.store_id,
                subscription_id=job.subscription_id,
                recipient=job.recipient,
                token=token,
                previous_token=previous_token,
                payload=job.payload,
                attempt=job.attempt,
            )
            return await notifier.send(notification)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a broken notifier still yields an attempt record
            log.exception("notifier_crashed", delivery_id=str(job.delivery_id), notifier=job.notifier)
            return NotifierResult(
                False,
                True,
                (time.perf_counter() - started) * 1000,
                detail=f"notifier error: {type(exc).__name__}",
            )

    async def wait_for_capacity(self) -> None:
        """Back-pressure for intake: wait while twice the in-flight limit is queued."""
        limit = 2 * self.limit
        while self.backlog >= limit:
            await asyncio.sleep(0.01)

    def _release_later(self, ids: list[uuid.UUID]) -> None:
        task = asyncio.create_task(self.release(ids), name="release-leases")
        self._releases.add(task)
        task.add_done_callback(self._releases.discard)

    async def release(self, ids: list[uuid.UUID]) -> None:
        """Give up the leases of deliveries this worker will not send: they are due again now
        for any worker (not an attempt; nothing is recorded)."""
        try:
            async with self.runtime.sessions() as session, session.begin():
                await session.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(ids))
                    .values(locked_until=None)
                    .execution_options(synchronize_session=False)
                )
        except Exception as exc:  # leases then simply expire
            log.warning("lease_release_failed", error=str(exc), count=len(ids))
            return
        log.debug("leases_released", count=len(ids))

    async def drain(self, timeout: float) -> None:
        """Let sends finish (waiting ones still start as slots free) until ``timeout``; then
        cancel what is left and free its leases."""
        deadline = time.monotonic() + timeout
        while self._running and (left := deadline - time.monotonic()) > 0:
            await asyncio.wait(list(self._running), timeout=left, return_when=asyncio.FIRST_COMPLETED)
        self._closing = True
        unfinished = [job.delivery_id for job in self._running.values()]
        unfinished += [job.delivery_id for line in self._lines.values() for job in line]
        running = list(self._running)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        self._lines.clear()
        self._turns.clear()
        self._waiting = 0
        await asyncio.gather(*self._releases, return_exceptions=True)
        if unfinished:
            await self.release(unfinished)
            log.info("sends_cancelled_on_shutdown", count=len(unfinished))
