"""Endpoint health: a subscription is disabled when its endpoint answers 410 Gone or has
failed for the whole configured period, says why, and the service publishes
``subscription.disabled`` through the catalogue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson
from sqlalchemy import text

from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import eventually, publish, subscribe
from tests.support.receiver import Receiver


async def subscription(api: httpx.AsyncClient, sub: dict[str, Any]) -> dict[str, Any]:
    response = await api.get(f"/v1/subscriptions/{sub['subscription_id']}")
    return response.json()  # type: ignore[no-any-return]


def announcements(receiver: Receiver, sub: dict[str, Any]) -> list[dict[str, Any]]:
    """The subscription.disabled notifications about ``sub``."""
    payloads = [orjson.loads(r.body)["data"] for r in receiver.on("/ops")]
    return [p for p in payloads if p["subscription_id"] == sub["subscription_id"]]


async def test_410_gone_disables_the_subscription_and_announces_it(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/ops", "subscription.disabled")
    gone = await subscribe(api, f"{receiver.url}/status/410", "example.ping")
    await publish(api, "example.ping", arguments={"n": 1})

    async def disabled() -> bool:
        return bool((await subscription(api, gone))["status"] == "disabled")

    await eventually(disabled)
    shown = await subscription(api, gone)
    assert shown["disabled_reason"] == "the endpoint answered 410 Gone"
    assert shown["disabled_at"] is not None

    async def announced() -> bool:
        return bool(announcements(receiver, gone))

    await eventually(announced)
    [announcement] = announcements(receiver, gone)
    assert announcement["reason"] == "the endpoint answered 410 Gone"
    assert announcement["event_name"] == "example.ping"
    assert announcement["recipient_url"] == f"{receiver.url}/status/410"

    # Turned back on by hand: the reason goes, and it receives again.
    enabled = await api.patch(f"/v1/subscriptions/{gone['subscription_id']}", json={"status": "active"})
    assert (enabled.json()["status"], enabled.json()["disabled_reason"]) == ("active", None)


async def test_a_subscription_failing_for_the_whole_period_is_disabled(
    api: httpx.AsyncClient, receiver: Receiver, start_worker: Callable[..., Awaitable[Worker]]
) -> None:
    await start_worker(endpoint_health={"disable_after": 1.0})
    await subscribe(api, f"{receiver.url}/ops", "subscription.disabled")
    failing = await subscribe(
        api, f"{receiver.url}/status/503", "example.ping", retry_schedule=[0.3], max_retries=20
    )
    await publish(api, "example.ping", arguments={"n": 2})

    async def disabled() -> bool:
        return bool((await subscription(api, failing))["status"] == "disabled")

    await eventually(disabled, timeout=10)
    shown = await subscription(api, failing)
    assert shown["disabled_reason"] == "every delivery failed for 1 s"
    attempts = receiver.on("/status/503")
    # Disabled by an attempt at least a second after the first failure, however the retries
    # were spaced (a busy machine may run only two attempts in that second).
    assert len(attempts) >= 2
    assert attempts[-1].at - attempts[0].at >= 0.9, "it failed for over a second before it was disabled"

    async def announced() -> bool:
        return bool(announcements(receiver, failing))

    await eventually(announced)
    # The delivery still queued for it is cancelled, not retried twenty times.
    deliveries = (
        await api.get("/v1/deliveries", params={"subscription_id": failing["subscription_id"]})
    ).json()

    async def cancelled() -> bool:
        items = (
            await api.get("/v1/deliveries", params={"subscription_id": failing["subscription_id"]})
        ).json()["items"]
        return [d["status"] for d in items] == ["cancelled"]

    await eventually(cancelled, timeout=5)
    assert len(receiver.on("/status/503")) <= len(attempts) + 1, deliveries


async def test_a_success_resets_the_failure_clock(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver, runtime: Runtime
) -> None:
    flaky = await subscribe(api, f"{receiver.url}/flaky/1", "example.ping", retry_schedule=[0.5])

    async def failing_since() -> Any:
        async with runtime.sessions() as session:
            query = text("SELECT failing_since FROM subscriptions WHERE id = :id")
            return (await session.execute(query, {"id": flaky["subscription_id"]})).scalar_one()

    await publish(api, "example.ping", arguments={"n": 3})
    await receiver.wait_for(1, path="/flaky/1")

    async def failing() -> bool:
        return await failing_since() is not None

    await eventually(failing)
    await receiver.wait_for(2, path="/flaky/1")

    async def recovered() -> bool:
        return await failing_since() is None

    await eventually(recovered)
    assert (await subscription(api, flaky))["status"] == "active"


async def test_only_the_service_publishes_operational_events(api: httpx.AsyncClient) -> None:
    response = await api.post("/v1/events", json={"event_name": "subscription.disabled", "arguments": {}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "event_name"
    listed = (await api.get("/v1/event-types")).json()
    assert "subscription.disabled" in str(listed)
