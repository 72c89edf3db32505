"""``GET /v1/events`` reads a page in its order and stops: the first page, a page by
cursor, one application's and one name's each read about a page through their index, with
no sort, however many events the table holds."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, text
from sqlalchemy.dialects import postgresql

from asyncevents_svc.db.models import Event
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.queries import encode_cursor
from asyncevents_svc.events.queries import CURSOR_KIND, EventFilter, page_statement
from asyncevents_svc.runtime import Runtime
from tests.support.plans import rows_read_by

pytestmark = pytest.mark.postgres
EVENTS = 3000
PAGE = 51  # a page of 50 and the one that says there is more
ERP, PIM = 101, 102  # ids only: the events table has no foreign key to applications


async def a_table_of_events(runtime: Runtime, erp: int, pim: int) -> tuple[uuid.UUID, datetime]:
    """:data:`EVENTS` events a second apart: one in ten published to ``erp``, one in ten to
    ``pim``, the rest to all; one in a hundred named ``customer.created``, one of store 2,
    one from ``amqp``, one failed and one still accepted. Returns the id and time of the
    middle one (a cursor's)."""
    now = utcnow()
    ids = [uuid.uuid4() for _ in range(EVENTS)]
    rows: list[dict[str, Any]] = [
        {
            "id": ids[n],
            "name": "customer.created" if n % 100 == 0 else "sales.order.created",
            "arguments": {},
            "store_id": 2 if n % 100 == 1 else 1,
            "application_id": {0: erp, 1: pim}.get(n % 10),
            "status": {3: "failed", 4: "accepted"}.get(n % 100, "dispatched"),
            "source": "amqp" if n % 100 == 2 else "http",
            "received_at": now - timedelta(seconds=n),
        }
        for n in range(EVENTS)
    ]
    async with runtime.sessions() as session, session.begin():
        await session.execute(insert(Event), rows)
    async with runtime.engine.begin() as connection:
        await connection.execute(text("ANALYZE events"))
    middle = EVENTS // 2
    return ids[middle], now - timedelta(seconds=middle)


async def plan_of(runtime: Runtime, criteria: EventFilter, cursor: str | None) -> str:
    statement = page_statement(criteria, cursor, PAGE)
    sql = statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})  # type: ignore[no-untyped-call]
    async with runtime.engine.connect() as connection:
        return "\n".join((await connection.execute(text(f"EXPLAIN {sql}"))).scalars())


#: A page's criteria and the index it must read.
CASES: dict[str, tuple[EventFilter, str]] = {
    "everything": (EventFilter(), "ix_events_received"),
    "one application": (EventFilter(application_id=ERP), "ix_events_application"),
    "a rare name": (EventFilter(name="customer.created"), "ix_events_name_received"),
    "a rare store": (EventFilter(store_id=2), "ix_events_store"),
    "a rare source": (EventFilter(source="amqp"), "ix_events_source"),
    "a rare status": (EventFilter(status=("failed",)), "ix_events_status"),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("by_cursor", [False, True], ids=["first page", "by cursor"])
async def test_a_page_reads_its_index_in_order_and_about_a_page_of_rows(
    runtime: Runtime, case: str, by_cursor: bool
) -> None:
    middle, at = await a_table_of_events(runtime, ERP, PIM)
    criteria, index = CASES[case]
    cursor = encode_cursor(at, middle, kind=CURSOR_KIND) if by_cursor else None

    plan = await plan_of(runtime, criteria, cursor)
    read = await rows_read_by(runtime.engine, page_statement(criteria, cursor, PAGE))

    assert index in plan, plan
    assert "Sort" not in plan, plan
    assert read <= PAGE, f"a page of {PAGE} read {read} rows of {EVENTS} events\n{plan}"


@pytest.mark.parametrize(
    "criteria",
    [EventFilter(name="catalog.product.deleted"), EventFilter(store_id=9), EventFilter(source="test")],
    ids=["name", "store", "source"],
)
async def test_the_list_of_a_value_never_stored_reads_nothing(
    runtime: Runtime, criteria: EventFilter
) -> None:
    await a_table_of_events(runtime, ERP, PIM)

    read = await rows_read_by(runtime.engine, page_statement(criteria, None, PAGE))

    assert read == 0


async def test_a_page_of_several_statuses_merges_one_range_of_each_and_stops(runtime: Runtime) -> None:
    # One event in ten failed, one in ten still accepted: 300 of each. Walking the whole list
    # and filtering reads five rows for each one shown, sorting the matches reads all 600.
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "name": "sales.order.created",
            "arguments": {},
            "store_id": 1,
            "status": {0: "failed", 1: "accepted"}.get(n % 10, "dispatched"),
            "source": "http",
            "received_at": now - timedelta(seconds=n),
        }
        for n in range(EVENTS)
    ]
    async with runtime.sessions() as session, session.begin():
        await session.execute(insert(Event), rows)
    async with runtime.engine.begin() as connection:
        await connection.execute(text("ANALYZE events"))
    criteria = EventFilter(status=("failed", "accepted", "failed"))

    read = await rows_read_by(runtime.engine, page_statement(criteria, None, PAGE))
    async with runtime.sessions() as session:
        shown = list((await session.scalars(page_statement(criteria, None, PAGE))).all())

    assert read <= PAGE + 2, f"a page of {PAGE} read {read} rows\n{await plan_of(runtime, criteria, None)}"
    assert [e.received_at for e in shown] == sorted((e.received_at for e in shown), reverse=True)
    assert {e.status for e in shown} == {"failed", "accepted"}
    assert len({e.id for e in shown}) == PAGE  # a status given twice is read once
