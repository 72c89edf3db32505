"""Exception handlers: every error becomes problem+json (Magento shape on ``/V1`` routes)."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from asyncevents_svc.db.outage import is_outage
from asyncevents_svc.errors import (
    AppError,
    FieldError,
    Forbidden,
    Unauthorized,
    Unavailable,
    ValidationFailed,
)

log = structlog.get_logger(__name__)
PROBLEM = "application/problem+json"

#: The RFC 9457 body of every error on the native routes, for the OpenAPI document. Inline
#: (not a component) so that responses can declare it under ``application/problem+json``.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["https://asyncevents.dev/problems/validation"]},
        "title": {"type": "string", "examples": ["Validation failed"]},
        "status": {"type": "integer", "examples": [422]},
        "detail": {"type": "string", "examples": ["event_name: String should have at least 1 character"]},
        "instance": {"type": "string", "examples": ["/v1/events"]},
        "errors": {
            "type": "array",
            "description": "One entry per failing field; `loc` is its dotted path.",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {"type": "string"},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
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


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries declaring problem+json answers with these statuses."""
    return {
        status: {
            "description": _PROBLEM_DESCRIPTIONS[status],
            "content": {PROBLEM: {"schema": PROBLEM_SCHEMA}},
        }
        for status in statuses
    }


#: What any authenticated native route can answer; routes add 400/404/409/413 themselves.
PROBLEM_RESPONSES = problem_responses(401, 403, 422, 429, 503)


def is_magento_path(path: str) -> bool:
    return path.startswith(("/V1/", "/rest/"))


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts)


def render(request: Request, error: AppError) -> JSONResponse:
    headers = dict(error.headers)
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="asyncevents"'
    if is_magento_path(request.url.path):
        message = getattr(error, "magento_message", None) or error.detail
        params = getattr(error, "magento_parameters", None) or []
        if isinstance(error, Unauthorized | Forbidden) and not getattr(error, "magento_message", None):
            # Magento's wording for a missing ACL resource; the detail says which.
            message, params = (
                "The consumer isn't authorized to access %resources.",
                {"resources": error.detail},
            )
        return JSONResponse(
            {"message": message, "parameters": params}, status_code=error.status, headers=headers
        )
    return JSONResponse(
        error.problem(instance=request.url.path),
        status_code=error.status,
        media_type=PROBLEM,
        headers=headers,
    )


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return render(request, exc)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        # A body that is not JSON at all has loc ("body", <offset>): name the body.
        FieldError("body" if e["type"] == "json_invalid" else _field_path(e["loc"]), e["msg"], e["type"])
        for e in exc.errors()
    ]
    if not errors:
        errors = [FieldError("body", "invalid request")]
    return render(request, ValidationFailed(errors[0].loc, errors[0].msg, more=errors[1:]))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    error = AppError(str(exc.detail))
    error.status = exc.status_code
    error.type = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    error.title = str(exc.detail)
    response = render(request, error)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _database(request: Request, exc: Exception) -> JSONResponse:
    if not is_outage(exc):
        return await _unexpected(request, exc)
    log.warning("database_unavailable", error=type(exc).__name__, path=request.url.path)
    response = render(request, Unavailable("the database is unavailable; retry later"))
    response.headers["Retry-After"] = "1"
    return response


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """The 500: no traceback, no exception text. Starlette sends it from outside every
    middleware, so the security headers are added here."""
    from asyncevents_svc.api.limits import security_headers  # limits imports this module

    log.exception("unhandled_error", path=request.url.path)
    response = render(request, AppError("an unexpected error occurred; it has been logged"))
    response.headers.update(security_headers(request.url.path))
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(DBAPIError, _database)
    app.add_exception_handler(PoolTimeout, _database)
    app.add_exception_handler(OSError, _database)
    app.add_exception_handler(Exception, _unexpected)
