"""Prometheus metrics: one registry per process, owned by its :class:`~asyncevents_svc.runtime.Runtime`.

What the process itself counts (the API: events accepted; a worker: events whose payload
could not be resolved, attempts, deliveries finished, sends in flight) is kept in memory;
what the database knows (work waiting, dead deliveries, scheduler lag) is read when scraped,
at most every few seconds, so every process reports the same truth about the backlog. Those
counts are exact up to 10,000 and PostgreSQL's estimate above (``db/counting.py``;
``asyncevents_count_estimated`` says which), so a scrape costs the same on a full database.
Event-name labels take only names from the catalogue (an accepted event's name), so the
number of series stays bounded whatever callers send.

The API serves ``GET /metrics`` (scope ``metrics:read``); a worker process serves its own on
``WORKER__METRICS_PORT`` (see :mod:`asyncevents_svc.observability.server`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest
from sqlalchemy import func, select

from asyncevents_svc.db.counting import CAP as COUNT_CAP
from asyncevents_svc.db.counting import Tally, tally
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.models import Delivery, Event, due_for_sending, waiting_for_fan_out
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.status import OPEN, DeliveryStatus
from asyncevents_svc.events.status import EventStatus

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DATABASE_READ_EVERY = 5.0  # seconds: scrapes in between reuse the last reading (tests set 0)
ATTEMPT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The service's metrics in a registry of their own (no global state: tests build many)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)  # resident memory, CPU seconds, open files
        self.events_accepted = Counter(
            "asyncevents_events_accepted",
            "Events accepted (stored), by event name.",
            ["event_name"],
            registry=r,
        )
        self.events_failed = Counter(
            "asyncevents_events_failed",
            "Events whose payload could not be resolved (status failed), by event name.",
            ["event_name"],
            registry=r,
        )
        self.attempts = Counter(
            "asyncevents_attempts",
            "Attempts sent, by notifier and result (success or failure).",
            ["notifier", "result"],
            registry=r,
        )
        self.deliveries = Counter(
            "asyncevents_deliveries",
            "Deliveries after an attempt, by notifier and outcome (delivered, retrying, dead, expired; "
            "expired also counts those ended at claim time, without an attempt).",
            ["notifier", "outcome"],
            registry=r,
        )
        self.attempt_seconds = Histogram(
            "asyncevents_attempt_duration_seconds",
            "How long one attempt took, by notifier.",
            ["notifier"],
            buckets=ATTEMPT_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge("asyncevents_sends_in_flight", "Sends in flight in this worker.", registry=r)
        self.backlog = Gauge(
            "asyncevents_dispatcher_backlog",
            "Deliveries this worker holds, sending or waiting for a slot.",
            registry=r,
        )
        self.loop_lag = Gauge(
            "asyncevents_event_loop_lag_seconds",
            "How late this worker's event loop runs (smoothed): how long ready work waits its turn.",
            registry=r,
        )
        self.waiting = Gauge(
            "asyncevents_deliveries_waiting",
            "Deliveries not finished yet (database), by status (pending, retrying).",
            ["status"],
            registry=r,
        )
        self.events_waiting = Gauge(
            "asyncevents_events_waiting", "Events accepted but not fanned out yet (database).", registry=r
        )
        self.dead = Gauge("asyncevents_deliveries_dead", "Dead deliveries kept (database).", registry=r)
        self.scheduler_lag = Gauge(
            "asyncevents_scheduler_lag_seconds",
            "How long the oldest due work has waited to be taken (database).",
            registry=r,
        )
        self.estimated = Gauge(
            "asyncevents_count_estimated",
            "1 where a database count above is PostgreSQL's estimate (over "
            f"{COUNT_CAP:,} rows, not counted one by one), else 0.",
            ["count"],
            registry=r,
        )
        self._database_read_at = 0.0
        self.database_read_every = DATABASE_READ_EVERY

    def watch_loop(self, lag: Callable[[], float]) -> None:
        """Read the worker's event-loop lag when scraped."""
        self.loop_lag.set_function(lag)

    def watch_dispatcher(self, in_flight: Callable[[], float], backlog: Callable[[], float]) -> None:
        """Read the worker's own gauges from its dispatcher when scraped."""
        self.in_flight.set_function(in_flight)
        self.backlog.set_function(backlog)

    async def read_database(self, sessions: SessionFactory) -> None:
        """Refresh the backlog gauges from the database (at most every few seconds)."""
        if time.monotonic() - self._database_read_at < self.database_read_every:
            return
        now = utcnow()
        async with sessions() as session:
            by_status = {
                status: await tally(session, select(Delivery.id).where(Delivery.status == status))
                for status in (*OPEN, DeliveryStatus.DEAD)
            }
            events_waiting = await tally(
                session, select(Event.id).where(Event.status == EventStatus.ACCEPTED)
            )
            due = await session.scalar(select(func.min(Delivery.next_attempt_at)).where(due_for_sending(now)))
            unfanned = await session.scalar(
                select(func.min(Event.received_at)).where(waiting_for_fan_out(now))
            )
        for status in OPEN:
            self._set(self.waiting.labels(status), f"deliveries_{status}", by_status[status])
        self._set(self.dead, "deliveries_dead", by_status[DeliveryStatus.DEAD])
        self._set(self.events_waiting, "events_waiting", events_waiting)
        oldest = min((t for t in (due, unfanned) if t is not None), default=None)
        self.scheduler_lag.set(max(0.0, (now - oldest) / timedelta(seconds=1)) if oldest else 0.0)
        self._database_read_at = time.monotonic()

    def _set(self, gauge: Gauge, name: str, count: Tally) -> None:
        gauge.set(count.value)
        self.estimated.labels(name).set(1 if count.estimated else 0)

    async def exposition(self, sessions: SessionFactory) -> bytes:
        """The text format Prometheus scrapes."""
        await self.read_database(sessions)
        return generate_latest(self.registry)
