"""The worker process: consumer + dispatcher + scheduler, with a clean shutdown.

The one place in the worker that sees the whole :class:`~asyncevents_svc.runtime.Runtime`:
it hands each part only what that part uses.

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
from aiohttp import web

from asyncevents_svc.catalogue.fetch import FetchClient
from asyncevents_svc.catalogue.services import ResolveContext
from asyncevents_svc.db.lease import Lease
from asyncevents_svc.deliveries import repository as deliveries
from asyncevents_svc.events import repository as events
from asyncevents_svc.messaging.dbqueue import LocalPublisher
from asyncevents_svc.observability.server import metrics_app, serve_metrics
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.subscriptions.fanout import FanOut
from asyncevents_svc.worker.consumer import AmqpConsumer
from asyncevents_svc.worker.dbqueue import DbQueueConsumer
from asyncevents_svc.worker.dispatcher import Dispatcher
from asyncevents_svc.worker.maintenance import Maintenance
from asyncevents_svc.worker.ratelimit import RateLimiter
from asyncevents_svc.worker.recorder import AttemptRecorder
from asyncevents_svc.worker.scheduler import Scheduler
from asyncevents_svc.worker.verifier import Verifier

log = structlog.get_logger(__name__)


class Consumer(Protocol):
    """Where new events come from: RabbitMQ or the database queue."""

    async def start(self) -> None: ...
    async def stop_intake(self) -> None: ...
    async def drain(self, timeout: float) -> None: ...
    async def close(self) -> None: ...


def maintenance_for(runtime: Runtime) -> Maintenance:
    """The worker's chores (replay jobs, retention, expired sign-ins) for this runtime."""
    settings = runtime.settings
    return Maintenance(
        runtime.sessions,
        settings.retention,
        poll_interval=settings.worker.poll_interval,
        search_timeout=settings.security.search_timeout,
    )


async def start_metrics_server(runtime: Runtime) -> web.AppRunner | None:
    """The worker's own ``/metrics`` server (None when off or its port is taken)."""
    app = metrics_app(runtime.keys, runtime.metrics, runtime.sessions)
    return await serve_metrics(app, runtime.settings.worker)


class Worker:
    """All worker parts of one process."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        settings = runtime.settings
        self.http = FetchClient(runtime.fetch_policy, settings.http)  # payload fetches, SSRF-guarded
        self.recorder = AttemptRecorder(
            runtime.sessions,
            retry=settings.retry,
            endpoint_health=settings.endpoint_health,
            excerpt_bytes=settings.http.response_excerpt_bytes,
            metrics=runtime.metrics,
            lease=Lease(settings.worker.lease_seconds),
        )
        self.dispatcher = Dispatcher(
            settings.worker,
            self.recorder,
            sessions=runtime.sessions,
            notifiers=runtime.notifiers,
            cipher=runtime.cipher,
            keyring=runtime.keyring,
            limiter=RateLimiter(runtime.sessions, runtime.engine.dialect.name),
            tracing=runtime.tracing,
            default_timeout=settings.http.timeout,
            max_pause=settings.retry.max_retry_after,
        )
        runtime.metrics.watch_dispatcher(lambda: self.dispatcher.sending, lambda: self.dispatcher.backlog)
        self.recorder.on_published = self._dispatch_now
        self.recorder.on_released = self.dispatcher.submit
        self.fan_out = FanOut(
            runtime.sessions,
            runtime.catalogue,
            Lease(settings.worker.lease_seconds),
            ResolveContext(http=self.http),
            tracing=runtime.tracing,
            metrics=runtime.metrics,
        )
        self.scheduler = Scheduler(runtime.sessions, settings.worker, self.dispatcher, self.fan_out)
        runtime.metrics.watch_loop(lambda: self.scheduler.loop_lag.seconds)
        self.maintenance = maintenance_for(runtime)
        self.verifier = Verifier(
            runtime.sessions,
            runtime.notifiers,
            runtime.cipher,
            runtime.keyring,
            settings.security,
            poll_interval=settings.worker.poll_interval,
            lease=Lease(settings.worker.lease_seconds),
        )
        self.consumer: Consumer
        if settings.broker_url is not None:
            self.consumer = AmqpConsumer(
                settings.broker_url.get_secret_value(),
                settings.broker,
                prefetch=settings.worker.prefetch,
                sessions=runtime.sessions,
                catalogue=runtime.catalogue,
                metrics=runtime.metrics,
                fan_out=self.fan_out,
                dispatcher=self.dispatcher,
            )
        else:
            publisher = runtime.publisher
            wakeup = publisher.ready if isinstance(publisher, LocalPublisher) else None
            self.consumer = DbQueueConsumer(
                runtime.engine, runtime.sessions, settings.worker, self.fan_out, self.dispatcher, wakeup
            )

    async def start(self) -> None:
        if self.runtime.settings.embedded:
            await self.release_leases()
        await self.runtime.notifiers.start()
        self.recorder.start()
        await self.consumer.start()
        self.scheduler.start()
        self.maintenance.start()
        self.verifier.start()
        transport = "amqp" if isinstance(self.consumer, AmqpConsumer) else "database"
        log.info("worker_started", transport=transport)

    async def _dispatch_now(self, event_ids: list[uuid.UUID]) -> None:
        """Fan out events this worker stored itself (``subscription.disabled``)."""
        self.dispatcher.submit(await self.fan_out.fan_out(event_ids))

    async def release_leases(self) -> None:
        """On SQLite only one worker runs, so leases left behind are a dead process's: free them
        now rather than waiting ``lease_seconds`` for them to expire."""
        async with self.runtime.sessions() as session, session.begin():
            await deliveries.release_all(session)
            await events.release_all(session)

    async def stop(self) -> None:
        grace = self.runtime.settings.worker.shutdown_grace
        deadline = time.monotonic() + grace
        log.info("worker_stopping", grace_seconds=grace)
        await self.consumer.stop_intake()
        await self.scheduler.stop()
        await self.maintenance.stop()
        await self.verifier.stop()
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
