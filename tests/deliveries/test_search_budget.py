"""A delivery search cannot run unbounded: the database stops it at its time budget, the
caller gets a 400 saying how to narrow it, and the query language caps wildcards.

The slow search is a real one on real rows, on whichever database the suite runs: 400
deliveries whose payload holds a 40 KB string, searched with a leading ``*`` and a long
literal (about 1 s on PostgreSQL and 3 s on SQLite here, unbounded); the budget in these
tests is 0.3 s.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.app import create_app
from asyncevents_svc.db.models import Delivery, Event, ReplayJob
from asyncevents_svc.db.outage import is_outage
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import queries
from asyncevents_svc.deliveries.service import DeliveryFilter
from asyncevents_svc.errors import SearchTooExpensive
from asyncevents_svc.runtime import Runtime, build_runtime
from asyncevents_svc.settings import Settings
from tests.support.helpers import subscribe

BUDGET = 0.3
SLACK = 2.0  # a loaded two-core machine; unbounded, the search takes several times this
ROWS = 400
BLOB = "a" * 40_000
EXPENSIVE = "data.blob:*" + "a" * 62 + "b"  # 64 characters, one wildcard: within the caps
NARROW = "data.n:7"


@pytest.fixture
async def searchable(runtime: Runtime, api: httpx.AsyncClient) -> int:
    """ROWS dead deliveries of one active subscription, each event's payload a 40 KB string."""
    subscription = (await subscribe(api, "http://127.0.0.1:9/hook", "example.ping"))["subscription_id"]
    now = utcnow()
    event_ids = [uuid.uuid4() for _ in range(ROWS)]
    events = [
        {
            "id": event_id,
            "name": "example.ping",
            "arguments": {},
            "store_id": 0,
            "source": "http",
            "payload": {"blob": BLOB, "n": n},
            "status": "dispatched",
            "received_at": now,
        }
        for n, event_id in enumerate(event_ids)
    ]
    deliveries = [
        {
            "id": uuid.uuid4(),
            "event_id": event_id,
            "subscription_id": subscription,
            "notifier": "http",
            "status": "dead",
            "attempts": 1,
            "created_at": now,
            "updated_at": now,
        }
        for event_id in event_ids
    ]
    async with runtime.sessions() as session, session.begin():
        await session.execute(insert(Event), events)
        await session.execute(insert(Delivery), deliveries)
    return int(subscription)


@pytest.fixture
async def budgeted(
    settings: Settings, runtime: Runtime, admin_headers: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    """The API with a search budget of BUDGET seconds (on the database the suite uses)."""
    tight = settings.model_copy(
        update={"security": settings.security.model_copy(update={"search_timeout": BUDGET})}
    )
    app: FastAPI = create_app(tight, build_runtime(tight))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://api.test", headers=admin_headers
        ) as client,
    ):
        yield client


SEARCHES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "trace list": ("GET", "/v1/deliveries", {"params": {"q": EXPENSIVE}}),
    "replay dry run": ("POST", "/v1/replays", {"json": {"q": EXPENSIVE, "dry_run": True}}),
    "bulk replay": ("POST", "/v1/replays", {"json": {"q": EXPENSIVE}}),
}


@pytest.mark.parametrize("search", list(SEARCHES))
async def test_a_search_past_its_budget_is_stopped_and_answered_400(
    budgeted: httpx.AsyncClient, runtime: Runtime, searchable: int, search: str
) -> None:
    method, path, arguments = SEARCHES[search]

    started = time.monotonic()
    response = await budgeted.request(method, path, **arguments)
    took = time.monotonic() - started

    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/search-too-expensive")
    assert problem["detail"].startswith("q: the search ran longer than its 0.3 s budget")
    assert "narrow it" in problem["detail"]
    assert took < BUDGET + SLACK, took
    # The same API, its pool and its connections, serve the next searches normally.
    found = (await budgeted.get("/v1/deliveries", params={"q": NARROW})).json()["items"]
    assert len(found) == 1
    count = await budgeted.post("/v1/replays", json={"q": "data.n:<10", "dry_run": True})
    assert count.json()["count"] == 10
    async with runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ReplayJob)) == 0  # none was made


async def slow_statement(session: AsyncSession) -> Any:
    """A statement (not a search) that takes longer than BUDGET on either database."""
    counting = text(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) "
        "SELECT count(*) FROM c"
    )
    return await session.scalar(counting)


async def test_after_a_stopped_search_its_connection_serves_other_statements_unbounded(
    runtime: Runtime, searchable: int
) -> None:
    async with runtime.engine.connect() as connection:
        session = AsyncSession(bind=connection)
        with pytest.raises(SearchTooExpensive):
            await queries.page(session, DeliveryFilter(q=EXPENSIVE), None, 50, budget=BUDGET)
        await session.rollback()

        items, _ = await queries.page(session, DeliveryFilter(q=NARROW), None, 50, budget=BUDGET)
        assert len(items) == 1
        started = time.monotonic()
        assert await slow_statement(session) == 2_000_000  # no timeout or interrupt left behind
        assert time.monotonic() - started > BUDGET
        if connection.dialect.name == "postgresql":
            assert await session.scalar(text("SHOW statement_timeout")) == "0"
        await session.close()


def test_an_interrupted_statement_is_not_a_database_outage() -> None:
    """SQLite reports an interrupt as an OperationalError, like a missing database file: the
    outage classifier (503) must not take one for the other."""
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        dbapi = connection.connection.driver_connection
        assert isinstance(dbapi, sqlite3.Connection)
        dbapi.set_progress_handler(lambda: 1, 1)  # interrupt the next statement at once
        with pytest.raises(Exception) as interrupted:  # noqa: PT011 - classified below
            connection.execute(text("SELECT 1"))
    engine.dispose()

    assert "interrupted" in str(interrupted.value)
    assert not is_outage(interrupted.value)


NINE_WILDCARDS = "event_name:a?? OR data.x:b** OR data.y:*c* OR notifier:h*t* OR data.z:d*"


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ("data.sku:a*b*c*d*e*", 18, "a value may have at most 4 wildcards (* or ?)"),
        ("data.sku:CK?????1", 15, "a value may have at most 4 wildcards (* or ?)"),
        (NINE_WILDCARDS, len(NINE_WILDCARDS) - 1, "a query may have at most 8 wildcards (* or ?) in all"),
        ("data.email:*" + "x" * 64, 11, "a value with wildcards may be at most 64 characters long"),
    ],
)
async def test_too_many_wildcards_are_refused_naming_q_and_the_position(
    api: httpx.AsyncClient, query: str, position: int, message: str
) -> None:
    listed = await api.get("/v1/deliveries", params={"q": query})
    counted = await api.post("/v1/replays", json={"q": query, "dry_run": True})

    for response in (listed, counted):
        assert response.status_code == 400, response.text
        assert response.json()["detail"] == f"q: {message} (at position {position})"
