"""Ingest: validate an event against the catalogue, then store it durably.

The event row is committed before the caller answers 202; the broker hint comes after and
may be lost (the worker's sweep finds the event anyway).

Idempotency (``events/idempotency.py``): a client ``id`` or ``Idempotency-Key`` is unique
per scope, (``idempotency_scope``, ``idempotency_key``) being a unique index. Every group
of events is one ``INSERT … ON CONFLICT DO NOTHING``; only when rows were left out does
:func:`store` look further, and then one query finds the originals of all of them: same
fingerprint, the original is the answer (``duplicate``); another fingerprint, a
:class:`KeyConflict`. A row left out whose key has no original collided on its id alone
(a UUID key is the event's id when that id is free): it is stored again under a fresh id,
so a UUID that another scope already used neither blocks the event nor reveals it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.db.dialect import insert_ignoring_conflicts
from asyncevents_svc.db.models import Event
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.errors import ValidationFailed
from asyncevents_svc.events import timing
from asyncevents_svc.events.idempotency import Claim, fingerprint
from asyncevents_svc.events.status import EventStatus

# Insert statements per group at most: the second stores, under fresh ids, events whose
# UUID key was taken as an id; a third only ever runs after a random-UUID collision.
MAX_ROUNDS = 3


@dataclass(frozen=True)
class NewEvent:
    """A validated event, ready to insert."""

    id: uuid.UUID
    name: str
    arguments: dict[str, Any]
    store_id: int
    claim: Claim | None  # its idempotency key, if the producer sent one
    source: str = "http"
    status: str = EventStatus.ACCEPTED
    error: str | None = None
    trace_context: str | None = None  # the accepting request's traceparent (tracing on)
    application_id: int | None = None  # published to this application only; None: to all
    deliver_at: datetime | None = None  # a scheduled send (events/timing.py); None: now
    expires_at: datetime | None = None  # its deliveries' deadline; None: none


@dataclass(frozen=True)
class StoredEvent:
    id: uuid.UUID
    name: str
    status: str
    received_at: datetime
    duplicate: bool


@dataclass(frozen=True)
class KeyConflict:
    """The key was already used, in the same scope, for a different event: nothing was
    stored, and nothing of the other event is told."""

    key: str


Ingested = StoredEvent | KeyConflict


def normalise_key(key: str | None) -> tuple[str | None, uuid.UUID]:
    """The stored key and the event id: a UUID key is canonicalised and becomes the id."""
    if key is None:
        return None, uuid.uuid4()
    try:
        as_uuid = uuid.UUID(key)
    except ValueError:
        return key, uuid.uuid4()
    return str(as_uuid), as_uuid


def claim(
    key: str | None,
    *,
    scope: str,
    name: str,
    store_id: int,
    arguments: dict[str, Any],
    application_id: int | None = None,
) -> Claim | None:
    """The idempotency claim of an event sent with ``key`` (already normalised), if any."""
    if key is None:
        return None
    content = fingerprint(name=name, store_id=store_id, arguments=arguments, application_id=application_id)
    return Claim(scope, key, content)


def prepare(
    catalogue: Catalogue,
    *,
    name: str,
    arguments: dict[str, Any],
    store_id: int,
    key: str | None,
    scope: str,
    source: str = "http",
    trace_context: str | None = None,
    application_id: int | None = None,
    deliver_at: datetime | None = None,
    expires_at: datetime | None = None,
    ttl: float | None = None,
) -> NewEvent:
    """Check the name (404), arguments and timing (422) now, at ingest, not in the worker.

    ``scope``: whose key it is (``idempotency.of_caller``, or ``idempotency.MAGENTO``);
    ``application_id``: the one application whose subscriptions get it (``None``: all);
    ``deliver_at``, ``expires_at``, ``ttl``: see :mod:`asyncevents_svc.events.timing` (the
    event type's ``ttl`` applies to every source, the Magento ones too)."""
    event_type = catalogue.get(name)
    if event_type.internal:
        raise ValidationFailed("event_name", f"{name!r} is published by the service itself")
    event_type.binding.check_arguments(arguments)
    when = timing.resolve(deliver_at=deliver_at, expires_at=expires_at, ttl=ttl, default_ttl=event_type.ttl)
    stored_key, event_id = normalise_key(key)
    return NewEvent(
        event_id,
        name,
        arguments,
        store_id,
        claim(
            stored_key,
            scope=scope,
            name=name,
            store_id=store_id,
            arguments=arguments,
            application_id=application_id,
        ),
        source,
        trace_context=trace_context,
        application_id=application_id,
        deliver_at=when.deliver_at,
        expires_at=when.expires_at,
    )


@dataclass(frozen=True)
class _Holder:
    """The stored event that holds a (scope, key) slot, as a repeat of it is answered."""

    fingerprint: str | None  # None: stored before fingerprints (migration 0010)
    event: StoredEvent

    def answer(self, claim: Claim) -> Ingested:
        """A repeat of the same event gets the original; a different event, a conflict. A
        row without a fingerprint answers as every repeat did before fingerprints."""
        if self.fingerprint is None or self.fingerprint == claim.fingerprint:
            return self.event
        return KeyConflict(claim.key)


async def store(session: AsyncSession, events: list[NewEvent]) -> list[Ingested]:
    """Insert the events (one statement while nothing conflicts); answer each in order.

    Within the list, a key's first event is the one inserted, and its later ones are its
    repeats; an id that two events share (one UUID key sent in two scopes) stays with the
    first, the other gets a fresh one. So the statement holds each slot and id once, and a
    row left out always collided with a row stored before.
    """
    now = utcnow()
    results: dict[int, Ingested] = {}
    holders: dict[tuple[str, str], _Holder] = {}
    first_of_slot: set[tuple[str, str]] = set()
    repeats: list[tuple[int, Claim]] = []
    ids: set[uuid.UUID] = set()
    pending: dict[int, NewEvent] = {}
    for index, event in enumerate(events):
        if event.claim is not None:
            if event.claim.slot in first_of_slot:
                repeats.append((index, event.claim))
                continue
            first_of_slot.add(event.claim.slot)
        if event.id in ids:
            event = replace(event, id=uuid.uuid4())
        ids.add(event.id)
        pending[index] = event
    for _ in range(MAX_ROUNDS):
        inserted = await _insert(session, pending, now)
        left_out: dict[int, NewEvent] = {}
        for index, event in pending.items():
            if event.id not in inserted:
                left_out[index] = event
                continue
            received = received_at(now, index)
            results[index] = StoredEvent(event.id, event.name, event.status, received, duplicate=False)
            if event.claim is not None:
                repeated = StoredEvent(event.id, event.name, event.status, received, duplicate=True)
                holders[event.claim.slot] = _Holder(event.claim.fingerprint, repeated)
        holders.update(await _holders(session, [e.claim for e in left_out.values() if e.claim]))
        pending = {}
        for index, event in left_out.items():
            holder = holders.get(event.claim.slot) if event.claim else None
            if event.claim is not None and holder is not None:
                results[index] = holder.answer(event.claim)
            else:  # it collided on its id alone
                pending[index] = replace(event, id=uuid.uuid4())
        if not pending:
            break
    else:
        raise RuntimeError(f"{len(pending)} event(s) collided on fresh random ids {MAX_ROUNDS} times")
    for index, repeat in repeats:
        results[index] = holders[repeat.slot].answer(repeat)
    return [results[index] for index in range(len(events))]


def received_at(now: datetime, index: int) -> datetime:
    """The ``index``-th event of a request is received a microsecond after the one before:
    an ordered subscription's deliveries follow received_at (deliveries/ordering.py), so a
    batch keeps its order."""
    return now + timedelta(microseconds=index)


async def _insert(session: AsyncSession, events: dict[int, NewEvent], now: datetime) -> set[uuid.UUID]:
    """``INSERT … ON CONFLICT DO NOTHING`` of ``events`` (by their index in the request);
    the ids of the rows inserted."""
    rows = [
        {
            "id": e.id,
            "name": e.name,
            "arguments": e.arguments,
            "store_id": e.store_id,
            "application_id": e.application_id,
            "idempotency_scope": e.claim.scope if e.claim else None,
            "idempotency_key": e.claim.key if e.claim else None,
            "idempotency_fingerprint": e.claim.fingerprint if e.claim else None,
            "source": e.source,
            "status": e.status,
            "error": e.error,
            "trace_context": e.trace_context,
            "deliver_at": e.deliver_at,
            "expires_at": e.expires_at,
            "received_at": received_at(now, index),
        }
        for index, e in events.items()
    ]
    if not rows:
        return set()
    # Parameters apart from the statement, so its compiled form is cached; SQLAlchemy still
    # sends one multi-row INSERT ("insertmanyvalues"). On the table, through the session's
    # connection: the same transaction without the ORM's bulk-insert bookkeeping (a third of
    # the commit path's CPU at 32 concurrent single POSTs; docs/performance.md).
    table = Event.__table__
    statement = insert_ignoring_conflicts(session, table).returning(table.c.id)
    connection = await session.connection()
    return set((await connection.execute(statement, rows)).scalars().all())


async def _holders(session: AsyncSession, claims: list[Claim]) -> dict[tuple[str, str], _Holder]:
    """The stored events holding these claims' slots, in one query (only after a conflict)."""
    if not claims:
        return {}
    slot = tuple_(Event.idempotency_scope, Event.idempotency_key)
    found = await session.execute(
        select(
            Event.idempotency_scope,
            Event.idempotency_key,
            Event.idempotency_fingerprint,
            Event.id,
            Event.name,
            Event.status,
            Event.received_at,
        ).where(slot.in_(list({c.slot for c in claims})))
    )
    holders: dict[tuple[str, str], _Holder] = {}
    for scope, key, stored_print, id_, name, status, received_at in found:
        if scope is not None and key is not None:  # always: the query matched both
            holders[scope, key] = _Holder(
                stored_print, StoredEvent(id_, name, status, received_at, duplicate=True)
            )
    return holders
