"""Small helpers shared by the integration tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

TOKEN = "fv38u07Wdh$R@mRd"


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
