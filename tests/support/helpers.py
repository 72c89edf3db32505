"""Small helpers shared by the integration tests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from aiohttp import web
from sqlalchemy import insert

from asyncevents_svc.db.models import Event
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.notifiers.base import Notification
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.dispatcher import Dispatcher

TOKEN = "fv38u07Wdh$R@mRd"


def notification(**changes: Any) -> Notification:
    """One attempt of one ``sales.order.created`` delivery, for calling a notifier directly;
    ``changes`` replace any field."""
    fields: dict[str, Any] = {
        "delivery_id": uuid.uuid4(),
        "event_id": uuid.uuid4(),
        "event_name": "sales.order.created",
        "store_id": 0,
        "subscription_id": 1,
        "recipient": "http://127.0.0.1:9/hook",
        "token": TOKEN,
        "payload": {"id": 1},
        "attempt": 1,
    }
    return Notification(**(fields | changes))


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


@asynccontextmanager
async def on_loopback(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on a free loopback port while the block runs; yields its base URL."""
    from tests.support.serving import free_port

    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def subscribe(
    api: httpx.AsyncClient, url: str, event: str = "sales.order.created", **extra: object
) -> dict[str, Any]:
    body = {"event_name": event, "recipient_url": url, "verification_token": TOKEN, **extra}
    response = await api.post("/v1/subscriptions", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def publish(
    api: httpx.AsyncClient, event: str = "sales.order.created", **body: object
) -> dict[str, Any]:
    response = await api.post("/v1/events", json={"event_name": event, "arguments": {"id": 42}, **body})
    assert response.status_code == 202, response.text
    return response.json()  # type: ignore[no-any-return]


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
    """Poll ``check`` until it is true, failing after ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.05)


async def event_when(
    api: httpx.AsyncClient,
    event_id: str,
    predicate: Callable[[dict[str, Any]], bool],
    timeout: float = 15.0,
) -> dict[str, Any]:
    """``GET /v1/events/{id}`` until ``predicate`` holds for it."""
    found: dict[str, Any] = {}

    async def check() -> bool:
        nonlocal found
        found = (await api.get(f"/v1/events/{event_id}")).json()
        return predicate(found)

    await eventually(check, timeout)
    return found


@asynccontextmanager
async def most_in_flight(dispatcher: Dispatcher, subscription_id: int) -> AsyncIterator[list[int]]:
    """Watch the sends to one subscription while the block runs; ``[most]`` at the end holds
    the most there were at once."""
    most = [0]

    async def watch() -> None:
        while True:
            most[0] = max(most[0], dispatcher.in_flight(subscription_id))
            await asyncio.sleep(0.005)

    watching = asyncio.create_task(watch())
    try:
        yield most
    finally:
        watching.cancel()
