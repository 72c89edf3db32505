"""The index hint of a payload equality: a containment the equality implies, so that
PostgreSQL can find the events through the GIN index (deliveries/search/containment.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from asyncevents_svc.db.models import Delivery, Event
from asyncevents_svc.deliveries.search import compile_query
from asyncevents_svc.deliveries.search.containment import documents
from asyncevents_svc.runtime import Runtime
from tests.support.backend import SQLITE


def test_a_text_value_at_a_path_is_one_document() -> None:
    assert documents(("customer", "email"), "roni@example.com") == [
        {"customer": {"email": "roni@example.com"}}
    ]


def test_an_integer_segment_is_read_as_an_array_index_or_an_object_key() -> None:
    assert documents(("items", 0, "sku"), "XYZ") == [
        {"items": [{"sku": "XYZ"}]},
        {"items": {"0": {"sku": "XYZ"}}},
    ]


@pytest.mark.parametrize("value", ["5", "1e3", "-0.5", "true", "false", "null", "[1]", "{}"])
def test_a_value_that_another_json_value_prints_as_gets_no_hint(value: str) -> None:
    assert documents(("a",), value) is None


def test_more_than_two_integer_segments_get_no_hint() -> None:
    assert documents(("a", 0, 1, 2), "x") is None
    assert documents(("a", 0, 1), "x") is not None


@pytest.mark.postgres
async def test_postgresql_can_answer_a_payload_equality_from_the_gin_index(runtime: Runtime) -> None:
    if SQLITE:
        pytest.fail("this test needs the PostgreSQL backend")
    query = (
        select(Delivery.id)
        .join(Event, Event.id == Delivery.event_id)
        .where(compile_query("data.increment_id:CK000123"))
    )
    async with runtime.engine.connect() as connection:
        await connection.execute(text("SET LOCAL enable_seqscan = off"))
        compiled = query.compile(connection.sync_connection, compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in await connection.execute(text(f"EXPLAIN {compiled}")))

    assert "ix_events_payload" in plan, plan
