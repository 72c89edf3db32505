"""The RabbitMQ consumer: "event ready" hints and Magento publisher messages.

Acknowledgement policy: a message is acked only after the transaction that records its
effect has committed (the fan-out for a hint, the event row for a Magento message). A
failure before that nacks with requeue after a short pause, so nothing is dropped while
the database is away. Prefetch bounds how many messages are handled at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import structlog
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)

from asyncevents_svc.batching import take_whole
from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.outage import is_cancelled, is_outage
from asyncevents_svc.errors import AppError
from asyncevents_svc.events import idempotency
from asyncevents_svc.events import service as ingest
from asyncevents_svc.events.status import EventStatus
from asyncevents_svc.messaging.amqp import (
    MagentoMessage,
    MagentoMessageError,
    connect,
    declare,
    parse_magento_body,
    parse_ready_body,
)
from asyncevents_svc.observability.metrics import Metrics
from asyncevents_svc.settings import BrokerSettings
from asyncevents_svc.subscriptions.fanout import FanOut
from asyncevents_svc.worker.dispatcher import Dispatcher

log = structlog.get_logger(__name__)
MAX_BATCH = 500  # events fanned out in one transaction


def _failed(parsed: MagentoMessage, key: str | None, error: str) -> ingest.NewEvent:
    """A Magento message that cannot be an event, kept as a failed one (visible through the
    API) rather than dropped; with its key, so that its redelivery is not kept twice."""
    name, arguments, store_id = parsed.event_name, parsed.arguments, parsed.store_id
    return ingest.NewEvent(
        uuid.uuid4(),
        name[:255],
        arguments,
        store_id,
        ingest.claim(key, scope=idempotency.MAGENTO, name=name, store_id=store_id, arguments=arguments),
        source="amqp",
        status=EventStatus.FAILED,
        error=error,
    )


class AmqpConsumer:
    def __init__(
        self,
        url: str,
        broker: BrokerSettings,
        *,
        prefetch: int,
        sessions: SessionFactory,
        catalogue: Catalogue,
        metrics: Metrics,
        fan_out: FanOut,
        dispatcher: Dispatcher,
    ) -> None:
        self.url = url
        self.broker = broker
        self.prefetch = prefetch  # worker.prefetch: messages handled at once
        self.sessions = sessions
        self.catalogue = catalogue
        self.metrics = metrics
        self.fan_out = fan_out
        self.dispatcher = dispatcher
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._consumers: list[tuple[AbstractQueue, str]] = []
        self._handling: set[asyncio.Task[None]] = set()
        self._waiting: list[tuple[list[uuid.UUID], asyncio.Future[bool]]] = []
        self._arrived = asyncio.Event()
        self._batcher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._batcher = asyncio.create_task(self._fan_out_batches(), name="fan-out")
        self._connection = await connect(self.url, timeout=10)
        self._channel = await self._connection.channel()
        await self._channel.set_qos(prefetch_count=self.prefetch)
        topology = await declare(self._channel, self.broker)
        tag = await topology.events.consume(self._on_ready)
        self._consumers.append((topology.events, tag))
        if topology.magento is not None:
            tag = await topology.magento.consume(self._on_magento)
            self._consumers.append((topology.magento, tag))

    def _track(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handling.add(task)
            task.add_done_callback(self._handling.discard)

    async def _on_ready(self, message: AbstractIncomingMessage) -> None:
        """A hint: wait for the batch it joins to commit its fan-out, then ack (or requeue)."""
        self._track()
        try:
            event_ids = parse_ready_body(message.body)
        except (ValueError, UnicodeDecodeError):
            log.error("bad_ready_message", body=message.body[:200].decode(errors="replace"))
            await message.reject(requeue=False)
            return
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((event_ids, done))
        self._arrived.set()
        if await done:
            await message.ack()
        else:
            await asyncio.sleep(1.0)
            await message.nack(requeue=True)

    async def _fan_out_batches(self) -> None:
        """Fan out whatever hints arrived together in one go: a burst costs a few
        transactions, and a lone hint is not delayed."""
        while True:
            await self._arrived.wait()
            self._arrived.clear()
            while self._waiting:
                await self.dispatcher.wait_for_capacity()
                batch = take_whole(self._waiting, MAX_BATCH)  # whole hints
                try:
                    jobs = await self.fan_out.fan_out([i for event_ids, _ in batch for i in event_ids])
                except Exception as exc:
                    log.warning("dispatch_failed", events=len(batch), error=f"{type(exc).__name__}: {exc}")
                    for _, done in batch:
                        done.set_result(False)
                    continue
                for _, done in batch:
                    done.set_result(True)
                self.dispatcher.submit(jobs)

    async def _on_magento(self, message: AbstractIncomingMessage) -> None:
        """A Magento ``publish('event.trigger', [name, json])``: ingest it like ``POST /v1/events``."""
        self._track()
        try:
            parsed = parse_magento_body(message.body)
        except MagentoMessageError as exc:
            log.error(
                "magento_message_rejected",
                reason=str(exc),
                body=message.body[:500].decode(errors="replace"),
            )
            await message.reject(requeue=False)
            return
        # The message id is the key, in Magento's own scope: no API caller can take it.
        key = idempotency.magento_key(message.message_id)
        try:
            new = ingest.prepare(
                self.catalogue,
                name=parsed.event_name,
                arguments=parsed.arguments,
                store_id=parsed.store_id,
                key=key,
                scope=idempotency.MAGENTO,
                source="amqp",
            )
        except AppError as exc:
            log.warning("magento_event_invalid", event_name=parsed.event_name, error=exc.detail)
            new = _failed(parsed, key, exc.detail)
        await self.dispatcher.wait_for_capacity()
        try:
            async with self.sessions() as session:
                [result] = await ingest.store(session, [new])
                if isinstance(result, ingest.KeyConflict):
                    # Not a redelivery: another message reused the id. Kept, not dropped.
                    log.warning("magento_message_id_reused", message_id=message.message_id)
                    new = _failed(parsed, None, "message_id already used for a different event")
                    [result] = await ingest.store(session, [new])
                await session.commit()
        except Exception as exc:
            if is_outage(exc) or is_cancelled(exc):
                log.warning("magento_ingest_failed", error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(1.0)
                await message.nack(requeue=True)
                return
            # Not an outage: this message cannot be stored as it is, and would fail the same
            # way on every redelivery. Keep what can be kept, as a failed event with the reason.
            log.error("magento_message_unstorable", error=f"{type(exc).__name__}: {exc}")
            stored = await self._keep_unstorable(message, parsed, f"cannot be stored: {type(exc).__name__}")
            if stored is not None:
                await message.ack()
            return
        assert isinstance(result, ingest.StoredEvent)  # an event without a key cannot conflict
        stored = result
        await message.ack()
        if stored.duplicate or new.status != EventStatus.ACCEPTED:
            return
        self.metrics.events_accepted.labels(stored.name).inc()
        try:
            self.dispatcher.submit(await self.fan_out.fan_out([stored.id]))
        except Exception as exc:  # committed: the scheduler's sweep dispatches it later
            log.warning("dispatch_failed", event_id=str(stored.id), error=f"{type(exc).__name__}: {exc}")

    async def _keep_unstorable(
        self, message: AbstractIncomingMessage, parsed: MagentoMessage, error: str
    ) -> ingest.StoredEvent | None:
        """Store a message that failed to store as a ``failed`` event with only its name (no
        arguments, key or store id: one of them was what the database refused); on another
        failure, requeue it (an outage) or, failing for good, reject it."""
        name = parsed.event_name.replace("\x00", "\ufffd")[:255]
        new = _failed(MagentoMessage(name, {}, 0), None, f"message {error}")
        try:
            async with self.sessions() as session:
                [result] = await ingest.store(session, [new])
                await session.commit()
        except Exception as exc:
            if is_outage(exc) or is_cancelled(exc):
                await asyncio.sleep(1.0)
                await message.nack(requeue=True)
            else:
                log.error(
                    "magento_message_rejected",
                    reason=f"cannot be stored: {type(exc).__name__}",
                    body=message.body[:500].decode(errors="replace"),
                )
                await message.reject(requeue=False)
            return None
        assert isinstance(result, ingest.StoredEvent)  # no key: no conflict
        return result

    async def stop_intake(self) -> None:
        """Stop receiving new messages; unacked ones go back to the queue on close."""
        for queue, tag in self._consumers:
            try:
                await queue.cancel(tag)
            except Exception as exc:
                log.warning("cancel_consumer_failed", error=str(exc))
        self._consumers.clear()

    async def drain(self, timeout: float) -> None:
        if self._handling:
            await asyncio.wait(list(self._handling), timeout=timeout)

    async def close(self) -> None:
        if self._batcher is not None:
            self._batcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._batcher
        for _, done in self._waiting:  # their messages return to the queue with the connection
            done.cancel()
        self._waiting.clear()
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
