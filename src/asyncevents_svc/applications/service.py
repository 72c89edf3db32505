"""Applications: create, find (by id or uid), rename, delete.

Deleting an application ends everything it owns that could still act: its subscriptions are
deleted, its keys revoked (their web sessions, the portal's too, end with them) and its open
deliveries cancelled, in one transaction. The history (deliveries, attempts, events) stays
until retention removes it; it keeps the application's id, which is never given again.
The ``default`` application cannot be deleted: the Magento routes create in it.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.applications.schemas import UID_PATTERN
from asyncevents_svc.auth import web_sessions
from asyncevents_svc.auth.keys import revoke_key
from asyncevents_svc.db.models import DEFAULT_APPLICATION_ID, ApiKey, Application, Delivery, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.status import OPEN, DeliveryStatus
from asyncevents_svc.errors import Conflict, NotFound, ValidationFailed

_UID = re.compile(UID_PATTERN)
_MAX_ID = 2_147_483_647


async def find(session: AsyncSession, ref: str) -> Application | None:
    """The application whose id (all digits) or uid is ``ref``, or ``None``."""
    if ref.isdigit():
        number = int(ref)
        return await session.get(Application, number) if 0 < number <= _MAX_ID else None
    if not _UID.fullmatch(ref):
        return None
    found: Application | None = await session.scalar(select(Application).where(Application.uid == ref))
    return found


async def get(session: AsyncSession, ref: str) -> Application:
    """:func:`find`, or a 404 naming ``ref``."""
    application = await find(session, ref)
    if application is None:
        raise NotFound(f"application {ref!r} does not exist")
    return application


async def uids(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    """The uid of each of these application ids that still exists."""
    if not ids:
        return {}
    rows = await session.execute(select(Application.id, Application.uid).where(Application.id.in_(ids)))
    return {row.id: row.uid for row in rows}


async def _uid_taken(session: AsyncSession, uid: str, *, other_than: int | None = None) -> bool:
    query = select(Application.id).where(Application.uid == uid)
    if other_than is not None:
        query = query.where(Application.id != other_than)
    return await session.scalar(query) is not None


async def create(session: AsyncSession, *, uid: str, name: str) -> Application:
    if await _uid_taken(session, uid):
        raise Conflict(f"an application with the uid {uid!r} exists already")
    application = Application(uid=uid, name=name, created_at=utcnow())
    session.add(application)
    try:
        await session.flush()
    except IntegrityError:  # created by a concurrent request since the check
        raise Conflict(f"an application with the uid {uid!r} exists already") from None
    return application


async def page(session: AsyncSession, *, after_id: int | None, limit: int) -> list[Application]:
    """Applications in id order after ``after_id`` (keyset: the primary key bounds the read)."""
    query = select(Application).order_by(Application.id).limit(limit)
    if after_id is not None:
        query = query.where(Application.id > after_id)
    return list((await session.scalars(query)).all())


async def rename(
    session: AsyncSession, application: Application, *, uid: str | None, name: str | None
) -> None:
    if uid is not None and uid != application.uid:
        if application.id == DEFAULT_APPLICATION_ID:
            raise ValidationFailed("uid", "the default application keeps its uid")
        if await _uid_taken(session, uid, other_than=application.id):
            raise Conflict(f"an application with the uid {uid!r} exists already")
        application.uid = uid
    if name is not None:
        application.name = name
    await session.flush()


async def remove(session: AsyncSession, application: Application) -> list[ApiKey]:
    """Delete ``application`` and end what it owns (see the module doc); returns the keys it
    revoked, for the caller to forget from its cache after the commit."""
    if application.id == DEFAULT_APPLICATION_ID:
        raise Conflict("the default application cannot be deleted")
    await session.execute(
        update(Delivery)
        .where(Delivery.application_id == application.id, Delivery.status.in_(OPEN))
        .values(
            status=DeliveryStatus.CANCELLED,
            status_reason=f"application {application.uid!r} was deleted",
            locked_until=None,
            next_attempt_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(Subscription)
        .where(Subscription.application_id == application.id)
        .execution_options(synchronize_session=False)
    )
    keys = list(
        (
            await session.scalars(
                select(ApiKey).where(ApiKey.application_id == application.id, ApiKey.revoked_at.is_(None))
            )
        ).all()
    )
    for key in keys:
        await revoke_key(session, key.id)
    await web_sessions.end_for_application(session, application.id)  # links not yet opened
    await session.delete(application)
    await session.flush()
    return keys
