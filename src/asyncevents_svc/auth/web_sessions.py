"""Server-side web sessions (the ``web_sessions`` table): started at sign-in, checked on every
page with one primary-key lookup, ended at sign-out — in the database, so a copied cookie
stops working in every API process at once, not when the cookie would have expired.

Rows past ``expires_at`` (ended or not) are useless and are removed in batches by the
worker's maintenance (:func:`remove_expired`), on the retention schedule.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.models import WebSession
from asyncevents_svc.db.types import utcnow


class SessionKind(StrEnum):
    """Who a session is for: the console, or an application's consumer portal — first a
    link not yet opened, then (the same row) a signed-in portal."""

    CONSOLE = "console"
    PORTAL_LINK = "portal-link"
    PORTAL = "portal"


async def start(
    sessions: SessionFactory, kind: SessionKind, key_id: uuid.UUID | None, lifetime: float
) -> uuid.UUID:
    """A new session of ``kind`` for ``key_id``, valid for ``lifetime`` seconds."""
    now = utcnow()
    row = WebSession(
        id=uuid.uuid4(),
        kind=kind,
        key_id=key_id,
        created_at=now,
        expires_at=now + timedelta(seconds=lifetime),
    )
    async with sessions() as session, session.begin():
        session.add(row)
    return row.id


async def live(sessions: SessionFactory, session_id: uuid.UUID, kind: SessionKind) -> WebSession | None:
    """The session if it exists, is of ``kind``, has not ended and has not expired."""
    async with sessions() as session:
        row = await session.get(WebSession, session_id)
    if row is None or row.kind != kind or row.ended_at is not None or row.expires_at <= utcnow():
        return None
    return row


async def end(sessions: SessionFactory, session_id: uuid.UUID) -> None:
    """End the session now (signing out); ending it twice changes nothing."""
    async with sessions() as session, session.begin():
        await session.execute(
            update(WebSession)
            .where(WebSession.id == session_id, WebSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


async def end_for_key(session: AsyncSession, key_id: uuid.UUID) -> None:
    """End every session signed in with ``key_id`` (its revocation), in the caller's
    transaction: the revocation and the end of its sessions commit together."""
    await session.execute(
        update(WebSession)
        .where(WebSession.key_id == key_id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


async def remove_expired(sessions: SessionFactory, *, batch_size: int, now: datetime | None = None) -> int:
    """Delete sessions past their expiry, ``batch_size`` rows per short transaction."""
    cutoff = now or utcnow()
    total = 0
    while True:
        ids = select(WebSession.id).where(WebSession.expires_at < cutoff).limit(batch_size)
        async with sessions() as session, session.begin():
            result = await session.execute(
                delete(WebSession)
                .where(WebSession.id.in_(ids.scalar_subquery()))
                .execution_options(synchronize_session=False)
            )
        count = result.rowcount or 0  # type: ignore[attr-defined]
        total += count
        if count < batch_size:
            return total


async def end_for_application(session: AsyncSession, application_id: int) -> list[uuid.UUID]:
    """End every portal session and unopened link of ``application_id``, in the caller's
    transaction; returns the keys of the opened ones, for the caller to revoke."""
    live = WebSession.application_id == application_id, WebSession.ended_at.is_(None)
    keys = list((await session.scalars(select(WebSession.key_id).where(*live))).all())
    await session.execute(
        update(WebSession).where(*live).values(ended_at=utcnow()).execution_options(synchronize_session=False)
    )
    return [key for key in keys if key is not None]
