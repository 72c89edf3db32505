"""Which application a request reaches: the one place tenancy turns into SQL and into ids.

Applications are the tenants: each subscription belongs to one, a key may be bound to one,
and a bound key sees and changes its own application's objects only.

A key bound to an application (``Caller.application_id``) reaches that application's rows
only; an operator key (``None``) reaches every application's. Every subscription and
delivery query takes the reach as an ``application_id`` (``None``: all) and filters with
:func:`within`, so isolation is a where-clause of the query, never a check a route could
forget.

A body or query parameter may name an application by uid (``application``):

- :func:`reach` -- a filter (lists, searches, bulk replays): an operator's narrows to the
  one named, a bound key's may only name its own;
- :func:`target` -- where something is created (a subscription, an event): an operator's
  lands in the one named, or ``default`` (subscriptions) or every application (events);
  a bound key's always lands in its own.

A bound key that names another application, existing or not, gets the very 422 an unknown
uid gets, so the answer never tells whether another tenant exists.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from asyncevents_svc.applications.schemas import UID_PATTERN
from asyncevents_svc.db.models import Application
from asyncevents_svc.errors import ValidationFailed

_UID = re.compile(UID_PATTERN)


def within(
    column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None], application_id: int | None
) -> list[ColumnElement[bool]]:
    """The where-clause that keeps ``column`` to one application (none: every application)."""
    return [] if application_id is None else [column == application_id]


def _unknown(uid: str, field: str) -> ValidationFailed:
    return ValidationFailed(field, f"no application has the uid {uid!r}")


async def _id_of(session: AsyncSession, uid: str, field: str) -> int:
    found = (
        await session.scalar(select(Application.id).where(Application.uid == uid))
        if _UID.fullmatch(uid)
        else None
    )
    if found is None:
        raise _unknown(uid, field)
    return found


async def reach(
    session: AsyncSession, caller_application: int | None, uid: str | None, *, field: str = "application"
) -> int | None:
    """The application a read or a bulk action reaches: a bound key's own (naming another is
    a 422), or for an operator the one named, else ``None`` (every application)."""
    if uid is None:
        return caller_application
    named = await _id_of(session, uid, field)
    if caller_application is not None and named != caller_application:
        raise _unknown(uid, field)
    return named


async def target(
    session: AsyncSession,
    caller_application: int | None,
    uid: str | None,
    *,
    default: int | None,
    field: str = "application",
) -> int | None:
    """The application something is created in: a bound key's own (naming another is a
    422), or for an operator the one named, else ``default``."""
    if uid is None and caller_application is None:
        return default
    return await reach(session, caller_application, uid, field=field)
