"""Reading deliveries and their attempts for the trace routes."""

from __future__ import annotations

import base64
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.applications.scope import within
from asyncevents_svc.db.counting import capped
from asyncevents_svc.db.models import Attempt, Delivery
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.policy import summary
from asyncevents_svc.deliveries.repository import is_scheduled
from asyncevents_svc.deliveries.schemas import AttemptOut, DeliveryListItem, DeliveryOut
from asyncevents_svc.deliveries.service import DeliveryFilter, find_delivery, matching, searching
from asyncevents_svc.errors import ValidationFailed
from asyncevents_svc.types import PageCount


def scheduled_for(delivery: Delivery) -> datetime | None:
    """When a scheduled send starts (the fan-out's ``deliver_at``), if it has not yet."""
    return delivery.next_attempt_at if is_scheduled(delivery, utcnow()) else None


def summary_of(delivery: Delivery) -> str:
    when = scheduled_for(delivery)
    if when is not None:
        return f"Scheduled for {when.isoformat(timespec='seconds')}"
    return summary(delivery.status, delivery.attempts, delivery.chain_offset, delivery.status_reason)


def _common(delivery: Delivery) -> dict[str, Any]:
    """The fields the trace list and the trace page share."""
    return {
        "id": delivery.id,
        "event_id": delivery.event_id,
        "subscription_id": delivery.subscription_id,
        "notifier": delivery.notifier,
        "status": delivery.status,
        "summary": summary_of(delivery),
        "attempt_count": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "created_at": delivery.created_at,
        "first_attempt_at": delivery.first_attempt_at,
        "last_attempt_at": delivery.last_attempt_at,
        "next_attempt_at": delivery.next_attempt_at,
        "scheduled_for": scheduled_for(delivery),
        "expires_at": delivery.expires_at,
    }


def to_out(delivery: Delivery, attempts: list[Attempt]) -> DeliveryOut:
    return DeliveryOut(
        **_common(delivery),
        status_reason=delivery.status_reason,
        attempts=[AttemptOut.model_validate(a, from_attributes=True) for a in attempts],
    )


async def _with_attempts(session: AsyncSession, deliveries: list[Delivery]) -> list[DeliveryOut]:
    by_delivery: dict[uuid.UUID, list[Attempt]] = defaultdict(list)
    if deliveries:
        attempts = await session.scalars(
            select(Attempt)
            .where(Attempt.delivery_id.in_([d.id for d in deliveries]))
            .order_by(Attempt.delivery_id, Attempt.number, Attempt.id)
        )
        for attempt in attempts:
            by_delivery[attempt.delivery_id].append(attempt)
    return [to_out(d, by_delivery[d.id]) for d in deliveries]


async def deliveries_of_event(
    session: AsyncSession, event_id: uuid.UUID, application_id: int | None = None
) -> list[DeliveryOut]:
    """The event's deliveries of ``application_id`` (``None``: all), with their attempts."""
    return (await deliveries_of_events(session, [event_id], application_id))[event_id]


async def deliveries_of_events(
    session: AsyncSession, event_ids: list[uuid.UUID], application_id: int | None = None
) -> dict[uuid.UUID, list[DeliveryOut]]:
    """The deliveries of each of ``event_ids`` of ``application_id`` (``None``: all), with
    their attempts: two statements for a whole page of events."""
    by_event: dict[uuid.UUID, list[DeliveryOut]] = defaultdict(list)
    if not event_ids:
        return by_event
    deliveries = await session.scalars(
        select(Delivery)
        .where(Delivery.event_id.in_(event_ids), *within(Delivery.application_id, application_id))
        .order_by(Delivery.event_id, Delivery.subscription_id)
    )
    for out in await _with_attempts(session, list(deliveries)):
        by_event[out.event_id].append(out)
    return by_event


async def delivery(
    session: AsyncSession, delivery_id: uuid.UUID, application_id: int | None = None
) -> DeliveryOut | None:
    """One delivery with its attempts, if it is of ``application_id`` (``None``: any)."""
    found = await find_delivery(session, delivery_id, application_id)
    if found is None:
        return None
    [out] = await _with_attempts(session, [found])
    return out


def encode_cursor(created_at: datetime, delivery_id: uuid.UUID, *, kind: str = "d") -> str:
    """A keyset cursor on (a time, a UUID); ``kind`` (``d`` deliveries, ``e`` events) keeps
    one list's cursor from being taken for another's."""
    raw = f"{kind}|{created_at.isoformat()}|{delivery_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, kind: str = "d") -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        found, stamp, ident = raw.split("|")
        if found != kind:
            raise ValueError(found)
        return datetime.fromisoformat(stamp), uuid.UUID(ident)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("cursor", "not a cursor returned by this API") from None


def page_statement(criteria: DeliveryFilter, cursor: str | None, limit: int) -> Select[Delivery, str]:
    """The statement of one page: newest first, after ``cursor``. For one application it
    reads the (application_id, created_at, id) index backwards, with no sort."""
    query = matching(criteria).order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(limit)
    if cursor:
        stamp, ident = decode_cursor(cursor)
        # A row comparison: one range of the (…, created_at, id) indexes, where the
        # equivalent OR of two conditions would make PostgreSQL filter instead of seek.
        query = query.where(tuple_(Delivery.created_at, Delivery.id) < tuple_(stamp, ident))
    return query


async def page(
    session: AsyncSession, criteria: DeliveryFilter, cursor: str | None, limit: int, *, budget: float
) -> tuple[list[DeliveryListItem], str | None]:
    """Newest first; keyset pagination on (created_at, id); a search has ``budget`` seconds."""
    query = page_statement(criteria, cursor, limit + 1)
    async with searching(session, criteria, budget):
        rows = list((await session.execute(query)).all())
    items = [DeliveryListItem(**_common(d), event_name=name) for d, name in rows[:limit]]
    next_cursor = encode_cursor(items[-1].created_at, items[-1].id) if len(rows) > limit else None
    return items, next_cursor


async def count(session: AsyncSession, criteria: DeliveryFilter, *, budget: float) -> PageCount:
    """How many deliveries meet ``criteria``, up to the listing cap (a search has ``budget``)."""
    async with searching(session, criteria, budget):
        return await capped(session, matching(criteria).with_only_columns(Delivery.id))
