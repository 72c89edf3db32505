"""The worker's writes of event rows: claiming events to fan out, and marking the outcome.

An accepted event is claimed with a lease (:class:`~asyncevents_svc.db.lease.Lease`,
``FOR UPDATE SKIP LOCKED`` on PostgreSQL so workers share the table) by the database
queue and by the sweep for events whose broker hint was lost; the fan-out then marks it
``dispatched`` (with the payload and the skipped subscriptions) or ``failed`` (with the
error). Ingest's inserts stay in :mod:`.service`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.lease import Lease
from asyncevents_svc.db.models import Event, waiting_for_fan_out
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.events.status import EventStatus

EVENTS = cast(Table, Event.__table__)
MAX_ERROR = 4000  # characters of a resolution error kept on the event


async def claim(sessions: SessionFactory, lease: Lease, *, older_than: float, limit: int) -> list[uuid.UUID]:
    """Lease up to ``limit`` accepted events received at least ``older_than`` seconds ago."""
    now = utcnow()
    due = (
        select(Event.id)
        .where(waiting_for_fan_out(now), Event.received_at <= now - timedelta(seconds=older_than))
        .order_by(Event.received_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    async with sessions() as session, session.begin():
        claimed = await session.scalars(
            update(Event)
            .where(Event.id.in_(due.scalar_subquery()))
            .values(locked_until=lease.until(now))
            .returning(Event.id)
            .execution_options(synchronize_session=False)
        )
        return list(claimed)


async def accepted(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Event]:
    """Those of ``ids`` still ``accepted`` (another worker may have fanned some out)."""
    return list(
        await session.scalars(select(Event).where(Event.id.in_(ids), Event.status == EventStatus.ACCEPTED))
    )


async def lock_accepted(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Lock the rows of those still ``accepted``, in id order (so two workers never
    deadlock), for the rest of the transaction; returns their ids."""
    locked = await session.scalars(
        select(Event.id)
        .where(Event.id.in_(ids), Event.status == EventStatus.ACCEPTED)
        .order_by(Event.id)
        .with_for_update()
    )
    return list(locked.all())


_FAILED = (
    update(EVENTS)
    .where(EVENTS.c.id == bindparam("b_id"), EVENTS.c.status == EventStatus.ACCEPTED)
    .values(status=EventStatus.FAILED, error=bindparam("b_error"), dispatched_at=bindparam("b_now"))
)


async def mark_failed(
    session: AsyncSession, failures: Sequence[tuple[uuid.UUID, str]], now: datetime
) -> None:
    """Events whose payload could not be resolved end ``failed`` with the error."""
    connection = await session.connection()
    await connection.execute(
        _FAILED,
        [{"b_id": event_id, "b_error": error[:MAX_ERROR], "b_now": now} for event_id, error in failures],
    )


@dataclass(frozen=True)
class Dispatched:
    """A fanned-out event: its resolved payload, and which subscriptions its filter skipped."""

    id: uuid.UUID
    payload: Any
    skipped: list[dict[str, Any]] | None


_DISPATCHED = (
    update(EVENTS)
    .where(EVENTS.c.id == bindparam("b_id"))
    .values(
        status=EventStatus.DISPATCHED,
        payload=bindparam("b_payload"),
        skipped=bindparam("b_skipped"),
        dispatched_at=bindparam("b_now"),
    )
)


async def mark_dispatched(session: AsyncSession, events: Sequence[Dispatched], now: datetime) -> None:
    """Events whose deliveries were inserted (in the same transaction) end ``dispatched``."""
    connection = await session.connection()
    await connection.execute(
        _DISPATCHED,
        [{"b_id": e.id, "b_payload": e.payload, "b_skipped": e.skipped, "b_now": now} for e in events],
    )


async def release_all(session: AsyncSession) -> None:
    """Free every event lease (only when this is the one worker)."""
    await session.execute(update(Event).values(locked_until=None).where(Event.locked_until.is_not(None)))
