"""Reading events for ``GET /v1/events/{id}`` and ``GET /v1/events``, as far as the
caller's application reaches.

An event is not owned by one application the way a subscription is: one published without
``application`` goes to every application. So a key bound to an application sees an event
that was published to its application, or that its application has a delivery of -- and
no other, not even one published to all that none of its subscriptions wanted (which of
another tenant's events exist is not its business). Of what it sees, the skipped
subscriptions are its own only.

The list (:func:`page`) is narrower for a bound key: the events published to its
application (``events.application_id``), newest first. An event published to every
application is in no one application's list, even one its application has a delivery of:
which of those it has is a probe of the deliveries per event, and for an application that
has few (or none) a page would read every event of the table to fill. Its deliveries of
them are in ``GET /v1/deliveries``, and each such event in ``GET /v1/events/{id}``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from asyncevents_svc.db.counting import capped
from asyncevents_svc.db.models import Delivery, Event, Subscription
from asyncevents_svc.deliveries.queries import decode_cursor, encode_cursor
from asyncevents_svc.types import PageCount

CURSOR_KIND = "e"  # a delivery log's cursor is refused here, and this one there


async def visible(session: AsyncSession, event_id: uuid.UUID, application_id: int | None) -> Event | None:
    """The event if ``application_id`` (``None``: an operator, every event) may see it."""
    query = select(Event).where(Event.id == event_id)
    if application_id is not None:
        has_delivery = select(Delivery.id).where(
            Delivery.event_id == Event.id, Delivery.application_id == application_id
        )
        query = query.where(or_(Event.application_id == application_id, has_delivery.exists()))
    found: Event | None = await session.scalar(query)
    return found


async def skips_of(session: AsyncSession, event: Event, application_id: int | None) -> list[dict[str, Any]]:
    """The subscriptions the event's filter skipped, as :func:`skips_of_many` shows them."""
    return (await skips_of_many(session, [event], application_id))[event.id]


async def skips_of_many(
    session: AsyncSession, events: list[Event], application_id: int | None
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The subscriptions each event's filter skipped, of ``application_id``'s only (``None``:
    all), in one statement for a page. A skip whose subscription is gone since is not shown
    to a bound key: whose it was is no longer known."""
    skipped: dict[uuid.UUID, list[dict[str, Any]]] = {e.id: list(e.skipped or []) for e in events}
    named = {skip["subscription_id"] for skips in skipped.values() for skip in skips}
    if application_id is None or not named:
        return skipped
    own = set(
        (
            await session.scalars(
                select(Subscription.id).where(
                    Subscription.id.in_(named), Subscription.application_id == application_id
                )
            )
        ).all()
    )
    return {
        event_id: [skip for skip in skips if skip["subscription_id"] in own]
        for event_id, skips in skipped.items()
    }


@dataclass(frozen=True)
class EventFilter:
    """Criteria of ``GET /v1/events``; every given field must hold.

    ``application_id`` is the reach: a bound key's own application, or the one an operator
    filters by (``None``: every event)."""

    name: str | None = None
    status: tuple[str, ...] = ()
    store_id: int | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    application_id: int | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        if self.application_id is not None:
            clauses.append(Event.application_id == self.application_id)
        if self.name is not None:
            clauses.append(Event.name == self.name)
        if self.status:
            clauses.append(Event.status.in_(self.status))
        if self.store_id is not None:
            clauses.append(Event.store_id == self.store_id)
        if self.source is not None:
            clauses.append(Event.source == self.source)
        if self.since is not None:
            clauses.append(Event.received_at >= self.since)
        if self.until is not None:
            clauses.append(Event.received_at < self.until)
        return clauses


def page_statement(criteria: EventFilter, cursor: str | None, limit: int) -> Select[Event]:
    """The statement of one page: newest first, after ``cursor``. Unfiltered it reads
    ``ix_events_received`` backwards; for one application ``ix_events_application``, for a
    name ``ix_events_name_received``, for a status ``ix_events_status`` -- each in the page's
    order, with no sort.

    Several statuses are one page of each status (a range of ``ix_events_status``), merged
    in order under the page's ORDER BY and LIMIT (PostgreSQL's Merge Append): ``status IN
    (…)`` would make PostgreSQL read and sort every match, or walk the whole list to fill a
    page of rare ones. Each page is a subquery of its own, the form SQLite accepts too."""
    after: list[ColumnElement[bool]] = []
    if cursor:
        stamp, ident = decode_cursor(cursor, kind=CURSOR_KIND)
        # A row comparison: one range of the (…, received_at, id) indexes (as the delivery log).
        after.append(tuple_(Event.received_at, Event.id) < tuple_(stamp, ident))
    statuses = tuple(dict.fromkeys(criteria.status))
    if len(statuses) < 2:
        return _newest(select(Event).where(*criteria.clauses(), *after), Event, limit)
    pages = [
        _newest(select(Event).where(*replace(criteria, status=(s,)).clauses(), *after), Event, limit)
        for s in statuses
    ]
    each = [select(aliased(Event, one.subquery(f"status_{n}"))) for n, one in enumerate(pages)]
    merged = aliased(Event, union_all(*each).subquery("statuses"))
    return _newest(select(merged), merged, limit)


def _newest(query: Select[Event], events: type[Event], limit: int) -> Select[Event]:
    return query.order_by(events.received_at.desc(), events.id.desc()).limit(limit)


async def count(session: AsyncSession, criteria: EventFilter) -> PageCount:
    """How many events meet ``criteria``, up to the listing cap."""
    return await capped(session, select(Event.id).where(*criteria.clauses()))


async def page(
    session: AsyncSession, criteria: EventFilter, cursor: str | None, limit: int
) -> tuple[list[Event], str | None]:
    """Newest first; keyset pagination on (received_at, id)."""
    rows = list((await session.scalars(page_statement(criteria, cursor, limit + 1))).all())
    events = rows[:limit]
    if len(rows) <= limit:
        return events, None
    return events, encode_cursor(events[-1].received_at, events[-1].id, kind=CURSOR_KIND)
