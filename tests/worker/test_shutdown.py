"""A worker stopped with SIGTERM in the middle of a burst loses nothing."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings
from tests.support import processes
from tests.support.helpers import subscribe
from tests.support.receiver import Receiver

BURST = 500


@pytest.mark.worker  # starts a worker process
@pytest.mark.slow
async def test_sigterm_during_a_burst_then_restart_delivers_every_event(
    api: httpx.AsyncClient, runtime: Runtime, settings: Settings, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/slow/0.3")
    # 16 sends at once: the burst takes about 10 s, longer than the 5 s shutdown grace, so
    # SIGTERM lands inside it and the grace ends with sends still queued or in flight.
    narrow = settings.model_copy(update={"worker": settings.worker.model_copy(update={"max_in_flight": 16})})
    worker = processes.start("worker", narrow)
    try:
        for start in range(0, BURST, 250):
            events = [
                {"event_name": "sales.order.created", "arguments": {"id": n}}
                for n in range(start, start + 250)
            ]
            response = await api.post("/v1/events/batch", json={"events": events})
            assert response.json()["accepted"] == 250

        await receiver.wait_for(50, timeout=30)
        exit_code = await asyncio.to_thread(processes.terminate, worker)
        assert exit_code == 0, processes.log_of("worker", settings).read_text()
        received_before_restart = len({r.headers["webhook-id"] for r in receiver.requests})
        assert received_before_restart < BURST, "the burst finished before SIGTERM; the test proves nothing"

        worker = processes.start("worker", narrow)

        async def all_arrived() -> bool:
            ids = {r.body for r in receiver.requests}
            return len(ids) >= BURST

        async with asyncio.timeout(90):
            while not await all_arrived():
                await asyncio.sleep(0.2)
        bodies = {r.body for r in receiver.requests}
        assert len(bodies) == BURST
    finally:
        await asyncio.to_thread(processes.terminate, worker)
