"""The worker process: consumer + dispatcher + scheduler, with a clean shutdown.

On SIGTERM or SIGINT: stop taking messages, let in-flight handling and sends finish within
``worker.shutdown_grace`` seconds, cancel what is left (its leases are released, so the
next worker re-sends it at once), write every recorded attempt, then close connections.
Unacknowledged broker messages return to their queue; nothing accepted is lost.
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from typing import Protocol

import structlog
from sqlalchemy import update

from asyncevents_svc.catalogue.fetch import FetchClient
from asyncevents_svc.catalogue.services import ResolveContext
from asyncevents_svc.db.models import Delivery, Event
from asyncevents_svc.messaging.dbqueue import DbQueueConsumer, LocalPublisher
from asyncevents_svc.observability.server import start_metrics_server
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.consumer import AmqpConsumer
from asyncevents_svc.worker.dispatcher import Dispatcher
from asyncevents_svc.worker.fanout import dispatch_events
from asyncevents_svc.worker.maintenance import Maintenance
from asyncevents_svc.worker.recorder import AttemptRecorder
from asyncevents_svc.worker.scheduler import Scheduler

log = structlog.get_logger(__name__)


class Consumer(Protocol):
    """Where new events come from: RabbitMQ or the database queue."""

    async def start(self) -> None: ...
    async def stop_intake(self) -> None: ...
    async def drain(self, timeout: float) -> None: ...
    async def close(self) -> None: ...


class Worker:
    """All worker parts of one process."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        settings = runtime.settings
        self.http = FetchClient(runtime.fetch_policy, settings.http)  # payload fetches, SSRF-guarded
        ctx = ResolveContext(http=self.http)
        self.recorder = AttemptRecorder(runtime)
        self.dispatcher = Dispatcher(runtime, self.recorder)
        runtime.metrics.watch_dispatcher(lambda: self.dispatcher.sending, lambda: self.dispatcher.backlog)
        self.recorder.on_published = self._dispatch_now
        self._ctx = ctx
        self.scheduler = Scheduler(runtime, self.dispatcher, ctx)
        self.maintenance = Maintenance(runtime)
        self.consumer: Consumer
        if settings.broker_url is not None:
            self.consumer = AmqpConsumer(
                runtime, settings.broker_url.get_secret_value(), self.dispatcher, ctx
            )
        else:
            publisher = runtime.publisher
            wakeup = publisher.ready if isinstance(publisher, LocalPublisher) else None
            self.consumer = DbQueueConsumer(runtime, self.dispatcher, ctx, wakeup)

    async def start(self) -> None:
        if self.runtime.settings.embedded:
            await self.release_leases()
        await self.runtime.notifiers.start()
        self.recorder.start()
        await self.consumer.start()
        self.scheduler.start()
        self.maintenance.start()
        transport = "amqp" if isinstance(self.consumer, AmqpConsumer) else "database"
        log.info("worker_started", transport=transport)

    async def _dispatch_now(self, event_ids: list[uuid.UUID]) -> None:
        """Fan out events this worker stored itself (``subscription.disabled``)."""
        self.dispatcher.submit(await dispatch_events(self.runtime, event_ids, self._ctx))

    async def release_leases(self) -> None:
        """On SQLite only one worker runs, so leases left behind are a dead process's: free them
        now rather than waiting ``lease_seconds`` for them to expire."""
        async with self.runtime.sessions() as session, session.begin():
            await session.execute(
                update(Delivery).values(locked_until=None).where(Delivery.locked_until.is_not(None))
            )
            await session.execute(
                update(Event).values(locked_until=None).where(Event.locked_until.is_not(None))
            )

    async def stop(self) -> None:
        grace = self.runtime.settings.worker.shutdown_grace
        deadline = time.monotonic() + grace
        log.info("worker_stopping", grace_seconds=grace)
        await self.consumer.stop_intake()
        await self.scheduler.stop()
        await self.maintenance.stop()
        await self.consumer.drain(max(0.0, deadline - time.monotonic()))
        await self.dispatcher.drain(max(0.0, deadline - time.monotonic()))
        await self.recorder.close(timeout=max(5.0, deadline - time.monotonic()))
        await self.consumer.close()
        await self.http.close()
        await self.runtime.notifiers.close()
        log.info("worker_stopped")


async def run_worker(runtime: Runtime, stop: asyncio.Event | None = None) -> None:
    """Run until ``stop`` is set or the process gets SIGTERM/SIGINT."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    worker = Worker(runtime)
    metrics = None
    try:
        await worker.start()
        metrics = await start_metrics_server(runtime)
        await stop.wait()
        await worker.stop()
    finally:
        if metrics is not None:
            await metrics.cleanup()
        await runtime.close()
