"""A real HTTP receiver on loopback that records every webhook it gets.

Behaviour per path: ``/ok`` answers 200 at once; ``/slow/<seconds>`` waits then 200;
``/status/<code>`` answers that code; ``/retry-after/<seconds>`` answers 503 with that
``Retry-After``; ``/flaky/<n>`` answers 500 to its first ``n`` requests, then 200;
``/redirect/<url>`` answers 302 to ``<url>``; ``/echo`` answers 200 with the body it got (an
endpoint that echoes a verification challenge).
Each request is kept with its headers, body and the time it arrived, and waiters can
block until N requests have arrived.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

from tests.support.loopback import on_loopback


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    url: str = ""
    requests: list[Received] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def on(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    def clear(self) -> None:
        self.requests.clear()

    async def wait_for(self, count: int, path: str | None = None, timeout: float = 15.0) -> list[Received]:
        """Wait until ``count`` requests (to ``path``, if given) have arrived."""

        def matching() -> list[Received]:
            return self.requests if path is None else self.on(path)

        async with asyncio.timeout(timeout):
            async with self._changed:
                await self._changed.wait_for(lambda: len(matching()) >= count)
        return matching()

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.requests.append(Received(request.path, headers, body, time.monotonic()))
        async with self._changed:
            self._changed.notify_all()
        parts = request.path.strip("/").split("/")
        if parts[0] == "slow":
            await asyncio.sleep(float(parts[1]))
        if parts[0] == "status":
            return web.Response(status=int(parts[1]), text=f"answered {parts[1]}")
        if parts[0] == "retry-after":
            return web.Response(status=503, headers={"Retry-After": parts[1]}, text="busy")
        if parts[0] == "redirect":
            raise web.HTTPFound(request.path.split("/", 2)[2])
        if parts[0] == "echo":
            return web.Response(body=body, content_type="application/json")
        if parts[0] == "flaky" and len(self.on(request.path)) <= int(parts[1]):
            return web.Response(status=500, text="flaky")
        return web.Response(text="ok")


@asynccontextmanager
async def serve_receiver() -> AsyncIterator[Receiver]:
    """A :class:`Receiver` on loopback while the block runs."""
    receiver = Receiver()
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", receiver.handle)
    async with on_loopback(app) as receiver.url:
        yield receiver
