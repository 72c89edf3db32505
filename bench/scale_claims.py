"""The service functions ``bench/scale.py`` calls directly, in one module: the delivery
claim (``deliveries/repository.py``), the database queue's event claim
(``events/repository.py``) and retention (``deliveries/retention.py``).

Each claim is the worker's own statement on the full database; the leases it takes are
given back afterwards (``release_*``) so that the next timing, and the worker started
later, find the same rows due.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import update

from asyncevents_svc.db.lease import Lease
from asyncevents_svc.db.models import Event
from asyncevents_svc.deliveries import repository as deliveries
from asyncevents_svc.deliveries.retention import Removed, clean_up
from asyncevents_svc.events import repository as events
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import RetentionSettings

__all__ = [
    "Removed",
    "claim_accepted_events",
    "claim_due_deliveries",
    "release_deliveries",
    "release_events",
    "retention",
]


async def claim_due_deliveries(runtime: Runtime, limit: int) -> list[uuid.UUID]:
    """The scheduler's claim of up to ``limit`` due deliveries; returns the ids it leased."""
    lease = Lease(runtime.settings.worker.lease_seconds)
    claim = await deliveries.claim_due(runtime.sessions, lease, limit)
    return [job.delivery_id for job in claim.jobs]


async def claim_accepted_events(runtime: Runtime, limit: int) -> list[uuid.UUID]:
    """The database queue's claim of up to ``limit`` accepted events."""
    lease = Lease(runtime.settings.worker.lease_seconds)
    return await events.claim(runtime.sessions, lease, older_than=0, limit=limit)


async def release_deliveries(runtime: Runtime, ids: list[uuid.UUID]) -> None:
    await deliveries.release(runtime.sessions, ids)


async def release_events(runtime: Runtime, ids: list[uuid.UUID]) -> None:
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Event)
            .where(Event.id.in_(ids))
            .values(locked_until=None)
            .execution_options(synchronize_session=False)
        )


async def retention(runtime: Runtime, days: float, on_batch: Callable[[int], None]) -> Removed:
    """Retention as the worker runs it, keeping ``days`` (destroys what is older);
    ``on_batch`` hears each statement's row count."""
    return await clean_up(runtime.sessions, RetentionSettings(days=days), on_batch=on_batch)
