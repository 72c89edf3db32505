"""Retention: delete attempts, finished deliveries and finished events past the cut-off.

Each statement deletes at most ``batch_size`` rows (``DELETE … WHERE id IN (SELECT … LIMIT
n)``) in its own short transaction, so clean-up never holds long locks. Order: old
attempts; then finished deliveries (their remaining attempts cascade); then dispatched or
failed events that no longer have deliveries. ``days = 0`` keeps everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Delete, delete, select

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.models import Attempt, Delivery, Event
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.status import FINISHED
from asyncevents_svc.events.status import EventStatus
from asyncevents_svc.settings import RetentionSettings

FINISHED_EVENTS = (EventStatus.DISPATCHED, EventStatus.FAILED)


@dataclass
class Removed:
    attempts: int = 0
    deliveries: int = 0
    events: int = 0


def cutoff_for(days: float, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=days)


async def _drain(
    sessions: SessionFactory, statement: Callable[[], Delete], on_batch: Callable[[int], None]
) -> int:
    total = 0
    while True:
        async with sessions() as session, session.begin():
            result = await session.execute(statement())
            count = result.rowcount or 0  # type: ignore[attr-defined]
        total += count
        on_batch(count)
        if count == 0:
            return total


async def clean_up(
    sessions: SessionFactory,
    settings: RetentionSettings,
    *,
    now: datetime | None = None,
    on_batch: Callable[[int], None] = lambda _: None,
) -> Removed:
    """Delete everything older than ``settings.days``; returns how many rows went."""
    removed = Removed()
    if settings.days <= 0:
        return removed
    cutoff = cutoff_for(settings.days, now)
    size = settings.batch_size

    def old_attempts() -> Delete:
        ids = select(Attempt.id).where(Attempt.started_at < cutoff).limit(size)
        return (
            delete(Attempt)
            .where(Attempt.id.in_(ids.scalar_subquery()))
            .execution_options(synchronize_session=False)
        )

    def old_deliveries() -> Delete:
        # A delivery is updated after it is created, so ``created_at < cutoff`` adds nothing to
        # the condition but the range of the (created_at, id) index: each batch reads the
        # oldest rows there instead of scanning the table past the rows already deleted.
        ids = (
            select(Delivery.id)
            .where(Delivery.created_at < cutoff, Delivery.status.in_(FINISHED), Delivery.updated_at < cutoff)
            .limit(size)
        )
        return (
            delete(Delivery)
            .where(Delivery.id.in_(ids.scalar_subquery()))
            .execution_options(synchronize_session=False)
        )

    def old_events() -> Delete:
        orphan = ~select(Delivery.id).where(Delivery.event_id == Event.id).exists()
        ids = (
            select(Event.id)
            .where(
                Event.status.in_((EventStatus.DISPATCHED, EventStatus.FAILED)),
                Event.received_at < cutoff,
                orphan,
            )
            .limit(size)
        )
        return (
            delete(Event)
            .where(Event.id.in_(ids.scalar_subquery()))
            .execution_options(synchronize_session=False)
        )

    removed.attempts = await _drain(sessions, old_attempts, on_batch)
    removed.deliveries = await _drain(sessions, old_deliveries, on_batch)
    removed.events = await _drain(sessions, old_events, on_batch)
    return removed
