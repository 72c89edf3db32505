"""Prometheus metrics: ``GET /metrics`` needs the ``metrics:read`` scope, and its counters move
with the work: events accepted and failed by name, attempts and deliveries by notifier and
outcome, the attempt-duration histogram, the backlog read from the database; a worker
process serves the same on its own port."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.runner import Worker, start_metrics_server
from tests.support.helpers import eventually, publish, subscribe
from tests.support.keys import bearer, key_with
from tests.support.receiver import Receiver
from tests.support.serving import free_port

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Samples:
    """Every sample: (name, sorted labels) -> value."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def scrape(api: httpx.AsyncClient) -> Samples:
    response = await api.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return parse(response.text)


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_need_a_key_with_the_metrics_scope(
    anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    assert (await anonymous.get("/metrics")).status_code == 401
    reader = await key_with(runtime, "deliveries:read")
    assert (await anonymous.get("/metrics", headers=bearer(reader))).status_code == 403
    scraper = await key_with(runtime, "metrics:read")
    assert (await anonymous.get("/metrics", headers=bearer(scraper))).status_code == 200


async def test_the_counters_move_with_the_work(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver, runtime: Runtime
) -> None:
    runtime.metrics.database_read_every = 0  # read the backlog on every scrape
    await subscribe(api, f"{receiver.url}/ok", "example.ping")
    await subscribe(api, f"{receiver.url}/status/400", "example.ping")
    before = await scrape(api)

    await publish(api, "example.ping", arguments={"n": 1})
    await publish(api, "broken.event", arguments={"reason": "on purpose"})

    async def counted() -> bool:
        now = await scrape(api)
        return (
            value(now, "asyncevents_deliveries_total", notifier="http", outcome="dead")
            > value(before, "asyncevents_deliveries_total", notifier="http", outcome="dead")
            and value(now, "asyncevents_events_failed_total", event_name="broken.event") > 0
        )

    await eventually(counted)
    after = await scrape(api)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("asyncevents_events_accepted_total", event_name="example.ping") == 1
    assert moved("asyncevents_events_failed_total", event_name="broken.event") == 1
    assert moved("asyncevents_attempts_total", notifier="http", result="success") == 1
    assert moved("asyncevents_attempts_total", notifier="http", result="failure") == 1
    assert moved("asyncevents_deliveries_total", notifier="http", outcome="delivered") == 1
    assert moved("asyncevents_deliveries_total", notifier="http", outcome="dead") == 1
    assert moved("asyncevents_attempt_duration_seconds_count", notifier="http") == 2
    assert value(after, "asyncevents_deliveries_dead") >= 1
    assert value(after, "asyncevents_deliveries_waiting", status="retrying") == 0
    assert value(after, "asyncevents_count_estimated", count="deliveries_dead") == 0  # counted
    assert value(after, "process_resident_memory_bytes") > 0
    assert ("asyncevents_sends_in_flight", ()) in after
    assert ("asyncevents_scheduler_lag_seconds", ()) in after


async def test_a_worker_process_serves_its_own_metrics(
    start_worker: Callable[..., Coroutine[Any, Any, Worker]], runtime: Runtime
) -> None:
    port = free_port()
    worker = await start_worker(worker={"metrics_port": port})
    server = await start_metrics_server(worker.runtime)
    assert server is not None
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.get("/metrics")).status_code == 401
            reader = await key_with(runtime, "deliveries:read")
            assert (await client.get("/metrics", headers=bearer(reader))).status_code == 403
            scraper = await key_with(runtime, "metrics:read")
            response = await client.get("/metrics", headers=bearer(scraper))
    finally:
        await server.cleanup()
    assert response.status_code == 200
    assert ("asyncevents_sends_in_flight", ()) in parse(response.text)


async def test_a_second_worker_on_a_taken_metrics_port_runs_on_without_metrics(
    start_worker: Callable[..., Coroutine[Any, Any, Worker]],
) -> None:
    port = free_port()
    first = await start_worker(worker={"metrics_port": port})
    second = await start_worker(worker={"metrics_port": port})
    serving = await start_metrics_server(first.runtime)
    try:
        assert serving is not None
        assert await start_metrics_server(second.runtime) is None
    finally:
        if serving is not None:
            await serving.cleanup()
