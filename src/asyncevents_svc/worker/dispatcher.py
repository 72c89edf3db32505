"""Sending deliveries concurrently.

Each job runs as its own task under a global limit (``worker.max_in_flight``), so a slow
or failing subscriber only ever occupies its own slots and never delays the others. The
notifier never raises; whatever it returns goes to the :class:`AttemptRecorder`.
"""

from __future__ import annotations

import asyncio
import time

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
    """Runs send jobs with bounded concurrency and hands results to the recorder."""

    def __init__(self, runtime: Runtime, recorder: AttemptRecorder) -> None:
        self.runtime = runtime
        self.recorder = recorder
        self._slots = asyncio.Semaphore(runtime.settings.worker.max_in_flight)
        self._tasks: dict[asyncio.Task[None], SendJob] = {}

    @property
    def backlog(self) -> int:
        """Jobs started or waiting for a slot."""
        return len(self._tasks)

    def submit(self, jobs: list[SendJob]) -> None:
        for job in jobs:
            task = asyncio.create_task(self._run(job), name=f"send-{job.delivery_id}")
            self._tasks[task] = job
            task.add_done_callback(self._tasks.pop)

    async def _run(self, job: SendJob) -> None:
        async with self._slots:
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
        limit = 2 * self.runtime.settings.worker.max_in_flight
        while len(self._tasks) >= limit:
            await asyncio.sleep(0.01)

    async def drain(self, timeout: float) -> None:
        """Let in-flight sends finish until ``timeout``; cancel the rest and free their leases."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)
        unfinished = list(self._tasks.items())
        for task, _ in unfinished:
            task.cancel()
        if unfinished:
            await asyncio.gather(*(t for t, _ in unfinished), return_exceptions=True)
            ids = [job.delivery_id for _, job in unfinished]
            try:
                async with self.runtime.sessions() as session, session.begin():
                    await session.execute(
                        update(Delivery).where(Delivery.id.in_(ids)).values(locked_until=None)
                    )
            except Exception as exc:  # leases then simply expire
                log.warning("lease_release_failed", error=str(exc), count=len(ids))
            log.info("sends_cancelled_on_shutdown", count=len(ids))
