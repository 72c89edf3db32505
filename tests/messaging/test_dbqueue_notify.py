"""On PostgreSQL, the database queue does not wait for its poll: ingest NOTIFYs, workers LISTEN."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from asyncevents_svc.events.service import prepare
from asyncevents_svc.runtime import build_runtime
from asyncevents_svc.settings import Settings
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import subscribe
from tests.support.receiver import Receiver


@pytest.mark.postgres
@pytest.mark.worker
async def test_an_ingest_wakes_a_database_queue_worker_long_before_its_poll(
    api: httpx.AsyncClient, settings: Settings, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/ok", event="example.ping")
    slow_poll = settings.worker.model_copy(update={"queue_poll_interval": 30.0, "sweep_after": 30.0})
    dbqueue = settings.model_copy(update={"broker_url": None, "worker": slow_poll})
    runtime = build_runtime(dbqueue)  # an API and a worker process of their own, as in production
    worker = Worker(runtime)
    await worker.start()
    try:
        await asyncio.sleep(1.0)  # the worker's first poll has run; now it waits up to 30 s
        published = time.monotonic()
        new = prepare(
            runtime.catalogue, name="example.ping", arguments={"n": 1}, store_id=0, key=None, scope="test"
        )
        await runtime.ingest.store([new])
        [request] = await receiver.wait_for(1, timeout=10)
        assert request.at - published < 2.0, "woken by the NOTIFY, not by the 30 s poll"
    finally:
        await worker.stop()
        await runtime.close()
