"""Consumer portal sessions: a single-use link that signs its holder into one application's
portal, and the short-lived key behind that session.

* :func:`create_link` (the operator's ``POST /v1/applications/{app}/portal-sessions``)
  stores a ``portal-link`` web session: the application, the scopes its key will hold and
  the SHA-256 of a random token; the token goes into the link and is never stored. The link
  must be opened within ``portal.link_lifetime``.
* :func:`open_link` spends the link, once: one conditional ``UPDATE`` turns the row into a
  ``portal`` session (so of two concurrent opens one wins, the other finds nothing), then a
  key bound to the application is made with the stored scopes and an expiry equal to the
  session's (``portal.session_lifetime``): when the session expires, so does its key.
* Signing out (:func:`sign_out`) ends the session and revokes its key; deleting the
  application revokes its keys and ends its links (``applications/service.py``);
  :func:`end_all` (``DELETE …/portal-sessions``) ends every session and link of one.

The key gets :data:`BASE_SCOPES` — manage subscriptions, read and replay deliveries; never
publish, never the operator's scopes — plus the catalogue ``<resources>`` the operator grants
(all of the catalogue's unless the request names fewer), so the consumer can subscribe to
the events those resources guard.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.auth import web_sessions
from asyncevents_svc.auth.keys import create_key, revoke_key
from asyncevents_svc.auth.scopes import (
    DELIVERIES_READ,
    DELIVERIES_REPLAY,
    SUBSCRIPTIONS_READ,
    SUBSCRIPTIONS_WRITE,
)
from asyncevents_svc.auth.web_sessions import SessionKind
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.models import ApiKey, Application, WebSession
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.errors import ValidationFailed

BASE_SCOPES = (SUBSCRIPTIONS_READ, SUBSCRIPTIONS_WRITE, DELIVERIES_READ, DELIVERIES_REPLAY)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class Opened:
    """A portal session just opened: its id, and its key (to seal into the cookie)."""

    session_id: uuid.UUID
    key: str
    expires_at: datetime


def scopes_for(granted: list[str] | None, catalogue_resources: frozenset[str]) -> list[str]:
    """The portal key's scopes: :data:`BASE_SCOPES` and the granted resources (all of the
    catalogue's when ``granted`` is None); a resource the catalogue lacks is a 422."""
    resources = sorted(catalogue_resources) if granted is None else sorted(set(granted))
    unknown = sorted(set(resources) - catalogue_resources)
    if unknown:
        raise ValidationFailed("resources", f"not <resources> of the catalogue: {unknown}")
    return [*BASE_SCOPES, *resources]


async def create_link(
    session: AsyncSession, application: Application, scopes: list[str], *, lifetime: float
) -> Link:
    """Store an unopened link for ``application`` (the caller commits)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = WebSession(
        id=uuid.uuid4(),
        kind=SessionKind.PORTAL_LINK,
        key_id=None,
        application_id=application.id,
        link_hash=_hash(token),
        scopes=scopes,
        created_at=now,
        expires_at=now + timedelta(seconds=lifetime),
    )
    session.add(row)
    await session.flush()
    return Link(token, row.expires_at)


async def open_link(session: AsyncSession, token: str, *, lifetime: float) -> Opened | None:
    """Spend the link whose token is ``token`` and start its session; None if no such link is
    waiting (unknown, opened already, ended, or past its time). The caller commits."""
    now = utcnow()
    expires_at = now + timedelta(seconds=lifetime)
    claimed = (
        await session.execute(
            update(WebSession)
            .where(
                WebSession.link_hash == _hash(token),
                WebSession.kind == SessionKind.PORTAL_LINK,
                WebSession.ended_at.is_(None),
                WebSession.expires_at > now,
            )
            .values(kind=SessionKind.PORTAL, expires_at=expires_at)
            .returning(WebSession.id, WebSession.application_id, WebSession.scopes)
            .execution_options(synchronize_session=False)
        )
    ).first()
    if claimed is None or claimed.application_id is None:
        return None
    row, key = await create_key(
        session,
        name=f"portal session {claimed.id}",
        scopes=list(claimed.scopes or BASE_SCOPES),
        resources=frozenset(claimed.scopes or ()),
        expires_at=expires_at,
        application_id=claimed.application_id,
    )
    await session.execute(
        update(WebSession)
        .where(WebSession.id == claimed.id)
        .values(key_id=row.id)
        .execution_options(synchronize_session=False)
    )
    return Opened(claimed.id, key, expires_at)


async def sign_out(session: AsyncSession, session_id: uuid.UUID) -> uuid.UUID | None:
    """End a portal session and revoke its key (the caller commits, then forgets the key
    from the verifier's cache); returns the key's id."""
    row = await session.get(WebSession, session_id)
    if row is None or row.kind != SessionKind.PORTAL:
        return None
    row.ended_at = row.ended_at or utcnow()
    if row.key_id is None:
        return None
    await revoke_key(session, row.key_id)
    return row.key_id


async def end_all(session: AsyncSession, application: Application) -> list[uuid.UUID]:
    """End every portal session and unopened link of ``application`` and revoke their keys;
    returns the keys' ids (the caller commits, then forgets them)."""
    keys = await web_sessions.end_for_application(session, application.id)
    for key_id in keys:
        await revoke_key(session, key_id)
    return keys


async def remove_expired_keys(
    sessions: SessionFactory, *, batch_size: int, now: datetime | None = None
) -> int:
    """Delete the keys of portal sessions past their expiry (the key expired with them; its
    row is of no use), ``batch_size`` a short transaction; their session rows go with them
    (``web_sessions.key_id`` cascades). Runs before :func:`web_sessions.remove_expired`,
    which would otherwise remove the sessions that say which keys were a portal's."""
    cutoff = now or utcnow()
    total = 0
    while True:
        keys = (
            select(WebSession.key_id)
            .where(
                WebSession.kind == SessionKind.PORTAL,
                WebSession.expires_at < cutoff,
                WebSession.key_id.is_not(None),
            )
            .limit(batch_size)
        )
        async with sessions() as session, session.begin():
            result = await session.execute(
                delete(ApiKey)
                .where(ApiKey.id.in_(keys.scalar_subquery()))
                .execution_options(synchronize_session=False)
            )
        count = result.rowcount or 0  # type: ignore[attr-defined]
        total += count
        if count < batch_size:
            return total
