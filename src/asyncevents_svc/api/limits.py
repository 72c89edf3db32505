"""Hostile-input limits and security headers, as plain ASGI middleware.

:class:`InputLimits` reads the request body before any route does and refuses

- a body larger than ``security.max_body_bytes``: **413**, decided from ``Content-Length``
  before a byte is read, and by counting the bytes of a chunked body as they arrive (never
  more than the limit is held);
- JSON nested deeper than ``security.max_json_depth``: **422** naming ``body`` (Magento
  routes: their 400), found by counting brackets outside strings before anything parses it;
- a JSON body that is not strict JSON (:func:`strict_json_problem`: ``NaN``, lone
  surrogates, not UTF-8...): **422** naming ``body``, instead of a 500 from the database.

A body that passes is handed on unchanged. :class:`SecurityHeaders` adds the headers every
response carries (:func:`security_headers`); the documentation pages get no
``Content-Security-Policy`` because Swagger UI and ReDoc load scripts from a CDN.
"""

from __future__ import annotations

import codecs
import re
from itertools import accumulate

import orjson
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from asyncevents_svc.api import problems
from asyncevents_svc.compat.errors import invalid
from asyncevents_svc.errors import AppError, BadRequest, ValidationFailed

DOC_PAGES = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
_BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
_API_HEADERS = {
    **_BASE_HEADERS,
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}


#: The console's pages load their own script and style sheet, nothing else (no inline code).
_CONSOLE_HEADERS = {
    **_BASE_HEADERS,
    # Not no-referrer: with it, browsers send "Origin: null" on the console's own form posts,
    # and the console checks that origin.
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
}
CONSOLE_PREFIX = "/admin"


def security_headers(path: str) -> dict[str, str]:
    """The headers a response to ``path`` carries (lower-case names)."""
    if path in DOC_PAGES:
        return dict(_BASE_HEADERS)
    if path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/"):
        return dict(_CONSOLE_HEADERS)
    return dict(_API_HEADERS)


class SecurityHeaders:
    """Adds :func:`security_headers` to every response, keeping any a route set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(k.encode(), v.encode()) for k, v in security_headers(scope["path"]).items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in extra if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PayloadTooLarge(AppError):
    status = 413
    type = "payload-too-large"
    title = "Payload too large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit} bytes")
        self.magento_message = "The request body is larger than %1 bytes."
        self.magento_parameters = [limit]


# A JSON string: quote, then runs of ordinary characters and escapes, then quote.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = [0] * 256
for _open, _close in (b"[]", b"{}"):
    _STEP[_open], _STEP[_close] = 1, -1


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """True when ``body`` opens more than ``limit`` arrays/objects inside one another.

    Brackets inside strings do not count. Linear and in C but for the ``max`` over running
    sums, which only runs when the body has more than ``limit`` opening brackets at all.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


def strict_json_problem(body: bytes) -> str | None:
    """Why ``body`` is not strict JSON (RFC 8259, UTF-8), or ``None`` when it is.

    FastAPI parses with Python's ``json``, which also takes ``NaN``, ``Infinity``, numbers
    that overflow to infinity (``1e400``) and lone surrogate escapes (``"\\ud800"``). None of
    them can be stored (JSONB, UTF-8 text): they would fail in the database as a 500. A body
    that is not UTF-8 would be FastAPI's 400 naming nothing. orjson refuses all of these.
    """
    try:
        orjson.loads(body.removeprefix(codecs.BOM_UTF8))
    except orjson.JSONDecodeError as exc:
        return str(exc)
    return None


def _is_json(scope: Scope) -> bool:
    """Whether anything will parse this body as JSON (no content type counts: FastAPI does)."""
    if problems.is_magento_path(scope["path"]):
        return True  # the Magento routes parse any body (compat/body.py)
    content_type = b""
    for name, value in scope["headers"]:
        if name.lower() == b"content-type":
            content_type = value
    media = content_type.split(b";", 1)[0].strip().lower()
    return media in (b"", b"application/json") or media.endswith(b"+json")


class InputLimits:
    """Refuses oversized and over-deep request bodies before a route sees them."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_json_depth: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_json_depth = max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lengths = [value for name, value in scope["headers"] if name.lower() == b"content-length"]
        if lengths:
            if len(set(lengths)) != 1 or not lengths[0].strip().isdigit():
                await self._refuse(scope, receive, send, BadRequest("invalid Content-Length header"))
                return
            if int(lengths[0]) > self.max_body_bytes:
                await self._refuse(scope, receive, send, PayloadTooLarge(self.max_body_bytes))
                return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its whole body
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._refuse(scope, receive, send, PayloadTooLarge(self.max_body_bytes))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and _is_json(scope):
            error = self._check_json(scope, body)
            if error is not None:
                await self._refuse(scope, receive, send, error)
                return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _check_json(self, scope: Scope, body: bytes) -> AppError | None:
        magento = problems.is_magento_path(scope["path"])
        if json_depth_exceeds(body, self.max_json_depth):
            problem = f"JSON nested deeper than {self.max_json_depth} levels"
            return invalid("body", problem) if magento else ValidationFailed("body", problem)
        if magento:
            return None  # compat/body.py parses with orjson itself and answers Magento's 400
        reason = strict_json_problem(body)
        return None if reason is None else ValidationFailed("body", f"not valid JSON: {reason}")

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, error: AppError) -> None:
        response = problems.render(Request(scope), error)
        await response(scope, receive, send)
