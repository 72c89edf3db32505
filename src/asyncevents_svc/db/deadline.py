"""A time budget for the statements of one block, on PostgreSQL and on SQLite.

``async with statement_deadline(session, seconds): ...`` stops a statement of the block that
runs past ``seconds`` and raises :class:`StatementTimeout` instead of the driver's error, so
the caller answers it as what it is and :func:`~asyncevents_svc.db.outage.is_outage` never
mistakes it for the database being away.

PostgreSQL: ``set_config('statement_timeout', …, true)`` — ``SET LOCAL`` — in the session's
transaction; the server cancels a longer statement (SQLSTATE 57014, ``query_canceled``). The
setting ends with the transaction whatever happens, and a block that ends normally sets it
back to the session's default at once, so later statements of the same transaction are not
bounded by it.

SQLite has no statement timeout. A timer task interrupts the connection
(``sqlite3_interrupt`` through aiosqlite) once the budget is spent, and is cancelled when the
block ends. Nothing is left on the pooled connection: the timer and the end of the block both
run on the event loop, so the timer cannot fire after the block, and an interrupt while no
statement runs is a no-op (SQLite's documented contract). A progress handler would be the
other way, but SQLite calls it from aiosqlite's thread every N steps, taking the GIL each
time: a cost on every statement, paid for the rare one that needs a budget.

Neither database looks at the budget inside one function call: one ``LIKE`` over one huge
value runs to its end. The search language bounds that cost (``deliveries/search/``).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from asyncevents_svc.db.outage import is_cancelled

_SET_LOCAL = text("SELECT set_config('statement_timeout', :milliseconds, true)")
# DEFAULT is the session's own value (server, role or connection setting): we never SET it.
_BACK_TO_DEFAULT = text("SET LOCAL statement_timeout TO DEFAULT")


class StatementTimeout(Exception):
    """A statement ran past its budget and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"a statement ran longer than {seconds:g} s and was stopped")
        self.seconds = seconds


@asynccontextmanager
async def statement_deadline(session: AsyncSession, seconds: float) -> AsyncIterator[None]:
    """Run the block's statements on ``session`` within ``seconds`` (see the module doc).

    A :class:`StatementTimeout` leaves a PostgreSQL transaction aborted: the caller rolls
    back (a request's session does so when it closes)."""
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        async with _postgresql(session, seconds):
            yield
    elif connection.dialect.name == "sqlite":
        async with _sqlite(connection, seconds):
            yield
    else:  # pragma: no cover - the service runs on these two
        yield


@asynccontextmanager
async def _postgresql(session: AsyncSession, seconds: float) -> AsyncIterator[None]:
    await session.execute(_SET_LOCAL, {"milliseconds": str(max(1, round(seconds * 1000)))})
    try:
        yield
    except DBAPIError as exc:
        if is_cancelled(exc):
            raise StatementTimeout(seconds) from exc
        raise
    await session.execute(_BACK_TO_DEFAULT)  # only here: an aborted transaction refuses it


@asynccontextmanager
async def _sqlite(connection: AsyncConnection, seconds: float) -> AsyncIterator[None]:
    driver: aiosqlite.Connection | None = (await connection.get_raw_connection()).driver_connection
    assert driver is not None  # a checked-out connection has one
    spent = asyncio.Event()

    async def interrupt_when_spent() -> None:
        await asyncio.sleep(seconds)
        spent.set()
        with contextlib.suppress(ValueError, sqlite3.ProgrammingError):  # closed: nothing runs
            await driver.interrupt()  # sqlite3_interrupt: safe from any thread, by design

    timer = asyncio.create_task(interrupt_when_spent(), name="sqlite-statement-deadline")
    try:
        yield
    except DBAPIError as exc:
        if spent.is_set() and is_cancelled(exc):
            raise StatementTimeout(seconds) from exc
        raise
    finally:
        timer.cancel()
