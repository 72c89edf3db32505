"""One slow endpoint holds only its own slots: per-subscription in-flight limits and turns."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx

from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import most_in_flight, subscribe
from tests.support.receiver import Receiver

EVENTS = 10


async def publish_many(api: httpx.AsyncClient, n: int) -> None:
    events = [{"event_name": "sales.order.created", "arguments": {"id": i}} for i in range(n)]
    response = await api.post("/v1/events/batch", json={"events": events})
    assert response.json()["accepted"] == n, response.text


async def test_a_slow_subscriber_does_not_hold_up_a_fast_one(
    api: httpx.AsyncClient, receiver: Receiver, start_worker: Callable[..., Awaitable[Worker]]
) -> None:
    # Four slots in all, two per subscription: without the per-subscription limit the slow
    # endpoint's sends (1 s each) would fill every slot and the fast one would wait behind them.
    worker = await start_worker(worker={"max_in_flight": 4, "max_in_flight_per_subscription": 2})
    slow = await subscribe(api, f"{receiver.url}/slow/1.0")
    await subscribe(api, f"{receiver.url}/ok")
    async with most_in_flight(worker.dispatcher, slow["subscription_id"]) as most:
        started = time.monotonic()
        await publish_many(api, EVENTS)
        fast = await receiver.wait_for(EVENTS, path="/ok", timeout=5)
        fast_done = max(r.at for r in fast) - started
        slow_by_then = len(receiver.on("/slow/1.0"))
        # The rest of the slow deliveries: two at a time, the overflow picked up again from
        # the database by the scheduler once this worker's line for them has drained.
        slow_received = await receiver.wait_for(EVENTS, path="/slow/1.0", timeout=30)

    assert fast_done < 1.5, f"the fast subscriber waited {fast_done:.2f} s behind the slow one"
    assert slow_by_then <= 4
    assert most == [2]
    assert len({r.headers["webhook-id"] for r in slow_received}) == EVENTS
    # The positive control: one more event, published now, reaches the slow subscriber
    # inside the window in which a duplicate would have.
    window = time.monotonic()
    await publish_many(api, 1)
    await receiver.wait_for(EVENTS + 1, path="/slow/1.0", timeout=5)
    await asyncio.sleep(max(0.0, 1.2 - (time.monotonic() - window)))  # any duplicate would be here
    slow_all = receiver.on("/slow/1.0")
    assert len(slow_all) == EVENTS + 1, "a released delivery was sent twice"
    assert len({r.headers["webhook-id"] for r in slow_all}) == EVENTS + 1


async def test_backed_up_subscriptions_are_left_to_other_workers(
    api: httpx.AsyncClient, receiver: Receiver, start_worker: Callable[..., Awaitable[Worker]]
) -> None:
    """Deliveries beyond a full line go back to the database, and the scheduler of a worker
    whose line for that subscription is not empty does not claim them."""
    worker = await start_worker(worker={"max_in_flight": 8, "max_in_flight_per_subscription": 1})
    slow = await subscribe(api, f"{receiver.url}/slow/2.0")
    await publish_many(api, 6)
    await receiver.wait_for(1, path="/slow/2.0", timeout=5)
    await asyncio.sleep(0.3)  # the overflow's leases are released
    sub_id = slow["subscription_id"]
    assert worker.dispatcher.backed_up() == [sub_id]
    skipping = (await worker.scheduler.claim_due(100, skip=[sub_id])).jobs
    claimed = (await worker.scheduler.claim_due(100)).jobs
    await worker.dispatcher.release([job.delivery_id for job in skipping + claimed])
    assert [job for job in skipping if job.subscription_id == sub_id] == []
    mine = [job for job in claimed if job.subscription_id == sub_id]
    assert len(mine) == 4, "one running, one waiting, four released to the database"


async def test_a_job_is_sent_at_once_even_when_the_timeout_is_as_long_as_the_lease(
    api: httpx.AsyncClient, receiver: Receiver, start_worker: Callable[..., Awaitable[Worker]]
) -> None:
    # Waiting jobs whose lease is nearly over are given back; a job just claimed never is.
    await start_worker(worker={"lease_seconds": 10.0}, http={"timeout": 10.0})
    await subscribe(api, f"{receiver.url}/ok")
    await publish_many(api, 3)
    await receiver.wait_for(3, path="/ok", timeout=5)
