"""The ``amqp`` notifier against the real RabbitMQ: signed, persistent messages reach a queue
through a named exchange or the default one; an unroutable message is retried until a queue
is bound; refused credentials, a missing password or exchange are final and say why; a
recipient URL never holds a password."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import aio_pika
import httpx
import pytest
from pydantic import SecretStr
from standardwebhooks import Webhook

from asyncevents_svc.notifiers.signing import receiver_secret
from asyncevents_svc.worker.runner import Worker
from tests.support.backend import AMQP_URL
from tests.support.helpers import TOKEN, eventually, only_delivery_of_subscription, subscribe

pytestmark = pytest.mark.rabbitmq
StartWorker = Callable[..., Coroutine[Any, Any, Worker]]
BROKER = "amqp://guest@127.0.0.1:5672/%2F"
PASSWORDS = {"amqp_notifier": {"passwords": {"guest@127.0.0.1:5672": SecretStr("guest")}}}


@pytest.fixture
async def channel() -> AsyncIterator[aio_pika.abc.AbstractChannel]:
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        yield await connection.channel()


@pytest.fixture
def names() -> str:
    return f"asyncevents.test.notify.{uuid.uuid4().hex[:8]}"


async def bound_queue(
    channel: aio_pika.abc.AbstractChannel, exchange: str, binding: str
) -> aio_pika.abc.AbstractQueue:
    topic = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, auto_delete=True)
    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(topic, binding)
    return queue


async def next_message(queue: aio_pika.abc.AbstractQueue) -> aio_pika.abc.AbstractIncomingMessage:
    found: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def arrived() -> bool:
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            found.append(message)
        return bool(found)

    await eventually(arrived)
    return found[0]


async def test_a_delivery_is_a_signed_persistent_message_routed_by_the_event_name(
    api: httpx.AsyncClient, start_worker: StartWorker, channel: aio_pika.abc.AbstractChannel, names: str
) -> None:
    queue = await bound_queue(channel, names, "example.#")
    await start_worker(**PASSWORDS)
    sub = await subscribe(api, f"{BROKER}?exchange={names}", "example.ping", metadata="amqp")

    await api.post("/v1/events", json={"event_name": "example.ping", "arguments": {"n": 5}})

    message = await next_message(queue)
    assert message.body == b'{"data":{"n":5}}'
    assert message.routing_key == "example.ping"
    assert message.type == "example.ping"
    assert message.content_type == "application/json"
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    headers = {k: str(v) for k, v in message.headers.items()}
    assert headers["webhook-id"] == message.message_id
    Webhook(receiver_secret(TOKEN)).verify(message.body, headers)
    delivery = await only_delivery_of_subscription(api, sub, "delivered")
    assert delivery["id"] == message.message_id
    assert "confirmed by the broker" in delivery["attempts"][0]["response"]


async def test_the_default_exchange_delivers_to_the_queue_named_by_the_routing_key(
    api: httpx.AsyncClient, start_worker: StartWorker, channel: aio_pika.abc.AbstractChannel
) -> None:
    queue = await channel.declare_queue(exclusive=True)
    await start_worker(**PASSWORDS)
    await subscribe(api, f"{BROKER}?routing_key={queue.name}", "example.ping", metadata="amqp")

    await api.post("/v1/events", json={"event_name": "example.ping", "arguments": {"n": 6}})

    assert (await next_message(queue)).body == b'{"data":{"n":6}}'


async def test_an_unroutable_message_is_retried_until_a_queue_is_bound(
    api: httpx.AsyncClient, start_worker: StartWorker, channel: aio_pika.abc.AbstractChannel, names: str
) -> None:
    exchange = await channel.declare_exchange(names, aio_pika.ExchangeType.TOPIC, auto_delete=True)
    keep = await channel.declare_queue(exclusive=True)  # keeps the auto-delete exchange alive
    await keep.bind(exchange, "nothing.matches")
    await start_worker(**PASSWORDS)
    sub = await subscribe(
        api, f"{BROKER}?exchange={names}", "example.ping", metadata="amqp", retry_schedule=[1.0]
    )
    await api.post("/v1/events", json={"event_name": "example.ping", "arguments": {"n": 1}})
    retrying = await only_delivery_of_subscription(api, sub, "retrying")
    assert "unroutable" in retrying["attempts"][0]["response"]

    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(exchange, "example.ping")

    assert (await next_message(queue)).body == b'{"data":{"n":1}}'
    delivered = await only_delivery_of_subscription(api, sub, "delivered")
    assert [a["success"] for a in delivered["attempts"]] == [False, True]


@pytest.mark.parametrize(
    ("recipient", "changes", "reason"),
    [
        (
            f"{BROKER}?routing_key=q",
            {"amqp_notifier": {"passwords": {"guest@127.0.0.1:5672": SecretStr("wrong-pass-8x")}}},
            "refused the credentials of guest@127.0.0.1:5672",
        ),
        (f"{BROKER}?routing_key=q", {}, "no password for guest@127.0.0.1:5672"),
        (f"{BROKER}?exchange=asyncevents.test.no.such.exchange", PASSWORDS, "not found"),
    ],
    ids=["wrong-password", "no-password", "no-exchange"],
)
async def test_final_failures_end_the_delivery_and_say_why(
    api: httpx.AsyncClient,
    start_worker: StartWorker,
    recipient: str,
    changes: dict[str, Any],
    reason: str,
) -> None:
    await start_worker(**changes)
    sub = await subscribe(api, recipient, "example.ping", metadata="amqp")
    await api.post("/v1/events", json={"event_name": "example.ping", "arguments": {"n": 1}})

    delivery = await only_delivery_of_subscription(api, sub, "dead")

    [attempt] = delivery["attempts"]
    assert (attempt["success"], attempt["retryable"]) == (False, False)
    assert reason in attempt["response"]
    assert "wrong-pass-8x" not in attempt["response"]


@pytest.mark.parametrize(
    ("recipient", "message"),
    [
        ("amqp://guest:guest@127.0.0.1:5672/?routing_key=q", "must not contain a password"),
        ("https://127.0.0.1/hook", "amqp:// or amqps://"),
        ("amqp://127.0.0.1/?exchange=x&queue=y", "unknown query parameter 'queue'"),
        ("amqp://127.0.0.1/", "needs a routing_key"),
        ("amqp://127.0.0.1/?exchange=bad%20name", "exchange must be"),
        ("amqp://10.1.2.3/?routing_key=q", "private"),
        ("amqp://127.0.0.1:0/?routing_key=q", "port from 1 to 65535"),  # was the default port
        ("amqp://127.0.0.1/?routing_key=a b", "whitespace"),
    ],
)
async def test_a_bad_recipient_is_refused_naming_the_field(
    api: httpx.AsyncClient, recipient: str, message: str
) -> None:
    body = {"event_name": "example.ping", "recipient_url": recipient, "verification_token": TOKEN}
    response = await api.post("/v1/subscriptions", json=body | {"metadata": "amqp"})

    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["loc"] == "recipient_url"
    assert message in error["msg"]
