"""Which database errors mean "away, retry later" (503) and which are bugs (500)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, StatementError

from asyncevents_svc.db.outage import is_outage


def wrapped(error: Exception) -> StatementError:
    """How SQLAlchemy's asyncpg dialect hands an asyncpg error to us."""
    return DBAPIError.instance("INSERT ...", {}, error, Exception)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.exceptions.ConnectionFailureError("connection failure"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_server_that_is_away_is_an_outage(error: Exception) -> None:
    assert is_outage(error if isinstance(error, OSError) else wrapped(error))


def test_errors_sqlalchemy_already_classifies_as_operational_are_outages() -> None:
    assert is_outage(OperationalError("SELECT 1", {}, Exception("database is locked")))


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.UniqueViolationError("duplicate key value"),
        asyncpg.exceptions.UndefinedColumnError('column "x" does not exist'),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_query_the_server_refused_is_a_bug_not_an_outage(error: Exception) -> None:
    assert not is_outage(wrapped(error))
    assert not is_outage(IntegrityError("INSERT ...", {}, error))
