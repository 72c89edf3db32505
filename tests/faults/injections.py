"""The faults, one function each. Each returns when the fault is over (the process was
restarted, the dependency answers again); what it observes meanwhile goes to ``fault.seen``."""

from __future__ import annotations

import asyncio
import time

import httpx

from tests.faults import dependencies
from tests.faults.scenario import Fault
from tests.support.cluster import ADMIN_KEY


async def worker_sigkill(fault: Fault) -> None:
    """SIGKILL one of the two workers mid-load; start a new one 5 s later."""
    fault.cluster.kill_worker(0)
    await asyncio.sleep(5.0)
    fault.cluster.start_worker()


async def api_sigkill(fault: Fault) -> None:
    """SIGKILL the API while batches are in flight; restart it 2 s later."""
    fault.cluster.kill_api()
    await asyncio.sleep(2.0)
    fault.cluster.start_api()
    await fault.cluster.until_ready()


async def ready_body(fault: Fault) -> tuple[int, dict[str, object]]:
    async with httpx.AsyncClient(base_url=fault.cluster.base_url, timeout=5) as client:
        response = await client.get("/health/ready")
    return response.status_code, response.json()


async def observe_unready(fault: Fault, check: str, seconds: float) -> None:
    """For ``seconds``, record what ``/health/ready`` says about ``check``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, body = await ready_body(fault)
        checks = body["checks"]
        assert isinstance(checks, dict)
        fault.seen.append(f"ready {status}: {check}={checks[check]}")
        await asyncio.sleep(1.0)


async def rabbitmq_restart(fault: Fault) -> None:
    """``rabbitmqctl stop_app``, 5 s down, ``start_app``; ingest must keep answering 202."""
    await dependencies.rabbitmq_stop()
    try:
        await observe_unready(fault, "broker", 5.0)
    finally:
        await dependencies.rabbitmq_start()


async def postgres_restart(fault: Fault) -> None:
    """Stop PostgreSQL for about 5 s; the API must answer 503 problem+json meanwhile."""
    await dependencies.postgres_stop()
    try:
        async with httpx.AsyncClient(
            base_url=fault.cluster.base_url, timeout=5, headers={"Authorization": f"Bearer {ADMIN_KEY}"}
        ) as client:
            response = await client.post("/v1/events", json={"event_name": "example.ping", "arguments": {}})
            fault.seen.append(
                f"POST /v1/events {response.status_code} {response.headers.get('content-type')}"
            )
        await observe_unready(fault, "database", 4.0)
    finally:
        await dependencies.postgres_start()


async def receiver_down(fault: Fault) -> None:
    """The receiver refuses connections for 20 s, then comes back on the same port."""
    await fault.receiver.down()
    await asyncio.sleep(20.0)
    await fault.receiver.up()


async def receiver_slow(fault: Fault) -> None:
    """For 6 s, every third request waits 5 s before its answer."""
    fault.receiver.slow_every = 3
    await asyncio.sleep(6.0)
    fault.receiver.slow_every = 0
