"""Small helpers shared by the integration tests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from asyncevents_svc.notifiers.base import Notification
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


async def only_delivery_of_event(
    api: httpx.AsyncClient, event_id: str, status: str, timeout: float = 15.0
) -> dict[str, Any]:
    """The event's single delivery, once it has ``status``, as its full trace (attempts)."""

    async def first() -> str | None:
        deliveries = (await api.get(f"/v1/events/{event_id}")).json()["deliveries"]
        return str(deliveries[0]["id"]) if deliveries and deliveries[0]["status"] == status else None

    return await _delivery_once(api, first, status, timeout)


async def only_delivery_of_subscription(
    api: httpx.AsyncClient, sub: dict[str, Any], status: str, timeout: float = 15.0
) -> dict[str, Any]:
    """The subscription's single delivery, once it has ``status``, as its full trace (for
    notifiers whose deliveries are found by subscription, not by event)."""

    async def first() -> str | None:
        params = {"subscription_id": sub["subscription_id"]}
        items = (await api.get("/v1/deliveries", params=params)).json()["items"]
        return str(items[0]["id"]) if items else None

    return await _delivery_once(api, first, status, timeout)


async def _delivery_once(
    api: httpx.AsyncClient, find: Callable[[], Awaitable[str | None]], status: str, timeout: float
) -> dict[str, Any]:
    """Poll ``find`` for a delivery id, then its trace, until the trace has ``status``."""
    trace: dict[str, Any] = {}

    async def reached() -> bool:
        nonlocal trace
        delivery_id = await find()
        if delivery_id is None:
            return False
        trace = (await api.get(f"/v1/deliveries/{delivery_id}")).json()
        return bool(trace["status"] == status)

    await eventually(reached, timeout)
    return trace


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
