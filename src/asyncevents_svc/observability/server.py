"""A worker process's own ``/metrics`` (the API serves its metrics on its own port).

A small aiohttp server in the worker's event loop on ``WORKER__METRICS_HOST`` /
``WORKER__METRICS_PORT`` (0 turns it off). It asks for the same thing the API does: an API key
with the ``metrics:read`` scope (or ``admin``) as ``Authorization: Bearer <key>``, through the
same verifier, so wrong keys count against the peer's address and a spent budget is a 429.
"""

from __future__ import annotations

import structlog
from aiohttp import web

from asyncevents_svc.auth.keys import KeyVerifier
from asyncevents_svc.auth.scopes import METRICS_READ, allows
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.errors import TooManyRequests
from asyncevents_svc.observability.metrics import CONTENT_TYPE, Metrics
from asyncevents_svc.settings import WorkerSettings

log = structlog.get_logger(__name__)


def metrics_app(keys: KeyVerifier, metrics: Metrics, sessions: SessionFactory) -> web.Application:
    """The ``/metrics`` application: ``keys`` checks the caller, ``sessions`` reads the
    database gauges for the exposition."""

    async def scrape(request: web.Request) -> web.Response:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        try:
            caller = (
                await keys.verify(key.strip(), client=request.remote or "")
                if scheme.lower() == "bearer" and key.strip()
                else None
            )
        except TooManyRequests as refused:
            return web.Response(status=429, text=refused.detail + "\n", headers=refused.headers)
        if caller is None:
            return web.Response(status=401, text="send an API key with the metrics:read scope\n")
        if not allows(caller.scopes, METRICS_READ):
            return web.Response(status=403, text="this API key lacks the scope 'metrics:read'\n")
        body = await metrics.exposition(sessions)
        return web.Response(body=body, headers={"content-type": CONTENT_TYPE})

    app = web.Application()
    app.router.add_get("/metrics", scrape)
    return app


async def serve_metrics(app: web.Application, settings: WorkerSettings) -> web.AppRunner | None:
    """Serve the worker's metrics ``app``; None when ``WORKER__METRICS_PORT`` is 0 or taken.

    A taken port (a second worker on the same host with the default port) is logged and the
    worker runs on without metrics: delivering matters more than being scraped."""
    if not settings.metrics_port:
        return None
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.metrics_host, settings.metrics_port).start()
    except OSError as exc:
        await runner.cleanup()
        log.error(
            "metrics_port_unavailable",
            host=settings.metrics_host,
            port=settings.metrics_port,
            error=str(exc),
            hint="give each worker on a host its own ASYNCEVENTS_WORKER__METRICS_PORT (0 turns it off)",
        )
        return None
    log.info("metrics_serving", host=settings.metrics_host, port=settings.metrics_port)
    return runner
