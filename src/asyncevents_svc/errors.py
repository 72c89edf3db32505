"""The service's exception hierarchy, rendered as RFC 9457 problem+json by the API.

``AppError``
    base; carries an HTTP ``status``, a stable ``type`` slug and a ``title``.
``NotFound`` (404), ``ValidationFailed`` (422, names the field), ``Conflict`` (409),
``Unauthorized`` (401), ``Forbidden`` (403), ``TooManyRequests`` (429, with ``Retry-After``),
``BadRequest`` (400; ``SearchTooExpensive``, a delivery search stopped at its time budget),
``Unavailable`` (503, a dependency is down).
``CatalogueError``
    raised at start-up when ``events.xml`` cannot be loaded; names file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field; ``loc`` is the path to it (``body.arguments.id``)."""

    loc: str
    msg: str
    type: str = "invalid"


class AppError(Exception):
    """Base of every error the API turns into a problem+json response."""

    status: int = 500
    type: str = "internal"
    title: str = "Internal error"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    @property
    def headers(self) -> dict[str, str]:
        """Response headers this error needs beside its body."""
        return {}

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        """The RFC 9457 body."""
        body: dict[str, Any] = {
            "type": f"https://asyncevents.dev/problems/{self.type}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [{"loc": e.loc, "msg": e.msg, "type": e.type} for e in self.errors]
        return body


class NotFound(AppError):
    status = 404
    type = "not-found"
    title = "Not found"


class BadRequest(AppError):
    status = 400
    type = "bad-request"
    title = "Bad request"


class SearchTooExpensive(BadRequest):
    """400: a delivery search ran past ``security.search_timeout`` and the database stopped it.

    A 400, not a 503: the same query would be stopped again; a narrower one is the remedy."""

    type = "search-too-expensive"
    title = "Search too expensive"


class ValidationFailed(AppError):
    """422 naming at least one field."""

    status = 422
    type = "validation"
    title = "Validation failed"

    def __init__(self, loc: str, msg: str, *, more: list[FieldError] | None = None) -> None:
        errors = [FieldError(loc, msg), *(more or [])]
        super().__init__(f"{loc}: {msg}", errors=errors)


class Unauthorized(AppError):
    """401: no key, or one that is unknown, revoked or expired."""

    status = 401
    type = "unauthorized"
    title = "Unauthorized"


class Forbidden(AppError):
    """403: the key lacks a scope (or an event's resource)."""

    status = 403
    type = "forbidden"
    title = "Forbidden"


class TooManyRequests(AppError):
    """429: this client address spent its budget of failed authentications (auth/throttle.py).

    On ``/V1`` it answers in Magento's shape, ``%1`` being the seconds to wait."""

    status = 429
    type = "too-many-requests"
    title = "Too many requests"

    def __init__(self, retry_after: int) -> None:
        message = "Too many failed authentication attempts from this address; retry in %1 seconds."
        super().__init__(message.replace("%1", str(retry_after)))
        self.retry_after = retry_after
        self.magento_message = message
        self.magento_parameters = [retry_after]

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class Conflict(AppError):
    status = 409
    type = "conflict"
    title = "Conflict"


class Unavailable(AppError):
    status = 503
    type = "unavailable"
    title = "Service unavailable"


@dataclass
class CatalogueError(Exception):
    """``events.xml`` could not be loaded; start-up stops with this message."""

    path: str
    line: int | None
    problem: str
    extra: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.problem}"
