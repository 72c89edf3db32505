"""Readiness names the dependency that is down, and how long work has waited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

from asyncevents_svc.app import create_app
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings
from tests.support.backend import BACKEND
from tests.support.helpers import eventually
from tests.support.rows import stored_event


async def client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as client,
    ):
        yield client


async def old_event(runtime: Runtime, age: float) -> None:
    """An accepted event nobody has fanned out for ``age`` seconds."""
    await stored_event(runtime, received_at=utcnow() - timedelta(seconds=age))


async def test_ready_lists_every_check(anonymous: httpx.AsyncClient) -> None:
    # The broker connection is opened at start-up, before any event needs it.
    async def ready() -> bool:
        return (await anonymous.get("/health/ready")).status_code == 200

    await eventually(ready, timeout=10)
    body = (await anonymous.get("/health/ready")).json()
    expected_broker = "ok" if BACKEND == "postgres-rabbitmq" else "not used (database queue)"
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "broker": expected_broker, "scheduler": "ok"},
        "scheduler_lag_seconds": 0.0,
    }


async def test_work_waiting_too_long_makes_the_service_unready(
    anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    await old_event(runtime, age=400)  # more than worker.max_lag (300 s)
    response = await anonymous.get("/health/ready")
    assert response.json()["checks"]["database"] == "ok"
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["scheduler"].startswith("work has waited 400 s (more than 300 s)")
    assert 399 < body["scheduler_lag_seconds"] < 410


async def test_lag_below_the_limit_is_reported_but_ready(
    anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    await old_event(runtime, age=30)
    body = (await anonymous.get("/health/ready")).json()
    assert body["checks"]["scheduler"] == "ok"
    assert 29 < body["scheduler_lag_seconds"] < 40


async def test_a_database_that_does_not_answer_is_named(settings: Settings) -> None:
    gone = settings.model_copy(
        update={"database_url": "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere", "broker_url": None}
    )
    async for client in client_for(gone):
        response = await client.get("/health/ready")
        assert response.status_code == 503
        body = response.json()
        assert body["checks"]["database"].startswith("unavailable (")
        assert body["checks"]["scheduler"] == "unknown (no database)"
        assert body["scheduler_lag_seconds"] is None
        # Every other route says 503 problem+json too, never 500.
        refused = await client.post(
            "/v1/events",
            json={"event_name": "example.ping", "arguments": {}},
            headers={"Authorization": "Bearer ae_0123456789ab_" + "x" * 43},
        )
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"].endswith("/unavailable")


@pytest.mark.rabbitmq
async def test_a_broker_that_does_not_answer_is_named(settings: Settings) -> None:
    gone = settings.model_copy(update={"broker_url": SecretStr("amqp://guest:guest@127.0.0.1:1/")})
    async for client in client_for(gone):
        response = await client.get("/health/ready")
        assert response.status_code == 503
        assert response.json()["checks"]["broker"] in (
            "not connected to the broker",
            "broker connection lost; reconnecting",
        )
        assert response.json()["checks"]["database"] == "ok"
