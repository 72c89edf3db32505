"""The database queue's transport: how a worker hears that events are ready.

Used when ``ASYNCEVENTS_BROKER_URL`` is unset (as Magento offers "RabbitMQ or DB queues"):
the events table itself is the queue (the claim is
:func:`asyncevents_svc.events.repository.claim`, the consumer
:mod:`asyncevents_svc.worker.dbqueue`). Polling always works; these only make delivery not
wait for the next poll. In ``serve`` the API wakes the worker directly
(:class:`LocalPublisher`); on PostgreSQL ingest NOTIFYs :data:`READY_CHANNEL` and the
workers LISTEN (:func:`listen`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

#: PostgreSQL channel on which ingest tells database-queue workers that events are ready.
READY_CHANNEL = "asyncevents_ready"


class LocalPublisher:
    """In one process (``serve``): an ingest wakes the database queue up at once."""

    def __init__(self) -> None:
        self.ready = asyncio.Event()

    async def publish_ready(self, event_ids: list[uuid.UUID]) -> None:
        if event_ids:
            self.ready.set()

    def problem(self) -> str | None:
        return None

    async def close(self) -> None:
        return None


async def listen(engine: AsyncEngine, wake: Callable[[], None], stop: asyncio.Event) -> None:
    """Hold one connection LISTENing on :data:`READY_CHANNEL`, calling ``wake`` on each
    notification, until ``stop`` is set or the connection is lost (then it returns, and the
    caller decides whether to listen again)."""
    lost = asyncio.Event()

    def notified(*_: object) -> None:
        wake()

    async with engine.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.add_listener(READY_CHANNEL, notified)
        raw.add_termination_listener(lambda *_: lost.set())
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lost.wait())]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for waiting in waits:
            waiting.cancel()
        if not lost.is_set():
            await raw.remove_listener(READY_CHANNEL, notified)
