"""The request id and the access log: one structured line per request.

Each request gets an id: the caller's ``X-Request-ID`` when it is a plain token (letters,
digits and ``._:-``, at most 128 characters, so a log line cannot be forged through it),
else a new one. The id is echoed in the response's ``X-Request-ID``, bound to every log line
written while the request runs (structlog's context variables) and kept in
``scope["state"]`` for the 500 handler, which Starlette calls from outside every middleware.

The access line (logger ``asyncevents_svc.access``, event ``request``) names the method, the
path (never the query string: it may hold a search of personal data), the status, the
duration and the client address; never a header. ``access_log=false`` turns the line off;
the id stays.

A pure ASGI middleware, outermost but for nothing: its cost is a dictionary lookup, a
context-variable bind and the line itself.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"
_TOKEN = re.compile(r"[A-Za-z0-9._:-]{1,128}")

access_log = structlog.get_logger("asyncevents_svc.access")


def request_id_of(scope: Scope) -> str | None:
    """The id :class:`RequestLog` gave the request in ``scope``, if any."""
    state = scope.get("state")
    found = state.get("request_id") if isinstance(state, dict) else None
    return found if isinstance(found, str) else None


def _given_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == HEADER:
            text = value.decode("latin-1")
            return text if _TOKEN.fullmatch(text) else None
    return None


class RequestLog:
    """Give every HTTP request an id and, with ``enabled``, log one line when it ends."""

    def __init__(self, app: ASGIApp, *, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _given_id(scope)
        request_id = given or os.urandom(16).hex()  # 32 hex digits, as uuid4().hex, at a fifth of its cost
        scope.setdefault("state", {})["request_id"] = request_id
        outcome: dict[str, Any] = {"status": 500}
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"] = message["status"]
                headers = list(message.get("headers", ()))
                if not any(name.lower() == HEADER for name, _ in headers):
                    headers.append((HEADER, request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        # bind and reset by token: structlog's bound_contextvars() first copies the whole
        # context to save what it shadows, four times the cost on every request
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            try:
                if self.enabled:
                    client = scope.get("client")
                    access_log.info(
                        "request",
                        method=scope["method"],
                        path=scope["path"],
                        status=outcome["status"],
                        duration_ms=round((time.perf_counter() - started) * 1000, 2),
                        client=client[0] if client else None,
                    )
            finally:
                structlog.contextvars.reset_contextvars(**tokens)
