"""Telling "the database is away" from a bug, so the API can answer 503 instead of 500.

A restart shows up in several shapes: refused connections (``OSError``), a dropped
connection (SQLAlchemy marks it invalidated), or a server that answers but will not serve
yet — "the database system is starting up / shutting down" (SQLSTATE 57P03 / 57P01),
which SQLAlchemy wraps as a plain ``DBAPIError``. SQLSTATE class 08 is "connection
exception"; 53300 is "too many connections".

A statement stopped on purpose is none of these (:func:`is_cancelled`): PostgreSQL's
``query_canceled`` (57014, a ``statement_timeout``) and SQLite's "interrupted" — which arrives
as an ``OperationalError``, the class every SQLite outage arrives as too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

UNAVAILABLE_STATES = {"57P01", "57P02", "57P03", "53300"}
QUERY_CANCELED = "57014"


def _sqlstate(error: BaseException) -> str:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state if isinstance(state, str) else ""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, then what it wraps (a driver error's ``orig``, else its cause or context)."""
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        orig = getattr(error, "orig", None)
        error = orig if isinstance(orig, BaseException) else (error.__cause__ or error.__context__)


def is_cancelled(exc: BaseException) -> bool:
    """True when ``exc`` is a statement the database stopped on request (a timeout, an interrupt)."""
    return any(
        _sqlstate(error) == QUERY_CANCELED
        or (isinstance(error, sqlite3.OperationalError) and str(error) == "interrupted")
        for error in _chain(exc)
    )


def is_outage(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot be reached or will not serve now."""
    if is_cancelled(exc):
        return False
    if isinstance(exc, OSError | PoolTimeout | OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return any(_unavailable(error) for error in _chain(exc))


def _unavailable(error: BaseException) -> bool:
    state = _sqlstate(error)
    return state.startswith("08") or state in UNAVAILABLE_STATES or isinstance(error, OSError)
