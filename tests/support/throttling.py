"""A loopback receiver that throttles: ``429`` to every request beyond ``limit`` at once
(``POST /busy``), or ``429`` with ``Retry-After`` to the first request only (``POST /once``).

Each request is kept with its ``webhook-id``, its answer and when it arrived, and the most
requests in progress at once is tracked (of those answered 200).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

from tests.support.loopback import on_loopback


@dataclass
class Answered:
    webhook_id: str
    status: int
    at: float


@dataclass
class Throttling:
    limit: int
    seconds: float = 0.05  # how long a request it takes is held
    retry_after: int = 2  # what /once asks for
    url: str = ""
    answered: list[Answered] = field(default_factory=list)
    now: int = 0  # requests in progress
    most: int = 0  # the most in progress at once (the ones taken)

    @property
    def refused(self) -> int:
        return sum(1 for a in self.answered if a.status == 429)

    def delivered(self) -> Counter[str]:
        """How many times each webhook-id was taken (200)."""
        return Counter(a.webhook_id for a in self.answered if a.status == 200)

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        webhook_id = request.headers.get("webhook-id", "")
        at = time.monotonic()
        if request.path == "/once" and not self.answered:
            self.answered.append(Answered(webhook_id, 429, at))
            return web.Response(status=429, headers={"Retry-After": str(self.retry_after)}, text="slow down")
        if self.now >= self.limit:
            self.answered.append(Answered(webhook_id, 429, at))
            return web.Response(status=429, text="too many")
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(self.seconds)
        finally:
            self.now -= 1
        self.answered.append(Answered(webhook_id, 200, at))
        return web.Response(text="ok")

    async def until_delivered(self, n: int, timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while len(self.delivered()) < n:
                await asyncio.sleep(0.05)


@asynccontextmanager
async def serve_throttling(limit: int, *, retry_after: int = 2) -> AsyncIterator[Throttling]:
    receiver = Throttling(limit, retry_after=retry_after)
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", receiver.handle)
    async with on_loopback(app) as receiver.url:
        yield receiver
