"""Reading subscriptions: the one listing query, for the API's pages and the CLI's table.

Apart from :class:`~asyncevents_svc.subscriptions.service.SubscriptionService` because a
read needs no catalogue, notifiers or cipher, and so the CLI can list without loading them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.applications.scope import within
from asyncevents_svc.db.counting import capped
from asyncevents_svc.db.models import Subscription
from asyncevents_svc.types import PageCount


async def find(
    session: AsyncSession,
    *,
    filters: dict[str, Any],
    after_id: int | None,
    limit: int,
    application_id: int | None = None,
) -> list[Subscription]:
    """Subscriptions of ``application_id`` (``None``: every application) in id order, after a
    cursor, filtered by column equality (a filter whose value is ``None`` is not applied).

    With an application the (application_id, id) index bounds the read."""
    query = _matching(select(Subscription), filters, application_id).order_by(Subscription.id).limit(limit)
    if after_id is not None:
        query = query.where(Subscription.id > after_id)
    return list((await session.scalars(query)).all())


def _matching(query: Select[Any], filters: dict[str, Any], application_id: int | None) -> Select[Any]:
    query = query.where(*within(Subscription.application_id, application_id))
    for column, value in filters.items():
        if value is not None:
            query = query.where(getattr(Subscription, column) == value)
    return query


async def count(session: AsyncSession, *, filters: dict[str, Any], application_id: int | None) -> PageCount:
    """How many subscriptions of ``application_id`` (``None``: all) meet ``filters``, up to
    the listing cap."""
    return await capped(session, _matching(select(Subscription.id), filters, application_id))
