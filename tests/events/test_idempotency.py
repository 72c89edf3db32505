"""Idempotency keys belong to their caller (SPEC §2.1): a producer's key never answers for
another producer, and a key reused for a different event is a 409, never a silent drop."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import aio_pika
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from asyncevents_svc.auth.keys import create_key
from asyncevents_svc.db.models import Event
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings
from asyncevents_svc.worker.runner import Worker
from tests.support.backend import AMQP_URL
from tests.support.helpers import eventually, subscribe
from tests.support.receiver import Receiver

Producer = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def producer(app: FastAPI, runtime: Runtime) -> AsyncIterator[Producer]:
    """``await producer("erp")``: a client of the app with an API key of its own that may
    only publish, as a real producer holds."""
    clients: list[httpx.AsyncClient] = []

    async def make(name: str) -> httpx.AsyncClient:
        async with runtime.sessions() as session:
            _, key = await create_key(session, name=name, scopes=["events:publish"])
            await session.commit()
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://api.test",
            headers={"Authorization": f"Bearer {key}"},
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


def order(order_id: int, **body: object) -> dict[str, Any]:
    return {"event_name": "sales.order.created", "arguments": {"id": order_id}, **body}


async def publish(client: httpx.AsyncClient, body: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    headers = {"Idempotency-Key": key} if key else {}
    response = await client.post("/v1/events", json=body, headers=headers)
    assert response.status_code == 202, response.text
    return response.json()  # type: ignore[no-any-return]


async def events_stored(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Event)) or 0)


def delivered_order_ids(receiver: Receiver) -> list[int]:
    return sorted(json.loads(r.body)["data"]["entity_id"] for r in receiver.requests)


KEYS = {"text": "order-1-created", "uuid": "5d41402a-bc4b-4a76-b971-9d911017c592"}


@pytest.mark.parametrize("key", KEYS.values(), ids=KEYS.keys())
async def test_another_producers_key_is_a_new_event_and_reveals_nothing(
    api: httpx.AsyncClient, producer: Producer, worker: Worker, receiver: Receiver, key: str
) -> None:
    await subscribe(api, f"{receiver.url}/orders")
    shop, intruder = await producer("shop"), await producer("intruder")

    original = await publish(shop, order(1), key)
    other = await publish(intruder, order(2), key)
    repeat = await publish(shop, order(1), key)

    assert other["duplicate"] is False
    assert other["id"] != original["id"]
    assert (repeat["id"], repeat["duplicate"]) == (original["id"], True)
    await receiver.wait_for(2)
    assert delivered_order_ids(receiver) == [1, 2]


async def test_a_uuid_key_sent_first_by_another_producer_does_not_swallow_the_event(
    api: httpx.AsyncClient, producer: Producer, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/orders")
    shop, intruder = await producer("shop"), await producer("intruder")
    key = str(uuid.uuid4())

    squatted = await publish(intruder, order(666), key)
    mine = await publish(shop, order(1), key)
    again = await publish(shop, order(1), key)

    assert squatted["id"] == key  # a free UUID key still becomes the event's id
    assert mine["duplicate"] is False
    assert mine["id"] != key  # taken: the shop's event gets a fresh id of its own
    assert (again["id"], again["duplicate"]) == (mine["id"], True)
    await receiver.wait_for(2)
    assert delivered_order_ids(receiver) == [1, 666]


@pytest.mark.parametrize(
    ("changed", "loc"),
    [
        ({"arguments": {"id": 2, "at": "now"}}, "Idempotency-Key"),
        ({"arguments": {"id": True, "at": "now"}}, "Idempotency-Key"),  # JSON true is not 1
        ({"store_id": 3}, "Idempotency-Key"),
        ({"event_name": "sales.order.created", "arguments": {"id": 1}}, "Idempotency-Key"),
        ({"arguments": {"id": 2, "at": "now"}, "id": "order-7"}, "id"),
    ],
    ids=["arguments", "argument-type", "store", "event-name", "body-id"],
)
async def test_the_same_key_for_a_different_event_is_a_409_naming_the_key(
    api: httpx.AsyncClient, runtime: Runtime, changed: dict[str, Any], loc: str
) -> None:
    first = await publish(api, {"event_name": "example.ping", "arguments": {"id": 1, "at": "now"}}, "order-7")
    reordered = await publish(
        api, {"event_name": "example.ping", "arguments": {"at": "now", "id": 1}}, "order-7"
    )
    body = {"event_name": "example.ping", "arguments": {"id": 1, "at": "now"}} | changed
    headers = {} if "id" in changed else {"Idempotency-Key": "order-7"}

    response = await api.post("/v1/events", json=body, headers=headers)

    assert (reordered["id"], reordered["duplicate"]) == (first["id"], True)  # key order is not a change
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["loc"] == loc
    assert first["id"] not in response.text
    assert await events_stored(runtime) == 1


async def test_a_batch_item_reusing_a_key_for_a_different_event_is_a_409(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    earlier = await publish(api, order(1), "k1")
    events = [
        order(1, id="k1"),  # a repeat of the earlier event
        order(9, id="k1"),  # the earlier event's key, another event
        order(2, id="k2"),
        order(3, id="k2"),  # k2 twice in this batch, another event the second time
        order(2, id="k2"),  # k2 twice, the same event
    ]

    response = await api.post("/v1/events/batch", json={"events": events})

    assert response.status_code == 202
    body = response.json()
    results = body["results"]
    assert [r["status"] for r in results] == [202, 409, 202, 409, 202]
    assert (body["accepted"], body["rejected"]) == (3, 2)
    assert (results[0]["id"], results[0]["duplicate"]) == (earlier["id"], True)
    assert (results[4]["id"], results[4]["duplicate"]) == (results[2]["id"], True)
    for refused in (results[1], results[3]):
        assert refused["id"] is None
        assert refused["error"]["status"] == 409
        assert refused["error"]["errors"][0]["loc"] == "id"
    assert await events_stored(runtime) == 2


@pytest.mark.parametrize("key", KEYS.values(), ids=KEYS.keys())
async def test_concurrent_repeats_from_two_producers_make_one_event_each(
    producer: Producer, runtime: Runtime, key: str
) -> None:
    shop, intruder = await producer("shop"), await producer("intruder")

    answers = await asyncio.gather(
        *(publish(client, order(n), key) for _ in range(10) for n, client in ((1, shop), (2, intruder)))
    )

    shops, intruders = answers[0::2], answers[1::2]
    for answered in (shops, intruders):
        assert len({a["id"] for a in answered}) == 1
        assert sum(not a["duplicate"] for a in answered) == 1
    assert shops[0]["id"] != intruders[0]["id"]
    assert await events_stored(runtime) == 2


async def publish_magento(settings: Settings, *messages: tuple[str, Sequence[object]]) -> None:
    """Publish ``(message_id, body)`` messages the way Magento's publisher does."""
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(settings.broker.magento_exchange)
        for message_id, body in messages:
            message = aio_pika.Message(json.dumps(body).encode(), message_id=message_id)
            await exchange.publish(message, routing_key="event.trigger")


async def magento_messages_waiting(settings: Settings) -> int:
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(settings.broker.magento_queue, passive=True)
        return int(queue.declaration_result.message_count or 0)


async def none_waiting(settings: Settings) -> bool:
    """No message left in Magento's queue. Once the worker has then stopped (waiting for its
    handlers; an unacknowledged message goes back to the queue), still none waiting means
    every message was handled to the end."""
    return await magento_messages_waiting(settings) == 0


async def amqp_events(runtime: Runtime) -> list[Event]:
    async with runtime.sessions() as session:
        return list(await session.scalars(select(Event).where(Event.source == "amqp")))


@pytest.mark.rabbitmq
async def test_a_magento_message_id_that_a_producer_used_as_its_key_is_still_delivered_once(
    api: httpx.AsyncClient,
    producer: Producer,
    runtime: Runtime,
    receiver: Receiver,
    settings: Settings,
) -> None:
    await subscribe(api, f"{receiver.url}/magento", store_id=1)
    intruder = await producer("intruder")
    await publish(intruder, {"event_name": "example.ping", "arguments": {}}, "amqp:m-1")
    worker = Worker(runtime)
    await worker.start()
    try:
        magento_order = ["sales.order.created", json.dumps({"id": 42}), "1"]
        await publish_magento(settings, ("m-1", magento_order), ("m-1", magento_order))  # and redelivered

        [request] = await receiver.wait_for(1)
        await eventually(lambda: none_waiting(settings))
    finally:
        await worker.stop()

    assert await none_waiting(settings)
    assert json.loads(request.body)["data"]["entity_id"] == 42
    assert len(receiver.requests) == 1
    assert len(await amqp_events(runtime)) == 1


@pytest.mark.rabbitmq
async def test_a_magento_message_id_reused_for_a_different_event_is_kept_as_failed(
    runtime: Runtime, settings: Settings
) -> None:
    worker = Worker(runtime)
    await worker.start()
    try:
        await publish_magento(settings, ("m-2", ["example.ping", "{}"]))
        await eventually(lambda: _stored_amqp_events(runtime, 1))
        await publish_magento(settings, ("m-2", ["example.ping", '{"other": 1}']))
        await eventually(lambda: none_waiting(settings))
    finally:
        await worker.stop()

    assert await none_waiting(settings)
    first, reused = sorted(await amqp_events(runtime), key=lambda e: e.received_at)
    assert (first.arguments, first.status) == ({}, "dispatched")
    assert (reused.arguments, reused.status) == ({"other": 1}, "failed")
    assert reused.error == "message_id already used for a different event"


async def _stored_amqp_events(runtime: Runtime, count: int) -> bool:
    return len(await amqp_events(runtime)) >= count


@pytest.mark.rabbitmq
async def test_a_magento_message_id_too_long_for_the_key_column_is_one_event_not_a_requeue_loop(
    api: httpx.AsyncClient, runtime: Runtime, receiver: Receiver, settings: Settings
) -> None:
    await subscribe(api, f"{receiver.url}/magento")
    long_id = "m" * 255  # AMQP's longest message id; "amqp:" + it does not fit 255 characters
    worker = Worker(runtime)
    await worker.start()
    try:
        order = ["sales.order.created", json.dumps({"id": 7})]
        await publish_magento(settings, (long_id, order), (long_id, order))  # and redelivered
        [request] = await receiver.wait_for(1)
        await eventually(lambda: none_waiting(settings))
    finally:
        await worker.stop()

    assert await none_waiting(settings)
    assert json.loads(request.body)["data"]["entity_id"] == 7
    [event] = await amqp_events(runtime)
    assert event.idempotency_key is not None
    assert len(event.idempotency_key) <= 255


@pytest.mark.rabbitmq
async def test_a_magento_message_the_database_cannot_store_is_kept_as_failed_not_requeued_forever(
    runtime: Runtime, settings: Settings
) -> None:
    worker = Worker(runtime)
    await worker.start()
    try:
        # A store id the parser takes (a non-negative integer) but the integer column cannot hold.
        await publish_magento(settings, ("m-big", ["example.ping", "{}", str(2**40)]))
        await eventually(lambda: _stored_amqp_events(runtime, 1))
        await eventually(lambda: none_waiting(settings))
    finally:
        await worker.stop()

    assert await none_waiting(settings)
    [kept] = await amqp_events(runtime)
    assert (kept.name, kept.status) == ("example.ping", "failed")
    assert kept.error is not None
    assert kept.error.startswith("message cannot be stored")
