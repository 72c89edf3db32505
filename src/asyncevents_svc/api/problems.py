"""Exception handlers: every error becomes problem+json (Magento shape on ``/V1`` routes)."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from asyncevents_svc.errors import AppError, FieldError, Forbidden, Unauthorized, Unavailable, ValidationFailed

log = structlog.get_logger(__name__)
PROBLEM = "application/problem+json"


def is_magento_path(path: str) -> bool:
    return path.startswith(("/V1/", "/rest/"))


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts)


def render(request: Request, error: AppError) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="asyncevents"'} if error.status == 401 else None
    if is_magento_path(request.url.path):
        message = getattr(error, "magento_message", None) or error.detail
        params = getattr(error, "magento_parameters", None) or []
        if isinstance(error, Unauthorized | Forbidden) and not getattr(error, "magento_message", None):
            # Magento's wording for a missing ACL resource; the detail says which.
            message, params = "The consumer isn't authorized to access %resources.", {"resources": error.detail}
        return JSONResponse({"message": message, "parameters": params}, status_code=error.status, headers=headers)
    return JSONResponse(
        error.problem(instance=request.url.path), status_code=error.status, media_type=PROBLEM, headers=headers
    )


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return render(request, exc)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [FieldError(_field_path(e["loc"]), e["msg"], e["type"]) for e in exc.errors()]
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
    if isinstance(exc, DBAPIError) and not (
        isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated
    ):
        return await _unexpected(request, exc)
    log.warning("database_unavailable", error=type(exc).__name__, path=request.url.path)
    return render(request, Unavailable("the database is unavailable; retry later"))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", path=request.url.path)
    return render(request, AppError("an unexpected error occurred; it has been logged"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(OperationalError, _database)
    app.add_exception_handler(DBAPIError, _database)
    app.add_exception_handler(OSError, _database)
    app.add_exception_handler(Exception, _unexpected)
