"""Consuming the database queue: workers claim accepted events straight from the table.

A claim sets a lease under ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers
share the table; on SQLite there is one worker. The loop claims ``prefetch`` events at a
time while there is room in the dispatcher, fans them out together and hands the jobs over;
between claims it waits for a wake-up (an ingest in this process, or PostgreSQL's NOTIFY via
:func:`asyncevents_svc.messaging.dbqueue.listen`) or ``queue_poll_interval``, whichever
comes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.lease import Lease
from asyncevents_svc.events import repository as events
from asyncevents_svc.messaging.dbqueue import listen
from asyncevents_svc.settings import WorkerSettings
from asyncevents_svc.subscriptions.fanout import FanOut
from asyncevents_svc.worker.dispatcher import Dispatcher

log = structlog.get_logger(__name__)


class DbQueueConsumer:
    """Polls the events table and dispatches what it claims, ``prefetch`` at a time."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: SessionFactory,
        settings: WorkerSettings,
        fan_out: FanOut,
        dispatcher: Dispatcher,
        wakeup: asyncio.Event | None = None,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.settings = settings
        self.fan_out = fan_out
        self.dispatcher = dispatcher
        self.wakeup = wakeup or asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="db-queue")
        if self.engine.dialect.name == "postgresql":
            self._listener = asyncio.create_task(self._listen(), name="db-queue-listen")

    async def _listen(self) -> None:
        """LISTEN for ingest's NOTIFY and wake the poll loop at once; polling stays the
        fallback (a lost notification only costs ``queue_poll_interval``)."""
        while not self._stop.is_set():
            try:
                await listen(self.engine, self.wakeup.set, self._stop)
            except Exception as exc:
                log.warning("db_queue_listen_failed", error=f"{type(exc).__name__}: {exc}")
            if not self._stop.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(1.0):
                        await self._stop.wait()

    async def _loop(self) -> None:
        settings = self.settings
        lease = Lease(settings.lease_seconds)
        while not self._stop.is_set():
            claimed: list[uuid.UUID] = []
            # Cleared before the claim: a wake-up that arrives during it is kept for the wait.
            self.wakeup.clear()
            try:
                await self.dispatcher.wait_for_capacity()
                claimed = await events.claim(self.sessions, lease, older_than=0, limit=settings.prefetch)
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
            self.dispatcher.submit(await self.fan_out.fan_out(claimed))
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
