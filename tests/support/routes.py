"""Every route of the app, as the tests that must cover each one enumerate them.

FastAPI keeps an included router as one entry of ``app.routes`` (it builds the routes with
their prefixes lazily), so iterating ``app.routes`` for ``APIRoute`` finds none of them;
:func:`fastapi.routing.iter_route_contexts` expands them with their full paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute, Mount

from asyncevents_svc.events.publish_route import PublishRoute

#: Routes that answer without a key: the scope table and the isolation table leave them out.
PUBLIC = {
    "/health/live",
    "/health/ready",
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/docs/assets",  # Swagger UI's and ReDoc's files (api/docs.py)
    "/v1/signing-keys",  # the public Ed25519 keys of v1a signatures (signing/router.py)
}


@dataclass(frozen=True)
class AppRoute:
    path: str
    methods: frozenset[str]
    route: BaseRoute  # the route as declared: an APIRoute, a Mount, or Starlette's Route

    @property
    def api(self) -> bool:
        return isinstance(self.route, APIRoute)

    @property
    def mount(self) -> bool:
        return isinstance(self.route, Mount)


def app_routes(app: FastAPI) -> Iterator[AppRoute]:
    """Each route once. The short path of ``POST /v1/events`` (events/publish_route.py) is
    not a route of its own: it runs the standard route's code, and that route is listed
    where the router holds it, so the short path is checked to stand for a listed route
    and left out."""
    contexts = list(iter_route_contexts(app.routes))
    declared = {id(context.original_route) for context in contexts}
    for context in contexts:
        path = context.path
        assert path is not None, context
        route = context.original_route
        if isinstance(route, PublishRoute):
            assert id(route.standard) in declared, "the short path stands for a route the app does not list"
            continue
        yield AppRoute(path, frozenset(context.methods or ()), route)
