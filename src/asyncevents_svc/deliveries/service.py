"""Finding and replaying deliveries (shared by the API, the worker's replay jobs and the CLI).

A replay puts a finished delivery (``delivered``, ``dead``, ``cancelled`` or ``expired``) back to
``pending`` on the same UUID — so the receiver sees the same ``webhook-id`` — with the
stored payload and a fresh retry budget (a new chain: ``chain_offset`` = attempts so far).
Only deliveries whose subscription is still active can be replayed; the scheduler sends
them on its next scan.

A replay sends an event's payload again, so it needs the event's ``<resources>``
(:class:`~asyncevents_svc.auth.resources.ResourceGuard`): one delivery is refused with a 403,
and a bulk replay leaves out (``excluded_events``) the events the caller lacks resources
for, so its count, its job and its progress cover only what the caller may send.

A search (a filter with ``q``) runs within a time budget (``security.search_timeout``, passed
in as ``budget``): the database stops it past that and :class:`SearchTooExpensive` says how
to narrow it (:func:`searching`).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.applications.scope import within
from asyncevents_svc.auth.resources import ResourceGuard
from asyncevents_svc.db.deadline import StatementTimeout, statement_deadline
from asyncevents_svc.db.models import Delivery, Event, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import repository
from asyncevents_svc.deliveries.search import SearchError, compile_query
from asyncevents_svc.deliveries.status import FINISHED, DeliveryStatus
from asyncevents_svc.errors import BadRequest, Conflict, NotFound, SearchTooExpensive
from asyncevents_svc.subscriptions.status import SubscriptionStatus

REPLAYABLE = FINISHED
STATUSES = tuple(DeliveryStatus)


@dataclass(frozen=True)
class DeliveryFilter:
    """Criteria of the trace list and of bulk replays; every given field must hold.

    ``application_id`` keeps every query built from these criteria (the page, the search,
    the dry-run count, a replay job's batches) to one application's deliveries: a bound
    key's own, or the one an operator filters by; ``None``: every application."""

    event_name: str | None = None
    subscription_id: int | None = None
    status: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None
    excluded_events: tuple[str, ...] = ()  # events the caller may not replay (resources)
    application_id: int | None = None

    @property
    def reads_events(self) -> bool:
        """Whether :meth:`clauses` test the event (its name, its payload): only then must a
        query join ``events`` (at 10 M deliveries, a capped count's join was most of it)."""
        return bool(self.event_name or self.excluded_events or self.q)

    def clauses(self) -> list[ColumnElement[bool]]:
        clauses = within(Delivery.application_id, self.application_id)
        if self.event_name:
            clauses.append(Event.name == self.event_name)
        if self.subscription_id is not None:
            clauses.append(Delivery.subscription_id == self.subscription_id)
        if self.status:
            clauses.append(Delivery.status.in_(self.status))
        if self.since is not None:
            clauses.append(Delivery.created_at >= self.since)
        if self.until is not None:
            clauses.append(Delivery.created_at < self.until)
        if self.excluded_events:
            clauses.append(Event.name.not_in(self.excluded_events))
        if self.q:
            try:
                clauses.append(compile_query(self.q))
            except SearchError as exc:
                raise BadRequest(f"q: {exc} (at position {exc.position})") from exc
        return clauses

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "event_name": self.event_name,
            "subscription_id": self.subscription_id,
            "status": list(self.status),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "q": self.q,
        }
        if self.excluded_events:  # shown in the job's criteria: what it leaves out
            data["excluded_events"] = list(self.excluded_events)
        if self.application_id is not None:
            data["application_id"] = self.application_id
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeliveryFilter:
        return cls(
            event_name=data.get("event_name"),
            subscription_id=data.get("subscription_id"),
            status=tuple(data.get("status") or ()),
            since=datetime.fromisoformat(data["since"]) if data.get("since") else None,
            until=datetime.fromisoformat(data["until"]) if data.get("until") else None,
            q=data.get("q"),
            excluded_events=tuple(data.get("excluded_events") or ()),
            application_id=data.get("application_id"),
        )


@asynccontextmanager
async def searching(session: AsyncSession, criteria: DeliveryFilter, budget: float) -> AsyncIterator[None]:
    """Run the block's statements within ``budget`` seconds when ``criteria`` searches (``q``).

    Filters without ``q`` are plain indexed conditions and run unbounded, as any query."""
    if not criteria.q:
        yield
        return
    try:
        async with statement_deadline(session, budget):
            yield
    except StatementTimeout as exc:
        raise SearchTooExpensive(
            f"q: the search ran longer than its {budget:g} s budget and was stopped; narrow it "
            "with since/until (or created_at:>now-1d), event_name, status or subscription_id, "
            "and prefer value* to *value in payload fields"
        ) from exc


def matching(criteria: DeliveryFilter) -> Select[Delivery, str]:
    """Deliveries (with their event name) that meet ``criteria``."""
    return select(Delivery, Event.name).join(Event, Event.id == Delivery.event_id).where(*criteria.clauses())


def _with_events(query: Select[uuid.UUID], criteria: DeliveryFilter) -> Select[uuid.UUID]:
    """``query`` joined to each delivery's event if the criteria test it."""
    return query.join(Event, Event.id == Delivery.event_id) if criteria.reads_events else query


def _replayable(criteria: DeliveryFilter) -> list[ColumnElement[bool]]:
    active = select(Subscription.id).where(
        Subscription.id == Delivery.subscription_id,
        Subscription.application_id == Delivery.application_id,  # an id reused elsewhere is not it
        Subscription.status == SubscriptionStatus.ACTIVE,
    )
    return [*criteria.clauses(), Delivery.status.in_(REPLAYABLE), active.exists()]


#: A count (a dry run, a job's starting total) stops here, so that it costs what a page of
#: the log costs however many match (an exact count of 300,000 dead letters is a second).
COUNT_CAP = 10_000


@dataclass(frozen=True)
class Count:
    """How many match, up to a cap; ``more``: there are more than ``value``."""

    value: int
    more: bool = False


def count_statement(criteria: DeliveryFilter, cap: int | None) -> Select[int]:
    """The count of :func:`count_replayable`: of the matches, at most ``cap`` + 1."""
    matches = _with_events(select(Delivery.id), criteria).where(*_replayable(criteria))
    if cap is not None:
        matches = matches.limit(cap + 1)
    return select(func.count()).select_from(matches.subquery())


async def count_replayable(
    session: AsyncSession, criteria: DeliveryFilter, *, budget: float, cap: int | None = COUNT_CAP
) -> Count:
    """How many deliveries a replay of ``criteria`` would send, counting at most ``cap``
    (``None``: all, for the operator's command line)."""
    statement = count_statement(criteria, cap)
    async with searching(session, criteria, budget):
        found = int(await session.scalar(statement) or 0)
    if cap is not None and found > cap:
        return Count(cap, more=True)
    return Count(found)


async def replay_batch(
    session: AsyncSession, criteria: DeliveryFilter, after: uuid.UUID | None, limit: int, *, budget: float
) -> list[uuid.UUID]:
    """Replay the next ``limit`` replayable deliveries after ``after`` (in id order); the
    search for them has ``budget`` seconds."""
    query = (
        _with_events(select(Delivery.id), criteria)
        .where(*_replayable(criteria))
        .order_by(Delivery.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(Delivery.id > after)
    async with searching(session, criteria, budget):
        ids = list((await session.scalars(query)).all())
    if ids:
        await repository.restart(session, ids)
    return ids


async def find_delivery(
    session: AsyncSession, delivery_id: uuid.UUID, application_id: int | None
) -> Delivery | None:
    """The delivery if it is of ``application_id`` (``None``: any application's)."""
    found: Delivery | None = await session.scalar(
        select(Delivery).where(Delivery.id == delivery_id, *within(Delivery.application_id, application_id))
    )
    return found


async def replay_one(
    session: AsyncSession,
    delivery_id: uuid.UUID,
    guard: ResourceGuard | None = None,
    *,
    application_id: int | None = None,
) -> None:
    """Replay one delivery; 404 if unknown or of another application than
    ``application_id``, 403 if ``guard``'s caller lacks its event's resources, 409 if it is
    still in flight or its subscription is off. No ``guard``: a trusted operator (the CLI)."""
    delivery = await find_delivery(session, delivery_id, application_id)
    if delivery is None:
        raise NotFound(f"delivery {delivery_id} does not exist")
    if guard is not None:
        event_name = await session.scalar(select(Event.name).where(Event.id == delivery.event_id))
        guard.require([event_name or ""], f"replaying delivery {delivery_id} (event {event_name!r})")
    if delivery.status not in REPLAYABLE and not repository.is_scheduled(delivery, utcnow()):
        raise Conflict(
            f"delivery {delivery_id} is {delivery.status}; only finished deliveries and scheduled "
            "ones (sent now) can be replayed"
        )
    subscription = await session.get(Subscription, delivery.subscription_id)
    if subscription is not None and subscription.application_id != delivery.application_id:
        subscription = None  # the id was reused by another application's subscription
    if subscription is None or subscription.status != SubscriptionStatus.ACTIVE:
        raise Conflict(f"subscription {delivery.subscription_id} is deleted or disabled; enable it first")
    await repository.restart(session, [delivery_id])
