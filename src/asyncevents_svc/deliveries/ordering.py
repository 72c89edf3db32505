"""Opt-in FIFO ordering: one delivery at a time per (subscription, ordering key).

A subscription with ``ordering = "fifo"`` gives each of its deliveries, at fan-out, an
``ordering_key`` (:func:`key_of`: the JSON of the payload value at the subscription's
``ordering_key`` path, or ``""`` — one shared key — when it has no path or the payload lacks
it) and an ``ordered_at``: its event's ``received_at`` (events of one request are a
microsecond apart, in the request's order).

A key's open deliveries form a line. Only its **head** is *released* (``next_attempt_at``
set); the others wait with ``next_attempt_at`` NULL, so the scheduler's claim of due work
(``ix_deliveries_open_due``) never sees them, however long the line. The head is retried,
on its schedule, until it ends — delivered, dead or cancelled — and then :func:`release_next`
releases the key's next (oldest ``ordered_at``, then id) in the transaction that records the
outcome, leased to the worker that recorded it, which sends it at once. Every change of a
key's line (fan-out, release, replay) first takes a transaction-scoped advisory lock on the
key (PostgreSQL; SQLite has one writer), so two workers never release two heads of a key:
which delivery is released is decided in the database, not in a worker's memory.

One more condition holds a released head back: the **horizon** (:func:`horizon`), the
``received_at`` of the oldest event still ``accepted`` (not yet fanned out). A head received
after it is not sent until that event has been fanned out, since the older event may add a
delivery ahead of it to the same line. So an event fanned out late (its broker hint lost:
up to ``worker.sweep_after``) holds every ordered line of the service behind it until then.

When a late event's delivery arrives ahead of a released head that was never attempted, the
head goes back to waiting and the newcomer is released; a head already attempted (or being
sent) keeps its place, and the newcomer follows it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import orjson
from sqlalchemy import ColumnElement, Table, and_, bindparam, func, or_, select, text, true, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.db.models import Delivery, Event, Subscription
from asyncevents_svc.deliveries.status import FINISHED, OPEN, DeliveryStatus
from asyncevents_svc.events.status import EventStatus
from asyncevents_svc.subscriptions.filters import parse_path, value_at

FIFO = "fifo"
NONE = "none"
ORDERINGS = (NONE, FIFO)
Key = tuple[int, str]  # (subscription id, ordering key)


def key_of(sub: Subscription, payload: Any) -> str | None:
    """The ordering key of ``sub``'s delivery of ``payload``; ``None``: unordered."""
    if sub.ordering != FIFO:
        return None
    if not sub.ordering_key:
        return ""
    found, value = value_at(payload, parse_path(sub.ordering_key, "ordering_key"))
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode() if found else ""


def ordered_open(sub_id: int, key: str) -> ColumnElement[bool]:
    """The open deliveries of one line (``ix_deliveries_ordered``)."""
    return and_(
        Delivery.subscription_id == sub_id,
        Delivery.ordering_key == key,
        Delivery.status.in_(OPEN),
    )


async def lock(session: AsyncSession, keys: Iterable[Key]) -> None:
    """Take the advisory locks of these lines until the transaction ends, in one order (no
    deadlock between two transactions taking several). SQLite writes one transaction at a
    time: there a no-op write takes the database's write lock now, before the line is read
    (a read first would let another writer commit between the read and the write)."""
    wanted = sorted(set(keys))
    if not wanted:
        return
    if session.get_bind().dialect.name != "postgresql":
        await session.execute(text("UPDATE deliveries SET attempts = attempts WHERE 0 = 1"))
        return
    await session.execute(
        text(
            "SELECT pg_advisory_xact_lock(s, hashtext(k)) FROM unnest(CAST(:subs AS integer[]), "
            "CAST(:keys AS text[])) AS t(s, k) ORDER BY s, hashtext(k)"
        ),
        {"subs": [sub for sub, _ in wanted], "keys": [key for _, key in wanted]},
    )


async def horizon(session: AsyncSession, besides: Sequence[uuid.UUID] = ()) -> datetime | None:
    """The ``received_at`` of the oldest event not yet fanned out (but those of
    ``besides``, being fanned out in this transaction); ``None``: none. A head received at
    or after it waits (``ix_events_status``: one index read)."""
    query = select(func.min(Event.received_at)).where(Event.status == EventStatus.ACCEPTED)
    if besides:
        query = query.where(Event.id.not_in(besides))
    found: datetime | None = await session.scalar(query)
    return found


def before(ordered_at: datetime | None, limit: datetime | None) -> bool:
    return limit is None or (ordered_at is not None and ordered_at < limit)


@dataclass
class Placed:
    """Where fan-out puts a new ordered delivery: ``released`` (the head) or waiting, and
    ``send`` (released and before the horizon: sent at once by the fan-out's worker)."""

    released: bool = False
    send: bool = False


@dataclass(frozen=True)
class Newcomer:
    id: uuid.UUID
    subscription_id: int
    key: str
    ordered_at: datetime


async def place(
    session: AsyncSession, new: Sequence[Newcomer], *, now: datetime, limit: datetime | None
) -> dict[uuid.UUID, Placed]:
    """Decide, under the lines' locks, which new ordered deliveries are released (and sent
    at once: before the horizon ``limit``); demotes a released head never attempted that a
    newcomer precedes."""
    if not new:
        return {}
    keys = {(n.subscription_id, n.key) for n in new}
    await lock(session, keys)
    heads = {
        (row.subscription_id, row.ordering_key): row
        for row in await session.execute(
            select(
                Delivery.id,
                Delivery.subscription_id,
                Delivery.ordering_key,
                Delivery.ordered_at,
                Delivery.attempts,
                Delivery.locked_until,
            ).where(
                tuple_(Delivery.subscription_id, Delivery.ordering_key).in_(sorted(keys)),
                Delivery.status.in_(OPEN),
                Delivery.next_attempt_at.is_not(None),
            )
        )
    }
    placed: dict[uuid.UUID, Placed] = {}
    demoted: list[uuid.UUID] = []
    taken: set[Key] = set()  # lines whose head is one of ``new``
    for n in sorted(new, key=lambda n: (n.subscription_id, n.key, n.ordered_at, n.id)):
        where = placed[n.id] = Placed()
        key = (n.subscription_id, n.key)
        if key in taken:
            continue
        head = heads.get(key)
        if head is not None:
            never_sent = head.attempts == 0 and (head.locked_until is None or head.locked_until <= now)
            if not (never_sent and head.ordered_at is not None and n.ordered_at < head.ordered_at):
                continue
            demoted.append(head.id)
        where.released = True
        where.send = before(n.ordered_at, limit)
        taken.add(key)
    if demoted:
        await session.execute(
            update(Delivery)
            .where(Delivery.id.in_(demoted), Delivery.attempts == 0)
            .values(next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
    return placed


async def release_next(
    session: AsyncSession, keys: Iterable[Key], *, now: datetime, locked_until: datetime
) -> list[uuid.UUID]:
    """After heads ended: release the next delivery of each of these lines that has no head
    now; those before the horizon are leased (``locked_until``) to the caller, who sends
    them, and returned."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    await lock(session, wanted)
    busy: set[Key] = set(
        (row.subscription_id, str(row.ordering_key))
        for row in (
            await session.execute(
                select(Delivery.subscription_id, Delivery.ordering_key).where(
                    tuple_(Delivery.subscription_id, Delivery.ordering_key).in_(wanted),
                    Delivery.status.in_(OPEN),
                    Delivery.next_attempt_at.is_not(None),
                )
            )
        ).all()
    )
    limit = await horizon(session)
    leased: list[uuid.UUID] = []
    released: list[uuid.UUID] = []
    scheduled: dict[datetime, list[uuid.UUID]] = {}
    for sub_id, key in wanted:
        if (sub_id, key) in busy:
            continue
        row = (
            await session.execute(
                select(Delivery.id, Delivery.ordered_at, Event.deliver_at)
                .join(Event, Event.id == Delivery.event_id)
                .where(ordered_open(sub_id, key))
                .order_by(Delivery.ordered_at, Delivery.id)
                .limit(1)
            )
        ).first()
        if row is None:
            continue
        if row.deliver_at is not None and row.deliver_at > now:
            # The next one's event is scheduled: it heads the line and waits for its time.
            scheduled.setdefault(row.deliver_at, []).append(row.id)
        else:
            (leased if before(row.ordered_at, limit) else released).append(row.id)
    if released:
        await _release(session, released, now, None)
    for due_at, ids in scheduled.items():
        await _release(session, ids, due_at, None)
    if leased:
        await _release(session, leased, now, locked_until)
    return leased


async def _release(
    session: AsyncSession, ids: list[uuid.UUID], now: datetime, locked_until: datetime | None
) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids))
        .values(next_attempt_at=now, locked_until=locked_until)
        .execution_options(synchronize_session=False)
    )


async def requeue(session: AsyncSession, ids: Sequence[uuid.UUID], now: datetime) -> set[uuid.UUID]:
    """A replay of ordered deliveries (those of ``ids`` that are finished and ordered): each
    goes to the end of its line, after the deliveries open now, in its old order among those
    replayed together; released only where its line is empty. Returns the ids it handled."""
    rows = (
        await session.execute(
            select(Delivery.id, Delivery.subscription_id, Delivery.ordering_key, Delivery.ordered_at)
            .where(Delivery.id.in_(ids), Delivery.status.in_(FINISHED), Delivery.ordering_key.is_not(None))
            .order_by(Delivery.ordered_at, Delivery.id)
        )
    ).all()
    if not rows:
        return set()
    keys = {(row.subscription_id, str(row.ordering_key)) for row in rows}
    await lock(session, keys)
    busy: set[Key] = set(
        (row.subscription_id, str(row.ordering_key))
        for row in (
            await session.execute(
                select(Delivery.subscription_id, Delivery.ordering_key)
                .where(
                    tuple_(Delivery.subscription_id, Delivery.ordering_key).in_(sorted(keys)),
                    Delivery.status.in_(OPEN),
                )
                .distinct()
            )
        ).all()
    )
    updates = []
    for index, row in enumerate(rows):
        key = (row.subscription_id, str(row.ordering_key))
        released = key not in busy
        busy.add(key)
        updates.append(
            {
                "b_id": row.id,
                "b_ordered": now + timedelta(microseconds=index),
                "b_next": now if released else None,
            }
        )
    table = cast(Table, Delivery.__table__)
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            status=DeliveryStatus.PENDING,
            ordered_at=bindparam("b_ordered"),
            next_attempt_at=bindparam("b_next"),
            locked_until=None,
            status_reason=None,
            chain_offset=table.c.attempts,
            updated_at=now,
        )
    )
    connection = await session.connection()
    await connection.execute(statement, updates)
    return {row.id for row in rows}


async def cancel_lines(session: AsyncSession, subscription_id: int, application_id: int, reason: str) -> int:
    """End every open ordered delivery of a subscription that is off or gone ``cancelled``
    (its waiting ones too, which no claim would ever see); the number cancelled."""
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.subscription_id == subscription_id,
            Delivery.application_id == application_id,
            Delivery.status.in_(OPEN),
            Delivery.ordering_key.is_not(None),
        )
        .values(
            status=DeliveryStatus.CANCELLED,
            status_reason=reason,
            locked_until=None,
            next_attempt_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def unorder(session: AsyncSession, subscription_id: int, now: datetime) -> None:
    """A subscription turned from ``fifo`` to ``none``: its open deliveries become
    unordered, and those waiting in a line are due now."""
    await session.execute(
        update(Delivery)
        .where(
            Delivery.subscription_id == subscription_id,
            Delivery.status.in_(OPEN),
            Delivery.ordering_key.is_not(None),
        )
        .values(ordering_key=None, next_attempt_at=func.coalesce(Delivery.next_attempt_at, now))
        .execution_options(synchronize_session=False)
    )


def claimable(limit: datetime | None) -> ColumnElement[bool]:
    """The scheduler's extra condition on due work: unordered, or an ordered head before
    the horizon ``limit``."""
    if limit is None:
        return true()
    return or_(Delivery.ordering_key.is_(None), Delivery.ordered_at < limit)
