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
from datetime import datetime, timedelta
from typing import cast

import structlog
from sqlalchemy import Table, bindparam, func, or_, update

from asyncevents_svc.db.models import Attempt, Delivery
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.policy import after_attempt, for_subscription
from asyncevents_svc.notifiers.base import NotifierResult
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.subscriptions import health
from asyncevents_svc.subscriptions.health import AttemptSummary
from asyncevents_svc.worker.jobs import SendJob

log = structlog.get_logger(__name__)
MAX_BATCH = 500


@dataclass(frozen=True)
class Finished:
    job: SendJob
    result: NotifierResult
    started_at: datetime


DELIVERIES = cast(Table, Delivery.__table__)
ATTEMPTS = cast(Table, Attempt.__table__)
# A Core statement run with executemany; the status guard keeps a cancel or replay that
# happened meanwhile from being overwritten.
_UPDATE = (
    update(DELIVERIES)
    .where(
        DELIVERIES.c.id == bindparam("b_id"),
        # an IN list cannot be used with executemany
        or_(DELIVERIES.c.status == "pending", DELIVERIES.c.status == "retrying"),
    )
    .values(
        status=bindparam("b_status"),
        attempts=bindparam("b_attempts"),
        next_attempt_at=bindparam("b_next"),
        locked_until=None,
        last_status_code=bindparam("b_code"),
        status_reason=bindparam("b_reason"),
        first_attempt_at=func.coalesce(DELIVERIES.c.first_attempt_at, bindparam("b_started")),
        last_attempt_at=bindparam("b_started"),
        updated_at=bindparam("b_now"),
    )
)


class AttemptRecorder:
    """Queues finished attempts and writes them in batches."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._queue: asyncio.Queue[Finished] = asyncio.Queue()
        self._writing = 0
        self._task: asyncio.Task[None] | None = None
        # Called after commit with the ids of operational events (subscription.disabled).
        self.on_published: Callable[[list[uuid.UUID]], Awaitable[None]] | None = None

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
        excerpt = self.runtime.settings.http.response_excerpt_bytes
        attempts = []
        updates = []
        for item in batch:
            job, result = item.job, item.result
            retry = for_subscription(self.runtime.settings.retry, job.retry_schedule, job.max_retries)
            outcome = after_attempt(job.retries_done, result, retry, now)
            attempts.append(
                {
                    "delivery_id": job.delivery_id,
                    "number": job.attempt,
                    "started_at": item.started_at,
                    "duration_ms": round(result.duration_ms, 3),
                    "success": result.success,
                    "retryable": result.retryable,
                    "status_code": result.status_code,
                    "response": result.detail[:excerpt] if result.detail else None,
                }
            )
            updates.append(
                {
                    "b_id": job.delivery_id,
                    "b_status": outcome.status,
                    "b_attempts": job.attempt,
                    "b_next": outcome.next_attempt_at,
                    "b_code": result.status_code,
                    "b_reason": outcome.reason,
                    "b_started": item.started_at,
                    "b_now": now,
                }
            )
            log.info(
                "attempt",
                delivery_id=str(job.delivery_id),
                event_id=str(job.event_id),
                subscription_id=job.subscription_id,
                attempt=job.attempt,
                success=result.success,
                status_code=result.status_code,
                outcome=outcome.status,
            )
        summaries = [
            AttemptSummary(item.job.subscription_id, item.result.success, item.result.status_code)
            for item in batch
        ]
        async with self.runtime.sessions() as session, session.begin():
            await session.execute(ATTEMPTS.insert(), attempts)
            connection = await session.connection()
            await connection.execute(_UPDATE, updates)
            published = await health.after_attempts(
                session, summaries, self.runtime.settings.endpoint_health, now
            )
        self._count(batch, [str(u["b_status"]) for u in updates])
        if published and self.on_published is not None:
            try:
                await self.on_published(published)
            except Exception as exc:  # the events are stored: the sweep dispatches them
                log.warning("operational_events_not_dispatched", error=str(exc), count=len(published))

    def _count(self, batch: list[Finished], outcomes: list[str]) -> None:
        metrics = self.runtime.metrics
        for item, outcome in zip(batch, outcomes, strict=True):
            notifier = item.job.notifier
            metrics.attempts.labels(notifier, "success" if item.result.success else "failure").inc()
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


def lease_until(runtime: Runtime) -> datetime:
    return utcnow() + timedelta(seconds=runtime.settings.worker.lease_seconds)
