"""Every write of a delivery's lifecycle, in one place.

A delivery is inserted at fan-out (already leased to the worker that will send it), claimed
when due (:func:`claim_due`, which takes a fresh lease), released when a worker will not
send it after all, given each attempt's outcome (:func:`record_attempts`), cancelled when
its subscription is gone or off, and restarted by a replay. A lease is
:class:`~asyncevents_svc.db.lease.Lease`; the states are
:class:`~asyncevents_svc.deliveries.status.DeliveryStatus`. The functions that take a
session leave the commit to the caller; those that take a session factory run their own
short transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, cast

import structlog
from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, func, insert, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.lease import Lease
from asyncevents_svc.db.models import Attempt, Delivery, Event, Subscription, due_for_sending
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import ordering
from asyncevents_svc.deliveries.jobs import SendJob
from asyncevents_svc.deliveries.minutes import Counted, add_attempts, add_expired
from asyncevents_svc.deliveries.policy import Outcome
from asyncevents_svc.deliveries.status import FINISHED, DeliveryStatus
from asyncevents_svc.notifiers.base import NotifierResult
from asyncevents_svc.subscriptions.status import SubscriptionStatus

log = structlog.get_logger(__name__)
DELIVERIES = cast(Table, Delivery.__table__)
ATTEMPTS = cast(Table, Attempt.__table__)


@dataclass(frozen=True)
class NewDelivery:
    """One delivery the fan-out creates: an event for a subscription, of the subscription's
    application (copied, so that a tenant's reads filter on this table alone)."""

    id: uuid.UUID
    event_id: uuid.UUID
    subscription_id: int
    notifier: str
    application_id: int
    # An ordered subscription's (deliveries/ordering.py): its line and place in it, and
    # whether it is the line's head (released: due) and sent at once (send).
    ordering_key: str | None = None
    ordered_at: datetime | None = None
    released: bool = True
    send: bool = True
    due_at: datetime | None = None  # a scheduled send: due then, not leased; None: now
    expires_at: datetime | None = None  # the event's deadline (events/timing.py)
    leased: bool = True  # False: not sent at once (scheduled, or past its deadline already)


async def insert_leased(
    session: AsyncSession, deliveries: Sequence[NewDelivery], *, now: datetime, locked_until: datetime
) -> None:
    """Insert new ``pending`` deliveries, due now and leased (``locked_until``) to the worker
    that sends their first attempt at once -- except those not ``leased``: a scheduled one
    is due at its ``due_at`` (the claim takes it then), one already past its deadline is
    due now for the claim to expire -- and ordered ones not sent at once: due and free (a
    head the horizon holds) or waiting in their line (not due)."""
    if not deliveries:
        return
    rows = [
        {
            "id": new.id,
            "event_id": new.event_id,
            "subscription_id": new.subscription_id,
            "application_id": new.application_id,
            "notifier": new.notifier,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": (new.due_at or now) if new.released else None,
            "locked_until": locked_until if new.released and new.send and new.leased else None,
            "expires_at": new.expires_at,
            "created_at": now,
            "updated_at": now,
            "ordering_key": new.ordering_key,
            "ordered_at": new.ordered_at,
        }
        for new in deliveries
    ]
    await session.execute(insert(Delivery), rows)


@dataclass(frozen=True)
class DueClaim:
    """What one claim of due deliveries took: ``claimed`` rows, of which ``jobs`` are to be
    sent (the others were cancelled, their subscription being gone or off, or expired: the
    notifier of each of those is in ``expired``)."""

    jobs: list[SendJob]
    claimed: int
    expired: tuple[str, ...] = ()


async def claim_due(
    sessions: SessionFactory, lease: Lease, limit: int, skip: list[int] | None = None
) -> DueClaim:
    """Lease up to ``limit`` due deliveries (``SKIP LOCKED``: workers share them), none of the
    subscriptions in ``skip``, and return their send jobs. A claimed delivery whose
    subscription was deleted or is no longer active is cancelled with the reason instead, and
    one past its deadline (``expires_at``) ends ``expired``: no attempt after the deadline.
    Either leaves the open index, so no claim reads it again."""
    now = utcnow()
    async with sessions() as session, session.begin():
        due = await _due(session, now, limit, skip, await ordering.horizon(session))
        claimed = (
            await session.scalars(
                update(Delivery)
                .where(Delivery.id.in_(due.scalar_subquery()))
                .values(locked_until=lease.until(now))
                .returning(Delivery.id)
                .execution_options(synchronize_session=False)
            )
        ).all()
        if not claimed:
            return DueClaim([], 0)
        jobs, cancelled, expired = await jobs_for(session, claimed)
    for delivery_id, reason in cancelled:
        log.info("delivery_cancelled", delivery_id=str(delivery_id), reason=reason)
    for delivery in expired:
        log.info("delivery_expired", delivery_id=str(delivery.id), expires_at=str(delivery.expires_at))
    return DueClaim(jobs, len(claimed), tuple(d.notifier for d in expired))


class Leased(NamedTuple):
    """What :func:`jobs_for` made of deliveries just leased."""

    jobs: list[SendJob]
    cancelled: list[tuple[uuid.UUID, str]]
    expired: list[Delivery]


async def jobs_for(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Leased:
    """The send jobs of deliveries just leased to this worker; those whose subscription was
    deleted or is no longer active are cancelled with the reason instead (an ordered one
    with every open delivery of its subscription's lines, which no claim would see), and
    those past their deadline end ``expired`` (an ordered one releasing the next of its line)."""
    jobs: list[SendJob] = []
    cancelled: list[tuple[uuid.UUID, str]] = []
    lines: dict[tuple[int, int], str] = {}
    rows = await session.execute(
        select(Delivery, Event.name, Event.store_id, Event.payload, Event.trace_context, Subscription)
        .join(Event, Event.id == Delivery.event_id)
        .outerjoin(Subscription, Subscription.id == Delivery.subscription_id)
        .where(Delivery.id.in_(ids))
    )
    now = utcnow()
    expired: list[Delivery] = []
    for delivery, name, store_id, payload, trace_context, sub in rows:
        if delivery.expires_at is not None and delivery.expires_at <= now:
            expired.append(delivery)
            continue
        if sub is None or sub.application_id != delivery.application_id:
            # (an id another application's subscription took since: not this one's)
            cancelled.append((delivery.id, "subscription was deleted"))
        elif sub.status != SubscriptionStatus.ACTIVE:
            cancelled.append((delivery.id, f"subscription {sub.id} is {sub.status}"))
        else:
            jobs.append(
                SendJob.to(
                    sub,
                    delivery_id=delivery.id,
                    event_id=delivery.event_id,
                    event_name=name,
                    store_id=store_id,
                    payload=payload,
                    attempt=delivery.attempts + 1,
                    chain_offset=delivery.chain_offset,
                    trace_context=trace_context,
                    ordering_key=delivery.ordering_key,
                    expires_at=delivery.expires_at,
                )
            )
            continue
        if delivery.ordering_key is not None:
            lines[(delivery.subscription_id, delivery.application_id)] = cancelled[-1][1]
    await cancel(session, cancelled)
    for (subscription_id, application_id), reason in lines.items():
        await ordering.cancel_lines(session, subscription_id, application_id, reason)
    await expire(session, expired, now)
    # An expired head ends its line's turn like a dead one: the next is due now (unleased:
    # the next claim takes it).
    heads = [(d.subscription_id, d.ordering_key) for d in expired if d.ordering_key is not None]
    await ordering.release_next(session, heads, now=now, locked_until=now)
    return Leased(jobs, cancelled, expired)


async def _due(
    session: AsyncSession, now: datetime, limit: int, skip: list[int] | None, horizon: datetime | None
) -> Select[uuid.UUID]:
    """What a claim locks: the ``limit`` earliest due deliveries, none of ``skip``'s.

    Without ``skip`` it reads the head of ``ix_deliveries_open_due`` and stops. With it, a
    walk in due order would read past every due delivery of the skipped subscriptions
    first (in a backlog, a million of one subscription's), so on PostgreSQL it first finds
    the earliest due of each other subscription (``LATERAL`` over ``subscriptions``,
    ``ix_deliveries_open_subscription``: one short read per subscription), then locks those
    by id, testing again that they are due (a row another worker leased since is skipped).
    Deliveries of a deleted subscription, which only wait to be cancelled, are left for a
    claim without a backlog. SQLite (one worker, no ``LATERAL``) walks.

    An ordered line's head received after the ``horizon`` (the oldest event not yet fanned
    out) is not due yet (:mod:`.ordering`)."""
    due = select(Delivery.id).where(due_for_sending(now), ordering.claimable(horizon))
    if not skip:
        return due.order_by(Delivery.next_attempt_at).limit(limit).with_for_update(skip_locked=True)
    if session.get_bind().dialect.name != "postgresql":
        due = due.where(Delivery.subscription_id.not_in(skip))
        return due.order_by(Delivery.next_attempt_at).limit(limit).with_for_update(skip_locked=True)
    earliest = (
        select(Delivery.id, Delivery.next_attempt_at)
        .where(Delivery.subscription_id == Subscription.id, due_for_sending(now), ordering.claimable(horizon))
        .order_by(Delivery.next_attempt_at, Delivery.id)  # the index's order, no other's
        .limit(limit)
        .lateral("earliest")
    )
    candidates = (
        await session.scalars(
            select(earliest.c.id)
            .select_from(Subscription)
            .join(earliest, true())
            .where(Subscription.id.not_in(skip))
            .order_by(earliest.c.next_attempt_at)
            .limit(limit)
        )
    ).all()
    return due.where(Delivery.id.in_(candidates)).with_for_update(skip_locked=True)


async def cancel(session: AsyncSession, cancelled: Sequence[tuple[uuid.UUID, str]]) -> None:
    """End these deliveries ``cancelled``, each with its reason (never silently): one
    executemany by primary key, not a statement a row."""
    if not cancelled:
        return
    await session.execute(
        update(Delivery),
        [
            {
                "id": delivery_id,
                "status": DeliveryStatus.CANCELLED,
                "status_reason": reason,
                "locked_until": None,
                "next_attempt_at": None,
            }
            for delivery_id, reason in cancelled
        ],
    )


def expiry_reason(expires_at: datetime) -> str:
    return f"deadline {expires_at.isoformat(timespec='seconds')} passed"


def _expired_because(delivery: Delivery) -> str:
    assert delivery.expires_at is not None
    reason = expiry_reason(delivery.expires_at)
    if delivery.attempts > delivery.chain_offset:
        reason += f" after {delivery.attempts - delivery.chain_offset} failed attempt(s)"
    return reason


async def expire(session: AsyncSession, expired: Sequence[Delivery], now: datetime) -> None:
    """End these open deliveries ``expired`` (their deadline passed before an attempt was
    due), and count them in their subscriptions' minute rows."""
    if not expired:
        return
    await session.execute(
        update(Delivery),
        [
            {
                "id": delivery.id,
                "status": DeliveryStatus.EXPIRED,
                "status_reason": _expired_because(delivery),
                "locked_until": None,
                "next_attempt_at": None,
                "updated_at": now,
            }
            for delivery in expired
        ],
    )
    await add_expired(session, [(d.subscription_id, d.application_id) for d in expired], now)


async def release(sessions: SessionFactory, ids: Sequence[uuid.UUID], due_at: datetime | None = None) -> None:
    """Give up the leases of deliveries this worker will not send: they are due again now for
    any worker — or at ``due_at`` (a paused subscription's) — not an attempt; nothing is
    recorded."""
    values: dict[str, datetime | None] = {"locked_until": None}
    if due_at is not None:
        values["next_attempt_at"] = due_at
    async with sessions() as session, session.begin():
        await session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


async def release_all(session: AsyncSession) -> None:
    """Free every delivery lease (only when this is the one worker, so any lease is a dead
    process's)."""
    await session.execute(
        update(Delivery).values(locked_until=None).where(Delivery.locked_until.is_not(None))
    )


@dataclass(frozen=True)
class AttemptRecord:
    """One finished attempt and what it makes of its delivery."""

    delivery_id: uuid.UUID
    number: int
    started_at: datetime
    result: NotifierResult
    outcome: Outcome


# A Core statement run with executemany; the status guard keeps a cancel or replay that
# happened meanwhile from being overwritten.
_RECORD = (
    update(DELIVERIES)
    .where(
        DELIVERIES.c.id == bindparam("b_id"),
        # an IN list cannot be used with executemany
        or_(DELIVERIES.c.status == DeliveryStatus.PENDING, DELIVERIES.c.status == DeliveryStatus.RETRYING),
    )
    .values(
        status=bindparam("b_status"),
        attempts=bindparam("b_attempts"),
        next_attempt_at=bindparam("b_next"),
        locked_until=None,
        last_status_code=bindparam("b_code"),
        status_reason=bindparam("b_reason"),
        first_attempt_at=func.coalesce(DELIVERIES.c.first_attempt_at, bindparam("b_started")),
        last_attempt_at=bindparam("b_started"),
        updated_at=bindparam("b_now"),
    )
)


async def record_attempts(
    session: AsyncSession, records: Sequence[AttemptRecord], *, now: datetime, excerpt_bytes: int
) -> None:
    """Append the attempts (a multi-row insert), move each delivery to its outcome, freeing
    its lease (one executemany update), and add them to the per-minute counters."""
    attempts = [
        {
            "delivery_id": record.delivery_id,
            "number": record.number,
            "started_at": record.started_at,
            "duration_ms": round(record.result.duration_ms, 3),
            "success": record.result.success,
            "retryable": record.result.retryable,
            "status_code": record.result.status_code,
            "response": record.result.detail[:excerpt_bytes] if record.result.detail else None,
        }
        for record in records
    ]
    updates = [
        {
            "b_id": record.delivery_id,
            "b_status": str(record.outcome.status),
            "b_attempts": record.number,
            "b_next": record.outcome.next_attempt_at,
            "b_code": record.result.status_code,
            "b_reason": record.outcome.reason,
            "b_started": record.started_at,
            "b_now": now,
        }
        for record in records
    ]
    await session.execute(ATTEMPTS.insert(), attempts)
    connection = await session.connection()
    await connection.execute(_RECORD, updates)
    await add_attempts(
        session,
        [Counted(r.delivery_id, r.started_at, str(r.outcome.status), r.result.duration_ms) for r in records],
    )


async def restart(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    """A replay: finished deliveries become ``pending`` again on the same id, due now, with a
    new chain (``chain_offset`` = the attempts so far, so a full retry budget) and no
    deadline (a replay is someone's explicit "send it now": an ``expired`` one's deadline,
    kept, would only expire it again). A scheduled delivery (``pending``, due later, no
    attempt yet) is made due now: a replay sends it at once, keeping its deadline. An
    ordered one goes to the end of its line (:func:`.ordering.requeue`)."""
    now = utcnow()
    requeued = await ordering.requeue(session, ids, now)
    rest = [delivery_id for delivery_id in ids if delivery_id not in requeued]
    if not rest:
        return
    await session.execute(
        update(Delivery)
        .where(and_(Delivery.id.in_(rest), Delivery.status.in_(FINISHED)))
        .values(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            locked_until=None,
            status_reason=None,
            chain_offset=Delivery.attempts,
            expires_at=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Delivery)
        .where(and_(Delivery.id.in_(ids), scheduled(now)))
        .values(next_attempt_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def is_scheduled(delivery: Delivery, now: datetime) -> bool:
    """:func:`scheduled`, of one loaded delivery."""
    due = delivery.next_attempt_at
    return (
        delivery.status == DeliveryStatus.PENDING
        and delivery.attempts == delivery.chain_offset
        and delivery.locked_until is None
        and due is not None
        and due > now
    )


def scheduled(now: datetime) -> ColumnElement[bool]:
    """A delivery waiting for its scheduled send: ``pending``, no attempt in its chain, due
    later, not leased."""
    return and_(
        Delivery.status == DeliveryStatus.PENDING,
        Delivery.attempts == Delivery.chain_offset,
        Delivery.next_attempt_at > now,
        Delivery.locked_until.is_(None),
    )
