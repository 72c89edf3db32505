"""A loopback receiver for the fault suite: it counts every ``webhook-id`` it answers and
can go away (connection refused) or answer slowly on demand.

Unlike ``tests/support/receiver.py`` it keeps only what the tally needs (no bodies), so it keeps up
with thousands of requests a second.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field

import orjson
from aiohttp import web


@dataclass
class Tally:
    """What arrived: per ``webhook-id`` how often, per (path, seq) when first."""

    arrivals: Counter[str] = field(default_factory=Counter)
    first_seen: dict[tuple[str, int], float] = field(default_factory=dict)
    webhook_ids: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    # The ordered subscriber's: the highest seq seen per (key, batch), and the first
    # arrivals of a lower one (events of one request are accepted in seq order).
    highest: dict[tuple[int, int], int] = field(default_factory=dict)
    out_of_order: list[tuple[int, int, int]] = field(default_factory=list)

    def add(self, path: str, seq: int, webhook_id: str) -> None:
        self.arrivals[webhook_id] += 1
        self.first_seen.setdefault((path, seq), time.monotonic())
        self.webhook_ids.setdefault((path, seq), set()).add(webhook_id)

    def add_ordered(self, key: int, batch: int, seq: int, first: bool) -> None:
        """An arrival at the ordered subscriber; ``first``: the first of its seq."""
        top = self.highest.get((key, batch), -1)
        if first and seq < top:
            self.out_of_order.append((key, seq, top))
        self.highest[(key, batch)] = max(top, seq)


ORDERED = "/d"  # the ordered subscriber's path (scenario.py subscribes it with ordering fifo)


class FaultyReceiver:
    """``POST /<name>`` answers 200 and records the delivery; see :meth:`down` and ``slow``."""

    def __init__(self) -> None:
        self.tally = Tally()
        self.port = 0
        self.slow_every = 0  # every n-th request waits slow_seconds first (0: none)
        self.slow_seconds = 5.0
        self._counter = itertools.count(1)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.slow_every and next(self._counter) % self.slow_every == 0:
            await asyncio.sleep(self.slow_seconds)
        data = orjson.loads(body)["data"]
        seq = int(data["seq"])
        first = (request.path, seq) not in self.tally.first_seen
        self.tally.add(request.path, seq, request.headers["webhook-id"])
        if request.path == ORDERED:
            self.tally.add_ordered(int(data["key"]), int(data["batch"]), seq, first)
        return web.Response(text="ok")

    async def up(self) -> None:
        """Listen (again, on the same port after :meth:`down`)."""
        app = web.Application()
        app.router.add_post("/{name}", self.handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        if not self.port:
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def down(self) -> None:
        """Close the listener and every open connection: senders get "connection refused"."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
