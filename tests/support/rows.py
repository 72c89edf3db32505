"""Rows written straight to the database, and counted there: the state a crashed process
or a long-running installation leaves, without going through the API to make it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, insert, select

from asyncevents_svc.db.models import Attempt, Base, Delivery, Event
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.minutes import Counted, add_attempts
from asyncevents_svc.runtime import Runtime

#: One "now" for a whole test module, so that ages (and retention cut-offs) computed from
#: it do not drift while the module runs.
NOW = utcnow()


async def stored_event(runtime: Runtime, **columns: Any) -> uuid.UUID:
    """An ``example.ping`` event row written straight to the database (as a crashed process
    leaves it); ``columns`` override the defaults: accepted, received now, no arguments."""
    row = {
        "id": uuid.uuid4(),
        "name": "example.ping",
        "arguments": {},
        "store_id": 0,
        "status": "accepted",
        "source": "http",
        "received_at": utcnow(),
        **columns,
    }
    async with runtime.sessions() as session, session.begin():
        await session.execute(insert(Event).values(**row))
    event_id: uuid.UUID = row["id"]
    return event_id


async def stored_delivery(runtime: Runtime, event_id: uuid.UUID, **columns: Any) -> uuid.UUID:
    """A delivery row of ``event_id`` written straight to the database; ``columns`` override
    the defaults: subscription 1, http, pending, no attempts, created now."""
    now = utcnow()
    row = {
        "id": uuid.uuid4(),
        "event_id": event_id,
        "subscription_id": 1,
        "notifier": "http",
        "status": "pending",
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
        **columns,
    }
    async with runtime.sessions() as session, session.begin():
        await session.execute(insert(Delivery).values(**row))
    delivery_id: uuid.UUID = row["id"]
    return delivery_id


async def aged_delivery(
    runtime: Runtime, *, age_days: float, status: str = "delivered", attempts: int = 2
) -> uuid.UUID:
    """One dispatched event with one delivery and its attempts (the last one succeeded), all
    ``age_days`` before :data:`NOW`; returns the delivery's id."""
    when = NOW - timedelta(days=age_days)
    event_id = await stored_event(runtime, status="dispatched", payload={"n": 1}, received_at=when)
    delivery_id = await stored_delivery(
        runtime, event_id, status=status, attempts=attempts, created_at=when, updated_at=when
    )
    async with runtime.sessions() as session, session.begin():
        for number in range(1, attempts + 1):
            await session.execute(
                insert(Attempt).values(
                    delivery_id=delivery_id,
                    number=number,
                    started_at=when,
                    duration_ms=1.0,
                    success=number == attempts,
                    retryable=True,
                    status_code=200,
                )
            )
    return delivery_id


async def count(runtime: Runtime, model: type[Base]) -> int:
    """How many rows ``model``'s table holds."""
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def count_events(runtime: Runtime) -> int:
    return await count(runtime, Event)


async def assert_no_event_stored(
    api: httpx.AsyncClient, runtime: Runtime, headers: dict[str, str] | None = None
) -> None:
    """No event row is stored, checked with its positive control: a valid event sent through
    the same client just after is stored (so the 0 is not a count that cannot see)."""
    assert await count_events(runtime) == 0
    valid = await api.post(
        "/v1/events", json={"event_name": "example.ping", "arguments": {"n": 1}}, headers=headers
    )
    assert valid.status_code == 202, valid.text
    assert await count_events(runtime) == 1


async def failed_attempt(runtime: Runtime, *delivery_ids: uuid.UUID, response: str = "answered 500") -> None:
    """A first, failed attempt (a 500, not to be retried) of each of these deliveries,
    counted in the per-minute statistics as the worker counts it."""
    async with runtime.sessions() as session, session.begin():
        await add_attempts(session, [Counted(d, utcnow(), "dead", 1.0) for d in delivery_ids])
        for delivery_id in delivery_ids:
            await session.execute(
                insert(Attempt).values(
                    delivery_id=delivery_id,
                    number=1,
                    started_at=utcnow(),
                    duration_ms=1.0,
                    success=False,
                    retryable=False,
                    status_code=500,
                    response=response,
                )
            )
