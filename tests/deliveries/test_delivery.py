"""Fan-out and delivery: who gets what, concurrently, with every attempt on record."""

from __future__ import annotations

import asyncio
import json
import time

import aio_pika
import httpx
import pytest
from standardwebhooks import Webhook

from asyncevents_svc.notifiers.signing import receiver_secret
from asyncevents_svc.settings import Settings
from asyncevents_svc.worker.runner import Worker
from tests.support.backend import AMQP_URL
from tests.support.helpers import TOKEN, event_when, publish, subscribe
from tests.support.receiver import Receiver


def dispatched(event: dict[str, object]) -> bool:
    return event["status"] == "dispatched"


def all_delivered(event: dict[str, object]) -> bool:
    deliveries = event["deliveries"]
    assert isinstance(deliveries, list)
    return dispatched(event) and all(d["status"] == "delivered" for d in deliveries)


async def test_two_subscribers_get_distinct_delivery_ids_and_attempts_are_recorded(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    first = await subscribe(api, f"{receiver.url}/a")
    second = await subscribe(api, f"{receiver.url}/b")

    event = await publish(api)
    received = await receiver.wait_for(2)
    shown = await event_when(api, event["id"], all_delivered)

    ids = {r.path: r.headers["webhook-id"] for r in received}
    assert ids["/a"] != ids["/b"]
    by_sub = {d["subscription_id"]: d for d in shown["deliveries"]}
    assert by_sub[first["subscription_id"]]["id"] == ids["/a"]
    assert by_sub[second["subscription_id"]]["id"] == ids["/b"]
    attempt = by_sub[first["subscription_id"]]["attempts"][0]
    assert (attempt["number"], attempt["success"], attempt["status_code"], attempt["response"]) == (
        1,
        True,
        200,
        "ok",
    )
    assert attempt["duration_ms"] > 0
    assert shown["payload"] == {"entity_id": 42, "increment_id": "CK00000042"}

    trace = (await api.get(f"/v1/deliveries/{ids['/a']}")).json()
    assert trace["status"] == "delivered"
    assert trace["event_name"] == "sales.order.created"
    assert trace["payload"] == shown["payload"]
    assert [a["number"] for a in trace["attempts"]] == [1]


async def test_inactive_subscriptions_get_nothing(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/active")
    await subscribe(api, f"{receiver.url}/disabled", status="disabled")

    event = await publish(api)
    shown = await event_when(api, event["id"], all_delivered)

    assert len(shown["deliveries"]) == 1
    await receiver.wait_for(1)
    assert [r.path for r in receiver.requests] == ["/active"]


async def test_store_scoping_store_zero_gets_every_store_others_only_their_own(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/all", store_id=0)
    await subscribe(api, f"{receiver.url}/store1", store_id=1)
    await subscribe(api, f"{receiver.url}/store2", store_id=2)

    in_store_1 = await publish(api, store_id=1)
    unscoped = await publish(api, store_id=0)
    await event_when(api, in_store_1["id"], all_delivered)
    await event_when(api, unscoped["id"], all_delivered)

    paths = sorted(r.path for r in receiver.requests)
    assert paths == ["/all", "/all", "/store1"]


async def test_wildcard_subscriptions_receive_matching_events(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/orders", event="sales.order.*")
    await subscribe(api, f"{receiver.url}/created", event="*.created")

    updated = await publish(api, event="sales.order.updated")
    await event_when(api, updated["id"], all_delivered)
    created = await publish(api, event="sales.order.created")
    await event_when(api, created["id"], all_delivered)

    got = sorted((r.path, r.headers["x-asyncevents-event"]) for r in receiver.requests)
    assert got == [
        ("/created", "sales.order.created"),
        ("/orders", "sales.order.created"),
        ("/orders", "sales.order.updated"),
    ]


async def test_a_slow_subscriber_does_not_delay_a_fast_one(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/slow/3")
    await subscribe(api, f"{receiver.url}/fast")

    sent = time.monotonic()
    await publish(api)
    [fast] = await receiver.wait_for(1, path="/fast", timeout=5)

    # Behind the slow one it would arrive after its 3 s; alone it takes milliseconds (0.9 s
    # seen on a busy CI machine, so the bound is not tighter).
    assert fast.at - sent < 2.0
    await receiver.wait_for(1, path="/slow/3", timeout=5)


async def test_a_failed_resolution_marks_the_event_failed_with_the_error(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/x", event="broken.event")

    event = await publish(api, event="broken.event", arguments={"reason": "ERP is down"})
    shown = await event_when(api, event["id"], lambda e: e["status"] != "accepted")

    assert shown["status"] == "failed"
    assert "cannot resolve: ERP is down" in shown["error"]
    assert shown["deliveries"] == []


async def test_a_failing_receiver_is_recorded_and_retried(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/status/503")

    event = await publish(api)
    await receiver.wait_for(2, timeout=10)
    shown = await event_when(api, event["id"], lambda e: len(e["deliveries"][0]["attempts"]) >= 2)

    delivery = shown["deliveries"][0]
    assert delivery["status"] == "retrying"
    assert [a["status_code"] for a in delivery["attempts"][:2]] == [503, 503]
    assert delivery["attempts"][0]["response"] == "answered 503"
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1


@pytest.mark.rabbitmq
async def test_a_magento_queue_message_is_ingested_and_delivered(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver, settings: Settings
) -> None:
    await subscribe(api, f"{receiver.url}/magento", store_id=1)

    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(settings.broker.magento_exchange)
        body = json.dumps(["sales.order.created", json.dumps({"id": 42}), "1"]).encode()
        await exchange.publish(aio_pika.Message(body, message_id="m-1"), routing_key="event.trigger")
        await exchange.publish(aio_pika.Message(body, message_id="m-1"), routing_key="event.trigger")

        [request] = await receiver.wait_for(1)
        assert json.loads(request.body) == {"data": {"entity_id": 42, "increment_id": "CK00000042"}}
        Webhook(receiver_secret(TOKEN)).verify(request.body, request.headers)
        # The positive control: a message of its own, queued behind the copy, does arrive.
        other = json.dumps(["sales.order.created", json.dumps({"id": 43}), "1"]).encode()
        await exchange.publish(aio_pika.Message(other, message_id="m-2"), routing_key="event.trigger")
        await receiver.wait_for(2)
    await asyncio.sleep(0.5)  # the redelivered copy (same message_id) must not fan out again
    assert [json.loads(r.body)["data"]["entity_id"] for r in receiver.requests] == [42, 43]
