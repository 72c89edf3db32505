"""Retention: delete attempts, finished deliveries and finished events past the cut-off.

Each statement deletes at most ``batch_size`` rows (``DELETE … WHERE id IN (SELECT … ORDER
BY time, id LIMIT n)``) in its own short transaction, so clean-up never holds long locks;
each batch walks its index on from the last row the one before deleted (keyset), so the
cost per row stays the same however many rows go. Order: old attempts and per-minute
attempt counters; then finished deliveries (their remaining attempts cascade); then
dispatched or failed events that no longer have deliveries. ``days = 0`` keeps everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.dml import ReturningDelete

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.models import Attempt, AttemptMinute, Delivery, Event
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.status import FINISHED
from asyncevents_svc.events.status import EventStatus
from asyncevents_svc.settings import RetentionSettings

FINISHED_EVENTS = (EventStatus.DISPATCHED, EventStatus.FAILED)


@dataclass
class Removed:
    attempts: int = 0
    minutes: int = 0  # per-minute attempt counters (attempt_minutes)
    deliveries: int = 0
    events: int = 0


def cutoff_for(days: float, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=days)


#: Where a batch's walk of its index stopped: (time, id) of the last row it deleted.
Key = tuple[datetime, Any]
Batch = Callable[[Key | None], "ReturningDelete[datetime, Any]"]


async def _drain(sessions: SessionFactory, batch: Batch, on_batch: Callable[[int], None]) -> int:
    """Run ``batch`` until it deletes nothing, each run starting past the last row the one
    before deleted: the walk of the index is one pass over the old rows, never a walk from
    the oldest again past the entries of rows already deleted (which stay in the index
    until VACUUM: at 10 M deliveries that made retention quadratic)."""
    total = 0
    after: Key | None = None
    while True:
        async with sessions() as session, session.begin():
            keys = [(when, key) for when, key in (await session.execute(batch(after))).all()]
        total += len(keys)
        on_batch(len(keys))
        if not keys:
            return total
        after = max(keys)


def _past(
    time: InstrumentedAttribute[datetime], key: InstrumentedAttribute[Any], after: Key | None
) -> list[Any]:
    """Rows after ``after`` in (time, key) order, as a range of the index on ``time``."""
    if after is None:
        return []
    return [time >= after[0], or_(time > after[0], key > after[1])]


def _oldest(table: Any, time: InstrumentedAttribute[datetime], where: list[Any], size: int) -> Batch:
    """Batches deleting the oldest ``size`` rows of ``table`` (by ``time``, then id) that
    meet ``where``, each past the last row the batch before deleted."""

    def batch(after: Key | None) -> ReturningDelete[datetime, Any]:
        ids = (
            select(table.id).where(*where, *_past(time, table.id, after)).order_by(time, table.id).limit(size)
        )
        return (
            delete(table)
            .where(table.id.in_(ids.scalar_subquery()))
            .returning(time, table.id)
            .execution_options(synchronize_session=False)
        )

    return batch


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

    old_attempts = _oldest(Attempt, Attempt.started_at, [Attempt.started_at < cutoff], size)
    # A delivery is updated after it is created, so ``created_at < cutoff`` adds nothing to
    # the condition but the range of the (created_at, id) index the batches walk.
    finished = [Delivery.created_at < cutoff, Delivery.status.in_(FINISHED), Delivery.updated_at < cutoff]
    old_deliveries = _oldest(Delivery, Delivery.created_at, finished, size)
    orphan = ~select(Delivery.id).where(Delivery.event_id == Event.id).exists()

    def old_events(status: EventStatus) -> Batch:
        return _oldest(
            Event, Event.received_at, [Event.status == status, Event.received_at < cutoff, orphan], size
        )

    removed.attempts = await _drain(sessions, old_attempts, on_batch)
    old_minutes = _oldest(AttemptMinute, AttemptMinute.minute, [AttemptMinute.minute < cutoff], size)
    removed.minutes = await _drain(sessions, old_minutes, on_batch)
    removed.deliveries = await _drain(sessions, old_deliveries, on_batch)
    for status in FINISHED_EVENTS:
        removed.events += await _drain(sessions, old_events(status), on_batch)
    return removed
