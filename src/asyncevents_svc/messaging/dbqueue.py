"""The database queue: workers claim accepted events straight from the ``events`` table.

Used when ``ASYNCEVENTS_BROKER_URL`` is unset (as Magento offers "RabbitMQ or DB queues").
A claim sets a lease (``locked_until``) under ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
several workers share the table; on SQLite there is one worker. The same claim serves the
RabbitMQ transport's sweep for events whose hint was lost. In ``serve`` the API wakes the
worker up directly; on PostgreSQL, ingest NOTIFYs and the workers LISTEN, so delivery
does not wait for the next poll there either.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import timedelta

import structlog
from sqlalchemy import select, update

from asyncevents_svc.catalogue.services import ResolveContext
from asyncevents_svc.db.models import Event, waiting_for_fan_out
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.runtime import READY_CHANNEL, Runtime
from asyncevents_svc.worker.dispatcher import Dispatcher
from asyncevents_svc.worker.fanout import dispatch_events

log = structlog.get_logger(__name__)


async def claim_events(runtime: Runtime, *, older_than: float, limit: int) -> list[uuid.UUID]:
    """Lease up to ``limit`` accepted events received at least ``older_than`` seconds ago."""
    now = utcnow()
    due = (
        select(Event.id)
        .where(waiting_for_fan_out(now), Event.received_at <= now - timedelta(seconds=older_than))
        .order_by(Event.received_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    lease = now + timedelta(seconds=runtime.settings.worker.lease_seconds)
    async with runtime.sessions() as session, session.begin():
        claimed = await session.scalars(
            update(Event)
            .where(Event.id.in_(due.scalar_subquery()))
            .values(locked_until=lease)
            .returning(Event.id)
            .execution_options(synchronize_session=False)
        )
        return list(claimed)


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


class DbQueueConsumer:
    """Polls the events table and dispatches what it claims, ``prefetch`` at a time."""

    def __init__(
        self,
        runtime: Runtime,
        dispatcher: Dispatcher,
        ctx: ResolveContext,
        wakeup: asyncio.Event | None = None,
    ) -> None:
        self.runtime = runtime
        self.dispatcher = dispatcher
        self.ctx = ctx
        self.wakeup = wakeup or asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="db-queue")
        if self.runtime.engine.dialect.name == "postgresql":
            self._listener = asyncio.create_task(self._listen(), name="db-queue-listen")

    async def _listen(self) -> None:
        """LISTEN for ingest's NOTIFY and wake the poll loop at once; polling stays the
        fallback (a lost notification only costs ``queue_poll_interval``)."""
        while not self._stop.is_set():
            try:
                await self._listen_once()
            except Exception as exc:
                log.warning("db_queue_listen_failed", error=f"{type(exc).__name__}: {exc}")
            if not self._stop.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(1.0):
                        await self._stop.wait()

    async def _listen_once(self) -> None:
        """Hold one listening connection until stop or until the connection is lost."""
        lost = asyncio.Event()

        def wake(*_: object) -> None:
            self.wakeup.set()

        async with self.runtime.engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None
            await raw.add_listener(READY_CHANNEL, wake)
            raw.add_termination_listener(lambda *_: lost.set())
            waits = [asyncio.ensure_future(self._stop.wait()), asyncio.ensure_future(lost.wait())]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for waiting in waits:
                waiting.cancel()
            if not lost.is_set():
                await raw.remove_listener(READY_CHANNEL, wake)

    async def _loop(self) -> None:
        settings = self.runtime.settings.worker
        while not self._stop.is_set():
            claimed: list[uuid.UUID] = []
            # Cleared before the claim: a wake-up that arrives during it is kept for the wait.
            self.wakeup.clear()
            try:
                await self.dispatcher.wait_for_capacity()
                claimed = await claim_events(self.runtime, older_than=0, limit=settings.prefetch)
                await self._dispatch(claimed)
            except Exception as exc:
                log.warning("db_queue_poll_failed", error=f"{type(exc).__name__}: {exc}")
            if len(claimed) == settings.prefetch or self._stop.is_set():
                continue  # more may be waiting (or stop)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(settings.queue_poll_interval):
                    await self.wakeup.wait()  # set by an ingest in this process, or by stop

    async def _dispatch(self, claimed: list[uuid.UUID]) -> None:
        """Fan the claimed events out together (one transaction for the lot)."""
        try:
            self.dispatcher.submit(await dispatch_events(self.runtime, claimed, self.ctx))
        except Exception as exc:  # the leases expire and the events are claimed again
            log.warning("dispatch_failed", events=len(claimed), error=f"{type(exc).__name__}: {exc}")

    async def stop_intake(self) -> None:
        self._stop.set()
        self.wakeup.set()

    async def drain(self, timeout: float) -> None:
        if self._task is not None:
            await asyncio.wait([self._task], timeout=timeout)

    async def close(self) -> None:
        if self._listener is not None:
            self._stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
