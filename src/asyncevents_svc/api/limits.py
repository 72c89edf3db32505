"""Hostile-input limits and security headers, as plain ASGI middleware.

:class:`InputLimits` reads the request body before any route does and refuses

- a body larger than ``security.max_body_bytes``: **413**, decided from ``Content-Length``
  before a byte is read, and by counting the bytes of a chunked body as they arrive (never
  more than the limit is held);
- JSON nested deeper than ``security.max_json_depth``: **422** naming ``body`` (Magento
  routes: their 400), found by counting brackets outside strings before anything parses it;
- a JSON body that is not strict JSON (:func:`strict_json_problem`: ``NaN``, lone
  surrogates, not UTF-8...): **422** naming ``body``, instead of a 500 from the database.

A body that passes is handed on unchanged. Routes under a registered client format
(:class:`~asyncevents_svc.api.problems.ClientFormat`, e.g. Magento's ``/V1``) parse every body
themselves: only the depth is checked there, and refused in that format's words. The
security headers are :mod:`.headers`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from asyncevents_svc.api.deps import authenticate
from asyncevents_svc.api.jsonscan import json_depth_exceeds, strict_json_problem
from asyncevents_svc.api.problems import ProblemFormats
from asyncevents_svc.auth.keys import KeyVerifier
from asyncevents_svc.errors import AppError, BadRequest, ValidationFailed


class PayloadTooLarge(AppError):
    status = 413
    type = "payload-too-large"
    title = "Payload too large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit} bytes")
        self.magento_message = "The request body is larger than %1 bytes."
        self.magento_parameters = [limit]


def _is_json(scope: Scope, formats: ProblemFormats) -> bool:
    """Whether anything will parse this body as JSON (no content type counts: FastAPI does)."""
    if formats.for_path(scope["path"]) is not None:
        return True  # a client format's routes parse any body (Magento's: compat/body.py)
    content_type = b""
    for name, value in scope["headers"]:
        if name.lower() == b"content-type":
            content_type = value
    media = content_type.split(b";", 1)[0].strip().lower()
    return media in (b"", b"application/json") or media.endswith(b"+json")


class InputLimits:
    """Refuses oversized and over-deep request bodies before a route sees them.

    Before authentication it does only what costs nothing: the ``Content-Length`` check and
    counting bytes as they arrive. A body that would be parsed as JSON is kept, checked and
    handed on only for a caller with a valid API key; for any other caller it is read and
    dropped (still counted: over the limit is a 413) and the request goes on with an empty
    body, so the route's own gate answers (401; 404 for no route) and no byte of that body
    is scanned or parsed. Those checks and FastAPI's own parse cost up to seconds for 5 MB,
    all on the event loop, so only a known caller may make them run.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_json_depth: int,
        keys: KeyVerifier,
        formats: ProblemFormats,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_json_depth = max_json_depth
        self.keys = keys
        self.formats = formats
        self._longest_length = len(str(max_body_bytes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._check_length(scope)
        if refusal is not None:
            await self._refuse(scope, receive, send, refusal)
            return
        parsed_as_json = _is_json(scope, self.formats)
        trusted = not parsed_as_json or await self._authenticated(scope)
        body = await self._read(scope, receive, send, keep=trusted)
        if body is None:
            return
        if body and parsed_as_json:
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

    def _check_length(self, scope: Scope) -> AppError | None:
        """The ``Content-Length`` header's verdict, before a byte is read."""
        lengths = [value for name, value in scope["headers"] if name.lower() == b"content-length"]
        if not lengths:
            return None
        if len(set(lengths)) != 1 or not lengths[0].strip().isdigit():
            return BadRequest("invalid Content-Length header")
        # Longer than the limit's digits is over it: no int() of thousands of digits (which
        # Python refuses past 4300 with a ValueError, a 500).
        digits = lengths[0].strip().lstrip(b"0")
        if len(digits) > self._longest_length or int(digits or b"0") > self.max_body_bytes:
            return PayloadTooLarge(self.max_body_bytes)
        return None

    async def _authenticated(self, scope: Scope) -> bool:
        """Whether the request carries a valid API key (the answer is kept for the gate)."""
        try:
            return await authenticate(Request(scope), self.keys) is not None
        except Exception:  # an outage or a spent budget: withhold the body; the gate raises it again
            return False

    async def _read(self, scope: Scope, receive: Receive, send: Send, *, keep: bool) -> bytes | None:
        """The whole body (``b""`` unless ``keep``: read and dropped, so the connection stays
        usable), or ``None`` when it was refused (413) or the client went away."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return None  # the client went away before sending its whole body
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._refuse(scope, receive, send, PayloadTooLarge(self.max_body_bytes))
                return None
            if keep:
                chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    def _check_json(self, scope: Scope, body: bytes) -> AppError | None:
        client_format = self.formats.for_path(scope["path"])
        if json_depth_exceeds(body, self.max_json_depth):
            problem = f"JSON nested deeper than {self.max_json_depth} levels"
            if client_format is not None:
                return client_format.body_error(problem)
            return ValidationFailed("body", problem)
        if client_format is not None:
            return None  # its routes parse the body themselves (compat/body.py: Magento's 400)
        reason = strict_json_problem(body)
        return None if reason is None else ValidationFailed("body", f"not valid JSON: {reason}")

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, error: AppError) -> None:
        response = self.formats.render(Request(scope), error)
        await response(scope, receive, send)
