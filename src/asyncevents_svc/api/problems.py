"""Exception handlers: every error becomes problem+json, or a registered client's own format.

The renderer knows one format, RFC 9457 problem+json. A family of routes that answers its
clients in another shape registers a :class:`ClientFormat` for its paths at app assembly
(the composition root registers :data:`asyncevents_svc.compat.problems.MAGENTO`), so this
generic layer never knows a special client. :class:`ProblemFormats` is that registry, one
per app, handed to :func:`install` and to the body limits middleware.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from asyncevents_svc.api.access import request_id_of
from asyncevents_svc.api.headers import security_headers
from asyncevents_svc.db.outage import is_outage
from asyncevents_svc.errors import (
    AppError,
    BadRequest,
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    Unavailable,
    ValidationFailed,
)

log = structlog.get_logger(__name__)
PROBLEM = "application/problem+json"

#: The RFC 9457 body of every error on the native routes, for the OpenAPI document: the
#: component ``Problem`` (api.openapi adds it), which every problem response refers to, so a
#: generated client has one ``Problem`` model rather than one per operation and status.
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "description": "The kind of error, a stable URI: tell errors apart by it.",
            "examples": ["https://asyncevents.dev/problems/validation"],
        },
        "title": {
            "type": "string",
            "description": "The kind of error in words (the same for every error of a type).",
            "examples": ["Validation failed"],
        },
        "status": {
            "type": "integer",
            "description": "The HTTP status of the response.",
            "examples": [422],
        },
        "detail": {
            "type": "string",
            "description": "What went wrong with this request.",
            "examples": ["event_name: String should have at least 1 character"],
        },
        "instance": {
            "type": "string",
            "description": "The path of the request that failed.",
            "examples": ["/v1/events"],
        },
        "errors": {
            "type": "array",
            "description": "One entry per failing field; `loc` is its dotted path.",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {"type": "string", "description": "The field's dotted path."},
                    "msg": {"type": "string", "description": "What is wrong with it."},
                    "type": {"type": "string", "description": "The kind of failure, a stable name."},
                },
            },
        },
    },
}
_PROBLEM_DESCRIPTIONS = {
    400: "Bad request, e.g. a search query that does not parse (the detail names the position).",
    401: "No API key, or an unknown, revoked or expired one.",
    403: "The API key lacks the scope (or an event's resource) this needs.",
    404: "No such resource.",
    409: "The resource is not in a state that allows this.",
    413: "The request body is larger than `ASYNCEVENTS_SECURITY__MAX_BODY_BYTES`.",
    422: "Validation failed; `errors` names each failing field.",
    429: "This client address made too many failed authentication attempts; retry after "
    "`Retry-After` seconds.",
    503: "The database is unavailable; retry later.",
}


def _too_large() -> AppError:
    # api.limits.PayloadTooLarge, which imports this module: its body, built here.
    error = AppError("the request body is larger than 1048576 bytes")
    error.status, error.type, error.title = 413, "payload-too-large", "Payload too large"
    return error


#: The body each status answers, as the service renders it: what a client sees.
PROBLEM_EXAMPLES: dict[int, dict[str, Any]] = {
    error.status: error.problem(instance=instance)
    for error, instance in (
        (BadRequest("q: expected a value after ':' at position 11"), "/v1/deliveries"),
        (Unauthorized("the API key is unknown, revoked or expired"), "/v1/subscriptions"),
        (
            Forbidden("this API key lacks the scope 'subscriptions:write'"),
            "/v1/subscriptions",
        ),
        (
            NotFound("event 7f0c2b8e-4c1d-4a57-9a55-1d2e3f405162 does not exist"),
            "/v1/events/7f0c2b8e-4c1d-4a57-9a55-1d2e3f405162",
        ),
        (
            Conflict(
                "Idempotency-Key: already used for another event",
                errors=[FieldError("Idempotency-Key", "already used for another event", "conflict")],
            ),
            "/v1/events",
        ),
        (_too_large(), "/v1/events"),
        (ValidationFailed("event_name", "String should have at least 1 character"), "/v1/events"),
        (TooManyRequests(30), "/v1/subscriptions"),
        (Unavailable("the database is unavailable; retry later"), "/v1/events"),
    )
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries declaring problem+json answers with these statuses,
    each with its own example (:data:`PROBLEM_EXAMPLES`)."""
    return {
        status: {
            "description": _PROBLEM_DESCRIPTIONS[status],
            "content": {PROBLEM: {"schema": PROBLEM_REF, "example": PROBLEM_EXAMPLES[status]}},
        }
        for status in statuses
    }


#: What any authenticated native route can answer; routes add 400/404/409/413 themselves.
PROBLEM_RESPONSES = problem_responses(401, 403, 422, 429, 503)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts)


#: How a client format answers an error: the response for it, given the headers it needs.
Renderer = Callable[[AppError, dict[str, str]], JSONResponse]


@dataclass(frozen=True)
class ClientFormat:
    """The error format of a family of routes whose clients expect their own shape.

    ``prefixes`` are the paths it covers. Its routes parse every request body as JSON
    themselves, whatever the content type and with their own strictness, so the body limits
    check only the depth there and word a refusal with ``body_error(problem)``.
    """

    prefixes: tuple[str, ...]
    render: Renderer
    body_error: Callable[[str], AppError]


class ProblemFormats:
    """Which format answers a path: the first registered client format covering it, else
    problem+json."""

    def __init__(self, formats: Iterable[ClientFormat] = ()) -> None:
        self._formats = list(formats)

    def register(self, client_format: ClientFormat) -> None:
        self._formats.append(client_format)

    def for_path(self, path: str) -> ClientFormat | None:
        return next((f for f in self._formats if path.startswith(f.prefixes)), None)

    def render(self, request: Request, error: AppError) -> JSONResponse:
        headers = dict(error.headers)
        if error.status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="asyncevents"'
        client_format = self.for_path(request.url.path)
        if client_format is not None:
            return client_format.render(error, headers)
        return JSONResponse(
            error.problem(instance=request.url.path),
            status_code=error.status,
            media_type=PROBLEM,
            headers=headers,
        )


def install(app: FastAPI, formats: ProblemFormats) -> None:
    """Register the exception handlers; each renders through ``formats``."""
    handlers = _Handlers(formats)
    app.add_exception_handler(AppError, handlers.app_error)
    app.add_exception_handler(RequestValidationError, handlers.validation)
    app.add_exception_handler(StarletteHTTPException, handlers.http)
    app.add_exception_handler(DBAPIError, handlers.database)
    app.add_exception_handler(PoolTimeout, handlers.database)
    app.add_exception_handler(OSError, handlers.database)
    app.add_exception_handler(Exception, handlers.unexpected)


class _Handlers:
    def __init__(self, formats: ProblemFormats) -> None:
        self.render = formats.render

    async def app_error(self, request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        return self.render(request, exc)

    async def validation(self, request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            # A body that is not JSON at all has loc ("body", <offset>): name the body.
            FieldError("body" if e["type"] == "json_invalid" else _field_path(e["loc"]), e["msg"], e["type"])
            for e in exc.errors()
        ]
        if not errors:
            errors = [FieldError("body", "invalid request")]
        return self.render(request, ValidationFailed(errors[0].loc, errors[0].msg, more=errors[1:]))

    async def http(self, request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        error = AppError(str(exc.detail))
        error.status = exc.status_code
        error.type = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        error.title = str(exc.detail)
        response = self.render(request, error)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def database(self, request: Request, exc: Exception) -> JSONResponse:
        if not is_outage(exc):
            return await self.unexpected(request, exc)
        log.warning("database_unavailable", error=type(exc).__name__, path=request.url.path)
        response = self.render(request, Unavailable("the database is unavailable; retry later"))
        response.headers["Retry-After"] = "1"
        return response

    async def unexpected(self, request: Request, exc: Exception) -> JSONResponse:
        """The 500: no traceback, no exception text. Starlette sends it from outside every
        middleware, so the security headers are added here."""
        request_id = request_id_of(request.scope)
        log.exception("unhandled_error", path=request.url.path, request_id=request_id)
        response = self.render(request, AppError("an unexpected error occurred; it has been logged"))
        response.headers.update(security_headers(request.url.path))
        if request_id is not None:  # the log line to look for
            response.headers["x-request-id"] = request_id
        return response
