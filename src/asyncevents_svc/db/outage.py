"""Telling "the database is away" from a bug, so the API can answer 503 instead of 500.

A restart shows up in several shapes: refused connections (``OSError``), a dropped
connection (SQLAlchemy marks it invalidated), or a server that answers but will not serve
yet — "the database system is starting up / shutting down" (SQLSTATE 57P03 / 57P01),
which SQLAlchemy wraps as a plain ``DBAPIError``. SQLSTATE class 08 is "connection
exception"; 53300 is "too many connections".
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

UNAVAILABLE_STATES = {"57P01", "57P02", "57P03", "53300"}


def _sqlstate(error: BaseException) -> str:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state if isinstance(state, str) else ""


def is_outage(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot be reached or will not serve now."""
    if isinstance(exc, OSError | PoolTimeout | OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        state = _sqlstate(error)
        if state.startswith("08") or state in UNAVAILABLE_STATES or isinstance(error, OSError):
            return True
        orig = getattr(error, "orig", None)
        error = orig if isinstance(orig, BaseException) else (error.__cause__ or error.__context__)
    return False
