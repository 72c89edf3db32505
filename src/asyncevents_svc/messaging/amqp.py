"""RabbitMQ topology, the "event ready" publisher, and message parsing.

Topology (declared idempotently by the API and the worker):

* exchange ``asyncevents`` (direct) → quorum queue ``asyncevents.events``, routing key
  ``event.ready``; a message's body is the ids of events committed together, one a line. Quorum queues
  replicate and survive broker restarts; every message is persistent and confirmed.
* exchange ``magento`` (topic) → queue ``event.trigger``, routing key ``event.trigger``:
  what Magento's ``PublisherInterface::publish('event.trigger', $data)`` writes. The queue
  is declared exactly as Magento declares it (durable, classic, no arguments), so both sides
  can declare it without a ``PRECONDITION_FAILED``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from typing import Any

import aio_pika
import orjson
import structlog
import yarl
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractExchange,
    AbstractQueue,
    AbstractRobustConnection,
)

from asyncevents_svc.catalogue.patterns import NAME_RE
from asyncevents_svc.settings import BrokerSettings
from asyncevents_svc.textchecks import json_without_nul

log = structlog.get_logger(__name__)
READY_KEY = "event.ready"


@dataclass
class Topology:
    exchange: AbstractExchange
    events: AbstractQueue
    magento: AbstractQueue | None


async def declare(channel: AbstractChannel, settings: BrokerSettings) -> Topology:
    """Declare exchanges, queues and bindings; safe to repeat."""
    exchange = await channel.declare_exchange(settings.exchange, aio_pika.ExchangeType.DIRECT, durable=True)
    events = await channel.declare_queue(
        settings.events_queue, durable=True, arguments={"x-queue-type": "quorum"}
    )
    await events.bind(exchange, READY_KEY)
    magento = None
    if settings.consume_magento:
        magento_exchange = await channel.declare_exchange(
            settings.magento_exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        magento = await channel.declare_queue(settings.magento_queue, durable=True)
        await magento.bind(magento_exchange, settings.magento_routing_key)
    return Topology(exchange, events, magento)


async def connect(url: str, *, timeout: float) -> AbstractRobustConnection:
    """``aio_pika.connect_robust``, except that a connect cancelled or failed half-way closes
    what it had opened (see :func:`open_or_close`)."""
    connection = aio_pika.RobustConnection(yarl.URL(url))
    await open_or_close(connection, timeout=timeout)
    return connection


async def open_or_close(connection: AbstractConnection, *, timeout: float) -> None:
    """Connect ``connection``; if that fails or is cancelled half-way, close what it opened.

    ``aio_pika.connect`` and ``connect_robust`` would leave such a connection, with its
    reader, writer and heartbeat tasks, running with no owner."""
    try:
        await connection.connect(timeout=timeout)
    except BaseException:
        with contextlib.suppress(Exception):
            await connection.close()
        raise


def ready_message(event_ids: list[uuid.UUID]) -> aio_pika.Message:
    """One hint for the events committed together: their ids, one per line.

    One message per batch, not per event: a publish costs the API's event loop several
    turns (the channel serialises writes), which under load delayed hints by hundreds of
    milliseconds when every event had its own."""
    return aio_pika.Message(
        "\n".join(str(i) for i in event_ids).encode(),
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=str(event_ids[0]),
        content_type="text/plain",
    )


def parse_ready_body(body: bytes) -> list[uuid.UUID]:
    """The event ids of a hint; ValueError if any line is not a UUID."""
    return [uuid.UUID(line) for line in body.decode("ascii").split("\n") if line]


class MagentoMessageError(ValueError):
    """The body is not the module's ``[name, json-arguments, store?]`` array."""


@dataclass(frozen=True)
class MagentoMessage:
    event_name: str
    arguments: dict[str, Any]
    store_id: int


def parse_magento_body(body: bytes) -> MagentoMessage:
    """Parse ``["sales.order.created", "{\\"id\\":42}", "1"?]`` (arguments may also be an object)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MagentoMessageError(f"body is not JSON: {exc}") from exc
    if not isinstance(data, list) or not 2 <= len(data) <= 3 or not isinstance(data[0], str):
        raise MagentoMessageError("body must be a JSON array [event_name, arguments_json, store_id?]")
    name, raw_args = data[0], data[1]
    if len(name) > 255 or not NAME_RE.match(name):
        raise MagentoMessageError(f"event name {name[:100]!r} is not a valid name ([a-zA-Z0-9._-]+)")
    if isinstance(raw_args, str):
        try:
            raw_args = orjson.loads(raw_args) if raw_args.strip() else {}
        except orjson.JSONDecodeError as exc:
            raise MagentoMessageError(f"arguments are not JSON: {exc}") from exc
    if isinstance(raw_args, list) and not raw_args:
        raw_args = {}  # PHP serialises an empty array as []
    if not isinstance(raw_args, dict):
        raise MagentoMessageError("arguments must be a JSON object of named arguments")
    try:
        json_without_nul(raw_args)
    except ValueError as exc:
        raise MagentoMessageError(f"arguments {exc}") from exc
    store_id = 0
    if len(data) == 3 and data[2] not in (None, ""):
        raw = data[2]
        if isinstance(raw, int) and not isinstance(raw, bool):
            store_id = raw
        elif isinstance(raw, str) and raw.isascii() and raw.lstrip("-").isdigit():
            store_id = int(raw)
        else:
            raise MagentoMessageError(f"store id {raw!r} is not an integer")
        if store_id < 0:
            raise MagentoMessageError("store id must not be negative")
    return MagentoMessage(name, raw_args, store_id)


class AmqpPublisher:
    """Publishes "event ready" hints in the background, so ingest never waits on the broker.

    Ids queue in memory and a task publishes them with confirms. If the broker is down the
    ids wait (up to ``max_pending``, then are dropped: the events are committed, and the
    worker's sweep dispatches them anyway).
    """

    def __init__(self, url: str, settings: BrokerSettings, *, max_pending: int = 100_000) -> None:
        self.url = url
        self.settings = settings
        self._pending: asyncio.Queue[uuid.UUID] = asyncio.Queue(max_pending)
        self._task: asyncio.Task[None] | None = None
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None
        self._in_flight = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="amqp-publisher")

    async def publish_ready(self, event_ids: list[uuid.UUID]) -> None:
        for event_id in event_ids:
            try:
                self._pending.put_nowait(event_id)
            except asyncio.QueueFull:
                log.warning("publish_buffer_full", event_id=str(event_id))
                return

    def problem(self) -> str | None:
        """Why the broker cannot take hints now (for ``/health/ready``), or None."""
        if self._connection is None:
            return "not connected to the broker"
        if not self._connection.connected.is_set():
            return "broker connection lost; reconnecting"
        return None

    async def _connect(self) -> AbstractExchange:
        if self._exchange is None:
            self._connection = await connect(self.url, timeout=5)
            channel = await self._connection.channel(publisher_confirms=True)
            self._exchange = (await declare(channel, self.settings)).exchange
        return self._exchange

    async def _next_batch(self, timeout: float | None) -> list[uuid.UUID]:
        """Up to 500 queued ids; [] if none arrived within ``timeout`` seconds."""
        try:
            async with asyncio.timeout(timeout):
                batch = [await self._pending.get()]
        except TimeoutError:
            return []
        while not self._pending.empty() and len(batch) < 500:
            batch.append(self._pending.get_nowait())
        return batch

    async def _run(self) -> None:
        """Connect at once (so readiness tells the truth before the first event), then publish.

        While disconnected it retries with back-off even when idle; a failed batch is kept
        and published again after the reconnect (a hint sent twice is harmless)."""
        backoff = 0.5
        batch: list[uuid.UUID] = []
        while True:
            if not batch:
                batch = await self._next_batch(None if self._exchange is not None else backoff)
            self._in_flight = len(batch)
            try:
                exchange = await self._connect()
                if batch:
                    await exchange.publish(ready_message(batch), READY_KEY, timeout=10)
                batch = []
                self._in_flight = 0
                backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("publish_failed", error=f"{type(exc).__name__}: {exc}", count=len(batch))
                await self._reset()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _reset(self) -> None:
        connection, self._connection, self._exchange = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()

    async def flush(self, timeout: float = 5.0) -> None:
        """Wait (bounded) until every queued id has been handed to the broker."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while not self._pending.empty() or self._in_flight:
                    await asyncio.sleep(0.01)

    async def close(self) -> None:
        await self.flush()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._reset()
