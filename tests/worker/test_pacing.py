"""A backlog is paced by how late the worker's event loop runs, so that fresh events keep
their latency while it drains; due work slows down but never stops."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from asyncevents_svc.worker.looplag import LoopLag
from asyncevents_svc.worker.runner import Worker

StartWorker = Callable[..., Awaitable[Worker]]


async def test_the_loop_lag_shows_a_busy_loop_and_falls_back_when_it_is_free() -> None:
    lag = LoopLag()
    lag.start()
    try:
        for _ in range(10):  # callbacks that hold the loop 50 ms each
            time.sleep(0.05)
            await asyncio.sleep(0)
        busy = lag.seconds
        await asyncio.sleep(0.5)
        free = lag.seconds
    finally:
        await lag.stop()
    assert busy > 0.02, f"a loop held 50 ms at a time looked {busy * 1000:.1f} ms late"
    assert free < 0.005, f"an idle loop still looked {free * 1000:.1f} ms late"


async def stopped_at(worker: Worker, lag: float) -> None:
    """The worker's loop-lag reading held at ``lag`` (its sampler stopped)."""
    await worker.scheduler.loop_lag.stop()
    worker.scheduler.loop_lag.seconds = lag


async def test_a_claim_waits_while_the_loop_is_late_but_at_most_half_the_scan(
    start_worker: StartWorker,
) -> None:
    worker = await start_worker(worker={"backlog_loop_lag": 0.02, "poll_interval": 1.0})
    await stopped_at(worker, 0.5)

    started = time.monotonic()
    await worker.scheduler.paced(deadline=started + 1.0)
    waited = time.monotonic() - started

    assert 0.45 <= waited < 0.7, f"waited {waited:.2f} s of a 1 s scan"


async def test_a_claim_goes_at_once_when_the_loop_is_on_time_or_pacing_is_off(
    start_worker: StartWorker,
) -> None:
    on_time = await start_worker(worker={"backlog_loop_lag": 0.02})
    await stopped_at(on_time, 0.001)
    off = await start_worker(worker={"backlog_loop_lag": 0})
    await stopped_at(off, 0.5)

    for worker in (on_time, off):
        started = time.monotonic()
        await worker.scheduler.paced(deadline=started + 1.0)
        assert time.monotonic() - started < 0.05
