"""``POST /v1/events`` on a short path: the route's own code, without FastAPI's request
handler in front of it.

FastAPI's handler for one event spends more than the route does: matching the path against
every router, solving the dependencies (the gate, the caller, the ``Idempotency-Key``
header), parsing and validating the body through its generic machinery, and a layer of
exception wrapping (docs/performance.md, "Ingest against an honest floor"). This route is
matched first and does the same steps directly, then calls
:func:`~asyncevents_svc.events.router.publish_event` itself, so the route's rules live in
one place:

- the gate is :func:`~asyncevents_svc.api.deps.authorize`, called first, as FastAPI calls
  the router's dependency before it looks at the body (401 and 403 come before a 422);
- the body is validated by the same model, ``EventIn``, and the header by the same type;
- anything else goes to the standard route, with the body it sent: a content type other
  than JSON's, a repeated ``Idempotency-Key``, and any body or header that fails
  validation. The standard route answers those exactly as it always has (the 422 naming
  each field), so this path has no error format of its own. Only an accepted request, or
  a refusal by the gate, or a refusal by the route's own code, ends here.

The standard ``APIRoute`` stays in the router: it is what the OpenAPI document describes,
what the fallback runs, and ``scope["route"]`` while this path runs, so the scope table
(``auth/scopes.py``) and anything reading the route see the same route either way.
"""

from __future__ import annotations

import orjson
from fastapi import Request
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.routing import BaseRoute, Match
from starlette.types import Message, Receive, Scope, Send

from asyncevents_svc.api.deps import authorize
from asyncevents_svc.events.router import IdempotencyKey, publish_event
from asyncevents_svc.events.schemas import EventIn

PATH = "/v1/events"
_KEY = b"idempotency-key"
_CONTENT_TYPE = b"content-type"

#: The header's type, the route's own declaration.
_key_type: TypeAdapter[str | None] = TypeAdapter(IdempotencyKey)


def _plain_json(scope: Scope) -> bool:
    """Whether the body is sent as ``application/json`` (parameters such as ``charset``
    aside), once. FastAPI parses nothing else as JSON for this route (not even a body with
    no content type); anything else is the standard route's to refuse."""
    types = [value for name, value in scope["headers"] if name == _CONTENT_TYPE]
    return len(types) == 1 and types[0].split(b";", 1)[0].strip().lower() == b"application/json"


def _route_path(scope: Scope) -> str:
    """The path below the root path (``--root-path``), as Starlette's router matches it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


#: Set on a request this route hands back to the router: it is not matched a second time.
_HANDED_BACK = "asyncevents.publish_route.handed_back"


class PublishRoute(BaseRoute):
    """``POST /v1/events`` with plain JSON, ahead of every other route. ``standard`` is the
    route FastAPI built from :func:`publish_event`; a request this route does not take to
    the end goes back to the router, which gives it to ``standard`` as before."""

    def __init__(self, standard: APIRoute) -> None:
        self.standard = standard
        self.path = self.path_format = standard.path  # path_format: FastAPI's telemetry

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and _HANDED_BACK not in scope
            and _route_path(scope) == PATH
            and _plain_json(scope)
        ):
            return Match.FULL, {"endpoint": self.standard.endpoint, "path_params": {}}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["route"] = self.standard
        request = Request(scope, receive, send)
        caller = await authorize(request)  # its 401/403 is raised to the exception handlers
        body = await request.body()
        keys = [value.decode("latin-1") for name, value in scope["headers"] if name == _KEY]
        try:
            # Python's mode on the parsed body, as FastAPI validates it (orjson parses
            # every body InputLimits let through but one with a byte-order mark).
            event = EventIn.model_validate(orjson.loads(body))
            key = _key_type.validate_python(keys[0] if keys else None)
        except (orjson.JSONDecodeError, ValidationError):
            event = None
        if event is None or len(keys) > 1:
            scope[_HANDED_BACK] = True
            await scope["router"](scope, _replaying(body, receive), send)
            return
        response = await publish_event(event, request, caller, key)
        await response(scope, receive, send)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """``receive``, but first the body this route already read, for the standard route."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
