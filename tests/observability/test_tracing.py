"""OpenTelemetry: with tracing on, one trace follows an event from the request that accepted
it, through the worker's payload resolution, to each attempt (a retry included), exported
over OTLP/HTTP to a collector on loopback; log lines inside a span carry its trace id.
Tracing is off by default and then costs no SDK at all."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from asyncevents_svc.app import create_app
from asyncevents_svc.messaging.dbqueue import LocalPublisher
from asyncevents_svc.observability.tracing import Tracing, add_trace_ids
from asyncevents_svc.runtime import Runtime, build_runtime
from asyncevents_svc.settings import Settings, TracingSettings
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import eventually, subscribe
from tests.support.loopback import on_loopback
from tests.support.receiver import Receiver


@dataclass
class Collector:
    """An OTLP/HTTP trace receiver: keeps every span posted to /v1/traces."""

    url: str = ""
    spans: list[Span] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        export = ExportTraceServiceRequest.FromString(await request.read())
        for resource in export.resource_spans:
            for scope in resource.scope_spans:
                self.spans.extend(scope.spans)
        return web.Response(body=b"", content_type="application/x-protobuf")


@pytest.fixture
async def collector() -> AsyncIterator[Collector]:
    found = Collector()
    app = web.Application()
    app.router.add_post("/v1/traces", found.handle)
    async with on_loopback(app) as base:
        found.url = f"{base}/v1/traces"
        yield found


def attribute(span: Span, name: str) -> object:
    for kv in span.attributes:
        if kv.key == name:
            value = kv.value
            return value.string_value or value.int_value or value.bool_value
    return None


@pytest.fixture
async def traced(
    settings: Settings, runtime: Runtime, admin_headers: dict[str, str], collector: Collector
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    """The API and a worker in this loop, with tracing on and exporting to ``collector``."""
    on = settings.model_copy(update={"tracing": TracingSettings(enabled=True, endpoint=collector.url)})
    rt = build_runtime(on)
    if on.broker_url is None:
        rt.publisher = LocalPublisher()
    app = create_app(on, rt)
    worker = Worker(rt)
    async with app.router.lifespan_context(app):
        await worker.start()
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://t.test", headers=admin_headers
            ) as api:
                yield api, rt
        finally:
            await worker.stop()


@pytest.mark.worker
async def test_one_trace_follows_an_event_from_ingest_through_resolution_to_each_attempt(
    traced: tuple[httpx.AsyncClient, Runtime], receiver: Receiver, collector: Collector
) -> None:
    api, rt = traced
    sub = await subscribe(api, f"{receiver.url}/flaky/1", "example.ping", retry_schedule=[0.2])
    accepted = await api.post("/v1/events", json={"event_name": "example.ping", "arguments": {"n": 1}})
    event_id = accepted.json()["id"]
    await receiver.wait_for(2)

    async def delivered() -> bool:
        found = await api.get("/v1/deliveries", params={"subscription_id": sub["subscription_id"]})
        return bool(found.json()["items"][0]["status"] == "delivered")

    await eventually(delivered)
    assert await asyncio.to_thread(rt.tracing.flush)

    by_name: dict[str, list[Span]] = {}
    for span in collector.spans:
        by_name.setdefault(span.name, []).append(span)
    [ingest] = by_name["ingest"]
    [resolve] = by_name["resolve"]
    attempts = sorted(by_name["attempt"], key=lambda s: str(attribute(s, "delivery.attempt")))
    assert len(attempts) == 2
    assert {s.trace_id for s in (ingest, resolve, *attempts)} == {ingest.trace_id}
    assert resolve.parent_span_id == ingest.span_id
    assert all(a.parent_span_id == ingest.span_id for a in attempts)
    assert attribute(ingest, "event.id") == event_id
    assert [attribute(a, "delivery.attempt") for a in attempts] == [1, 2]
    assert [attribute(a, "http.response.status_code") for a in attempts] == [500, 200]
    assert attempts[0].status.code == attempts[0].status.STATUS_CODE_ERROR
    assert attempts[1].status.code != attempts[1].status.STATUS_CODE_ERROR


async def test_a_log_line_inside_a_span_carries_its_trace_id(collector: Collector) -> None:
    tracing = Tracing(TracingSettings(enabled=True, endpoint=collector.url))
    with tracing.span("work") as span:
        line = add_trace_ids(None, "info", {"event": "attempt"})
        expected = format(span.get_span_context().trace_id, "032x")
    await tracing.close()
    assert line["trace_id"] == expected
    assert [s.name for s in collector.spans] == ["work"]
    assert add_trace_ids(None, "info", {"event": "outside"}) == {"event": "outside"}


def test_tracing_is_off_by_default_and_records_nothing() -> None:
    tracing = Tracing(Settings().tracing)
    assert not tracing.enabled
    with tracing.span("work") as span:
        assert not span.get_span_context().is_valid
        assert tracing.traceparent() is None
