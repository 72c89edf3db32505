"""The ``eventbridge`` notifier against moto's server on loopback: entries carry our source,
the event name and the body; deliveries to one bus share PutEvents calls; an entry
EventBridge refuses is retried on its own; refused credentials are a failed attempt that says
why; the recipient must be a bus name or ARN."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from asyncevents_svc.notifiers.base import Notification
from asyncevents_svc.notifiers.eventbridge import Bus, EventBridgeNotifier, parse_bus
from asyncevents_svc.settings import EventBridgeSettings
from asyncevents_svc.worker.runner import Worker
from tests.support.aws import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, SOURCE, PutEventsProxy, TestBus
from tests.support.helpers import TOKEN, eventually, notification, subscribe

StartWorker = Callable[..., Coroutine[Any, Any, Worker]]


def aws_settings(endpoint: str, **changes: Any) -> dict[str, Any]:
    return {
        "endpoint_url": endpoint,
        "region": REGION,
        "access_key_id": SecretStr(ACCESS_KEY_ID),
        "secret_access_key": SecretStr(SECRET_ACCESS_KEY),
        **changes,
    }


def to_bus(bus: str, n: int) -> Notification:
    return notification(event_name="example.ping", recipient=bus, payload={"n": n})


async def deliveries(api: httpx.AsyncClient, sub: dict[str, Any]) -> list[dict[str, Any]]:
    query = {"subscription_id": sub["subscription_id"], "limit": 100}
    response = await api.get("/v1/deliveries", params=query)
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_an_entry_carries_the_source_the_event_name_and_the_body(
    api: httpx.AsyncClient, start_worker: StartWorker, bus: TestBus
) -> None:
    await start_worker(eventbridge=aws_settings(bus.endpoint))
    sub = await subscribe(api, bus.name, "example.ping", metadata="eventbridge")

    await api.post("/v1/events", json={"event_name": "example.ping", "arguments": {"n": 7}})

    [event] = await bus.received(1)
    assert event["source"] == SOURCE
    assert event["detail-type"] == "example.ping"
    assert event["detail"] == {"data": {"n": 7}}
    [delivery] = await deliveries(api, sub)
    assert delivery["notifier"] == "eventbridge"
    await eventually(lambda: delivery_status(api, delivery["id"], "delivered"))


async def delivery_status(api: httpx.AsyncClient, delivery_id: str, status: str) -> bool:
    return bool((await api.get(f"/v1/deliveries/{delivery_id}")).json()["status"] == status)


async def test_a_bus_arn_and_the_cloudevents_format_work_too(
    api: httpx.AsyncClient, start_worker: StartWorker, bus: TestBus
) -> None:
    await start_worker(eventbridge=aws_settings(bus.endpoint, region="eu-west-1"))  # the ARN's region wins
    await subscribe(api, bus.arn, "example.ping", metadata="eventbridge", payload_format="cloudevents")

    await api.post("/v1/events", json={"event_name": "example.ping", "arguments": {"n": 1}})

    [event] = await bus.received(1)
    assert event["detail"]["specversion"] == "1.0"
    assert event["detail"]["type"] == "example.ping"
    assert event["detail"]["data"] == {"n": 1}


async def test_deliveries_to_one_bus_share_put_events_calls_of_at_most_ten(
    api: httpx.AsyncClient, start_worker: StartWorker, bus: TestBus, proxy: PutEventsProxy
) -> None:
    await start_worker(eventbridge=aws_settings(proxy.url))
    await subscribe(api, bus.name, "example.ping", metadata="eventbridge")

    events = [{"event_name": "example.ping", "arguments": {"n": n}} for n in range(40)]
    assert (await api.post("/v1/events/batch", json={"events": events})).status_code == 202

    received = await bus.received(40)
    assert sorted(e["detail"]["data"]["n"] for e in received) == list(range(40))
    sizes = [len(call) for call in proxy.calls]
    assert sum(sizes) == 40
    assert max(sizes) <= 10
    assert len(sizes) <= 20, f"40 deliveries took {len(sizes)} calls: {sizes}"


async def test_an_entry_eventbridge_refuses_fails_alone_and_is_retried_alone(
    bus: TestBus, proxy: PutEventsProxy
) -> None:
    notifier = EventBridgeNotifier(EventBridgeSettings(**aws_settings(proxy.url)))
    proxy.refuse = {2: "ThrottlingException"}
    sent = [to_bus(bus.name, n) for n in range(3)]
    try:
        results = await asyncio.gather(*(notifier.send(n) for n in sent))  # one call: started together

        assert [len(call) for call in proxy.calls] == [3]
        assert [r.success for r in results] == [True, False, True]
        assert results[1].retryable
        assert "ThrottlingException" in str(results[1].detail)
        assert str(results[0].detail).startswith("put as event ")

        retried = await notifier.send(sent[1])
        assert retried.success
        assert [len(call) for call in proxy.calls] == [3, 1]
    finally:
        await notifier.close()
    received = await bus.received(3)
    assert sorted(e["detail"]["data"]["n"] for e in received) == [0, 1, 2]
    assert await bus.count_now() == 0  # no duplicate of the refused entry


async def test_the_worker_retries_only_the_refused_delivery(
    api: httpx.AsyncClient, start_worker: StartWorker, bus: TestBus, proxy: PutEventsProxy
) -> None:
    await start_worker(eventbridge=aws_settings(proxy.url))
    proxy.refuse = {3: "ThrottlingException"}
    sub = await subscribe(api, bus.name, "example.ping", metadata="eventbridge", retry_schedule=[0.2])
    events = [{"event_name": "example.ping", "arguments": {"n": n}} for n in range(5)]
    await api.post("/v1/events/batch", json={"events": events})

    assert len(await bus.received(5)) == 5

    async def all_delivered() -> bool:
        return all(d["status"] == "delivered" for d in await deliveries(api, sub))

    await eventually(all_delivered)
    attempts = sorted(d["attempt_count"] for d in await deliveries(api, sub))
    assert attempts == [1, 1, 1, 1, 2]
    [retried] = [d for d in await deliveries(api, sub) if d["attempt_count"] == 2]
    first, second = (await api.get(f"/v1/deliveries/{retried['id']}")).json()["attempts"]
    assert (first["success"], first["retryable"]) == (False, True)
    assert "ThrottlingException" in first["response"]
    assert second["success"]
    assert await bus.count_now() == 0


async def test_a_throttled_call_is_retryable(bus: TestBus, proxy: PutEventsProxy) -> None:
    notifier = EventBridgeNotifier(EventBridgeSettings(**aws_settings(proxy.url)))
    proxy.refuse_calls = 1
    try:
        throttled = await notifier.send(to_bus(bus.name, 1))
        assert (throttled.success, throttled.retryable) == (False, True)
        assert "ThrottlingException" in str(throttled.detail)
        assert (await notifier.send(to_bus(bus.name, 1))).success
    finally:
        await notifier.close()


async def test_refused_credentials_are_a_failed_attempt_that_says_why(
    api: httpx.AsyncClient, start_worker: StartWorker, moto_with_auth_url: str
) -> None:
    await start_worker(eventbridge=aws_settings(moto_with_auth_url))
    sub = await subscribe(api, "orders", "example.ping", metadata="eventbridge")
    await api.post("/v1/events", json={"event_name": "example.ping", "arguments": {"n": 1}})

    async def dead() -> bool:
        found = await deliveries(api, sub)
        return bool(found) and found[0]["status"] == "dead"

    await eventually(dead)
    [delivery] = await deliveries(api, sub)
    [attempt] = (await api.get(f"/v1/deliveries/{delivery['id']}")).json()["attempts"]
    assert (attempt["success"], attempt["retryable"]) == (False, False)
    assert "security token included in the request is invalid" in attempt["response"]
    assert SECRET_ACCESS_KEY not in attempt["response"]


async def test_missing_credentials_are_a_failed_attempt_that_says_why(
    bus: TestBus, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    notifier = EventBridgeNotifier(EventBridgeSettings(endpoint_url=bus.endpoint, region=REGION))
    try:
        result = await notifier.send(to_bus(bus.name, 1))
    finally:
        await notifier.close()
    assert (result.success, result.retryable) == (False, False)
    assert "NoCredentialsError" in str(result.detail)


@pytest.mark.parametrize(
    "recipient",
    ["https://example.com/hook", "arn:aws:sqs:us-east-1:123456789012:queue", "bus with spaces", "x" * 257],
)
async def test_the_recipient_must_be_a_bus_name_or_arn(api: httpx.AsyncClient, recipient: str) -> None:
    body = {
        "event_name": "example.ping",
        "recipient_url": recipient,
        "verification_token": TOKEN,
        "metadata": "eventbridge",
    }
    response = await api.post("/v1/subscriptions", json=body)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["loc"] == "recipient_url"
    assert "bus name" in error["msg"]


def test_a_bus_arn_names_its_region_and_a_name_takes_the_setting() -> None:
    arn = "arn:aws:events:eu-central-1:123456789012:event-bus/orders"
    assert parse_bus(arn, "us-east-1") == Bus(region="eu-central-1", name=arn)
    assert parse_bus("orders", "us-east-1") == Bus(region="us-east-1", name="orders")
    assert parse_bus("arn:aws:events:eu-central-1:123:event-bus/orders", None) is None
