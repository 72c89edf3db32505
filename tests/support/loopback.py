"""Serving a test's own aiohttp app on loopback: the webhook receiver, upstreams that
``http_fetch`` calls, the OTLP collector, the PutEvents proxy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web


@asynccontextmanager
async def on_loopback(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1 while the block runs; yields its base URL.

    Port 0, read back once bound: a port picked free beforehand can be taken by a parallel
    run before we bind it."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()
