"""The composition root: the FastAPI application factory.

It sits at the package root, above everything it assembles (the kernel in ``api/``, every
domain's router, the Magento compat routes, the console, health and the lifespan), so that
nothing below it has to import it: the routers and the kernel they share never reach up.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from asyncevents_svc.api import docs as api_docs
from asyncevents_svc.api import openapi, problems
from asyncevents_svc.api.access import RequestLog
from asyncevents_svc.api.headers import SecurityHeaders
from asyncevents_svc.api.limits import InputLimits
from asyncevents_svc.applications.portal_router import router as portal_sessions_router
from asyncevents_svc.applications.router import router as applications_router
from asyncevents_svc.auth.bootstrap import check_bootstrap_key, ensure_admin
from asyncevents_svc.auth.router import router as keys_router
from asyncevents_svc.catalogue.router import router as catalogue_router
from asyncevents_svc.compat.problems import MAGENTO
from asyncevents_svc.compat.router import routers as magento_routers
from asyncevents_svc.console.app import PREFIX as CONSOLE_PREFIX
from asyncevents_svc.console.app import create_console
from asyncevents_svc.deliveries.router import router as deliveries_router
from asyncevents_svc.deliveries.stats_router import router as stats_router
from asyncevents_svc.events.publish_route import PublishRoute
from asyncevents_svc.events.router import publish_event
from asyncevents_svc.events.router import router as events_router
from asyncevents_svc.messaging.amqp import AmqpPublisher
from asyncevents_svc.messaging.publisher import NullPublisher
from asyncevents_svc.observability import health
from asyncevents_svc.observability.router import router as metrics_router
from asyncevents_svc.portal.app import PREFIX as PORTAL_PREFIX
from asyncevents_svc.portal.app import create_portal
from asyncevents_svc.runtime import Runtime, build_runtime
from asyncevents_svc.settings import Settings
from asyncevents_svc.signing.router import router as signing_keys_router
from asyncevents_svc.subscriptions.endpoint_router import router as endpoint_router
from asyncevents_svc.subscriptions.router import router as subscriptions_router

DESCRIPTION = """
Turns events published by other services into reliable, signed notifications.

Publish with `POST /v1/events`; manage subscriptions under `/v1/subscriptions` (or the
Magento-compatible `/V1/async_event` routes); follow each delivery under `/v1/deliveries`.
Errors are `application/problem+json` (RFC 9457) naming the failing field.
"""


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    """Build the API. The catalogue is loaded now, so a bad ``events.xml`` fails here, and
    so does a bootstrap admin key that is not a generated one (:class:`BootstrapKeyError`)."""
    check_bootstrap_key(settings)
    runtime = runtime or build_runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.broker_url is not None and isinstance(runtime.publisher, NullPublisher):
            publisher = AmqpPublisher(settings.broker_url.get_secret_value(), settings.broker)
            publisher.start()
            runtime.publisher = publisher
        bootstrap = settings.bootstrap_admin_key
        if bootstrap is not None:
            await ensure_admin(runtime.sessions, bootstrap_key=bootstrap.get_secret_value(), generate=False)
        try:
            yield
        finally:
            await runtime.close()

    docs = settings.security.docs  # off: the three paths are unknown routes, a 404 problem
    app = FastAPI(
        title="asyncevents-svc",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json" if docs else None,
        docs_url=None,  # served offline by api.docs, below
        redoc_url=None,
        openapi_tags=openapi.TAGS,
    )
    openapi.install(app)
    if docs:
        api_docs.install(app, openapi_url="/openapi.json")
    app.state.runtime = runtime
    # The Magento routes answer in Magento's error format: compat registers it here.
    formats = problems.ProblemFormats([MAGENTO])
    problems.install(app, formats)
    limits = settings.security
    app.add_middleware(
        InputLimits,
        max_body_bytes=limits.max_body_bytes,
        max_json_depth=limits.max_json_depth,
        keys=runtime.keys,
        formats=formats,
    )
    # added last: outermost, so refusals get the headers too
    app.add_middleware(
        SecurityHeaders, hsts=limits.hsts, portal_frame_ancestors=settings.portal.frame_ancestors
    )
    # outermost: every answer, refusals included, carries the request id and is logged
    app.add_middleware(RequestLog, enabled=settings.access_log)
    app.include_router(health.router)
    app.include_router(events_router)
    app.include_router(subscriptions_router)
    app.include_router(endpoint_router)
    app.include_router(deliveries_router)
    app.include_router(stats_router)
    app.include_router(catalogue_router)
    app.include_router(keys_router)
    app.include_router(applications_router)
    app.include_router(portal_sessions_router)
    app.include_router(metrics_router)
    app.include_router(signing_keys_router)
    for router in magento_routers:
        app.include_router(router)
    _publish_first(app)
    app.mount(CONSOLE_PREFIX, create_console(app, runtime))
    app.mount(PORTAL_PREFIX, create_portal(app, runtime, settings.portal))
    return app


def _publish_first(app: FastAPI) -> None:
    """Put ``POST /v1/events`` on its short path (events/publish_route.py), ahead of every
    route: the busiest route is matched first and skips FastAPI's request handler."""
    [standard] = [r for r in events_router.routes if isinstance(r, APIRoute) and r.endpoint is publish_event]
    app.router.routes.insert(0, PublishRoute(standard))
