"""Adaptive pacing end to end (both transports): a receiver that answers 429 beyond a few
requests at once, and one that asks for a pause with ``Retry-After``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest

from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import subscribe
from tests.support.throttling import serve_throttling

StartWorker = Callable[..., Awaitable[Worker]]
K = 4  # what the receiver takes at once
CONFIGURED = 16  # the subscription's max_in_flight
EVENTS = 150
FAST_RETRY = [0.3]  # with 50 retries: a refused delivery is soon back


async def publish_many(api: httpx.AsyncClient, first: int, n: int) -> None:
    events = [{"event_name": "sales.order.created", "arguments": {"id": i}} for i in range(first, first + n)]
    response = await api.post("/v1/events/batch", json={"events": events})
    assert response.json()["accepted"] == n, response.text


async def test_the_limit_settles_near_what_the_endpoint_takes_and_everything_is_delivered(
    api: httpx.AsyncClient, start_worker: StartWorker
) -> None:
    worker = await start_worker(worker={"adaptive_pacing": True})
    async with serve_throttling(K) as receiver:
        sub = await subscribe(
            api, f"{receiver.url}/busy", max_in_flight=CONFIGURED, retry_schedule=FAST_RETRY, max_retries=50
        )
        sub_id = sub["subscription_id"]
        limits: list[int] = []

        async def watch() -> None:
            while True:
                if worker.dispatcher.in_flight(sub_id):
                    limits.append(worker.dispatcher.limit_of(sub_id))
                await asyncio.sleep(0.01)

        watching = asyncio.create_task(watch())
        try:
            await publish_many(api, 0, EVENTS)
            await receiver.until_delivered(EVENTS, timeout=60)
        finally:
            watching.cancel()

    delivered = receiver.delivered()
    assert len(delivered) == EVENTS, "a delivery was lost"
    assert set(delivered.values()) == {1}, "a delivery was taken twice"
    settled = limits[len(limits) // 4 :]  # after the first cuts
    mean = sum(settled) / len(settled)
    assert 1 <= mean <= K + 2, f"the limit averaged {mean:.1f} against an endpoint taking {K}"
    # Against a fixed limit of 16 about three sends in four are refused, again and again.
    assert receiver.refused < EVENTS / 2, f"{receiver.refused} 429s for {EVENTS} deliveries"


async def test_a_429_with_retry_after_pauses_the_subscriptions_other_sends(
    api: httpx.AsyncClient, start_worker: StartWorker
) -> None:
    await start_worker(worker={"adaptive_pacing": True})
    async with serve_throttling(100, retry_after=2) as receiver:
        await subscribe(
            api, f"{receiver.url}/once", max_in_flight=4, retry_schedule=FAST_RETRY, max_retries=50
        )
        await publish_many(api, 0, 1)
        async with asyncio.timeout(15):
            while not receiver.answered:
                await asyncio.sleep(0.01)
        refused_at = receiver.answered[0].at
        await asyncio.sleep(0.2)  # the 429 is back at the worker
        await publish_many(api, 1, 5)
        published_at = time.monotonic()
        await receiver.until_delivered(6, timeout=30)

    later = [a for a in receiver.answered[1:]]
    first_after = min(a.at for a in later)
    assert first_after - refused_at >= 1.6, (
        f"a send went {first_after - refused_at:.2f} s after a 429 asking for 2 s"
        f" ({first_after - published_at:.2f} s after its publish)"
    )
    assert first_after - refused_at < 8, "the pause lasted far longer than asked"
    delivered = receiver.delivered()
    assert len(delivered) == 6
    assert set(delivered.values()) == {1}
    assert receiver.refused == 1, "a held delivery was sent during the pause"


async def attempt_texts(api: httpx.AsyncClient, delivery_id: str) -> list[str | None]:
    """The response text of each attempt in the delivery's trace."""
    response = await api.get(f"/v1/deliveries/{delivery_id}")
    assert response.status_code == 200, response.text
    return [attempt["response"] for attempt in response.json()["attempts"]]


@pytest.mark.parametrize("adaptive", [True, False], ids=["adaptive", "fixed"])
async def test_the_trace_says_when_a_retry_after_paused_the_subscription(
    api: httpx.AsyncClient, start_worker: StartWorker, adaptive: bool
) -> None:
    await start_worker(worker={"adaptive_pacing": adaptive})
    async with serve_throttling(100, retry_after=1) as receiver:
        await subscribe(
            api, f"{receiver.url}/once", max_in_flight=4, retry_schedule=FAST_RETRY, max_retries=50
        )
        await publish_many(api, 0, 1)
        await receiver.until_delivered(1, timeout=30)
    refused_id = receiver.answered[0].webhook_id

    async with asyncio.timeout(10):  # the recorder writes in batches, just after the send
        while len(texts := await attempt_texts(api, refused_id)) < 2:
            await asyncio.sleep(0.05)

    paused, delivered = texts
    if adaptive:
        assert paused == "subscription paused 1 s by Retry-After; slow down"
    else:
        assert paused == "slow down", "no pause without adaptive pacing, so no note"
    assert delivered == "ok"
