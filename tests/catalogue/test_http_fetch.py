"""``asyncevents.http_fetch`` end to end: a placeholder value is one path segment, checked at
ingest; the fetch passes the SSRF guard with its own allow-list, in a real worker against a
real loopback upstream.

Each test writes a catalogue whose one event fetches from the upstream's port, and runs the
API (and a worker) on it with the suite's settings otherwise — env "test", recipients'
allow-list ``127.0.0.1/32`` — so the recipients' allow-list is shown not to open fetches.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from asyncevents_svc.app import create_app
from asyncevents_svc.messaging.dbqueue import LocalPublisher
from asyncevents_svc.runtime import Runtime, build_runtime
from asyncevents_svc.settings import Settings
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import event_when
from tests.support.loopback import on_loopback
from tests.support.rows import count_events

EVENT = "catalog.product.fetched"
HINT = "allow-list it with ASYNCEVENTS_SECURITY__FETCH_ALLOWLIST"


@dataclass
class Upstream:
    """The internal service a fetch template points at; records every raw path it is asked."""

    base: str = ""
    paths: list[str] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.paths.append(request.raw_path)
        return web.json_response({"sku": request.match_info["id"], "source": "upstream"})


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    server = Upstream()
    app = web.Application()
    app.router.add_get("/api/products/{id}", server.handle)
    async with on_loopback(app) as base:
        server.base = base
        yield server


def catalogue(folder: Path, url_template: str) -> Path:
    path = folder / "fetch-events.xml"
    path.write_text(
        f"""<?xml version="1.0"?>
<config>
    <async_event name="{EVENT}">
        <service class="asyncevents.http_fetch" method="get" url="{url_template}"/>
    </async_event>
</config>
""",
        encoding="utf-8",
    )
    return path


@asynccontextmanager
async def fetching_service(
    settings: Settings,
    headers: dict[str, str],
    events_file: Path,
    *,
    worker: bool = True,
    env: str | None = None,
    **security: Any,
) -> AsyncIterator[httpx.AsyncClient]:
    """The API on ``events_file`` (and a worker in this loop), ``security`` changed."""
    update: dict[str, Any] = {
        "events_file": [events_file],
        "security": settings.security.model_copy(update=security),
    }
    if env is not None:
        update["env"] = env
    changed = settings.model_copy(update=update)
    runtime = build_runtime(changed)
    if changed.broker_url is None:
        runtime.publisher = LocalPublisher()  # as in `serve`: ingest wakes the worker at once
    app = create_app(changed, runtime)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://api.test", headers=headers
        ) as api,
    ):
        running = Worker(runtime) if worker else None
        if running is not None:
            await running.start()
        try:
            yield api
        finally:
            if running is not None:
                await running.stop()


def settled(event: dict[str, Any]) -> bool:
    return event["status"] in ("dispatched", "failed")


@pytest.mark.parametrize("value", ["..", ".", "%2e%2e", "%2E."])
async def test_an_id_that_is_not_one_path_segment_is_refused_at_ingest(
    settings: Settings,
    runtime: Runtime,
    admin_headers: dict[str, str],
    upstream: Upstream,
    tmp_path: Path,
    value: str,
) -> None:
    events_file = catalogue(tmp_path, upstream.base + "/api/products/{id}")
    async with fetching_service(settings, admin_headers, events_file, worker=False) as api:
        single = await api.post("/v1/events", json={"event_name": EVENT, "arguments": {"id": value}})
        batch = await api.post(
            "/v1/events/batch", json={"events": [{"event_name": EVENT, "arguments": {"id": value}}]}
        )

    assert single.status_code == 422, single.text
    assert single.headers["content-type"] == "application/problem+json"
    [error] = single.json()["errors"]
    assert error["loc"] == "arguments.id"
    assert "'.' or '..'" in error["msg"]
    [item] = batch.json()["results"]
    assert item["status"] == 422
    assert item["error"]["errors"][0]["loc"] == "arguments.id"
    assert await count_events(runtime) == 0
    assert upstream.paths == []


@pytest.mark.parametrize(
    ("host", "allow", "refusal"),
    [
        ("127.0.0.1", "127.0.0.1/32", "refused: fetch address 127.0.0.1 is loopback"),
        ("localhost", "localhost", "refused: fetch host localhost resolves to 127.0.0.1, which is loopback"),
    ],
)
async def test_a_loopback_fetch_needs_the_fetch_allow_list_outside_development(
    settings: Settings,
    runtime: Runtime,
    admin_headers: dict[str, str],
    upstream: Upstream,
    tmp_path: Path,
    host: str,
    allow: str,
    refusal: str,
) -> None:
    base = upstream.base.replace("127.0.0.1", host)
    # Credentials in the template must never show in an event's error.
    events_file = catalogue(tmp_path, base.replace("http://", "http://svc:s3cr3t@") + "/api/products/{id}")
    publish = {"event_name": EVENT, "arguments": {"id": "SKU-1"}}

    async with fetching_service(settings, admin_headers, events_file, fetch_allowlist=[]) as api:
        accepted = (await api.post("/v1/events", json=publish)).json()
        refused = await event_when(api, accepted["id"], settled)

    assert refused["status"] == "failed"
    assert refused["error"].startswith(f"GET {base}/api/products/SKU-1 {refusal}")
    assert refused["error"].endswith(HINT)
    assert "s3cr3t" not in refused["error"]
    assert upstream.paths == []

    async with fetching_service(settings, admin_headers, events_file, fetch_allowlist=[allow]) as api:
        accepted = (await api.post("/v1/events", json=publish)).json()
        fetched = await event_when(api, accepted["id"], settled)

    assert (fetched["status"], fetched["error"]) == ("dispatched", None)
    assert fetched["payload"] == {"sku": "SKU-1", "source": "upstream"}
    assert upstream.paths == ["/api/products/SKU-1"]

    # Development exempts loopback (only loopback) for fetches as it does for recipients.
    async with fetching_service(
        settings, admin_headers, events_file, env="development", fetch_allowlist=[]
    ) as api:
        accepted = (await api.post("/v1/events", json=publish)).json()
        developed = await event_when(api, accepted["id"], settled)

    assert developed["status"] == "dispatched"
    assert upstream.paths == ["/api/products/SKU-1"] * 2


def test_a_malformed_fetch_allow_list_stops_start_up(settings: Settings) -> None:
    bad = settings.model_copy(
        update={"security": settings.security.model_copy(update={"fetch_allowlist": ["10.0.0.0/33"]})}
    )

    refusal = re.escape("fetch_allowlist entry '10.0.0.0/33' is not a valid CIDR")
    with pytest.raises(ValueError, match=refusal):
        build_runtime(bad)
