"""How late this worker's event loop runs: the measure the scheduler paces a backlog by.

One event loop carries everything a worker does: the claims, the fan-out of fresh events,
every send and its record. A backlog (a receiver back after a day down) can keep it so busy
that a fresh event for a healthy subscription waits behind hundreds of ready callbacks.
:class:`LoopLag` sleeps a short :data:`INTERVAL` over and over and keeps how much later
than asked it woke (smoothed), which is how long any ready callback now waits its turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

INTERVAL = 0.01  # seconds between samples
SMOOTHING = 0.3  # weight of the newest sample


class LoopLag:
    """The loop's recent lateness in seconds (0 until it runs)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._sample(), name="loop-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _sample(self) -> None:
        while True:
            asked = time.monotonic()
            await asyncio.sleep(INTERVAL)
            late = max(0.0, time.monotonic() - asked - INTERVAL)
            self.seconds = (1 - SMOOTHING) * self.seconds + SMOOTHING * late
