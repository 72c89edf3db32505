"""Bulk replay jobs: created by the API or the CLI, run in batches by any worker.

A job stores its criteria and how far it got (``last_delivery_id``), so a worker that dies
mid-job leaves it resumable: the next worker whose scheduler sees the job's lease expired
carries on from there. Progress (``processed`` of ``total``) can be read back at any time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.lease import Lease, lease_free
from asyncevents_svc.db.models import ReplayJob
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.service import DeliveryFilter, count_replayable, replay_batch
from asyncevents_svc.deliveries.status import ReplayJobStatus

log = structlog.get_logger(__name__)
BATCH = 500
LEASE = Lease(60.0)  # a replay job is resumable: a dead worker's job is taken up after this


async def create_job(
    session: AsyncSession, criteria: DeliveryFilter, *, budget: float, owner: int | None = None
) -> ReplayJob:
    """Count what matches now (a search has ``budget`` seconds) and store a pending job (the
    caller commits). ``owner``: the application of the key that starts it, whose job it is
    (``None``: an operator's); its criteria keep it to that application's deliveries."""
    job = ReplayJob(
        criteria=criteria.to_json(),
        application_id=owner,
        status=ReplayJobStatus.PENDING,
        # Capped (a job's total grows as it goes past it, see run_batch).
        total=(await count_replayable(session, criteria, budget=budget)).value,
        processed=0,
        replayed=0,
        created_at=utcnow(),
    )
    session.add(job)
    await session.flush()
    return job


async def claim_job(sessions: SessionFactory) -> uuid.UUID | None:
    """Take the oldest unfinished job whose lease is free (``SKIP LOCKED``)."""
    now = utcnow()
    async with sessions() as session, session.begin():
        job = await session.scalar(
            select(ReplayJob)
            .where(
                ReplayJob.status.in_((ReplayJobStatus.PENDING, ReplayJobStatus.RUNNING)),
                lease_free(ReplayJob.locked_until, now),
            )
            .order_by(ReplayJob.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if job is None:
            return None
        job.status = ReplayJobStatus.RUNNING
        job.locked_until = LEASE.until(now)
        return job.id


async def run_job(
    sessions: SessionFactory,
    job_id: uuid.UUID,
    *,
    budget: float,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Replay everything the job matches, one committed batch at a time; each batch's search
    has ``budget`` seconds (past it the job fails with :class:`SearchTooExpensive`)."""
    while True:
        async with sessions() as session, session.begin():
            job = await session.get(ReplayJob, job_id, with_for_update=True)
            if job is None or job.status in (ReplayJobStatus.DONE, ReplayJobStatus.FAILED):
                return
            criteria = DeliveryFilter.from_json(job.criteria)
            ids = await replay_batch(session, criteria, job.last_delivery_id, batch, budget=budget)
            job.processed += len(ids)
            job.replayed += len(ids)
            job.total = max(job.total, job.processed)
            job.locked_until = LEASE.until()
            if ids:
                job.last_delivery_id = ids[-1]
            if len(ids) < batch:
                job.status = ReplayJobStatus.DONE
                job.finished_at = utcnow()
            done, total, finished = job.processed, job.total, job.status == ReplayJobStatus.DONE
        if progress is not None:
            progress(done, total)
        if finished:
            log.info("replay_job_done", job_id=str(job_id), replayed=done)
            return


async def fail_job(sessions: SessionFactory, job_id: uuid.UUID, error: str) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            update(ReplayJob)
            .where(ReplayJob.id == job_id)
            .values(status=ReplayJobStatus.FAILED, error=error[:2000], finished_at=utcnow())
        )
