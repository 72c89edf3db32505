"""The delivery log filtered by event name reads what its page needs, however rare the name
(at 10 M deliveries a name never published read every delivery: 3.3 s)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import insert, text

from asyncevents_svc.db.models import Delivery, Event
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.queries import page_statement
from asyncevents_svc.deliveries.service import DeliveryFilter
from asyncevents_svc.runtime import Runtime
from tests.support.plans import rows_read_by

pytestmark = pytest.mark.postgres
PINGS = 400


async def a_log_of_pings(runtime: Runtime, n: int) -> None:
    """``n`` example.ping events, one delivery each."""
    now = utcnow()
    events = [
        {
            "id": uuid.uuid4(),
            "name": "example.ping",
            "arguments": {},
            "store_id": 0,
            "status": "dispatched",
            "source": "http",
            "received_at": now,
        }
        for _ in range(n)
    ]
    deliveries = [
        {
            "id": uuid.uuid4(),
            "event_id": event["id"],
            "subscription_id": 1,
            "notifier": "http",
            "status": "delivered",
            "attempts": 1,
            "created_at": now,
            "updated_at": now,
        }
        for event in events
    ]
    async with runtime.sessions() as session, session.begin():
        await session.execute(insert(Event), events)
        await session.execute(insert(Delivery), deliveries)
    async with runtime.engine.begin() as connection:
        await connection.execute(text("ANALYZE events"))
        await connection.execute(text("ANALYZE deliveries"))


async def test_the_log_of_a_name_never_published_reads_almost_nothing(runtime: Runtime) -> None:
    await a_log_of_pings(runtime, PINGS)

    read = await rows_read_by(
        runtime.engine, page_statement(DeliveryFilter(event_name="customer.created"), None, 51)
    )

    assert read < 20, f"the empty page read {read} rows of {PINGS} deliveries"


async def test_the_log_of_a_common_name_reads_about_a_page(runtime: Runtime) -> None:
    await a_log_of_pings(runtime, PINGS)

    read = await rows_read_by(
        runtime.engine, page_statement(DeliveryFilter(event_name="example.ping"), None, 51)
    )

    assert read < 200, f"a page of 51 read {read} rows of {PINGS} deliveries"
