"""Writing attempt outcomes in batches.

Every finished attempt is queued here; a background task writes whole batches in one
transaction (a multi-row insert of attempts and one executemany update of deliveries), so
a burst of deliveries costs a handful of commits, not one per attempt. If the database is
down the batch is kept and retried; the delivery leases make sure nothing is lost if the
process dies first (the scheduler re-sends; receivers de-duplicate on ``webhook-id``).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.lease import Lease
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import ordering
from asyncevents_svc.deliveries import repository as deliveries
from asyncevents_svc.deliveries.jobs import SendJob
from asyncevents_svc.deliveries.policy import after_attempt, for_subscription
from asyncevents_svc.deliveries.status import AttemptOutcome, DeliveryStatus
from asyncevents_svc.notifiers.base import NotifierResult
from asyncevents_svc.observability.metrics import Metrics
from asyncevents_svc.settings import EndpointHealthSettings, RetrySettings
from asyncevents_svc.subscriptions import health
from asyncevents_svc.subscriptions.health import AttemptSummary

log = structlog.get_logger(__name__)
MAX_BATCH = 500
#: An ordered line's head that ends so releases the next of its line.
ENDS_A_HEAD = (DeliveryStatus.DELIVERED, DeliveryStatus.DEAD, DeliveryStatus.EXPIRED)


@dataclass(frozen=True)
class Finished:
    job: SendJob
    result: NotifierResult
    started_at: datetime


class AttemptRecorder:
    """Queues finished attempts and writes them in batches."""

    def __init__(
        self,
        sessions: SessionFactory,
        *,
        retry: RetrySettings,
        endpoint_health: EndpointHealthSettings,
        excerpt_bytes: int,
        metrics: Metrics,
        lease: Lease | None = None,
    ) -> None:
        self.sessions = sessions
        self.lease = lease or Lease(60.0)  # the worker's delivery lease, for released heads
        self.retry = retry
        self.endpoint_health = endpoint_health
        self.excerpt_bytes = excerpt_bytes  # http.response_excerpt_bytes: how much of a response is kept
        self.metrics = metrics
        self._queue: asyncio.Queue[Finished] = asyncio.Queue()
        self._writing = 0
        self._task: asyncio.Task[None] | None = None
        # Called after commit with the ids of operational events (subscription.disabled).
        self.on_published: Callable[[list[uuid.UUID]], Awaitable[None]] | None = None
        # Called after commit with the send jobs of ordered deliveries this worker released
        # (the next of each line whose head ended), leased to it: the dispatcher's submit.
        self.on_released: Callable[[list[SendJob]], None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="attempt-recorder")

    def record(self, finished: Finished) -> None:
        self._queue.put_nowait(finished)

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < MAX_BATCH:
                batch.append(self._queue.get_nowait())
            self._writing = len(batch)
            delay = 0.2
            while True:
                try:
                    await self.write(batch)
                    break
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning(
                        "attempt_write_failed",
                        error=f"{type(exc).__name__}: {exc}",
                        count=len(batch),
                    )
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
            self._writing = 0

    async def write(self, batch: list[Finished]) -> None:
        now = utcnow()
        records = []
        for item in batch:
            job, result = item.job, item.result
            retry = for_subscription(self.retry, job.policy.retry_schedule, job.policy.max_retries)
            outcome = after_attempt(job.retries_done, result, retry, now, job.expires_at)
            records.append(
                deliveries.AttemptRecord(job.delivery_id, job.attempt, item.started_at, result, outcome)
            )
            log.info(
                "attempt",
                delivery_id=str(job.delivery_id),
                event_id=str(job.event_id),
                subscription_id=job.subscription_id,
                attempt=job.attempt,
                success=result.success,
                status_code=result.status_code,
                outcome=str(outcome.status),
            )
        summaries = [
            AttemptSummary(item.job.subscription_id, item.result.success, item.result.status_code)
            for item in batch
        ]
        ended = [
            (item.job.subscription_id, item.job.ordering_key)
            for item, record in zip(batch, records, strict=True)
            if item.job.ordering_key is not None and record.outcome.status in ENDS_A_HEAD
        ]
        async with self.sessions() as session, session.begin():
            await deliveries.record_attempts(session, records, now=now, excerpt_bytes=self.excerpt_bytes)
            published = await health.after_attempts(session, summaries, self.endpoint_health, now)
            following, cancelled = await self._release_next(session, ended, now)
        for delivery_id, reason in cancelled:
            log.info("delivery_cancelled", delivery_id=str(delivery_id), reason=reason)
        if following and self.on_released is not None:
            self.on_released(following)
        self._count(batch, [str(record.outcome.status) for record in records])
        if published and self.on_published is not None:
            try:
                await self.on_published(published)
            except Exception as exc:  # the events are stored: the sweep dispatches them
                log.warning("operational_events_not_dispatched", error=str(exc), count=len(published))

    async def _release_next(
        self, session: AsyncSession, ended: list[tuple[int, str]], now: datetime
    ) -> tuple[list[SendJob], list[tuple[uuid.UUID, str]]]:
        """Ordered lines whose head ended: their next deliveries, leased to this worker
        (:func:`ordering.release_next`), as jobs for :attr:`on_released`."""
        if not ended:
            return [], []
        ids = await ordering.release_next(session, ended, now=now, locked_until=self.lease.until(now))
        if not ids:
            return [], []
        leased = await deliveries.jobs_for(session, ids)
        return leased.jobs, leased.cancelled

    def _count(self, batch: list[Finished], outcomes: list[str]) -> None:
        metrics = self.metrics
        for item, outcome in zip(batch, outcomes, strict=True):
            notifier = item.job.notifier
            outcome_label = AttemptOutcome.SUCCESS if item.result.success else AttemptOutcome.FAILURE
            metrics.attempts.labels(notifier, str(outcome_label)).inc()
            metrics.deliveries.labels(notifier, outcome).inc()
            metrics.attempt_seconds.labels(notifier).observe(item.result.duration_ms / 1000)

    async def flush(self, timeout: float) -> bool:
        """Wait until everything queued is written; False if the deadline passed first."""
        try:
            async with asyncio.timeout(timeout):
                while not self._queue.empty() or self._writing:
                    await asyncio.sleep(0.01)
        except TimeoutError:
            return False
        return True

    async def close(self, timeout: float = 10.0) -> None:
        await self.flush(timeout)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
