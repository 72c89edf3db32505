"""The two sweepers that make a dead process's work come back.

* An event committed at ingest whose "ready" hint never reached a worker (the API died
  between commit and publish, or the broker lost it) is dispatched by the scheduler once it
  is ``worker.sweep_after`` seconds old.
* A delivery leased by a worker that died stays untouched while its lease runs, and is sent
  again, with the same ``webhook-id``, once the lease has expired.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from asyncevents_svc.db.models import Delivery
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import event_when, eventually, subscribe
from tests.support.receiver import Receiver
from tests.support.rows import stored_delivery, stored_event

StartWorker = Callable[..., Awaitable[Worker]]


async def committed_without_hint(runtime: Runtime, seq: int) -> uuid.UUID:
    """What ingest leaves behind when the process dies right after its commit."""
    return await stored_event(runtime, arguments={"seq": seq})


@pytest.mark.rabbitmq  # on the database queue, claiming from the table is the normal path
async def test_an_event_whose_hint_was_lost_is_dispatched_by_the_sweep(
    api: httpx.AsyncClient, runtime: Runtime, receiver: Receiver, start_worker: StartWorker
) -> None:
    await subscribe(api, f"{receiver.url}/ok", event="example.ping")
    event_id = await committed_without_hint(runtime, seq=1)
    committed = time.monotonic()
    await start_worker(worker={"sweep_after": 2.0, "poll_interval": 0.2})
    [request] = await receiver.wait_for(1, timeout=15)
    waited = request.at - committed
    assert 2.0 <= waited < 6.0, f"sweep after {waited:.2f} s, expected 2 s plus a scan"
    assert request.body == b'{"data":{"seq":1}}'
    found = await event_when(
        api, str(event_id), lambda e: [d["status"] for d in e["deliveries"]] == ["delivered"]
    )
    assert found["status"] == "dispatched"


@pytest.mark.rabbitmq
async def test_a_young_event_is_left_to_its_hint(
    api: httpx.AsyncClient, runtime: Runtime, receiver: Receiver, start_worker: StartWorker
) -> None:
    await subscribe(api, f"{receiver.url}/ok", event="example.ping")
    await committed_without_hint(runtime, seq=2)
    # The positive control: an event just as hintless but past sweep_after. Its arrival
    # proves a sweep ran, with the young event in the table, inside the window below.
    await stored_event(runtime, arguments={"seq": 3}, received_at=utcnow() - timedelta(seconds=31))
    started = time.monotonic()
    await start_worker(worker={"sweep_after": 30.0, "poll_interval": 0.2})
    [old] = await receiver.wait_for(1, timeout=10)
    assert old.body == b'{"data":{"seq":3}}'
    await asyncio.sleep(max(0.0, 2.0 - (time.monotonic() - started)))
    assert [r.body for r in receiver.requests] == [b'{"data":{"seq":3}}']


async def leased_delivery(runtime: Runtime, subscription_id: int, lease: float) -> uuid.UUID:
    """A delivery whose first send a worker took, leased for ``lease`` more seconds (negative:
    already expired), as a worker killed in the middle of sending leaves it."""
    now = utcnow()
    event_id = await stored_event(
        runtime, arguments={"lease": lease}, payload={"lease": lease}, status="dispatched", dispatched_at=now
    )
    return await stored_delivery(
        runtime,
        event_id,
        subscription_id=subscription_id,
        next_attempt_at=now,
        locked_until=now + timedelta(seconds=lease),
        created_at=now,
        updated_at=now,
    )


async def delivered(runtime: Runtime, *delivery_ids: uuid.UUID) -> None:
    async def all_delivered() -> bool:
        async with runtime.sessions() as session:
            rows = (await session.execute(select(Delivery.id, Delivery.status))).all()
        return {delivery_id: status for delivery_id, status in rows} == dict.fromkeys(
            delivery_ids, "delivered"
        )

    await eventually(all_delivered)


async def test_a_delivery_whose_lease_expired_is_sent_again(
    api: httpx.AsyncClient, runtime: Runtime, receiver: Receiver, start_worker: StartWorker
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ok", event="example.ping")
    expired = await leased_delivery(runtime, sub["subscription_id"], lease=-1.0)
    leased_at = time.monotonic()
    await start_worker(worker={"poll_interval": 0.2})
    [first] = await receiver.wait_for(1, timeout=10)
    assert first.headers["webhook-id"] == str(expired)
    assert first.at - leased_at < 2.0, "an expired lease is taken at the next scan"
    await delivered(runtime, expired)


@pytest.mark.postgres  # on SQLite one worker runs, and its start frees every lease at once
async def test_a_live_lease_is_respected_until_it_runs_out(
    api: httpx.AsyncClient, runtime: Runtime, receiver: Receiver, start_worker: StartWorker
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ok", event="example.ping")
    live = await leased_delivery(runtime, sub["subscription_id"], lease=4.0)
    leased_at = time.monotonic()
    await start_worker(worker={"poll_interval": 0.2})
    [request] = await receiver.wait_for(1, timeout=15)
    assert request.headers["webhook-id"] == str(live)
    assert request.at - leased_at >= 4.0, "another worker's lease is left alone until it expires"
    await delivered(runtime, live)
