"""The loop the worker's periodic parts (scheduler, maintenance) share."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)


async def every(
    interval: float, tick: Callable[[], Awaitable[bool | None]], stop: asyncio.Event, failure: str
) -> None:
    """Run ``tick``, then wait ``interval`` seconds or until ``stop`` is set, until it is.

    A tick that returns ``True`` left work it could have done now (a backlog): the next one
    runs at once, without the wait. A failing tick is logged as ``failure`` and the next one
    runs on time: one bad scan (a database outage, say) must not end the loop."""
    while not stop.is_set():
        try:
            if await tick():
                await asyncio.sleep(0)  # let the rest of the loop run between busy ticks
                continue
        except Exception as exc:
            log.warning(failure, error=f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(interval):
                await stop.wait()
