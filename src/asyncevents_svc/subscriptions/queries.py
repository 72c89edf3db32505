"""Reading subscriptions: the one listing query, for the API's pages and the CLI's table.

Apart from :class:`~asyncevents_svc.subscriptions.service.SubscriptionService` because a
read needs no catalogue, notifiers or cipher, and so the CLI can list without loading them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.applications.scope import within
from asyncevents_svc.db.models import Subscription


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
    query = (
        select(Subscription)
        .where(*within(Subscription.application_id, application_id))
        .order_by(Subscription.id)
        .limit(limit)
    )
    for column, value in filters.items():
        if value is not None:
            query = query.where(getattr(Subscription, column) == value)
    if after_id is not None:
        query = query.where(Subscription.id > after_id)
    return list((await session.scalars(query)).all())
